/**
 * A small table of labels seen lately, so decoding a label that repeats from query to
 * query returns the string made last time instead of a new one. The labels of a query
 * (namespace, `svc`, `clusterset`, `local`) and of the SRV target in its answer (the
 * service's own name, just seen in the question) repeat, and a string per label was a
 * third of the garbage a query that misses the response cache left for the GC, whose
 * pauses make the latency tail of a large zone (bench/HISTORY.md, Scale).
 *
 * Direct-mapped by a hash of the octets: a slot holds the last label that hashed there,
 * so the table stays 4096 strings however many names pass through.
 */
const SLOTS = 4096;
const INTERNED: string[] = new Array<string>(SLOTS).fill('');
const FOLD_SCRATCH = Buffer.alloc(256);

/** RFC 4343 §3: only ASCII A–Z fold. */
function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * The `len` octets of `buf` at `at`, ASCII-lowercased, as a latin1 label string; the same
 * string object as last time when this label was seen lately.
 */
export function internLowerLabel(buf: Uint8Array, at: number, len: number): string {
  const end = at + len;
  let hash = len;
  for (let i = at; i < end; i++) hash = (Math.imul(hash, 31) + fold(buf[i])) | 0;
  const slot = hash & (SLOTS - 1);
  const cached = INTERNED[slot]!;
  if (cached.length === len && sameFolded(cached, buf, at)) return cached;
  for (let i = 0; i < len; i++) FOLD_SCRATCH[i] = fold(buf[at + i]);
  return (INTERNED[slot] = FOLD_SCRATCH.toString('latin1', 0, len));
}

/**
 * `label` (already lowercased), or the equal string the table holds: the string a zone
 * keeps for a label that many names repeat. A parsed owner name has a string of its own
 * per label, and in an MCS zone every service has `_tcp` and `_<port>` nodes under it
 * (and a headless one `east`, `west`, `pod-N`): at 1M services 2.4M strings of 24 bytes
 * holding a few distinct words, ~55 MiB of the heap. Shared, there are a few hundred (a
 * unique label that lands in a word's slot evicts it, so the next one is stored anew),
 * every compare against them is with a string already in the CPU cache, and a query's
 * label decoded by internLowerLabel is often the very same string.
 */
export function shareLabel(label: string): string {
  const len = label.length;
  let hash = len;
  for (let i = 0; i < len; i++) hash = (Math.imul(hash, 31) + label.charCodeAt(i)) | 0;
  const slot = hash & (SLOTS - 1);
  const cached = INTERNED[slot]!;
  if (cached === label) return cached;
  return (INTERNED[slot] = label);
}

function sameFolded(label: string, buf: Uint8Array, at: number): boolean {
  for (let k = 0; k < label.length; k++) if (label.charCodeAt(k) !== fold(buf[at + k])) return false;
  return true;
}
