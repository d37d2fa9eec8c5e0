/**
 * The in-memory copy of one group's durable log, which Raft reads through the Storage
 * interface: the core's MemoryStorage (same contract and errors) plus the operations WAL
 * replay needs and MemoryStorage rightly does not offer: dropping every entry above the
 * base, moving the base past the last entry, and adopting a snapshot file found on disk.
 *
 * Entries' bytes are copied into an EntryArena as they are appended and copied out again
 * by `entries()`: the arena reuses its chunks once the log is compacted past them, so no
 * view of them may leave this class (see entry-arena.ts for why the log's bytes live there).
 *
 * Invariant (inherited): ents[k] has index ents[0].index + k; ents[0] is a dummy whose
 * index is the base (snapshot or compaction point) and whose term is that entry's term.
 */
import { MemoryStorage, dummyEntry } from '../raft/storage.js';
import { EMPTY_BYTES, type Entry, type Snapshot } from '../raft/types.js';
import { EntryArena } from './entry-arena.js';

export class LogMirror extends MemoryStorage {
  readonly arena = new EntryArena();

  /** Keeps a snapshot made elsewhere (a restored file) if it is newer; leaves entries alone. */
  adoptSnapshot(snap: Snapshot): void {
    if (snap.metadata.index > this.savedSnapshot.metadata.index) this.savedSnapshot = snap;
  }

  /**
   * Replay form of append: a record wholly at or below the base still discards every held
   * entry above the base, because it was written after them at a lower index.
   */
  replayAppend(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (entries[entries.length - 1]!.index <= this.ents[0]!.index) {
      this.ents = [this.ents[0]!];
      this.arena.releaseAll();
      return;
    }
    this.append(entries);
  }

  /** Moves the base to (index, term), dropping every entry; used when replay skips ahead. */
  resetTo(index: number, term: number): void {
    this.ents = [dummyEntry(index, term)];
    this.arena.releaseAll();
  }

  /** Copies of the entries: the held ones' bytes lie in chunks the arena will reuse. */
  override entries(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    const held = super.entries(lo, hi, maxBytes);
    const out = new Array<Entry>(held.length);
    for (let k = 0; k < held.length; k++) {
      const e = held[k]!;
      out[k] = { term: e.term, index: e.index, type: e.type, data: e.data.length === 0 ? EMPTY_BYTES : e.data.slice() };
    }
    return out;
  }

  /** Holds copies whose bytes lie in the arena; entries already compacted are skipped. */
  override append(entries: readonly Entry[]): void {
    const first = this.firstIndex();
    const held: Entry[] = [];
    for (const e of entries) {
      if (e.index < first) continue;
      held.push({ term: e.term, index: e.index, type: e.type, data: this.arena.store(e.data, e.index) });
    }
    super.append(held);
  }

  override compact(compactIndex: number): void {
    super.compact(compactIndex);
    this.arena.releaseThrough(compactIndex);
  }

  override applySnapshot(snap: Snapshot): void {
    super.applySnapshot(snap);
    this.arena.releaseAll();
  }
}
