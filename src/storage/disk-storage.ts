/**
 * DiskStorage: one Raft group's durable log. Raft reads it through the Storage interface
 * (answered from the in-memory mirror, never from disk); the host writes it with `save`,
 * the persist step of the Ready loop, whose promise settles once the batch is durable.
 *
 * Every writer applies its change to the mirror synchronously — so invalid calls throw at
 * once with the same errors as MemoryStorage — and then makes it durable. The mirror may
 * therefore run ahead of the disk by the batch in flight; that is safe because the host
 * acts on nothing (sends no message, acks no client, calls no advance()) before the
 * promise resolves, and a failed write poisons the WAL so the process restarts from disk.
 *
 * Writes of one group reach the WAL in call order, even when a snapshot file must be
 * written first (the file is durable before the record that refers to it). A snapshot the
 * host makes (createSnapshot) has no record: its file is written beside the log, after the
 * writes issued before it, and the log does not wait for it.
 */
import type { InitialState, Storage } from '../raft/storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.js';
import type { LogMirror } from './log-mirror.js';
import { RecordType, type WalRecord } from './wal-record.js';

/** What one Ready asks to persist (a Ready itself fits). Empty parts are skipped. */
export interface PersistBatch {
  readonly entries?: readonly Entry[];
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
  /** False when only the commit index changed: then written with the next write, not now. Default true. */
  readonly mustSync?: boolean;
}

/** The WAL services a group needs (implemented by Wal; an interface to avoid an import cycle). */
export interface GroupSink {
  submit(records: readonly WalRecord[]): Promise<void>;
  writeSnapshot(group: string, snap: Snapshot): Promise<void>;
}

function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === '' && hs.commit === 0;
}

export class DiskStorage implements Storage {
  readonly id: string;
  readonly #mirror: LogMirror;
  readonly #sink: GroupSink;
  /** Tail of this group's ordered durable writes. */
  #tail: Promise<void> = Promise.resolve();
  /** The last snapshot file createSnapshot is writing beside the log (never rejects). */
  #pendingFile: Promise<void> = Promise.resolve();
  /** Tail of this group's snapshot file writes (never rejects). */
  #files: Promise<void> = Promise.resolve();
  /** The newest commit-only hard state not yet written (see save). */
  #deferredHardState: HardState | undefined;

  constructor(id: string, mirror: LogMirror, sink: GroupSink) {
    this.id = id;
    this.#mirror = mirror;
    this.#sink = sink;
  }

  /**
   * The commit index on disk may lag the log's start: commit-only hard states are not
   * written on their own (see save). Entries are snapshotted and compacted only once
   * applied, hence committed, so the commit is at least the snapshot index and the index
   * before the first entry kept (raft.loadState requires as much).
   */
  initialState(): InitialState {
    const state = this.#mirror.initialState();
    const floor = Math.max(this.#mirror.snapshot().metadata.index, this.#mirror.firstIndex() - 1);
    if (state.hardState.commit >= floor) return state;
    return { ...state, hardState: { ...state.hardState, commit: floor } };
  }
  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] {
    return this.#mirror.entries(lo, hi, maxBytes);
  }
  term(i: number): number {
    return this.#mirror.term(i);
  }
  lastIndex(): number {
    return this.#mirror.lastIndex();
  }
  firstIndex(): number {
    return this.#mirror.firstIndex();
  }
  snapshot(): Snapshot {
    return this.#mirror.snapshot();
  }

