/**
 * The recency order of an LRU cache, kept as slot numbers: the owner stores each entry's
 * key and data in its own arrays at the slot this hands out, and finds slots by key
 * itself (ResponseCache uses a HashSlotIndex). Nothing here allocates after construction
 * (the doubly linked list is two Int32Arrays), so a cache hit on the DNS hot path leaves
 * no garbage for the GC; the lru-cache package's get() left ~120 bytes per call, and
 * garbage per query is what makes the young-generation GC pause answering
 * (bench/HISTORY.md, Scale).
 */
const NONE = -1;

export class LruSlots {
  readonly #max: number;
  #size = 0;
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
    return this.#size;
  }

  /** True when every slot is in use: the next claim() reuses the least recently used one. */
  get full(): boolean {
    return this.#size === this.#max;
  }

  /** Makes `slot` (one claim() handed out) the most recently used. */
  touch(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#pushFront(slot);
  }

  /**
   * A slot for a new entry, now the most recently used: an unused one while any is left,
   * else the least recently used one, whose entry the caller drops and overwrites.
   */
  claim(): number {
    if (this.#size < this.#max) {
      const slot = this.#size++;
      this.#pushFront(slot);
      return slot;
    }
    const slot = this.#tail;
    this.touch(slot);
    return slot;
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
