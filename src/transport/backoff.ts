/**
 * Reconnect delays: exponential in the number of consecutive failures, capped, with
 * "equal jitter" (half fixed, half random) so peers that lost the same anchor do not
 * redial in lockstep, yet never retry at once. The random source is injected so tests
 * and the simulator are reproducible.
 */
export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

export class Backoff {
  readonly #base: number;
  readonly #max: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(opts: BackoffOptions, random: () => number) {
    this.#base = opts.baseMs ?? 50;
    this.#max = opts.maxMs ?? 5000;
    this.#random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#base * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }

  reset(): void {
    this.#failures = 0;
  }
}
