import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('reconnect backoff', () => {
  it('doubles up to the cap, with jitter in the upper half of each step', () => {
    const lo = new Backoff({ baseMs: 10, maxMs: 100 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => lo.next())).toEqual([5, 10, 20, 40, 50, 50]);
    const hi = new Backoff({ baseMs: 10, maxMs: 100 }, () => 0.999999);
    expect(Math.round(hi.next())).toBe(10);
  });

  it('starts over after a success', () => {
    const b = new Backoff({ baseMs: 10, maxMs: 1000 }, () => 0.5);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(7.5);
  });
});
