// HashSlotIndex against a Map over seeded random sets and deletes, with hashes chosen to
// collide in their low bits so that probe chains form, wrap around the table and are cut
// by deletions.
import { describe, expect, it } from 'vitest';
import { HashSlotIndex } from './hash-slot-index.js';
import { mulberry32 } from '../raft/rand.js';

describe('HashSlotIndex', () => {
  it.each([
    ['spread', (r: number) => Math.floor(r * 2 ** 32) | 0],
    ['clustered in the low bits', (r: number) => (Math.floor(r * 40) << 12) | 5],
    ['clustered at the table end', (r: number) => (Math.floor(r * 40) << 12) | 31],
  ])('finds what a Map finds, hashes %s', (_name, hashOf) => {
    const random = mulberry32(11);
    const maxEntries = 16;
    const index = new HashSlotIndex(maxEntries);
    const reference = new Map<number, number>();
    const pool = Array.from({ length: 40 }, () => hashOf(random()));
    for (let step = 0; step < 20_000; step++) {
      const hash = pool[Math.floor(random() * pool.length)]!;
      if (random() < 0.5 && (reference.size < maxEntries || reference.has(hash))) {
        const slot = Math.floor(random() * maxEntries);
        index.set(hash, slot);
        reference.set(hash, slot);
      } else {
        index.delete(hash);
        reference.delete(hash);
      }
      for (const h of pool) expect(index.get(h)).toBe(reference.get(h) ?? -1);
    }
  });

  it('replaces the slot of a hash stored again', () => {
    const index = new HashSlotIndex(4);
    index.set(-7, 1);
    index.set(-7, 3);
    expect(index.get(-7)).toBe(3);
    index.delete(-7);
    expect(index.get(-7)).toBe(-1);
  });
});
