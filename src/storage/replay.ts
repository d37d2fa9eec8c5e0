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
 *   write was never acknowledged, since acks wait for fdatasync) and logged. Damage in any
 *   older segment cannot come from a crash, so it is a hard error naming file and offset.
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
}

export async function recover(
  segments: readonly SegmentMeta[],
  snapshots: Map<string, Snapshot>,
  log: Logger,
): Promise<Recovered> {
  const groups = new Map<string, LogMirror>();
  for (let i = 0; i < segments.length; i++) {
    await replaySegment(segments[i], i === segments.length - 1, groups, log, snapshots);
  }
  for (const [g, snap] of snapshots) {
    const ms = groupOf(groups, g);
    // The log never ends before its snapshot (e.g. every record was in removed segments).
    if (ms.lastIndex() < snap.metadata.index) ms.resetTo(snap.metadata.index, snap.metadata.term);
    ms.adoptSnapshot(snap);
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
