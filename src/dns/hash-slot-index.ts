/**
 * A map from a 32-bit hash to a slot number, in one Int32Array: open addressing with
 * linear probing and backward-shift deletion (Knuth, TAOCP vol. 3, §6.4, Algorithm R), so
 * no tombstones build up under constant eviction.
 *
 * Why not a Map keyed by the cache key string: at a million names the response cache
 * misses ~90 % of the time, and a miss in V8's Map needs the key string made and hashed,
 * then a bucket, an entry and the stored key read from three places in a 100k-entry table:
 * cache misses that cost ~1.6 µs per query (bench/HISTORY.md, Scale). Here a miss is one
 * probe into a table whose hash and slot sit side by side, and no key string is made.
 *
 * Each hash maps to at most one slot: the owner (ResponseCache) keeps one entry per hash,
 * letting a rare 32-bit collision replace the older entry, and checks the key itself.
 */
const EMPTY = 0;

export class HashSlotIndex {
  /** Pairs [hash, slot + 1]; slot + 1 === 0 marks an empty place. */
  readonly #table: Int32Array;
  readonly #mask: number;

  /** An index for up to `maxEntries` hashes, kept at most half full. */
  constructor(maxEntries: number) {
    let places = 8;
    while (places < maxEntries * 2) places *= 2;
    this.#table = new Int32Array(places * 2);
    this.#mask = places - 1;
  }

  /** The slot stored for `hash`, or -1. */
  get(hash: number): number {
    const t = this.#table;
    for (let at = hash & this.#mask; ; at = (at + 1) & this.#mask) {
      const slotPlusOne = t[2 * at + 1]!;
      if (slotPlusOne === EMPTY) return -1;
      if (t[2 * at] === hash) return slotPlusOne - 1;
    }
  }

  /** Stores `slot` for `hash`, replacing the slot stored for it before. */
  set(hash: number, slot: number): void {
    const t = this.#table;
    let at = hash & this.#mask;
    while (t[2 * at + 1] !== EMPTY && t[2 * at] !== hash) at = (at + 1) & this.#mask;
    t[2 * at] = hash;
    t[2 * at + 1] = slot + 1;
  }

  /** Forgets `hash`; the entries probed past its place move back so every get still finds them. */
  delete(hash: number): void {
    const t = this.#table;
    const mask = this.#mask;
    let hole = hash & mask;
    for (;;) {
      if (t[2 * hole + 1] === EMPTY) return;
      if (t[2 * hole] === hash) break;
      hole = (hole + 1) & mask;
    }
    for (let at = (hole + 1) & mask; t[2 * at + 1] !== EMPTY; at = (at + 1) & mask) {
      const home = t[2 * at]! & mask;
      // The entry at `at` may fill the hole unless its home lies cyclically in (hole, at]:
      // then a probe for it starts after the hole and would never look there.
      const homeAfterHole = hole < at ? home > hole && home <= at : home > hole || home <= at;
      if (homeAfterHole) continue;
      t[2 * hole] = t[2 * at]!;
      t[2 * hole + 1] = t[2 * at + 1]!;
      hole = at;
    }
    t[2 * hole] = 0;
    t[2 * hole + 1] = EMPTY;
  }
}
