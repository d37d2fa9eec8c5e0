/**
 * One copy of the strings that repeat across exports. An export kept in a segment's state
 * comes from JSON.parse of its log entry (or of a snapshot). V8's parser shares string
 * values of up to 10 characters ("east", "http", "TCP") but makes a new string for every
 * longer one: each of 100k ClusterSetIP services held its own "ClusterSetIP" (32 bytes
 * with its header), and so would a cluster id like "us-east-1-prod" or a port named
 * "http-metrics", for the whole life of the state, marked by every full collection.
 * Interned, they are one each (heap per registered service 2,110 → 2,078 bytes in the
 * write benchmark's shape, one cluster "east" and one port "http").
 */
import type { ClusterExport } from './types.js';

/** Strings longer than this are left alone: the values that repeat are short names. */
const MAX_INTERNED_LENGTH = 64;
/** A bound on the table, so odd inputs cannot grow it without end; past it, no interning. */
const MAX_INTERNED = 16_384;

const TABLE = new Map<string, string>();

/** The shared copy of `value` (itself the first time it is seen). */
export function intern(value: string): string {
  if (value.length > MAX_INTERNED_LENGTH) return value;
  const shared = TABLE.get(value);
  if (shared !== undefined) return shared;
  if (TABLE.size < MAX_INTERNED) TABLE.set(value, value);
  return value;
}

/**
 * Replaces, in place, the strings of `e` that repeat across exports (cluster id, type, port
 * names and protocols) by their shared copies, and returns `e`. The values are equal, so
 * this is safe even on an object someone else holds (frozen ones are left as they are);
 * the state calls it on exports it has just decoded, which nobody else holds.
 */
export function internExportStrings(e: ClusterExport): ClusterExport {
  if (Object.isFrozen(e)) return e; // not decoded here: leave it as it is
  const w = e as { cluster: string; type: ClusterExport['type'] };
  w.cluster = intern(e.cluster);
  w.type = intern(e.type) as ClusterExport['type'];
  for (const p of e.ports ?? []) {
    if (Object.isFrozen(p)) continue;
    const port = p as { name?: string | undefined; protocol: string };
    if (typeof port.name === 'string') port.name = intern(port.name);
    port.protocol = intern(port.protocol);
  }
  return e;
}
