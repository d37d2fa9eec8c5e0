/**
 * Where the in-memory log keeps its entries' bytes: chunks of up to 1 MiB, written in log
 * order and reused once the log is compacted past everything in them.
 *
 * Why: every entry used to keep bytes of its own off V8's heap (a proposal's buffer on the
 * leader, the received frame on a follower). They live from append to compaction, up to
 * ~0.75 × services entries, so they are old by then and only a mark-compact frees them:
 * tens of MB retired per snapshot interval. V8 counts such memory as "external", and once
 * it grows 64 MB past what the last mark-compact left, it starts a collection for external
 * memory pressure and, while that marks, does 5–10 ms of marking on the main thread at
 * each further external allocation. Under write load at 300k+ services those collections
 * were the anchors' stalls of 0.15–0.7 s (bench/README.md, Registration). Chunks that are
 * reused are allocated once, so the log no longer adds to external memory as it turns over.
 *
 * Safety: a chunk is reused only when no stored entry lies in it, so its bytes must not be
 * reachable any other way: the log hands out copies, never views (log-mirror.ts).
 */
import { EMPTY_BYTES } from '../raft/types.js';

/** The largest chunk: ~2,500 registrations. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The first chunks are small and each new one is an eighth of what the log holds, up to
 * CHUNK_BYTES: an anchor hosts a group per segment, and most segments' logs are small.
 */
const SMALLEST_CHUNK = 16 << 10;

/** Entries larger than this get a buffer of their own rather than most of a chunk. */
const LARGEST_IN_CHUNK = CHUNK_BYTES >> 2;

interface Chunk {
  readonly bytes: Uint8Array;
  /** Bytes written so far. */
  used: number;
  /** The highest log index written into it: it is free once the log starts above this. */
  maxIndex: number;
}

export class EntryArena {
  /** Chunks holding entries, oldest first; the last one is being written. */
  #chunks: Chunk[] = [];
  /** Chunks no entry lies in, kept for the log to grow into again. */
  #free: Uint8Array[] = [];
  /** Chunks ever allocated (for tests and metrics). */
  allocated = 0;

  /** Copies `data` (of the entry at `index`) in and returns a view of the copy. */
  store(data: Uint8Array, index: number): Uint8Array {
    const n = data.length;
    if (n === 0) return EMPTY_BYTES;
    if (n > LARGEST_IN_CHUNK) return data.slice();
    let chunk = this.#chunks.length === 0 ? undefined : this.#chunks[this.#chunks.length - 1];
    if (chunk === undefined || chunk.used + n > chunk.bytes.length) {
      chunk = { bytes: this.#take(n), used: 0, maxIndex: index };
      this.#chunks.push(chunk);
    }
    const at = chunk.used;
    chunk.bytes.set(data, at);
    chunk.used = at + n;
    // Max, not last: after a new leader overwrites the log's tail, lower indexes follow.
    if (index > chunk.maxIndex) chunk.maxIndex = index;
    return chunk.bytes.subarray(at, at + n);
  }

  /**
   * The log now starts after `index` (compaction): chunks whose entries are all at or below
   * it are free. The chunk being written stays, with its room.
   */
  releaseThrough(index: number): void {
    let k = 0;
    while (k < this.#chunks.length - 1 && this.#chunks[k]!.maxIndex <= index) k++;
    this.#release(k);
  }

  /** The log was emptied (a snapshot replaced it): every chunk is free. */
  releaseAll(): void {
    this.#release(this.#chunks.length);
  }

  /** Bytes of the chunks in use and free. */
  get heldBytes(): number {
    let n = 0;
    for (const c of this.#chunks) n += c.bytes.length;
    for (const b of this.#free) n += b.length;
    return n;
  }

  /** Chunks in use and free (for tests). */
  get counts(): { inUse: number; free: number } {
    return { inUse: this.#chunks.length, free: this.#free.length };
  }

  /** A chunk with room for `n` bytes: a free one if it fits, else a new one. */
  #take(n: number): Uint8Array {
    const reused = this.#free.pop();
    if (reused !== undefined && reused.length >= n) return reused;
    let held = 0;
    for (const c of this.#chunks) held += c.bytes.length;
    let size = SMALLEST_CHUNK;
    while (size < CHUNK_BYTES && (size < n || size * 8 < held)) size *= 2;
    this.allocated++;
    return new Uint8Array(size);
  }

  /**
   * Frees the oldest `k` chunks. Keeps as many free chunks as the log used before this
   * release: it grows back to about that size by the next compaction. A log that shrank
   * for good gives the rest back.
   */
  #release(k: number): void {
    if (k === 0) return;
    const inUseBefore = this.#chunks.length;
    for (let i = 0; i < k; i++) this.#free.push(this.#chunks[i]!.bytes);
    this.#chunks = this.#chunks.slice(k);
    if (this.#free.length > inUseBefore) this.#free.length = inUseBefore;
  }
}