  /**
   * Persists a Ready's snapshot, entries and hard state, in that order (the snapshot file
   * first, as etcd does, so a marker never points at a missing file).
   * @example await storage.save({ entries: rd.entries, hardState: rd.hardState, snapshot: rd.snapshot });
   */
  save(batch: PersistBatch): Promise<void> {
    const records: WalRecord[] = [];
    const snap = batch.snapshot;
    const hasSnap = snap !== undefined && snap.metadata.index > 0;
    if (hasSnap) {
      this.#mirror.applySnapshot(snap);
      records.push({ type: RecordType.Snapshot, group: this.id, index: snap.metadata.index, term: snap.metadata.term });
    }
    if (batch.entries !== undefined && batch.entries.length > 0) {
      this.#mirror.append(batch.entries);
      records.push({ type: RecordType.Entries, group: this.id, entries: batch.entries });
    }
    const hs = batch.hardState !== undefined && !isEmptyHardState(batch.hardState) ? batch.hardState : undefined;
    if (hs !== undefined) this.#mirror.setHardState(hs);
    // A hard state in which only the commit index moved (mustSync false) is not written on
    // its own: Raft relearns the commit index from the leader, so it rides along with the
    // next entries, snapshot or compaction instead of costing a WAL write per apply.
    if (records.length === 0 && (hs === undefined || batch.mustSync === false)) {
      if (hs !== undefined) this.#deferredHardState = hs;
      return this.#tail;
    }
    records.push(...this.#takeDeferredHardState(hs));
    return this.#enqueue(hasSnap ? snap : undefined, records);
  }

  append(entries: readonly Entry[]): Promise<void> {
    return this.save({ entries });
  }

  setHardState(hs: HardState): Promise<void> {
    return this.save({ hardState: hs });
  }

  applySnapshot(snap: Snapshot): Promise<void> {
    return this.save({ snapshot: snap });
  }

  /**
   * Records a state-machine snapshot at index i and writes its file durably; the promise
   * carries the snapshot. Follow with compact() to release the entries it covers.
   */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Promise<Snapshot> {
    const snap = this.#mirror.createSnapshot(i, confState, data);
    // No WAL record refers to this file, so later writes need not wait for it: queued
    // behind a 30 MB file and its fsync, every entry of the group waited too (a write
    // stall of hundreds of ms at 150k services). It still starts only once the writes
    // issued before it are durable, so the file never covers entries the WAL lacks.
    const written = this.#tail.then(() => this.#writeSnapshotFile(snap));
    this.#pendingFile = written.then(() => undefined, () => undefined);
    return written.then(() => snap);
  }

  /**
   * Drops entries up to index (they must be applied and, for WAL segment removal, covered
   * by a saved snapshot). Segments are removed once every group's snapshot covers them.
   */
  compact(index: number): Promise<void> {
    this.#mirror.compact(index);
    const term = this.#mirror.term(index);
    return this.#enqueue(undefined, [...this.#takeDeferredHardState(), { type: RecordType.Compact, group: this.id, index, term }]);
  }

  /**
   * Resolves when every write issued so far on this group is durable, a deferred
   * commit-only hard state included.
   */
  sync(): Promise<void> {
    const deferred = this.#takeDeferredHardState();
    const log = deferred.length === 0 ? this.#tail : this.#enqueue(undefined, deferred);
    return Promise.all([log, this.#pendingFile]).then(() => undefined);
  }

  /** Snapshot files of this group are written one at a time, in call order. */
  #writeSnapshotFile(snap: Snapshot): Promise<void> {
    const write = this.#files.then(() => this.#sink.writeSnapshot(this.id, snap));
    this.#files = write.then(() => undefined, () => undefined);
    return write;
  }

  /** The hard state to write now (`newer`, else the deferred one) as records; clears the deferral. */
  #takeDeferredHardState(newer?: HardState): WalRecord[] {
    const hs = newer ?? this.#deferredHardState;
    this.#deferredHardState = undefined;
    return hs === undefined ? [] : [{ type: RecordType.HardState, group: this.id, hardState: hs }];
  }

  /**
   * Submits in call order. Without a snapshot file in the way, records go straight to the
   * group committer (which keeps order and lets them join this turn's batch); otherwise they
   * queue behind the file write. #chained counts writes still waiting their turn.
   */
  #enqueue(snap: Snapshot | undefined, records: readonly WalRecord[]): Promise<void> {
    if (snap === undefined && this.#chained === 0) return this.#track(this.#sink.submit(records));
    this.#chained++;
    const write = async (): Promise<void> => {
      let submitted: Promise<void> | undefined;
      try {
        if (snap !== undefined) await this.#writeSnapshotFile(snap);
        if (records.length > 0) submitted = this.#sink.submit(records);
      } finally {
        this.#chained--;
      }
      await submitted;
    };
    return this.#track(this.#tail.then(write));
  }

  /** Makes `p` the tail that later writes wait for; the tail itself never rejects. */
  #track(p: Promise<void>): Promise<void> {
    this.#tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
  #chained = 0;
}
