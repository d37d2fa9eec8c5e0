/** Helpers over log entries shared by the log, storage and the leader's flow control. */
import type { Entry } from './types.js';

/** The bytes an entry counts for in size limits (maxSizePerMsg, Storage.entries maxBytes). */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 16;
}

export function entriesSize(ents: readonly Entry[]): number {
  let n = 0;
  for (let i = 0; i < ents.length; i++) n += entrySize(ents[i]);
  return n;
}

/**
 * Returns the longest prefix of `ents` whose total size is ≤ maxBytes, but always at least
 * one entry so that replication makes progress with an oversized entry.
 */
export function limitSize<T extends Entry>(ents: readonly T[], maxBytes: number): readonly T[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]);
    if (size > maxBytes) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/** Unlimited size for Storage.entries and log slices. */
export const NO_LIMIT = Number.POSITIVE_INFINITY;
