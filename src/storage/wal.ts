/**
 * The anchor's write-ahead log: one log for every Raft group the process hosts (Raft
 * report §6.3), made of size-rotated segments under `<dir>/wal/`, with per-group snapshot
 * files under `<dir>/snap/`.
 *
 * Lifecycle: openWal recovers (replay.ts), then `group(id)` hands out DiskStorage views
 * whose writes funnel into one GroupCommitter. After a batch is synced the segment may
 * rotate: the next segment starts with a checkpoint (each group's durable hard state and
 * compaction point), so older segments hold nothing that is not also stated later or in a
 * snapshot, and a sealed segment is removed once every group's saved snapshot covers all
 * entries it holds (etcd bug #10219: never release log before the state replacing it is
 * synced — here the checkpoint and snapshot file are synced first).
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { DiskStorage, type GroupSink } from './disk-storage.js';
import { ByteWriter } from './bytes.js';
import { WalClosedError } from './errors.js';
import { fsyncDir, removeDurably, writeAll, writeAllBlocking } from './fsutil.js';
import { DEFAULT_INLINE_WRITE_LIMITS, InlineWritePolicy, type InlineWriteLimits } from './inline-writes.js';
import { GroupCommitter, type CommitStats } from './group-commit.js';
import { lockDir } from './lock.js';
import { LogMirror } from './log-mirror.js';
import { recover, type DurableState } from './replay.js';
import { listSegments, noteIndex, segmentPath, type SegmentMeta } from './segments.js';
import { SnapshotStore, type Logger } from './snapshot-store.js';
import { encodeRecord, RecordType, type WalRecord } from './wal-record.js';

export interface WalOptions {
  /** Rotate to a new segment once the current one reaches this size. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Snapshot files kept per group. Default 3. */
  readonly snapshotsToKeep?: number;
  /** Where recovery notes (truncated tails, skipped damaged snapshots) go. Default stderr. */
  readonly log?: Logger;
  /**
   * Called after each fdatasync of a segment with the bytes now durable in it and how long
   * the sync took: for a `wal_fsync_duration_seconds` metric, and for power-loss tests.
   */
  readonly onSync?: (path: string, durableBytes: number, ms: number) => void;
  /** When a synced batch may be written on the event loop (inline-writes.ts). */
  readonly inlineWrites?: InlineWriteLimits;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

const stderrLog: Logger = (m) => process.stderr.write(m + '\n');

/**
 * Opens (creating if needed) the WAL in `dir` and recovers every group.
 * @example const wal = await openWal('/var/lib/anchordns'); const s = wal.group('clusterset.local');
 */
export async function openWal(dir: string, opts: WalOptions = {}): Promise<Wal> {
  const walDir = join(dir, 'wal');
  await mkdir(walDir, { recursive: true });
  await fsyncDir(dir);
  const unlock = await lockDir(dir);
  try {
    return await openLocked(dir, walDir, opts, unlock);
  } catch (err) {
    await unlock();
    throw err;
  }
}

async function openLocked(dir: string, walDir: string, opts: WalOptions, unlock: () => Promise<void>): Promise<Wal> {
  const log = opts.log ?? stderrLog;
  const snaps = new SnapshotStore(dir, opts.snapshotsToKeep ?? 3, log);
  await snaps.init();
  const loaded = await snaps.loadAll();
  const segments = await openSegments(walDir);
  const { groups, durable, dropped } = await recover(segments, loaded, log);
  for (const g of dropped) {
    await snaps.removeGroup(g); // finish a drop that a crash interrupted
    loaded.delete(g);
  }
  const last = segments[segments.length - 1];
  const segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  // Recovery cut the last segment at its last whole record: that is where writing resumes.
  const size = (await stat(last.path)).size;
  const fh = await open(last.path, 'r+');
  let allocated: number;
  let dsync: FileHandle;
  try {
    allocated = await preallocate(fh, size);
    dsync = await openDsync(last.path);
  } catch (err) {
    await fh.close();
    throw err;
  }
  const snapIndex = new Map<string, number>();
  for (const [g, s] of loaded) snapIndex.set(g, s.metadata.index);
  return new Wal({ walDir, snaps, segments, fh, dsync, size, allocated, groups, durable, snapIndex, segmentBytes, onSync: opts.onSync, inlineWrites: opts.inlineWrites ?? DEFAULT_INLINE_WRITE_LIMITS, unlock });
}

/**
 * A second handle on a segment whose writes are durable when they return (O_DSYNC): one
 * system call for a synced batch instead of two (write, then fdatasync), made on libuv's
 * thread pool (or on the event loop when inline writes are enabled, inline-writes.ts). The
 * kernel flushes only the range written through it, so it is used only when every byte
 * before that range is already durable (Wal.#unsynced).
 */
