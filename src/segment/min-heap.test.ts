import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops in order whatever the order of pushes, duplicates included', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    // A fixed pseudo-random sequence (LCG): the same run every time.
    let seed = 7;
    const pushed: number[] = [];
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      pushed.push(seed % 100);
      heap.push(seed % 100);
    }
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(popped).toEqual([...pushed].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });

  it('interleaves pushes and pops, and clears', () => {
    const heap = new MinHeap<{ at: number }>((a, b) => a.at < b.at);
    heap.push({ at: 5 });
    heap.push({ at: 1 });
    expect(heap.pop()).toEqual({ at: 1 });
    heap.push({ at: 3 });
    expect(heap.peek()).toEqual({ at: 3 });
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });
});
