/**
 * Whether a synced WAL batch is written on the event loop (a blocking O_DSYNC write) or on
 * libuv's thread pool.
 *
 * The thread pool costs two cross-thread wake-ups per write: the worker's, then the event
 * loop's when the worker is done. On the 2-core VM the benchmarks run on, with three anchors
 * writing together, that was 343–403 µs per 280-byte write against 270 µs inline, and a
 * sequential registration through a 3-anchor group took 1.8–2.1 ms against 1.4–1.6 ms
 * (bench/README.md, "Registration"). Throughput at 64 connections did not change.
 *
 * While the write runs inline the anchor answers nothing, DNS included. So it runs inline
 * only while the disk is fast: a moving average of recent write times under `maxMs`, and a
 * batch no larger than `maxBytes`. A disk that slows down (a stalled device, a host under
 * I/O pressure) sends writes back to the thread pool after one write of 5 ms or more, or a
 * few slower than 1 ms, and they come back once the average falls again. While a write
 * runs inline the anchor neither answers DNS nor sends Raft heartbeats. The WAL also keeps them off the event loop while
 * a snapshot file is being written (wal.ts): that file's fsync can hold a small write
 * behind it in the file system's journal.
 *
 * Known limit (eighth session, bench/README.md "Registration"): another process's fsync
 * does the same, and the average reacts only after the write that blocked: three anchors
 * on one disk were all blocked here for 531 ms at once. Writing every batch on the thread
 * pool instead cost leader changes, because a follower sends no heartbeat response while
 * its write is in flight (SegmentGroup#handle); that must change first.
 */
export interface InlineWriteLimits {
  /** Average write time at or above which writes leave the event loop. 0 turns inline writes off. */
  readonly maxMs: number;
  /** Batches larger than this always go to the thread pool (a follower catching up, say). */
  readonly maxBytes: number;
}

export const DEFAULT_INLINE_WRITE_LIMITS: InlineWriteLimits = { maxMs: 1, maxBytes: 64 * 1024 };

/** Weight of the newest write in the moving average: about the last ten writes count. */
const NEWEST_WEIGHT = 0.2;

export class InlineWritePolicy {
  readonly #limits: InlineWriteLimits;
  #averageMs = 0;

  constructor(limits: InlineWriteLimits = DEFAULT_INLINE_WRITE_LIMITS) {
    this.#limits = limits;
  }

  /** Whether a batch of `bytes` should be written on the event loop now. */
  inline(bytes: number): boolean {
    return bytes <= this.#limits.maxBytes && this.#averageMs < this.#limits.maxMs;
  }

  /** Records how long a synced write took, inline or not. */
  observe(ms: number): void {
    this.#averageMs += (ms - this.#averageMs) * NEWEST_WEIGHT;
  }

  get averageMs(): number {
    return this.#averageMs;
  }
}
