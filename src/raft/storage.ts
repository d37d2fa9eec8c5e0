/**
 * The read-only view of persisted Raft state that the core needs, and MemoryStorage, the
 * in-memory implementation used by tests and the simulator (etcd-io/raft storage.go).
 *
 * Raft never writes Storage: the host persists what a Ready hands out, then makes it
 * readable here before calling advance(). Index 0 / the snapshot index is a "dummy" entry:
 * its term is known but its data is not.
 */
import { entrySize, limitSize } from './entries.js';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, invariant } from './errors.js';
import {
  EMPTY_BYTES,
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  EntryType,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/**
 * What Raft reads from stable storage. Methods throw ErrCompacted / ErrUnavailable /
 * ErrSnapshotTemporarilyUnavailable (from ./errors.js) for the expected conditions.
 */
export interface Storage {
  /** The saved HardState and the ConfState of the latest snapshot. */
  initialState(): InitialState;
  /** Entries in [lo, hi), total entrySize ≤ maxBytes but at least one. ErrCompacted if lo ≤ snapshot index. */
  entries(lo: number, hi: number, maxBytes: number): readonly Entry[];
  /** Term of entry i; valid for i in [firstIndex()-1, lastIndex()]. */
  term(i: number): number;
  /** Index of the last entry (or the snapshot index when there are none). */
  lastIndex(): number;
  /** Index of the first entry that is still available (snapshot index + 1). */
  firstIndex(): number;
  /** The latest snapshot. */
  snapshot(): Snapshot;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  metadata: Object.freeze({ index: 0, term: 0, confState: EMPTY_CONF_STATE }),
  data: EMPTY_BYTES,
});

/** The placeholder at the base of a log: the snapshot or compaction point. */
export function dummyEntry(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: EMPTY_BYTES };
}

/** Storage held in memory. Invariant: ents[i] has index ents[0].index + i; ents[0] is the dummy. */
export class MemoryStorage implements Storage {
  // Protected, not #private: the WAL's in-memory mirror (src/storage/log-mirror.ts) extends
  // this class with the two operations log replay needs.
  protected savedHardState: HardState = EMPTY_HARD_STATE;
  protected savedSnapshot: Snapshot = EMPTY_SNAPSHOT;
  protected ents: Entry[] = [dummyEntry(0, 0)];

  initialState(): InitialState {
    return { hardState: this.savedHardState, confState: this.savedSnapshot.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.savedHardState = hs;
  }

  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    const offset = this.ents[0].index;
    if (lo <= offset) throw ErrCompacted;
    invariant(hi <= this.lastIndex() + 1, `entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    if (this.ents.length === 1) throw ErrUnavailable;
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.ents[0].index;
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.ents.length) throw ErrUnavailable;
    return this.ents[i - offset].term;
  }

  lastIndex(): number {
    return this.ents[0].index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0].index + 1;
  }

  snapshot(): Snapshot {
    return this.savedSnapshot;
  }

  /** Replaces the whole contents with a snapshot (a follower installing MsgSnap). */
  applySnapshot(snap: Snapshot): void {
    if (this.savedSnapshot.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.savedSnapshot = snap;
    this.ents = [dummyEntry(snap.metadata.index, snap.metadata.term)];
  }

  /**
   * Records a snapshot of the state machine at index i (≤ applied). Use compact() afterwards
   * to drop the entries it covers. Throws ErrSnapOutOfDate if i ≤ the current snapshot index.
   */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.savedSnapshot.metadata.index) throw ErrSnapOutOfDate;
    invariant(i <= this.lastIndex(), `snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    const term = this.term(i);
    const cs = confState ?? this.savedSnapshot.metadata.confState;
    this.savedSnapshot = { metadata: { index: i, term, confState: cs }, data };
    return this.savedSnapshot;
  }

  /** Discards entries up to compactIndex (kept as the dummy). The host must not compact past applied. */
  compact(compactIndex: number): void {
    const offset = this.ents[0].index;
    if (compactIndex <= offset) throw ErrCompacted;
    invariant(compactIndex <= this.lastIndex(), `compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const i = compactIndex - offset;
    const rest = this.ents.slice(i + 1);
    this.ents = [dummyEntry(this.ents[i].index, this.ents[i].term), ...rest];
  }

  /**
   * Appends entries, first discarding any stored entries at or after entries[0].index
   * (a new leader overwrote them). Entries already compacted are skipped.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return;
    const ents = first > entries[0].index ? entries.slice(first - entries[0].index) : entries;
    const offset = ents[0].index - this.ents[0].index;
    invariant(offset <= this.ents.length, `missing log entry [last: ${this.lastIndex()}, append at: ${ents[0].index}]`);
    // In place: a copy per append was O(log length), and a large segment's host snapshots
    // only every services/2 entries, so the log holds 100k+ of them (entries() hands out
    // slices: no caller holds this array). Truncate what a new leader overwrote, then push.
    if (offset < this.ents.length) this.ents.length = offset;
    for (const entry of ents) this.ents.push(entry);
  }

  /** Total bytes of stored entries (for tests of size limits). */
  get size(): number {
    let n = 0;
    for (const e of this.ents) n += entrySize(e);
    return n;
  }
}
