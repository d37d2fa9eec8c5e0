/**
 * Recovery: rebuild every group's in-memory log by replaying the WAL, then attach each
 * group's newest valid snapshot file.
 *
 * Rules (the WAL is the history; snapshot files hold state-machine images):
 * - An entries record discards held entries at or above its first index, so the entries a
 *   new leader wrote over an old leader's win (etcd-io/raft doc.go, persist step).
 * - A snapshot marker restarts the log at (index, term); a compact record drops entries
 *   up to its index, or restarts the log there if they lived in removed segments.
 * - Entries that start past the end of the log are legal only when the gap lay in removed
 *   segments, which compaction allowed only below the group's snapshot: the log then
 *   restarts at the snapshot. Any other gap is damage.
 * - A marker above the newest loaded snapshot means the file it announced is missing or
 *   damaged: an error, never a silent hole.
 * - Damage in the last segment is a torn or partial write: the file is cut before it (the
 *   write was never acknowledged, since acks wait for fdatasync) and logged. Zeros from
 *   there to the end are its preallocated, unwritten space: cut, with one log line. Damage in any
 *   older segment cannot come from a crash (a segment is cut to its records before the
 *   next one is made), so it is a hard error naming file and offset.
 */
import { readFile } from 'node:fs/promises';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { WalCorruptError } from './errors.js';
import { LogMirror } from './log-mirror.js';
import { truncateDurably } from './fsutil.js';
import type { Logger } from './snapshot-store.js';
import { RecordType, scanRecords, type WalRecord } from './wal-record.js';
import { noteIndex, type SegmentMeta } from './segments.js';

/** What is known to be on disk for a group: written into each new segment's checkpoint. */
export interface DurableState {
  hardState: HardState;
  baseIndex: number;
  baseTerm: number;
}

export interface Recovered {
  readonly groups: Map<string, LogMirror>;
  readonly durable: Map<string, DurableState>;
  /** Groups whose last record is a drop: their snapshot files are leftovers to delete. */
  readonly dropped: Set<string>;
}

export async function recover(
  segments: readonly SegmentMeta[],
  snapshots: Map<string, Snapshot>,
  log: Logger,
): Promise<Recovered> {
  const groups = new Map<string, LogMirror>();
  const dropped = new Set<string>();
  const poisoned = new Map<string, WalCorruptError>();
  for (let i = 0; i < segments.length; i++) {
    const st = { groups, dropped, snapshots, poisoned, seen: segments.slice(0, i + 1) };
    await replaySegment(segments[i], i === segments.length - 1, st, log);
  }
  for (const err of poisoned.values()) throw err;
  for (const [g, snap] of snapshots) {
    if (dropped.has(g)) continue;
    const ms = groupOf(groups, g);
    // The log never ends before its snapshot (e.g. every record was in removed segments).
    if (ms.lastIndex() < snap.metadata.index) ms.resetTo(snap.metadata.index, snap.metadata.term);
    ms.adoptSnapshot(snap);
  }
  const durable = new Map<string, DurableState>();
  for (const [g, ms] of groups) durable.set(g, durableOf(ms));
  return { groups, durable, dropped };
}

/** What replay accumulates across segments. */
interface ReplayState {
  readonly groups: Map<string, LogMirror>;
  readonly dropped: Set<string>;
  readonly snapshots: Map<string, Snapshot>;
  /**
   * Groups whose replay hit a contradiction. The error is deferred because a later drop
   * record may make the group's earlier records irrelevant (their snapshot files are gone).
   */
  readonly poisoned: Map<string, WalCorruptError>;
  /** Segments replayed so far, this one included. */
  readonly seen: readonly SegmentMeta[];
}

export function durableOf(ms: LogMirror): DurableState {
  const baseIndex = ms.firstIndex() - 1;
  return { hardState: ms.initialState().hardState, baseIndex, baseTerm: ms.term(baseIndex) };
}

