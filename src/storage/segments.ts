/**
 * WAL segment files: `<dataDir>/wal/<seq:016x>.wal`, appended in sequence order. Only the
 * last segment is ever written; a segment is closed (rotated) after a synced batch brings it
 * past the size limit, so every older segment ends on a complete, synced record.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SUFFIX = '.wal';

export interface SegmentMeta {
  readonly seq: number;
  readonly path: string;
  /** Highest entry index each group wrote into this segment (what compaction must cover before removal). */
  readonly maxIndex: Map<string, number>;
}

export function segmentPath(walDir: string, seq: number): string {
  return join(walDir, seq.toString(16).padStart(16, '0') + SUFFIX);
}

/** Existing segments in sequence order. */
export async function listSegments(walDir: string): Promise<SegmentMeta[]> {
  const names = (await readdir(walDir)).filter((n) => /^[0-9a-f]{16}\.wal$/.test(n)).sort();
  return names.map((n) => ({ seq: parseInt(n.slice(0, 16), 16), path: join(walDir, n), maxIndex: new Map() }));
}

/** Raises the recorded high-water mark of `group` in `seg`. */
export function noteIndex(seg: SegmentMeta, group: string, index: number): void {
  if ((seg.maxIndex.get(group) ?? 0) < index) seg.maxIndex.set(group, index);
}
