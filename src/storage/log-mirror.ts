/**
 * The in-memory copy of one group's durable log, which Raft reads through the Storage
 * interface: the core's MemoryStorage (same contract and errors) plus the operations WAL
 * replay needs and MemoryStorage rightly does not offer: dropping every entry above the
 * base, moving the base past the last entry, and adopting a snapshot file found on disk.
 *
 * Invariant (inherited): ents[k] has index ents[0].index + k; ents[0] is a dummy whose
 * index is the base (snapshot or compaction point) and whose term is that entry's term.
 */
import { MemoryStorage, dummyEntry } from '../raft/storage.js';
import type { Entry, Snapshot } from '../raft/types.js';

export class LogMirror extends MemoryStorage {
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
      return;
    }
    this.append(entries);
  }

  /** Moves the base to (index, term), dropping every entry; used when replay skips ahead. */
  resetTo(index: number, term: number): void {
    this.ents = [dummyEntry(index, term)];
  }
}
