/**
 * The query scanner: reads what the responder needs straight from the received bytes,
 * without decoding the message into objects (dns-packet stays off the hot path).
 *
 * It finds the header fields, the single question (its lowercased wire name, label offsets
 * so the writer can point into the echoed question, qtype, qclass) and the OPT RR (RFC 6891
 * §6.1). Every read is bounded by the message length, names by RFC 1035 §2.3.4 limits, and
 * the section counts by the bytes that remain, so hostile input costs at most one pass.
 */
import {
  EDNS_DO,
  Flag,
  HEADER_SIZE,
  MAX_LABEL_OCTETS,
  MAX_NAME_OCTETS,
  Opcode,
  TYPE_OPT,
} from './constants.js';
import type { Labels } from '../zone/types.js';
import { internLowerLabel } from '../zone/index.js';

/** What the responder should do with a scanned message. */
export const ScanStatus = {
  /** Well formed: answer it. */
  Ok: 0,
  /** No reply at all: too short for a header, or QR=1 (RFC 1035 §4.1.1, reflection loops). */
  Drop: 1,
  /** Malformed after a readable header: FORMERR (RFC 1035 §4.1.1, RFC 9619 §4). */
  FormErr: 2,
  /** An opcode we do not implement: NOTIMP (RFC 8906 §3.1.4). */
  NotImp: 3,
} as const;
export type ScanStatusValue = (typeof ScanStatus)[keyof typeof ScanStatus];

/** The smallest RR: root owner (1) + type, class, TTL, RDLENGTH (10). */
const MIN_RR_SIZE = 11;

/**
 * Room kept after the name in `ScannedQuery.nameBytes` for a key's suffix (the response
 * cache appends type, class, EDNS shape and size limit there: cache.ts).
 */
export const NAME_KEY_SUFFIX_ROOM = 16;

/**
 * One scanned query. The object is reused across messages by its owner (the socket
 * handler), so scanning allocates nothing: the lowercased name stays in `nameBytes`, and a
 * string is made of it only when asked for (the cache key, labels for a lookup, a log line).
 */
export class ScannedQuery {
  status: ScanStatusValue = ScanStatus.Drop;
  id = 0;
  /** The raw flags word of the query. */
  flags = 0;
  opcode = 0;
  /** End offset of the question (after QCLASS); 0 when no question was parsed. */
  questionEnd = 0;
  /** Offset of each label's length octet in the message, most specific first. */
  readonly labelOffsets: number[] = [];
  labelCount = 0;
  /**
   * The qname in wire form (length-prefixed labels, no root octet), ASCII-lowercased, in
   * `nameBytes[0, nameLength)`; the bytes after it are free for a key suffix.
   */
  readonly nameBytes = Buffer.alloc(MAX_NAME_OCTETS + 1 + NAME_KEY_SUFFIX_ROOM);
  nameLength = 0;
  qtype = 0;
  qclass = 0;
  hasEdns = false;
  /** The requestor's UDP payload size from the OPT CLASS field (raw, not yet clamped). */
  udpSize = 0;
  ednsVersion = 0;
  ednsDo = false;

  get rd(): boolean {
    return (this.flags & Flag.RD) !== 0;
  }

  /** The qname as a latin1 string of `nameBytes` (for logs; made on each call). */
  get nameKey(): string {
    return this.nameBytes.toString('latin1', 0, this.nameLength);
  }

  /** Per label count, the array labels() fills: one per count, reused from query to query. */
  readonly #labelLists: string[][] = [];

