// The collection before listening: it runs, frees what is garbage, gives back the young
// generation loading grew, and leaves the anchor's own globals without a `gc`.
import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectLoadGarbage, loadGarbageCollection } from './load-garbage.js';

function newSpaceMiB(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;
}

describe('collectLoadGarbage', () => {
  it('collects unreachable objects and exposes nothing globally', async () => {
    let garbage: object | undefined = { payload: new Array(1000).fill('x') };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    // A WeakRef keeps its target alive until the current job ends (ECMA-262 KeepDuringJob).
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectLoadGarbage();
    expect(ref.deref()).toBeUndefined();
    expect('gc' in globalThis).toBe(false);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  // `npm run build` builds native/heap-trim.cc (.ci/run installs the C++ compiler), so the
  // low-memory collection is what a built anchor runs when node has a young-generation floor.
  it('runs the low-memory collection only under a young-generation floor', () => {
    expect(loadGarbageCollection(['--max-semi-space-size=64', '--min-semi-space-size=16'])).toBe('low-memory');
    expect(loadGarbageCollection(['--min_semi_space_size=8'])).toBe('low-memory');
    expect(loadGarbageCollection(['--max-semi-space-size=64'])).toBe('full');
    expect(loadGarbageCollection([])).toBe('full');
  });

  it('shrinks the young generation that a burst of allocation grew, and only under a floor', () => {
    const grow = (): number => {
      // Objects that live through a few scavenges, as a zone load's do, make V8 grow it.
      let window: object[] = [];
      for (let i = 0; i < 300_000; i++) {
        window.push({ i, pair: [i, i + 1], label: `x${i}` });
        if (window.length > 50_000) window = window.slice(25_000);
      }
      expect(window.length).toBeGreaterThan(0);
      return newSpaceMiB();
    };
    let grown = grow();
    expect(grown).toBeGreaterThan(4);
    collectLoadGarbage([]); // no floor: a plain collection leaves it as loading grew it
    expect(newSpaceMiB()).toBeGreaterThan(grown / 2);
    grown = grow();
    collectLoadGarbage(['--min-semi-space-size=16']);
    expect(newSpaceMiB()).toBeLessThan(grown / 4);
  });
});
