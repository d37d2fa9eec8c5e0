/**
 * Recovery: rebuild every group's in-memory log from its newest snapshot file plus the WAL.
 *
 * Rules (the WAL is the history, snapshots are shortcuts through it):
 * - A group starts from its newest valid snapshot (or empty). Records at or below that
 *   snapshot's index are already covered and skipped.
 * - An entries record discards held entries at or above its first index, so the entries a
 *   new leader wrote over an old leader's win (etcd-io/raft doc.go, persist step).
 * - A snapshot marker above the loaded snapshot means the snapshot file it announced is
 *   missing or damaged: that is an error, never a silent gap.
 * - Damage in the last segment is a torn or partial write: the file is cut before it (the
 *   write was never acknowledged, since acks wait for fdatasync) and logged. Damage in any
 *   older segment cannot come from a crash, so it is a hard error naming file and offset.
 */
import { readFile } from 'node:fs/promises';
import type { HardState, Snapshot } from '../raft/types.js';
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
}

export function mirrorFromSnapshot(snap: Snapshot | undefined): LogMirror {
  const ms = new LogMirror();
  if (snap !== undefined && snap.metadata.index > 0) ms.applySnapshot(snap);
  return ms;
}

export async function recover(
  segments: readonly SegmentMeta[],
  snapshots: Map<string, Snapshot>,
  log: Logger,
): Promise<Recovered> {
  const groups = new Map<string, LogMirror>();
  for (const [g, s] of snapshots) groups.set(g, mirrorFromSnapshot(s));
  for (let i = 0; i < segments.length; i++) {
    await replaySegment(segments[i], i === segments.length - 1, groups, log, snapshots);
  }
  for (const [g, s] of snapshots) {
    // Entries above the snapshot were replayed; the mirror must still serve the snapshot itself.
    groups.get(g)?.adoptSnapshot(s);
  }
  const durable = new Map<string, DurableState>();
  for (const [g, ms] of groups) durable.set(g, durableOf(ms));
  return { groups, durable };
}

export function durableOf(ms: LogMirror): DurableState {
  const baseIndex = ms.firstIndex() - 1;
  return { hardState: ms.initialState().hardState, baseIndex, baseTerm: ms.term(baseIndex) };
}

async function replaySegment(
  seg: SegmentMeta,
  isLast: boolean,
  groups: Map<string, LogMirror>,
  log: Logger,
  snapshots: Map<string, Snapshot>,
): Promise<void> {
  const buf = await readFile(seg.path);
  const { records, damage } = scanRecords(buf);
  for (const { offset, record } of records) {
    try {
      applyRecord(groups, record, snapshots);
    } catch (cause) {
      throw new WalCorruptError(seg.path, offset, `cannot replay (${(cause as Error).message})`, { cause });
    }
    if (record.type === RecordType.Entries && record.entries.length > 0) {
      noteIndex(seg, record.group, record.entries[record.entries.length - 1].index);
    }
  }
  if (damage === undefined) return;
  if (!isLast) throw new WalCorruptError(seg.path, damage.offset, `${damage.reason} in a sealed segment`);
  await truncateDurably(seg.path, damage.offset);
  log(`wal: ${seg.path}: record at offset ${damage.offset}: ${damage.reason}; truncated`);
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
function applyRecord(groups: Map<string, LogMirror>, rec: WalRecord, snapshots: Map<string, Snapshot>): void {
  const ms = groupOf(groups, rec.group);
  const base = ms.firstIndex() - 1;
  switch (rec.type) {
    case RecordType.Entries:
      ms.replayAppend(rec.entries);
      return;
    case RecordType.HardState:
      ms.setHardState(rec.hardState);
      return;
    case RecordType.Snapshot:
      restartAtSnapshot(ms, rec.group, rec.index, snapshots.get(rec.group));
      return;
    case RecordType.Compact:
      if (rec.index <= base) return;
      if (rec.index <= ms.lastIndex()) ms.compact(rec.index);
      else ms.resetTo(rec.index, rec.term); // the entries it covers lived in removed segments
      return;
  }
}

/**
 * A snapshot was installed here: every entry held before it was discarded. The newest
 * loaded snapshot is at or above it (it was fsynced before the marker was written), and
 * restarting the log at that snapshot is equivalent, since it covers everything up to it.
 */
function restartAtSnapshot(ms: LogMirror, group: string, index: number, snap: Snapshot | undefined): void {
  const held = snap?.metadata.index ?? 0;
  if (snap === undefined || index > held) {
    throw new Error(`snapshot marker at index ${index} but the newest valid snapshot of group "${group}" is at ${held}`);
  }
  ms.resetTo(held, snap.metadata.term);
}
