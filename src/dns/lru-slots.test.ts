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

/** An LRU map built the way ResponseCache uses LruSlots: its own key → slot index and per-slot arrays. */
class SlotLru {
  readonly #slots: LruSlots;
  readonly #slotOf = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #values: string[] = [];
  constructor(max: number) {
    this.#slots = new LruSlots(max);
  }
  get(key: string): string | undefined {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return undefined;
    this.#slots.touch(slot);
    return this.#values[slot];
  }
  set(key: string, value: string): number {
    let slot = this.#slotOf.get(key);
    if (slot !== undefined) {
      this.#slots.touch(slot);
    } else {
      const evicting = this.#slots.full;
      slot = this.#slots.claim();
      if (evicting) this.#slotOf.delete(this.#keys[slot]!);
      this.#slotOf.set(key, slot);
      this.#keys[slot] = key;
    }
    this.#values[slot] = value;
    return slot;
  }
  get size(): number {
    return this.#slots.size;
  }
}

describe('LruSlots', () => {
  it.each([1, 3, 100, 1000])('matches a reference LRU of %i entries over random gets and sets', (max) => {
    const random = mulberry32(max);
    const lru = new SlotLru(max);
    const reference = new ReferenceLru(max);
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(random() * max * 2)}`;
      if (random() < 0.5) {
        expect(lru.get(key)).toBe(reference.get(key));
      } else {
        const slot = lru.set(key, `${key}@${step}`);
        expect(slot).toBeGreaterThanOrEqual(0);
        expect(slot).toBeLessThan(max);
        reference.set(key, `${key}@${step}`);
      }
      expect(lru.size).toBe(reference.size);
    }
  });

  it('hands out unused slots first, then the least recently used, a touch counting as a use', () => {
    const slots = new LruSlots(2);
    const a = slots.claim();
    const b = slots.claim();
    expect([a, b].sort()).toEqual([0, 1]);
    expect(slots.full).toBe(true);
    slots.touch(a);
    expect(slots.claim()).toBe(b); // b was least recently used
    expect(slots.claim()).toBe(a); // then a, since the claim made b the most recent
    expect(slots.size).toBe(2);
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => new LruSlots(0)).toThrow(/maxEntries/);
    expect(() => new LruSlots(1.5)).toThrow(/maxEntries/);
  });
});
