/**
 * The leader's clock for export leases (KEP-1645 README "Endpoint TTL": exports of a
 * cluster that stops renewing must vanish). Only the leader decides expiry, from its own
 * monotonic clock, and sends it through the log as an `expireLeases` command, so every
 * anchor drops the same exports at the same log position and apply stays deterministic.
 *
 * A lease's clock starts when this leader first sees it at its current generation. A new
 * leader therefore grants every lease a full period before expiring anything, even if
 * the old leader was about to expire it: a brief leader change never loses a cluster
 * that kept renewing.
 *
 * The tracker is incremental: it reads every lease once, when its anchor becomes leader
 * (`reset`), then only the services each applied command touched (`update`) and each
 * cluster's heartbeat (`renewed`), and keeps the deadlines in a heap, so the
 * once-a-second check costs the leases that fall due. A pass over every service each
 * second, with a new map of every lease, was 8 % of the leader's long event-loop turns at
 * 150k services under write load (bench/HISTORY.md, Registration through Raft). A heartbeat renews every lease of
 * its cluster at one generation; rather than touch each, the tracker notes the renewal and
 * applies it to a lease when the lease comes due.
 */
import type { ExpireLeases } from './commands.js';
import { MinHeap } from './min-heap.js';
import { serviceKey } from './state.js';

export interface Lease {
  readonly namespace: string;
  readonly service: string;
  readonly cluster: string;
  readonly leaseSeconds: number;
  readonly generation: number;
}

/** One lease as tracked: the heap may still hold older ones, told apart by identity. */
interface Tracked {
  /** The service's key in the state (`namespace/service`). */
  readonly key: string;
  readonly lease: Lease;
  /** Monotonic ms on the injected clock. */
  readonly deadline: number;
}

/** How long an expiry that did not commit (lost with a leader, say) waits to be sent again. */
const RETRY_MS = 1000;

/** The heap is rebuilt when it holds more than twice the live leases plus this. */
const HEAP_SLACK = 1024;

export class LeaseTracker {
  readonly #now: () => number;
  /** service key → cluster → the lease tracked now. */
  readonly #services = new Map<string, Map<string, Tracked>>();
  /** Leases in #services; the heap also holds replaced ones until they surface. */
  #live = 0;
  readonly #deadlines = new MinHeap<Tracked>((a, b) => a.deadline < b.deadline);
  /** cluster → the generation its last heartbeat gave its leases, and when it applied here. */
  readonly #renewals = new Map<string, { readonly generation: number; readonly at: number }>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Deadlines in the heap, replaced ones included (bounded by #compactIfSparse). */
  get heldDeadlines(): number {
    return this.#deadlines.size;
  }

  /** This anchor became leader: every lease gets a full period from now. */
  reset(leases: Iterable<Lease>): void {
    this.clear();
    const now = this.#now();
    for (const lease of leases) this.#track(serviceKey(lease.namespace, lease.service), lease, now + lease.leaseSeconds * 1000);
  }

  /** This anchor stopped leading: nothing to keep until it leads again. */
  clear(): void {
    this.#services.clear();
    this.#deadlines.clear();
    this.#renewals.clear();
    this.#live = 0;
  }

  /**
   * An applied command touched the service at `key`; `leases` are all it holds now. A
   * lease at the generation already tracked keeps its deadline; a new generation (an
   * upsert, or a heartbeat not yet applied to it) starts a full period from when this
   * leader first saw it; a lease no longer held is forgotten.
   */
  update(key: string, leases: readonly Lease[]): void {
    const before = this.#services.get(key);
    if (before !== undefined) {
      this.#live -= before.size;
      this.#services.delete(key);
    }
    for (const lease of leases) {
      const seen = before?.get(lease.cluster);
      if (seen && seen.lease.generation === lease.generation) this.#put(key, seen);
      else this.#track(key, lease, this.#seenAt(lease) + lease.leaseSeconds * 1000);
    }
    this.#compactIfSparse();
  }

  /** A heartbeat of `cluster` applied at log index `generation`: all its leases renewed. */
  renewed(cluster: string, generation: number): void {
    this.#renewals.set(cluster, { generation, at: this.#now() });
  }

  /**
   * The expiries to propose now, one command per cluster. Each is asked again after
   * RETRY_MS until an applied expiry (or renewal) replaces the lease.
   */
  due(): ExpireLeases[] {
    const now = this.#now();
    const byCluster = new Map<string, ExpireLeases['exports'][number][]>();
    for (let top = this.#deadlines.peek(); top !== undefined && top.deadline <= now; top = this.#deadlines.peek()) {
      this.#deadlines.pop();
      const { key, lease } = top;
      if (this.#services.get(key)?.get(lease.cluster) !== top) continue; // replaced or gone
      const renewal = this.#renewals.get(lease.cluster);
      if (renewal !== undefined && renewal.generation > lease.generation) {
        // Renewed by a heartbeat since it was tracked: its period runs from the heartbeat.
        this.#track(key, { ...lease, generation: renewal.generation }, renewal.at + lease.leaseSeconds * 1000);
        continue;
      }
      const list = byCluster.get(lease.cluster) ?? [];
      list.push({ namespace: lease.namespace, service: lease.service, generation: lease.generation });
      byCluster.set(lease.cluster, list);
      this.#track(key, lease, now + RETRY_MS);
    }
    return [...byCluster].map(([cluster, exports]) => ({ op: 'expireLeases', cluster, exports }));
  }

  /** When this leader first saw `lease` at its generation: at its cluster's heartbeat, or now. */
  #seenAt(lease: Lease): number {
    const renewal = this.#renewals.get(lease.cluster);
    return renewal !== undefined && renewal.generation === lease.generation ? renewal.at : this.#now();
  }

  #track(key: string, lease: Lease, deadline: number): void {
    const tracked: Tracked = { key, lease, deadline };
    this.#put(key, tracked);
    this.#deadlines.push(tracked);
  }

  #put(key: string, tracked: Tracked): void {
    let clusters = this.#services.get(key);
    if (!clusters) this.#services.set(key, (clusters = new Map()));
    if (!clusters.has(tracked.lease.cluster)) this.#live++;
    clusters.set(tracked.lease.cluster, tracked);
  }

  /**
   * Replaced leases stay in the heap until their deadline: with long leases and many
   * writes they would pile up, so the heap is rebuilt from the live ones now and then.
   */
  #compactIfSparse(): void {
    if (this.#deadlines.size <= 2 * this.#live + HEAP_SLACK) return;
    this.#deadlines.clear();
    for (const clusters of this.#services.values()) for (const tracked of clusters.values()) this.#deadlines.push(tracked);
  }
}
