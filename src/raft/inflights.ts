/**
 * The leader's window of MsgApp messages in flight to one follower in StateReplicate,
 * bounded by maxInflightMsgs (etcd-io/raft tracker/inflights.go). Each slot holds the last
 * index the message carried; acks free every slot up to the acked index.
 */
export class Inflights {
  readonly #size: number;
  #buf: number[] = [];
  #start = 0;

  constructor(size: number) {
    this.#size = size;
  }

  get count(): number {
    return this.#buf.length - this.#start;
  }

  full(): boolean {
    return this.count >= this.#size;
  }

  /** Records a message whose last entry is `index`; indexes must increase. */
  add(index: number): void {
    if (this.full()) throw new Error('raft invariant violated: cannot add into a full inflights');
    this.#buf.push(index);
  }

  /** Frees every message whose last index is ≤ to (they were acknowledged). */
  freeLE(to: number): void {
    while (this.#start < this.#buf.length && this.#buf[this.#start] <= to) this.#start++;
    if (this.#start > 64 && this.#start * 2 > this.#buf.length) {
      this.#buf = this.#buf.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Frees the oldest slot (a heartbeat response showed the follower is alive). */
  freeFirstOne(): void {
    if (this.count > 0) this.#start++;
  }

  reset(): void {
    this.#buf = [];
    this.#start = 0;
  }
}
