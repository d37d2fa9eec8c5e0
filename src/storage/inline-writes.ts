/**
 * Whether a synced WAL batch is written on the event loop (a blocking O_DSYNC write) or on
 * libuv's thread pool. Off by default: the anchor writes every batch on the thread pool.
 *
 * The thread pool costs two cross-thread wake-ups per write: the worker's, then the event
 * loop's when the worker is done. On the 2-core benchmark VM, with three anchors writing
 * together, that was once 343–403 µs per 280-byte write against 270 µs inline, and a
 * sequential registration through a 3-anchor group 1.8–2.1 ms against 1.4–1.6 ms; in the
 * eighth session's A/B on a slower disk it made no difference at 1 and 16 connections
 * (bench/HISTORY.md, "Registration through Raft").
 *
 * Why off: while a write runs inline the anchor answers nothing, DNS included, and sends no
 * Raft heartbeats, and a disk can stall without warning. CPU profiles of a 3-anchor group
 * under write load (eighth session) found all three anchors blocked in the inline write at
 * the same instant for 531 ms, and again for 350 ms: another process's fsync (here another
 * anchor's snapshot) held every small O_DSYNC write behind it in the file system's journal.
 * The moving average below moves writes off the loop only after such a write has already
 * blocked it, so it cannot prevent that. A DNS server must keep answering from memory
 * while its disk is slow; the write's own latency is the price.
 *
 * That became possible in the ninth session: the first try (eighth session) cost three
 * leader changes in one benchmark run, because a follower whose write was in flight sent
 * no heartbeat response until it ended. Messages that promise nothing durable now leave
 * while a write is in flight (RawNode.takeMessagesSendableBeforePersist, SegmentGroup);
 * four api runs, two per arm alternated, then gave no leader change in either and the
 * same write rates within the noise (bench/HISTORY.md, "Registration through Raft").
 *
 * When enabled (a caller passes `maxMs` > 0, as the WAL tests do), a write runs inline only
 * while a moving average of recent write times is under `maxMs` and the batch is at most
 * `maxBytes`; one write of 5 ms or more, or a few slower than 1 ms, sends writes back to the
 * thread pool until the average falls again. The WAL also keeps writes off the event loop
 * while one of its own snapshot files is being written (wal.ts).
 */
export interface InlineWriteLimits {
  /** Average write time at or above which writes leave the event loop. 0 turns inline writes off. */
  readonly maxMs: number;
  /** Batches larger than this always go to the thread pool (a follower catching up, say). */
  readonly maxBytes: number;
}

/** Off (`maxMs` 0): every batch goes to the thread pool (see above). */
export const DEFAULT_INLINE_WRITE_LIMITS: InlineWriteLimits = { maxMs: 0, maxBytes: 64 * 1024 };

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
