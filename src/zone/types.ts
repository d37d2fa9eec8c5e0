/**
 * The zone model shared by the name tree, the zone-file parser/printer, the MCS record
 * builder and the DNS front end.
 *
 * Names are arrays of labels, most specific first (wire order): `www.example.com` is
 * ['www', 'example', 'com']; the root is []. Each label is a latin1 string holding the
 * label's raw octets one char per byte, so any octet (even '.' or 0x00, RFC 2181 §11)
 * survives. Lookup keys are ASCII-lowercased (RFC 4343 §3: only A–Z fold); owner names kept
 * in RRsets keep the spelling of the zone file.
 */

import type { LookupScratch } from './answers.js';

export type Labels = readonly string[];

/** RR type codes used by name (RFC 1035 §3.2.2 and later RFCs). Others are just numbers. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  CAA: 257,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const CLASS_IN = 1;

/**
 * An RRset: every record of one owner, type and class (RFC 2181 §5). `rdata` holds each
 * record's RDATA in uncompressed wire form (RFC 3597 §4), ready to copy into a message.
 */
export interface RRset {
  readonly owner: Labels;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
}

/** What RFC 1034 §4.3.2 lookup can conclude (the names CoreDNS's file plugin uses). */
export type ResultKind = 'Success' | 'NameError' | 'NoData' | 'Delegation' | 'ServerFailure';

/**
 * The outcome of one lookup. The front end maps `kind` to RCODE and AA in one switch:
 * Success/NoData → NOERROR, NameError → NXDOMAIN, Delegation → NOERROR with AA=0,
 * ServerFailure → SERVFAIL. Sections hold whole RRsets in the order they go on the wire.
 * `additionalRequired` marks leading RRsets of `additional` that must fit (in-domain glue
 * on a referral, RFC 9471); the rest of `additional` may be dropped to fit (RFC 2181 §9).
 */
export interface LookupResult {
  readonly kind: ResultKind;
  readonly answer: readonly RRset[];
  readonly authority: readonly RRset[];
  readonly additional: readonly RRset[];
  readonly additionalRequired: number;
  /**
   * Set on an exact-match answer (answers.ts LookupScratch): every answer RRset is owned by
   * the question name, and when the answer is one record naming a target (NS, MX, SRV),
   * every additional RRset is owned by that target. The writer then points at those names,
   * already in the message, instead of reading each RRset's owner: at 1M names an owner
   * array is one more load from memory per RRset written (bench/README.md, Scale).
   */
  readonly ownersFromQuestion?: boolean;
}

/** One zone's immutable view; queries read it, an update builds the next one and swaps it in. */
export interface ZoneView {
  /** The apex, lowercased labels. */
  readonly origin: Labels;
  /**
   * `qname` is lowercased labels at or below `origin`. With `into` (a LookupScratch from
   * answers.ts), the result may be that object, valid only until its next use: for a
   * caller that encodes the answer at once, such as the DNS responder.
   */
  lookup(qname: Labels, qtype: number, into?: LookupScratch): LookupResult;
}

/** The set of zones a server answers for, chosen by longest suffix. */
export interface ZoneSetView {
  /** The zone whose origin is the longest suffix of `qname`, or undefined (→ REFUSED). */
  findZone(qname: Labels): ZoneView | undefined;
}