function openDsync(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_DSYNC);
}

/** How far ahead of the writes the open segment's length is set (see preallocate). */
export const PREALLOCATE_BYTES = 8 * 1024 * 1024;

/**
 * Sets the open segment's length PREALLOCATE_BYTES past `end`, durably, and returns it. As
 * etcd preallocates its WAL files (it reserves blocks with fallocate; Node has none, so
 * this leaves a hole until written): a write that grows the file changes its size, so each
 * O_DSYNC write or fdatasync also commits the inode to the file-system journal. On the
 * benchmark VM, in a 3-anchor group taking one registration at a time, the average WAL
 * write fell from 470–511 to 372–442 µs and writes over 1 ms from 5.4–6.8 % to 4.0–5.9 %
 * (three A/B pairs, `anchordns_disk_wal_fsync_duration_seconds`). The length grows a step
 * at a time, not to the whole segment: after a crash, replay reads the zeros after the
 * last record as unwritten space (replay.ts), and 64 MiB of them cost ~100 ms of restart.
 * A segment is cut back to its records when sealed or closed.
 */
async function preallocate(fh: FileHandle, end: number, datasync: () => Promise<void> = () => fh.datasync()): Promise<number> {
  const length = end + PREALLOCATE_BYTES;
  await fh.truncate(length);
  await datasync();
  return length;
}

/** A segment being made by #rotate, until its checkpoint is durable and it is renamed. */
const ROTATING_SUFFIX = '.rotating';

/** The existing segments, or a first empty one made durable. */
async function openSegments(walDir: string): Promise<SegmentMeta[]> {
  // A rotation that stopped before its rename left only a temporary file: drop it.
  const stale = (await readdir(walDir)).filter((n) => n.endsWith(ROTATING_SUFFIX)).map((n) => join(walDir, n));
  await removeDurably(walDir, stale);
  const found = await listSegments(walDir);
  // An empty segment after others was created, by builds before the rename, without its
  // checkpoint: writing on into it, then collecting the segment before it, would lose the
  // groups' hard states (term and vote) that only the checkpoint repeats. The segment
  // before it is sealed on whole records, so writing resumes there.
  while (found.length > 1 && (await stat(found[found.length - 1].path)).size === 0) {
    await removeDurably(walDir, [found.pop()!.path]);
  }
  if (found.length > 0) return found;
  await (await open(segmentPath(walDir, 0), 'ax')).close();
  await fsyncDir(walDir);
  return listSegments(walDir);
}

interface WalInit {
  walDir: string;
  dsync: FileHandle;
  snaps: SnapshotStore;
  segments: SegmentMeta[];
  fh: FileHandle;
  size: number;
  allocated: number;
  groups: Map<string, LogMirror>;
  durable: Map<string, DurableState>;
  snapIndex: Map<string, number>;
  segmentBytes: number;
  onSync: WalOptions['onSync'];
  inlineWrites: InlineWriteLimits;
  unlock: () => Promise<void>;
}

export class Wal implements GroupSink {
  readonly #walDir: string;
  readonly #snaps: SnapshotStore;
  readonly #segments: SegmentMeta[];
  readonly #mirrors: Map<string, LogMirror>;
  readonly #views = new Map<string, DiskStorage>();
  /** Per group: what the synced WAL says (for checkpoints). */
  readonly #durable: Map<string, DurableState>;
  /** Per group: index of the newest snapshot file known to be durable. */
  readonly #snapIndex: Map<string, number>;
  readonly #segmentBytes: number;
  readonly #committer: GroupCommitter;
  readonly #onSync: NonNullable<WalOptions['onSync']>;
  readonly #inline: InlineWritePolicy;
  readonly #unlock: () => Promise<void>;
  #fh: FileHandle;
  /** The same file opened with O_DSYNC (see openDsync). */
  #dsync: FileHandle;
  /**
   * Bytes were written to the current segment without a sync since the last fdatasync
   * (or the file was just opened: a crash may have left unsynced bytes in the page cache).
   */
  #unsynced = true;
  #size: number;
  /** The open segment's length on disk: #size plus preallocated space. */
  #allocated: number;
  #checkpointBytes = 0;
  #inlineWrites = 0;
  /**
   * Snapshot files being written. While one is, no WAL write is made inline: its fsync
   * (tens of MB) can hold a small O_DSYNC write behind it in the file system's journal for
   * hundreds of milliseconds, and inline that would stop DNS answering too.
   */
  #snapshotFiles = 0;
  #closed = false;

