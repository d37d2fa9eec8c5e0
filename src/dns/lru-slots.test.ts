// LruSlots against a reference LRU (a Map kept in recency order), over seeded random operations.
import { describe, expect, it } from 'vitest';
import { LruSlots } from './lru-slots.js';
import { mulberry32 } from '../raft/rand.js';

/** The obvious LRU: a Map whose insertion order is recency order (oldest first). */
class ReferenceLru {
  readonly #entries = new Map<string, string>();
  constructor(readonly max: number) {}
  get(key: string): string | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }
  set(key: string, value: string): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
  }
  get size(): number {
    return this.#entries.size;
  }
}

describe('LruSlots', () => {
  it.each([1, 3, 100, 1000])('matches a reference LRU of %i entries over random finds and inserts', (max) => {
    const random = mulberry32(max);
    const slots = new LruSlots(max);
    const values: string[] = [];
    const reference = new ReferenceLru(max);
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(random() * max * 2)}`;
      if (random() < 0.5) {
        const slot = slots.find(key);
        expect(slot < 0 ? undefined : values[slot]).toBe(reference.get(key));
      } else {
        const slot = slots.insert(key);
        expect(slot).toBeGreaterThanOrEqual(0);
        expect(slot).toBeLessThan(max);
        values[slot] = `${key}@${step}`;
        reference.set(key, `${key}@${step}`);
      }
      expect(slots.size).toBe(reference.size);
    }
  });

  it('evicts the least recently used key, a find counting as a use', () => {
    const slots = new LruSlots(2);
    const a = slots.insert('a');
    const b = slots.insert('b');
    expect(slots.find('a')).toBe(a);
    expect(slots.insert('c')).toBe(b); // b was least recently used: c takes its slot
    expect(slots.find('b')).toBe(-1);
    expect(slots.find('a')).toBe(a);
    expect(slots.insert('a')).toBe(a); // present: its own slot, no eviction
    expect(slots.size).toBe(2);
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => new LruSlots(0)).toThrow(/maxEntries/);
    expect(() => new LruSlots(1.5)).toThrow(/maxEntries/);
  });
});
