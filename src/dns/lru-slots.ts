/**
 * The recency order of an LRU cache with string keys, kept as slot numbers: the owner
 * stores each entry's data in its own arrays at the slot this hands out. Lookups and
 * insertions allocate nothing beyond the Map's own growth (the doubly linked list is two
 * Int32Arrays), so a cache hit on the DNS hot path leaves no garbage for the GC; the
 * lru-cache package's get() left ~120 bytes per call (an options object and more), and
 * garbage per query is what makes the young-generation GC pause answering
 * (bench/README.md, Scale).
 */
const NONE = -1;

export class LruSlots {
  readonly #max: number;
  readonly #slotOf = new Map<string, number>();
  readonly #keys: string[] = [];
  // Links at full size from the start: the pages of a large typed array are not resident
  // until written, so an idle cache costs little.
  readonly #prev: Int32Array;
  readonly #next: Int32Array;
  /** Most recently used slot, or NONE when empty. */
  #head = NONE;
  /** Least recently used slot, or NONE when empty. */
  #tail = NONE;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`LruSlots: maxEntries must be a positive integer, got ${maxEntries}`);
    this.#max = maxEntries;
    this.#prev = new Int32Array(maxEntries);
    this.#next = new Int32Array(maxEntries);
  }

  get size(): number {
    return this.#slotOf.size;
  }

  /** The slot of `key`, now the most recently used; or -1 when absent. */
  find(key: string): number {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return NONE;
    this.#touch(slot);
    return slot;
  }

  /**
   * The slot for `key`, now the most recently used: its own when present, else a new one,
   * or, when full, the least recently used entry's slot (that key is dropped). The caller
   * overwrites the slot's data either way.
   */
  insert(key: string): number {
    const found = this.find(key);
    if (found !== NONE) return found;
    let slot: number;
    if (this.#slotOf.size < this.#max) {
      slot = this.#slotOf.size;
    } else {
      slot = this.#tail;
      this.#slotOf.delete(this.#keys[slot]!);
      this.#unlink(slot);
    }
    this.#keys[slot] = key;
    this.#slotOf.set(key, slot);
    this.#pushFront(slot);
    return slot;
  }

  #touch(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#pushFront(slot);
  }

  #unlink(slot: number): void {
    const before = this.#prev[slot]!;
    const after = this.#next[slot]!;
    if (before === NONE) this.#head = after; else this.#next[before] = after;
    if (after === NONE) this.#tail = before; else this.#prev[after] = before;
  }

  #pushFront(slot: number): void {
    this.#prev[slot] = NONE;
    this.#next[slot] = this.#head;
    if (this.#head === NONE) this.#tail = slot; else this.#prev[this.#head] = slot;
    this.#head = slot;
  }
}