async function replaySegment(seg: SegmentMeta, isLast: boolean, st: ReplayState, log: Logger): Promise<void> {
  const buf = await readFile(seg.path);
  const { records, damage } = scanRecords(buf);
  for (const { offset, record } of records) {
    if (record.type === RecordType.Drop) st.poisoned.delete(record.group);
    else if (st.poisoned.has(record.group)) continue;
    try {
      applyRecord(st, record);
    } catch (cause) {
      st.poisoned.set(record.group, new WalCorruptError(seg.path, offset, `cannot replay (${(cause as Error).message})`, { cause }));
      continue;
    }
    if (record.type === RecordType.Entries && record.entries.length > 0) {
      noteIndex(seg, record.group, record.entries[record.entries.length - 1].index);
    }
  }
  if (damage === undefined) return;
  if (!isLast) throw new WalCorruptError(seg.path, damage.offset, `${damage.reason} in a sealed segment`);
  await truncateDurably(seg.path, damage.offset);
  // Zeros to the end are the open segment's preallocated space (wal.ts preallocate), not
  // damage: they are there after any stop that was not clean (a clean one cuts them). Said
  // in one line all the same, so a disk that lost flushed writes and reads back zeros in
  // their place is not silent either. Anything else there is a torn or partial write.
  if (zeroFrom(buf, damage.offset)) log(`wal: ${seg.path}: ${buf.length - damage.offset} bytes of preallocated space after the last record (offset ${damage.offset}), as after a stop that was not clean; cut`);
  else log(`wal: ${seg.path}: record at offset ${damage.offset}: ${damage.reason}; truncated`);
}

const ZEROS = new Uint8Array(64 * 1024);

/** Whether every byte from `offset` on is zero (compared a chunk at a time: a byte loop took 110 ms over 64 MiB). */
function zeroFrom(buf: Uint8Array, offset: number): boolean {
  for (let at = offset; at < buf.length; at += ZEROS.length) {
    const end = Math.min(buf.length, at + ZEROS.length);
    if (Buffer.compare(buf.subarray(at, end), ZEROS.subarray(0, end - at)) !== 0) return false;
  }
  return true;
}

function groupOf(groups: Map<string, LogMirror>, g: string): LogMirror {
  let ms = groups.get(g);
  if (ms === undefined) {
    ms = new LogMirror();
    groups.set(g, ms);
  }
  return ms;
}

/** Applies one record; throws (wrapped by the caller with file and offset) when it contradicts the state. */
function applyRecord({ groups, dropped, snapshots, seen }: ReplayState, rec: WalRecord): void {
  if (rec.type === RecordType.Drop) {
    groups.delete(rec.group);
    dropped.add(rec.group);
    // Entries of the dropped group no longer hold back segment removal.
    for (const seg of seen) seg.maxIndex.delete(rec.group);
    return;
  }
  dropped.delete(rec.group);
  const ms = groupOf(groups, rec.group);
  switch (rec.type) {
    case RecordType.Entries:
      replayEntries(ms, rec.group, rec.entries, snapshots.get(rec.group));
      return;
    case RecordType.HardState:
      ms.setHardState(rec.hardState);
      return;
    case RecordType.Snapshot: {
      const held = snapshots.get(rec.group)?.metadata.index ?? 0;
      if (rec.index > held) {
        throw new Error(`snapshot marker at index ${rec.index} but the newest valid snapshot of group "${rec.group}" is at ${held}`);
      }
      ms.resetTo(rec.index, rec.term);
      return;
    }
    case RecordType.Compact:
      if (rec.index < ms.firstIndex()) return;
      if (rec.index <= ms.lastIndex()) ms.compact(rec.index);
      else ms.resetTo(rec.index, rec.term); // the entries it covers lived in removed segments
      return;
  }
}

function replayEntries(ms: LogMirror, group: string, ents: readonly Entry[], snap: Snapshot | undefined): void {
  if (ents.length === 0) return;
  const first = ents[0].index;
  if (first > ms.lastIndex() + 1) {
    const s = snap?.metadata.index ?? 0;
    if (first - 1 > s) throw new Error(`entries of group "${group}" start at ${first}, after a gap from ${ms.lastIndex()} not covered by a snapshot (at ${s})`);
    ms.resetTo(s, snap?.metadata.term ?? 0);
  }
  ms.replayAppend(ents);
}
