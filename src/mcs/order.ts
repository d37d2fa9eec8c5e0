/**
 * The order a ClusterSetIP answer lists its clusters' addresses in, per query. Clients
 * mostly take the first address, so order is how traffic is steered:
 * - the querying client's own cluster first, when its address is in that cluster's
 *   ranges (users of Lighthouse and CoreDNS asked for exactly this: lighthouse#366);
 * - otherwise the first cluster rotates, each cluster leading in proportion to its
 *   `weight` (smooth weighted round robin, as nginx balances upstreams), and the others
 *   follow in their usual order.
 * Addresses within one cluster keep their registered order.
 */
import type { ClusterGroup, GroupedRRset } from './records.js';

interface Rotation {
  /** Smooth WRR running weights, one per group. */
  readonly current: number[];
}

export class AnswerOrder {
  readonly #rotations = new WeakMap<GroupedRRset, Rotation>();

  /**
   * A permutation of `rrset.rdata` indexes for this query, or undefined when the stored
   * order stands (a single cluster).
   */
  order(rrset: GroupedRRset, clientCluster: string | undefined): number[] | undefined {
    const groups = rrset.groups;
    if (groups.length < 2) return undefined;
    const own = clientCluster === undefined ? -1 : groups.findIndex((g) => g.cluster === clientCluster);
    const lead = own >= 0 ? own : this.#nextLeader(rrset);
    return permutation(groups, lead);
  }

  #nextLeader(rrset: GroupedRRset): number {
    let rotation = this.#rotations.get(rrset);
    if (!rotation) {
      rotation = { current: rrset.groups.map(() => 0) };
      this.#rotations.set(rrset, rotation);
    }
    return smoothWeightedPick(rrset.groups, rotation.current);
  }
}

/** nginx's smooth weighted round robin: spreads each choice evenly over the cycle. */
function smoothWeightedPick(groups: readonly ClusterGroup[], current: number[]): number {
  let total = 0;
  let best = 0;
  for (let i = 0; i < groups.length; i++) {
    current[i]! += groups[i]!.weight;
    total += groups[i]!.weight;
    if (current[i]! > current[best]!) best = i;
  }
  current[best]! -= total;
  return best;
}

/** Indexes of rdata with group `lead` first, then the other groups in stored order. */
function permutation(groups: readonly ClusterGroup[], lead: number): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const g of groups) {
    starts.push(at);
    at += g.count;
  }
  const out: number[] = [];
  const push = (g: number) => {
    for (let k = 0; k < groups[g]!.count; k++) out.push(starts[g]! + k);
  };
  push(lead);
  for (let g = 0; g < groups.length; g++) if (g !== lead) push(g);
  return out;
}
