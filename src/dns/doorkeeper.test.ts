import { describe, expect, it } from 'vitest';
import { Doorkeeper } from './doorkeeper.js';
import { mulberry32 } from '../raft/rand.js';

/** Distinct random 32-bit signed hashes, as cache.ts hashKey makes them. */
function hashes(count: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const out = new Set<number>();
  while (out.size < count) out.add((rand() * 2 ** 32) | 0);
  return [...out];
}

describe('Doorkeeper', () => {
  it('admits a key the second time it is seen, not the first', () => {
    const d = new Doorkeeper(1000);
    expect(d.admit(12345)).toBe(false);
    expect(d.admit(12345)).toBe(true);
    expect(d.admit(12345)).toBe(true);
  });

  it('admits keys asked in turn that share low bits (one fingerprint per bucket kept both out)', () => {
    const d = new Doorkeeper(1000);
    const a = 7;
    const b = 7 + (1 << 16);
    const c = 7 - (1 << 20);
    expect([d.admit(a), d.admit(b), d.admit(c)]).toEqual([false, false, false]);
    expect([d.admit(a), d.admit(b), d.admit(c)]).toEqual([true, true, true]);
  });

  it('admits every one of a cycle of keys as large as the cache on its second pass', () => {
    const keys = hashes(30_000, 1);
    const d = new Doorkeeper(30_000);
    for (const k of keys) d.admit(k);
    expect(keys.filter((k) => !d.admit(k))).toHaveLength(0);
  });

  it('forgets what it saw once it has recorded as many keys as the cache holds', () => {
    const d = new Doorkeeper(100);
    d.admit(1);
    for (const k of hashes(100, 2)) if (k !== 1) d.admit(k);
    // The recording after the window clears the filter, so the first key starts again.
    expect(d.admit(1)).toBe(false);
    expect(d.admit(1)).toBe(true);
  });

  it('lets few unseen keys through when full (false positives)', () => {
    // 100,000 keys recorded in a filter sized for 120,000 (2^21 bits): a full window of a
    // 100,000-entry cache. The 10,000 probes are recorded too, within the window.
    const [seen, unseen] = [hashes(100_000, 3), hashes(20_000, 4)];
    const d = new Doorkeeper(120_000);
    for (const k of seen) d.admit(k);
    const seenSet = new Set(seen);
    const probes = unseen.filter((k) => !seenSet.has(k)).slice(0, 10_000);
    const early = probes.filter((k) => d.admit(k)).length;
    expect(early).toBeGreaterThan(0);
    expect(early / probes.length).toBeLessThan(0.05);
  });
});