  constructor(init: WalInit) {
    this.#walDir = init.walDir;
    this.#snaps = init.snaps;
    this.#segments = init.segments;
    this.#fh = init.fh;
    this.#dsync = init.dsync;
    this.#size = init.size;
    this.#allocated = init.allocated;
    this.#mirrors = init.groups;
    this.#durable = init.durable;
    this.#snapIndex = init.snapIndex;
    this.#segmentBytes = init.segmentBytes;
    this.#onSync = init.onSync ?? (() => undefined);
    this.#inline = new InlineWritePolicy(init.inlineWrites);
    this.#unlock = init.unlock;
    this.#committer = new GroupCommitter((bytes, records, sync) => this.#writeBatch(bytes, records, sync));
  }

  /** Ids of the groups that have state on disk (or were opened since). */
  groupIds(): string[] {
    return [...this.#mirrors.keys()];
  }

  /** The storage of group `id`, empty if the group is new. Always the same object per id. */
  group(id: string): DiskStorage {
    let view = this.#views.get(id);
    if (view === undefined) {
      let mirror = this.#mirrors.get(id);
      if (mirror === undefined) {
        mirror = new LogMirror();
        this.#mirrors.set(id, mirror);
      }
      view = new DiskStorage(id, mirror, this);
      this.#views.set(id, view);
    }
    return view;
  }

  /** Paths of the live segment files, oldest first (for tests and diagnostics). */
  segmentPaths(): string[] {
    return this.#segments.map((s) => s.path);
  }

  get stats(): Readonly<CommitStats> {
    return this.#committer.stats;
  }

  /** Synced batches written on the event loop rather than the thread pool (inline-writes.ts). */
  get inlineWrites(): number {
    return this.#inlineWrites;
  }

  /** @internal GroupSink: queue records for the next group commit. */
  submit(records: readonly WalRecord[], sync = true): Promise<void> {
    if (this.#closed) return Promise.reject(new WalClosedError());
    return this.#committer.submit(records, sync);
  }

  /** @internal GroupSink: durably write a snapshot file, then drop segments it makes redundant. */
  async writeSnapshot(group: string, snap: Snapshot): Promise<void> {
    if (this.#closed) throw new WalClosedError();
    this.#snapshotFiles++;
    try {
      await this.#snaps.save(group, snap);
    } finally {
      this.#snapshotFiles--;
    }
    if ((this.#snapIndex.get(group) ?? 0) < snap.metadata.index) this.#snapIndex.set(group, snap.metadata.index);
    await this.#collect();
  }

  /**
   * Forgets group `id` (it moved to other anchors): a durable drop record, then its
   * snapshot files go, and segments stop waiting for its compaction. The DiskStorage
   * handed out for it must not be used afterwards; `group(id)` later starts it afresh.
   */
  async dropGroup(id: string): Promise<void> {
    const view = this.#views.get(id);
    if (view !== undefined) await view.sync();
    await this.submit([{ type: RecordType.Drop, group: id }]);
    this.#views.delete(id);
    this.#mirrors.delete(id);
    this.#snapIndex.delete(id);
    for (const seg of this.#segments) seg.maxIndex.delete(id);
    await this.#snaps.removeGroup(id);
    await this.#collect();
  }

  /** Waits for pending writes, then closes the file. Later writes reject with WalClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      // Commit-only hard states wait for a later write (DiskStorage.save); write them now.
      // A failed WAL rejects this: the files are closed and the lock released all the same.
      await Promise.all([...this.#views.values()].map((view) => view.sync()));
    } finally {
      this.#closed = true;
      await this.#committer.close(); // drains; a failed batch has rejected its own waiters
      await this.#fh.truncate(this.#size).catch(() => undefined); // tidy only: replay ignores the zeros
      await this.#fh.close();
      await this.#dsync.close();
      await this.#unlock();
    }
  }

  /**
   * The group committer's sink: append, fdatasync, account, maybe rotate. An unsynced batch
   * still counts as durable state for checkpoints: a later sync (or the rotation's own)
   * covers it before anything depends on it, and losing it loses only a commit index.
   */
  async #writeBatch(bytes: Uint8Array, records: readonly WalRecord[], sync: boolean): Promise<void> {
    const seg = this.#segments[this.#segments.length - 1];
    // Only every PREALLOCATE_BYTES: a batch that fits goes straight to the write.
    if (this.#size + bytes.length > this.#allocated) {
      this.#allocated = await preallocate(this.#fh, this.#size + bytes.length, () => this.#datasync(this.#fh, seg.path, this.#size));
    }
    if (sync && !this.#unsynced) {
      const t0 = performance.now();
      if (this.#snapshotFiles === 0 && this.#inline.inline(bytes.length)) {
        writeAllBlocking(this.#dsync, bytes, this.#size);
        this.#inlineWrites++;
      } else {
        await writeAll(this.#dsync, bytes, this.#size);
      }
      const ms = performance.now() - t0;
      this.#inline.observe(ms);
      this.#size += bytes.length;
      this.#onSync(seg.path, this.#size, ms);
    } else {
      await writeAll(this.#fh, bytes, this.#size);
      this.#size += bytes.length;
      if (sync) await this.#datasync(this.#fh, seg.path, this.#size);
      this.#unsynced = !sync;
    }
    for (const r of records) this.#noteDurable(seg, r);
    // A segment holding only its checkpoint is not rotated again (many groups, tiny limit).
    if (this.#size >= this.#segmentBytes && this.#size > this.#checkpointBytes) await this.#rotate();
  }

  #noteDurable(seg: SegmentMeta, r: WalRecord): void {
    const d = this.#durable.get(r.group) ?? { hardState: { term: 0, vote: '', commit: 0 }, baseIndex: 0, baseTerm: 0 };
    this.#durable.set(r.group, d);
    switch (r.type) {
      case RecordType.Entries:
        if (r.entries.length > 0) noteIndex(seg, r.group, r.entries[r.entries.length - 1].index);
        return;
      case RecordType.HardState:
        d.hardState = r.hardState;
        return;
      case RecordType.Snapshot:
      case RecordType.Compact:
        d.baseIndex = r.index;
        d.baseTerm = r.term;
        return;
      case RecordType.Drop:
        this.#durable.delete(r.group);
        return;
    }
  }

  /** Seals the current segment and starts the next one with a synced checkpoint. */
  async #rotate(): Promise<void> {
    const seq = this.#segments[this.#segments.length - 1].seq + 1;
    const path = segmentPath(this.#walDir, seq);
    // Sealed at its records' length before the next segment exists: only the last segment
    // may end in unwritten space, so zeros anywhere else are damage (replay.ts).
    await this.#fh.truncate(this.#size);
    await this.#datasync(this.#fh, this.#segments[this.#segments.length - 1].path, this.#size);
    // The next segment appears under its name only once its checkpoint is durable: a crash
    // before that leaves a temporary file (removed on open), never a segment without the
    // hard states that let the one before it be collected.
    const rotating = path + ROTATING_SUFFIX;
    const fh = await open(rotating, 'w+');
    const checkpoint = this.#checkpoint();
    await writeAll(fh, checkpoint, 0);
    await this.#datasync(fh, path, checkpoint.length);
    const allocated = await preallocate(fh, checkpoint.length, () => this.#datasync(fh, path, checkpoint.length));
    await rename(rotating, path);
    await fsyncDir(this.#walDir);
    const dsync = await openDsync(path);
    await this.#fh.close();
    await this.#dsync.close();
    this.#fh = fh;
    this.#dsync = dsync;
    this.#unsynced = false; // the checkpoint was synced through fh
    this.#size = checkpoint.length;
    this.#allocated = allocated;
    this.#checkpointBytes = checkpoint.length;
    this.#segments.push({ seq, path, maxIndex: new Map() });
    await this.#collect();
  }

  /** Every fdatasync of a segment goes through here, so the metric sees each one. */
  async #datasync(fh: FileHandle, path: string, durableBytes: number): Promise<void> {
    const t0 = performance.now();
    await fh.datasync();
    this.#onSync(path, durableBytes, performance.now() - t0);
  }

  #checkpoint(): Uint8Array {
    const w = new ByteWriter();
    for (const [group, d] of this.#durable) {
      const hs = d.hardState;
      if (hs.term !== 0 || hs.vote !== '' || hs.commit !== 0) encodeRecord(w, { type: RecordType.HardState, group, hardState: hs });
      if (d.baseIndex > 0) encodeRecord(w, { type: RecordType.Compact, group, index: d.baseIndex, term: d.baseTerm });
    }
    return w.view();
  }

  /** Removes the oldest sealed segments whose entries every group's saved snapshot covers. */
  async #collect(): Promise<void> {
    let n = 0;
    while (n < this.#segments.length - 1 && this.#covered(this.#segments[n])) n++;
    if (n === 0) return;
    const gone = this.#segments.splice(0, n);
    await removeDurably(this.#walDir, gone.map((s) => s.path));
  }

  #covered(seg: SegmentMeta): boolean {
    for (const [g, max] of seg.maxIndex) if (max > (this.#snapIndex.get(g) ?? 0)) return false;
    return true;
  }
}


