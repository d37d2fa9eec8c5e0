/**
 * Whether a leader's writes are arriving back to back, so that the next write's append is
 * likely to carry a commit index before CommitHold's timer would (commit-hold.ts). All
 * three must hold, for a hold of `holdMs`:
 *
 * - the last two batches of writes were proposed within 2 × hold of each other, and the
 *   last within 2 × hold of now;
 * - the last came less than half a hold after the apply before it: the writers answer a
 *   reply at once. One connection writing in a loop proposes ~0.3 ms after each reply on
 *   the benchmark VM, every ~1 ms. A writer that waits between writes is not a stream: the
 *   api benchmark's propagation run, which writes again only once every anchor answers
 *   the last write, had its p99 double when its commits were held;
 * - no follower forwarded a write in the last 2 × hold: a write sent to a follower anchor
 *   gets its 200 once that follower applies it, so its commit must reach it at once.
 *
 * Times are `performance.now()` readings passed in by the caller.
 */
export class WriteStream {
  readonly #holdMs: number;
  #proposedAt = -Infinity;
  /** From the batch before the last to the last. */
  #gap = Infinity;
  #appliedAt = -Infinity;
  /** From the apply before the last batch to that batch: the writers' turn-around. */
  #turnaround = Infinity;
  #forwardedAt = -Infinity;

  constructor(holdMs: number) {
    this.#holdMs = holdMs;
  }

  /** This member proposed a batch of its own writes. */
  proposed(now: number): void {
    this.#gap = now - this.#proposedAt;
    this.#turnaround = now - this.#appliedAt;
    this.#proposedAt = now;
  }

  /** This member applied committed entries. */
  applied(now: number): void {
    this.#appliedAt = now;
  }

  /** A follower forwarded a write to this member (MsgProp). */
  forwarded(now: number): void {
    this.#forwardedAt = now;
  }

  streaming(now: number): boolean {
    const hold = this.#holdMs;
    return hold > 0 && this.#gap < 2 * hold && this.#turnaround < hold / 2 && now - this.#proposedAt < 2 * hold && now - this.#forwardedAt > 2 * hold;
  }
}
