/**
 * The Raft log as the core sees it: stable entries in Storage followed by the unstable
 * buffer, plus the commit and apply indexes (etcd-io/raft log.go).
 *
 * Invariant: applied ≤ committed ≤ lastIndex(); firstIndex()-1 ≤ applied after a restore.
 */
import { limitSize, NO_LIMIT } from './entries.js';
import { ErrCompacted, ErrUnavailable, invariant } from './errors.js';
import { Unstable } from './log_unstable.js';
import type { Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be committed (Raft Fig. 2 commitIndex). */
  committed: number;
  /** Highest index handed to the host for applying and acknowledged by advance(). */
  applied: number;

  constructor(storage: Storage) {
    this.storage = storage;
    const first = storage.firstIndex();
    this.unstable = new Unstable(storage.lastIndex() + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index whose entry the host has persisted and that is still part of this log. */
  stableIndex(): number {
    if (this.unstable.snapshot) return this.unstable.snapshot.metadata.index - 1;
    if (this.unstable.entries.length > 0) return this.unstable.offset - 1;
    return this.lastIndex();
  }

  /** Term of entry i; throws ErrCompacted / ErrUnavailable outside [firstIndex-1, lastIndex]. */
  term(i: number): number {
    const dummy = this.firstIndex() - 1;
    if (i < dummy) throw ErrCompacted;
    if (i > this.lastIndex()) throw ErrUnavailable;
    return this.unstable.maybeTerm(i) ?? this.storage.term(i);
  }

  /**
   * Whether term(i) can answer, checked rather than thrown and caught: a follower asks
   * matchTerm about every entry it appends (findConflict), past its last index, and a
   * throw per write showed in its CPU profile.
   */
  #inBounds(i: number): boolean {
    return i >= this.firstIndex() - 1 && i <= this.lastIndex();
  }

  /** Term of entry i, or 0 when it is compacted or beyond the log. */
  zeroTermOnOutOfBounds(i: number): number {
    if (!this.#inBounds(i)) return 0;
    try {
      return this.term(i);
    } catch (e) {
      if (e === ErrCompacted || e === ErrUnavailable) return 0;
      throw e;
    }
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  matchTerm(i: number, t: number): boolean {
    if (!this.#inBounds(i)) return false;
    try {
      return this.term(i) === t;
    } catch (e) {
      if (e === ErrCompacted || e === ErrUnavailable) return false;
      throw e;
    }
  }

  /** Raft §5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  /**
   * The index of the first entry of ents that conflicts with the log (different term) or is
   * new, or 0 if all are already present (Raft §5.3, log matching).
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index ≤ index whose term is ≤ term, with that term (0 if unknown): a follower's
   * hint for fast backtracking, and the leader's use of the follower's hint (Raft §5.3 end).
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      let t: number;
      try {
        t = this.term(index);
      } catch {
        return [index, 0];
      }
      if (t <= term) return [index, t];
    }
    return [0, 0];
  }

  /**
   * Handles AppendEntries' consistency check and conflict resolution (Raft §5.3, Fig. 2
   * receiver rules 2-5). Returns the last index of the new entries, or undefined if the
   * entry preceding them does not match.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      invariant(ci > this.committed, `entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    invariant(ents[0].index - 1 >= this.committed, `after(${ents[0].index - 1}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  commitTo(tocommit: number): void {
    if (this.committed >= tocommit) return;
    invariant(this.lastIndex() >= tocommit, `tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]`);
    this.committed = tocommit;
  }

  /**
   * Commits maxIndex if it is from the given (current) term: Raft §5.4.2 — a leader never
   * commits entries from previous terms by counting replicas.
   */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.zeroTermOnOutOfBounds(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(this.committed >= i && i >= this.applied, `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  unstableEntries(): readonly Entry[] {
    return this.unstable.entries;
  }

  /** Committed entries not yet applied. */
  nextCommittedEnts(maxBytes: number = NO_LIMIT): readonly Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= off) return [];
    return this.slice(off, this.committed + 1, maxBytes);
  }

  hasNextCommittedEnts(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Entries from i to the end, at most maxBytes (but at least one). */
  entries(i: number, maxBytes: number): readonly Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  allEntries(): readonly Entry[] {
    return this.entries(this.firstIndex(), NO_LIMIT);
  }

  /** Replaces the log by a snapshot (Raft §7: discard the entire log). */
  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries in [lo, hi) limited to maxBytes; throws ErrCompacted if lo was compacted. */
  slice(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    this.checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let ents: readonly Entry[] = [];
    const off = this.unstable.offset;
    if (lo < off) {
      const upper = Math.min(hi, off);
      ents = this.storage.entries(lo, upper, maxBytes);
      if (ents.length < upper - lo) return ents;
    }
    if (hi > off) {
      const u = this.unstable.slice(Math.max(lo, off), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxBytes);
  }

  private checkOutOfBounds(lo: number, hi: number): void {
    invariant(lo <= hi, `invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw ErrCompacted;
    const len = this.lastIndex() + 1 - fi;
    invariant(hi <= fi + len, `slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
  }
}
