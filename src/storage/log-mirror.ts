/**
 * The in-memory copy of one group's durable log, which Raft reads through the Storage
 * interface. Same contract and errors as the core's MemoryStorage (src/raft/storage.ts),
 * plus the two operations WAL replay needs and MemoryStorage rightly does not offer:
 * dropping every entry above the base, and moving the base past the last entry.
 *
 * Invariant: ents[k] has index ents[0].index + k; ents[0] is a dummy whose index is the
 * base (snapshot or compaction point) and whose term is that entry's term.
 */
import { limitSize } from '../raft/entries.js';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, invariant } from '../raft/errors.js';
import { EMPTY_SNAPSHOT, type InitialState, type Storage } from '../raft/storage.js';
import { EMPTY_BYTES, EMPTY_HARD_STATE, EntryType } from '../raft/types.js';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.js';

function dummy(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: EMPTY_BYTES };
}

export class LogMirror implements Storage {
  #hardState: HardState = EMPTY_HARD_STATE;
  #snapshot: Snapshot = EMPTY_SNAPSHOT;
  #ents: Entry[] = [dummy(0, 0)];

  initialState(): InitialState {
    return { hardState: this.#hardState, confState: this.#snapshot.metadata.confState };
  }

  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    const offset = this.#ents[0].index;
    if (lo <= offset) throw ErrCompacted;
    invariant(hi <= this.lastIndex() + 1, `entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    if (this.#ents.length === 1) throw ErrUnavailable;
    return limitSize(this.#ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.#ents[0].index;
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.#ents.length) throw ErrUnavailable;
    return this.#ents[i - offset].term;
  }

  lastIndex(): number {
    return this.#ents[0].index + this.#ents.length - 1;
  }

  firstIndex(): number {
    return this.#ents[0].index + 1;
  }

  snapshot(): Snapshot {
    return this.#snapshot;
  }

  setHardState(hs: HardState): void {
    this.#hardState = hs;
  }

  /** Installs a snapshot received from the leader: the whole log restarts after it. */
  applySnapshot(snap: Snapshot): void {
    if (this.#snapshot.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.#snapshot = snap;
    this.#ents = [dummy(snap.metadata.index, snap.metadata.term)];
  }

  /** Records a snapshot of the state machine at index i; entries are kept until compact(). */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.#snapshot.metadata.index) throw ErrSnapOutOfDate;
    invariant(i <= this.lastIndex(), `snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    const cs = confState ?? this.#snapshot.metadata.confState;
    this.#snapshot = { metadata: { index: i, term: this.term(i), confState: cs }, data };
    return this.#snapshot;
  }

  /** Keeps a snapshot made elsewhere (a restored file) if it is newer; leaves entries alone. */
  adoptSnapshot(snap: Snapshot): void {
    if (snap.metadata.index > this.#snapshot.metadata.index) this.#snapshot = snap;
  }

  compact(compactIndex: number): void {
    const offset = this.#ents[0].index;
    if (compactIndex <= offset) throw ErrCompacted;
    invariant(compactIndex <= this.lastIndex(), `compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const k = compactIndex - offset;
    this.#ents = [dummy(compactIndex, this.#ents[k].term), ...this.#ents.slice(k + 1)];
  }

  /** Appends, first discarding held entries at or above entries[0].index; compacted ones are skipped. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    if (entries[entries.length - 1].index < first) return;
    const ents = first > entries[0].index ? entries.slice(first - entries[0].index) : entries;
    const offset = ents[0].index - this.#ents[0].index;
    invariant(offset <= this.#ents.length, `missing log entry [last: ${this.lastIndex()}, append at: ${ents[0].index}]`);
    this.#ents = this.#ents.slice(0, offset).concat(ents);
  }

  /**
   * Replay form of append: a record wholly at or below the base still discards every held
   * entry above the base, because it was written after them at a lower index.
   */
  replayAppend(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (entries[entries.length - 1].index <= this.#ents[0].index) {
      this.#ents = [this.#ents[0]];
      return;
    }
    this.append(entries);
  }

  /** Moves the base to (index, term), dropping every entry; used when replay skips ahead. */
  resetTo(index: number, term: number): void {
    this.#ents = [dummy(index, term)];
  }
}
