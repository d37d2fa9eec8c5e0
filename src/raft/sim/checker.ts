/**
 * Safety properties checked after every simulator step (Raft paper Fig. 3):
 *  - Election safety: at most one leader per term.
 *  - Log matching: two entries with the same index and term have the same data and the
 *    same preceding term (so, by induction, identical prefixes).
 *  - Leader completeness: a new leader's log holds every entry committed so far.
 *  - State machine safety: every node applies the same entry at each index.
 * Violations throw; the simulator adds the seed and the recent trace.
 */
import type { Raft } from '../raft.js';
import type { Applied } from '../testing/host.js';
import type { Entry, NodeId } from '../types.js';

const dec = new TextDecoder();

export class SafetyChecker {
  #leaderOfTerm = new Map<number, NodeId>();
  /** "index/term" → data + preceding term, for log matching. */
  #entries = new Map<string, string>();
  /** index → "term:data" of the applied (hence committed) entry. */
  #committed = new Map<number, string>();
  #maxCommitted = 0;
  readonly stats = { leaders: 0, checkedApplies: 0 };

  /** Election safety, and leader completeness when `id` is newly seen as leader of `term`. */
  observeRole(id: NodeId, r: Raft): void {
    if (r.role !== 'leader') return;
    const prev = this.#leaderOfTerm.get(r.term);
    if (prev === undefined) {
      this.#leaderOfTerm.set(r.term, id);
      this.stats.leaders++;
      this.checkLeaderCompleteness(id, r);
    } else if (prev !== id) {
      throw new Error(`election safety: ${prev} and ${id} both leaders of term ${r.term}`);
    }
  }

  /** Log matching over entries a node hands out for persistence. */
  observeEntries(id: NodeId, r: Raft, ents: readonly Entry[]): void {
    for (const e of ents) {
      const prevTerm = e.index === 1 ? 0 : r.log.zeroTermOnOutOfBounds(e.index - 1);
      const v = `${prevTerm}|${e.type}|${dec.decode(e.data)}`;
      const k = `${e.index}/${e.term}`;
      const seen = this.#entries.get(k);
      if (seen === undefined) this.#entries.set(k, v);
      else if (seen !== v && !(prevTerm === 0 && seen.slice(seen.indexOf('|')) === v.slice(v.indexOf('|')))) {
        throw new Error(`log matching: ${id} has ${k} = ${v}, another node had ${seen}`);
      }
    }
  }

  /** State machine safety over what a node applied. */
  observeApplied(id: NodeId, applied: readonly Applied[], from: number): void {
    for (let i = from; i < applied.length; i++) {
      const a = applied[i];
      const v = `${a.term}:${a.data}`;
      const seen = this.#committed.get(a.index);
      this.stats.checkedApplies++;
      if (seen === undefined) {
        this.#committed.set(a.index, v);
        this.#maxCommitted = Math.max(this.#maxCommitted, a.index);
      } else if (seen !== v) {
        throw new Error(`state machine safety: ${id} applied ${a.index} = ${v}, another node applied ${seen}`);
      }
    }
  }

  private checkLeaderCompleteness(id: NodeId, r: Raft): void {
    const first = r.log.firstIndex();
    for (const [index, v] of this.#committed) {
      if (index < first) continue;
      const term = Number(v.slice(0, v.indexOf(':')));
      const have = r.log.zeroTermOnOutOfBounds(index);
      if (have !== term) {
        throw new Error(`leader completeness: ${id} leader of term ${r.term} has term ${have} at committed index ${index} (want ${term})`);
      }
    }
  }

  /** The highest index known committed (applied somewhere) so far. */
  get maxCommitted(): number {
    return this.#maxCommitted;
  }

  /**
   * ReadIndex linearizability (thesis §6.4): a read requested when index `atRequest` was
   * already committed must be served at an index ≥ it, or it could miss a completed write.
   */
  observeRead(id: NodeId, ctx: string, index: number, atRequest: number | undefined): void {
    if (atRequest === undefined) throw new Error(`read index: ${id} got an answer for unknown request ${ctx}`);
    if (index < atRequest) {
      throw new Error(`read index: ${id} served ${ctx} at ${index}, but ${atRequest} was committed before it was requested`);
    }
  }

  get committedCount(): number {
    return this.#committed.size;
  }
}
