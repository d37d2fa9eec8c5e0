/**
 * An RRset of one record whose RDATA stays where the zone file's parser put it: a range
 * of a shared slab (rdata-slab.ts), held as the slab and two offsets. Most names of a
 * large zone own one RRset of one record, and as a plain RRset each such record cost an
 * object, an array, the array's element store and a 96-byte typed-array view: 208 bytes
 * of heap and four dependent loads from memory before its first byte. This is one object
 * of 72 bytes, and its bytes are one load further (bench/README.md, Scale).
 *
 * `rdata` is still there for everything that is not the query path (printing, merging,
 * updates, tests): a fresh array and view per call. The query path reads the range
 * directly (dns/writer.ts, answers.ts), so answering allocates nothing for it.
 */
import type { Labels, RRset } from './types.js';
import { rdataTargetParses } from './rdata-build.js';

export class PackedRRset implements RRset {
  constructor(
    readonly owner: Labels,
    readonly type: number,
    readonly ttl: number,
    /** The whole slab the record's bytes are in: shared by thousands of records. */
    readonly bytes: Uint8Array,
    /** Where the RDATA starts in `bytes`. */
    readonly start: number,
    /** Where it ends (exclusive). */
    readonly end: number,
  ) {}

  /** The one record's RDATA, as a new view (not for hot paths). */
  get rdata(): readonly Uint8Array[] {
    return [this.bytes.subarray(this.start, this.end)];
  }
}

/**
 * The RRset of `owner`, `type`, `ttl` and `rdata` as a PackedRRset when it holds one record
 * whose RDATA is a view of an ArrayBuffer kept for as long as the zone (a parser's slab),
 * or undefined. A record whose target name (NS, MX, SRV…) does not parse is not packed: the
 * query path reads a packed record's name bounded by the slab's end only, so the name must
 * be known to end inside the record. `slabOf` gives the whole-slab array of a buffer, the
 * same one for every record in it.
 */
export function packRecord(
  owner: Labels,
  type: number,
  ttl: number,
  rdata: readonly Uint8Array[],
  slabOf: (buffer: ArrayBufferLike) => Uint8Array,
): PackedRRset | undefined {
  if (rdata.length !== 1) return undefined;
  const record = rdata[0]!;
  if (!rdataTargetParses(type, record)) return undefined;
  const start = record.byteOffset;
  return new PackedRRset(owner, type, ttl, slabOf(record.buffer), start, start + record.length);
}

/** How many records `rrset` holds, without making a packed one's views. */
export function recordCount(rrset: RRset): number {
  return rrset instanceof PackedRRset ? 1 : rrset.rdata.length;
}
