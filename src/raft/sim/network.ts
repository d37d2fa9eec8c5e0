/**
 * The simulated network: every message gets a delivery tick (random delay → reordering),
 * may be dropped or duplicated, and is dropped when a partition cuts its link at delivery
 * time. All randomness comes from the simulator's seeded PRNG.
 */
import type { Message, NodeId } from '../types.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  readonly drop: number;
  /** Probability that a message is delivered twice. */
  readonly dup: number;
  /** Delivery delay in ticks is uniform in [0, maxDelay]. */
  readonly maxDelay: number;
}

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly m: Message;
}

export class SimNetwork {
  #inflight: InFlight[] = [];
  #seq = 0;
  /** Directed links that are cut: "a>b". */
  #cut = new Set<string>();
  faults: NetworkFaults;
  readonly stats = { sent: 0, dropped: 0, duplicated: 0, cut: 0 };

  constructor(
    private readonly rand: () => number,
    faults: NetworkFaults,
  ) {
    this.faults = faults;
  }

  /** Queues m; false if it was lost at once (the transport would report the failure). */
  send(m: Message, now: number): boolean {
    this.stats.sent++;
    if (this.rand() < this.faults.drop) {
      this.stats.dropped++;
      return false;
    }
    const copies = this.rand() < this.faults.dup ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      const at = now + Math.floor(this.rand() * (this.faults.maxDelay + 1));
      this.#inflight.push({ at, seq: this.#seq++, m });
    }
    return true;
  }

  /** Messages due at `now`, shuffled among themselves; those on cut links go to `lost`. */
  due(now: number, lost: (m: Message) => void): Message[] {
    const ready: InFlight[] = [];
    const rest: InFlight[] = [];
    for (const f of this.#inflight) (f.at <= now ? ready : rest).push(f);
    this.#inflight = rest;
    for (let i = ready.length - 1; i > 0; i--) {
      const j = Math.floor(this.rand() * (i + 1));
      [ready[i], ready[j]] = [ready[j], ready[i]];
    }
    const out: Message[] = [];
    for (const f of ready) {
      if (this.isCut(f.m.from, f.m.to)) {
        this.stats.cut++;
        lost(f.m);
      } else out.push(f.m);
    }
    return out;
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.#cut.has(`${from}>${to}`);
  }

  cut(from: NodeId, to: NodeId): void {
    this.#cut.add(`${from}>${to}`);
  }

  /** Symmetric partition into groups: no link between different groups. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const g of groups) for (const h of groups) {
      if (g === h) continue;
      for (const a of g) for (const b of h) this.cut(a, b);
    }
  }

  heal(): void {
    this.#cut.clear();
  }

  get inflightCount(): number {
    return this.#inflight.length;
  }
}