  /**
   * The qname as lowercased Labels (made from `nameBytes` only when a lookup needs it).
   * Labels seen lately are reused rather than made again (zone/label-intern.ts), and so is
   * the array: it is valid until the next scan into this query, which is as long as the
   * responder needs it (a lookup result that holds the qname, such as a synthesized
   * wildcard owner, is encoded and dropped before then). An array per query was ~70 of
   * the ~200 bytes of garbage a query that misses the response cache leaves.
   */
  labels(): Labels {
    const bytes = this.nameBytes;
    const out = (this.#labelLists[this.labelCount] ??= new Array<string>(this.labelCount));
    let pos = 0;
    for (let i = 0; i < this.labelCount; i++) {
      const len = bytes[pos];
      out[i] = internLowerLabel(bytes, pos + 1, len);
      pos += len + 1;
    }
    return out;
  }
}

/**
 * Scans `msg` into `q` and sets `q.status`. Policy (dns-checklist §1.10): short or QR=1 →
 * drop; unknown opcode → NOTIMP (question kept when readable); QDCOUNT ≠ 1 or a broken
 * question, answer/authority RR or OPT → FORMERR.
 */
export function scanQuery(msg: Uint8Array, q: ScannedQuery): ScanStatusValue {
  resetQuery(q);
  if (msg.length < HEADER_SIZE) return (q.status = ScanStatus.Drop);
  q.id = (msg[0] << 8) | msg[1];
  q.flags = (msg[2] << 8) | msg[3];
  if ((q.flags & Flag.QR) !== 0) return (q.status = ScanStatus.Drop);
  q.opcode = (q.flags >> 11) & 0xf;
  const qdcount = (msg[4] << 8) | msg[5];
  const questionOk = qdcount === 1 && readQuestion(msg, q);
  if (!questionOk) q.questionEnd = 0;
  if (q.opcode !== Opcode.QUERY) return (q.status = ScanStatus.NotImp);
  if (!questionOk) return (q.status = ScanStatus.FormErr);
  return (q.status = scanRecords(msg, q) ? ScanStatus.Ok : ScanStatus.FormErr);
}

function resetQuery(q: ScannedQuery): void {
  q.status = ScanStatus.Drop;
  q.id = q.flags = q.opcode = q.questionEnd = q.labelCount = 0;
  q.qtype = q.qclass = q.udpSize = q.ednsVersion = 0;
  q.nameLength = 0;
  q.hasEdns = q.ednsDo = false;
}

/**
 * Reads the question name at offset 12, lowercasing into `q.nameBytes`. A compression
 * pointer here is malformed: nothing precedes the question for it to point at (RFC 1035
 * §4.1.4 pointers refer to a prior occurrence).
 */
function readQuestion(msg: Uint8Array, q: ScannedQuery): boolean {
  let pos = HEADER_SIZE;
  const name = q.nameBytes;
  let out = 0;
  for (;;) {
    if (pos >= msg.length) return false;
    const len = msg[pos];
    if (len === 0) break;
    if (len > MAX_LABEL_OCTETS) return false; // pointer (0xC0) or reserved label types
    if (out + len + 2 > MAX_NAME_OCTETS || pos + 1 + len > msg.length) return false;
    q.labelOffsets[q.labelCount++] = pos;
    name[out++] = len;
    for (let i = pos + 1, end = pos + 1 + len; i < end; i++) {
      const c = msg[i];
      name[out++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c; // RFC 4343 §3: ASCII only
    }
    pos += len + 1;
  }
  if (pos + 5 > msg.length) return false;
  q.nameLength = out;
  q.qtype = (msg[pos + 1] << 8) | msg[pos + 2];
  q.qclass = (msg[pos + 3] << 8) | msg[pos + 4];
  q.questionEnd = pos + 5;
  return true;
}

/**
 * Walks the answer, authority and additional sections. Records in the first two are
 * tolerated and skipped (as Knot does); the additional section may hold at most one OPT,
 * whose owner must be the root (RFC 6891 §6.1.1). Trailing bytes are ignored, like NSD.
 */
function scanRecords(msg: Uint8Array, q: ScannedQuery): boolean {
  const an = (msg[6] << 8) | msg[7];
  const ns = (msg[8] << 8) | msg[9];
  const ar = (msg[10] << 8) | msg[11];
  const total = an + ns + ar;
  if (total === 0) return true;
  let pos = q.questionEnd;
  if (total * MIN_RR_SIZE > msg.length - pos) return false;
  for (let i = 0; i < total; i++) {
    const ownerAt = pos;
    pos = skipName(msg, pos);
    if (pos < 0 || pos + 10 > msg.length) return false;
    const type = (msg[pos] << 8) | msg[pos + 1];
    const rdlen = (msg[pos + 8] << 8) | msg[pos + 9];
    if (pos + 10 + rdlen > msg.length) return false;
    if (type === TYPE_OPT && !readOpt(msg, q, ownerAt, pos, i >= an + ns)) return false;
    pos += 10 + rdlen;
  }
  return true;
}

/** Reads an OPT RR whose fixed fields start at `at`. Options are ignored (RFC 6891 §6.1.2). */
function readOpt(msg: Uint8Array, q: ScannedQuery, ownerAt: number, at: number, inAdditional: boolean): boolean {
  if (!inAdditional || q.hasEdns || msg[ownerAt] !== 0) return false;
  q.hasEdns = true;
  q.udpSize = (msg[at + 2] << 8) | msg[at + 3];
  q.ednsVersion = msg[at + 5];
  q.ednsDo = (((msg[at + 6] << 8) | msg[at + 7]) & EDNS_DO) !== 0;
  return true;
}

/** Skips a possibly compressed name; returns the offset after it, or -1 when malformed. */
function skipName(msg: Uint8Array, pos: number): number {
  let octets = 0;
  for (;;) {
    if (pos >= msg.length) return -1;
    const len = msg[pos];
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= msg.length ? pos + 2 : -1;
    if (len > MAX_LABEL_OCTETS) return -1;
    octets += len + 1;
    if (octets >= MAX_NAME_OCTETS) return -1;
    pos += len + 1;
  }
}
