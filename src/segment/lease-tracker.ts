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
 */
import type { ExpireLeases } from './commands.js';

export interface Lease {
  readonly namespace: string;
  readonly service: string;
  readonly cluster: string;
  readonly leaseSeconds: number;
  readonly generation: number;
}

export class LeaseTracker {
  readonly #now: () => number;
  /** key → generation seen and the deadline (ms on the injected clock). */
  #deadlines = new Map<string, { generation: number; deadline: number }>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Forget everything: called when this anchor becomes leader (full period for all). */
  reset(): void {
    this.#deadlines.clear();
  }

  /**
   * Checks the current leases; returns the expiries to propose, one command per cluster.
   * Leases gone from the state are forgotten; a lease at a new generation restarts.
   */
  due(leases: Iterable<Lease>): ExpireLeases[] {
    const now = this.#now();
    const next = new Map<string, { generation: number; deadline: number }>();
    const byCluster = new Map<string, ExpireLeases['exports'][number][]>();
    for (const lease of leases) {
      const key = `${lease.namespace}/${lease.service}/${lease.cluster}`;
      const seen = this.#deadlines.get(key);
      const entry = seen && seen.generation === lease.generation ? seen : { generation: lease.generation, deadline: now + lease.leaseSeconds * 1000 };
      next.set(key, entry);
      if (entry.deadline > now) continue;
      const list = byCluster.get(lease.cluster) ?? [];
      list.push({ namespace: lease.namespace, service: lease.service, generation: lease.generation });
      byCluster.set(lease.cluster, list);
    }
    this.#deadlines = next;
    return [...byCluster].map(([cluster, exports]) => ({ op: 'expireLeases', cluster, exports }));
  }
}
