/**
 * The DNS front end's AnswerShaper for MCS: ClusterSetIP answers from several clusters
 * are ordered per client (order.ts) — the client's cluster is found from the `clusters`
 * address ranges of the config. Answers without cluster groups pass through untouched,
 * at the cost of one property check per answer RRset.
 */
import type { LookupResult, RRset } from '../zone/types.js';
import { cidrContains, type Cidr } from './cidr.js';
import { AnswerOrder } from './order.js';
import type { GroupedRRset } from './records.js';

/** Client addresses remembered per shaper; a busy resolver asks from few addresses. */
const CLIENT_MEMO = 4096;

export class ClusterAnswerShaper {
  readonly #ranges: ReadonlyArray<[string, readonly Cidr[]]>;
  readonly #order = new AnswerOrder();
  readonly #clientCluster = new Map<string, string | undefined>();

  constructor(clusters: Readonly<Record<string, readonly Cidr[]>>) {
    this.#ranges = Object.entries(clusters);
  }

  shape(result: LookupResult, client: string): LookupResult | null {
    const answer = result.answer;
    let shaped: RRset[] | null = null;
    for (let i = 0; i < answer.length; i++) {
      const rrset = answer[i]!;
      if (!isGrouped(rrset)) continue;
      const permutation = this.#order.order(rrset, this.clusterOf(client));
      if (permutation === undefined) continue;
      shaped ??= answer.slice();
      shaped[i] = { owner: rrset.owner, type: rrset.type, ttl: rrset.ttl, rdata: permutation.map((k) => rrset.rdata[k]!) };
    }
    if (shaped === null) return null;
    // Fields written out, not spread: ownersFromQuestion stays behind, so the writer looks
    // each owner up rather than trusting where an exact match's names are (dns/writer.ts).
    return { kind: result.kind, answer: shaped, authority: result.authority, additional: result.additional, additionalRequired: result.additionalRequired };
  }

  /** The cluster whose ranges hold `address`, or undefined. */
  clusterOf(address: string): string | undefined {
    if (this.#ranges.length === 0 || address === '') return undefined;
    if (this.#clientCluster.has(address)) return this.#clientCluster.get(address);
    const found = this.#ranges.find(([, cidrs]) => cidrs.some((c) => cidrContains(c, address)))?.[0];
    if (this.#clientCluster.size >= CLIENT_MEMO) this.#clientCluster.clear();
    this.#clientCluster.set(address, found);
    return found;
  }
}

function isGrouped(rrset: RRset): rrset is GroupedRRset {
  return (rrset as Partial<GroupedRRset>).groups !== undefined;
}
