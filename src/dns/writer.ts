/**
 * The response writer: encodes header, echoed question, the RRsets of a lookup result and
 * the OPT RR into one reusable buffer, with RFC 1035 §4.1.4 name compression.
 *
 * Owner names are compressed against every name written earlier, the echoed question
 * included, so an answer owned by the qname becomes a pointer to offset 12 and keeps the
 * query's 0x20 spelling, as Knot and NSD answer (dns-checklist §1.2). When the result
 * says where its owners are (LookupResult.ownersFromQuestion: an exact match), no owner is
 * read: the answer points at the question and its target's addresses at the target name
 * inside the answer's one NS/MX/SRV record. RDATA is copied as
 * stored (uncompressed, always legal: RFC 3597 §4). No RR is ever written partly: each RR's
 * size is known before a byte of it is written, and a whole RRset is rolled back if any of
 * its records does not fit (RFC 2181 §9: never a partial RRset).
 */
import { Flag, HEADER_SIZE, OPT_RR_SIZE, SERVER_UDP_SIZE, TCP_MAX_MESSAGE, TYPE_OPT, CLASS_IN, EDNS_DO } from './constants.js';
import type { Labels, LookupResult, RRset } from '../zone/types.js';
import { PackedRRset, rdataTargetOffset } from '../zone/index.js';
import type { ScannedQuery } from './scanner.js';

/** Pointers hold 14 bits of offset; names written later than this cannot be targets. */
const MAX_POINTER_OFFSET = 0x3fff;

/** RDATA up to this long is copied byte by byte (an A is 4, a service's SRV ~45). */
const SHORT_RDATA = 64;

/** Index of each record section's count in `#counts` (header order). */
const Section = { Answer: 0, Authority: 1, Additional: 2 } as const;
type SectionIndex = (typeof Section)[keyof typeof Section];

/** ASCII case-insensitive label equality (RFC 4343 §3). */
function labelEquals(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}

/**
 * Writes one message at a time. Usage: `start` → `writeResult` (optional) → `finish`, then
 * read `buf[0, length)`. The buffer is reused, so copy it before the next `start`.
 */
export class MessageWriter {
  readonly buf: Buffer = Buffer.alloc(TCP_MAX_MESSAGE + 1);
  #len = 0;
  #counts = [0, 0, 0];
  /** Compression table: entry k stands for the name `#entryNames[k].slice(#entryStart[k])` at `#entryOffset[k]`. */
  #entryNames: Labels[] = [];
  #entryStart: number[] = [];
  #entryOffset: number[] = [];
  #entries = 0;
  /** Where the matching suffix of the name being planned starts (set by #plan). */
  #matchIndex = 0;
  #matchOffset = -1;
  /** The question's name is at HEADER_SIZE and registered (start), so owners may point at it. */
  #questionNamed = false;
  /** The result being written says where its owners are (LookupResult.ownersFromQuestion). */
  #ownersKnown = false;
  /** Where the answer's one target name (NS, MX, SRV) was written, or -1. */
  #targetAt = -1;

  get length(): number {
    return this.#len;
  }

  /**
   * Writes the header (counts filled in by `finish`) and, when `question` is given, copies
   * the question byte for byte from the query. Its name is registered for compression
   * when `question` holds the query's labels (pass an empty array to echo only).
   */
  start(msg: Uint8Array, q: ScannedQuery, flags: number, rcode: number, question: Labels | null): void {
    const b = this.buf;
    b[0] = q.id >> 8;
    b[1] = q.id & 0xff;
    const word = Flag.QR | flags | (rcode & 0xf);
    b[2] = word >> 8;
    b[3] = word & 0xff;
    for (let i = 4; i < HEADER_SIZE; i++) b[i] = 0;
    this.#counts[0] = this.#counts[1] = this.#counts[2] = 0;
    this.#entries = 0;
    this.#len = HEADER_SIZE;
    this.#questionNamed = false;
    if (question === null || q.questionEnd === 0) return;
    // A byte loop: a subarray per query is garbage, and the question is a few dozen bytes.
    for (let i = HEADER_SIZE; i < q.questionEnd; i++) b[i] = msg[i];
    b[5] = 1;
    this.#len = q.questionEnd;
    if (question.length !== q.labelCount) return;
    for (let i = 0; i < q.labelCount; i++) this.#addEntry(question, i, q.labelOffsets[i]);
    this.#questionNamed = q.labelCount > 0;
  }

  /** Sets flag bits in the header after `start` (e.g. TC). */
  setFlags(bits: number): void {
    this.buf[2] |= bits >> 8;
    this.buf[3] |= bits & 0xff;
  }

  /**
   * Writes the result's sections within `limit` bytes. Returns false, leaving all sections
   * empty, when the answer, authority or required glue does not fit (the caller sets TC,
   * RFC 1035 §4.2.1, RFC 9471); optional additional RRsets that do not fit are left out
   * whole without TC (RFC 2181 §9).
   */
  writeResult(result: LookupResult, limit: number): boolean {
    const mark = this.#len;
    const marked = this.#entries;
    this.#ownersKnown = this.#questionNamed && result.ownersFromQuestion === true;
    this.#targetAt = -1;
    if (
      !this.#writeAll(result.answer, 0, result.answer.length, Section.Answer, limit) ||
      !this.#writeAll(result.authority, 0, result.authority.length, Section.Authority, limit) ||
      !this.#writeAll(result.additional, 0, result.additionalRequired, Section.Additional, limit)
    ) {
      this.#len = mark;
      this.#entries = marked;
      this.#counts[0] = this.#counts[1] = this.#counts[2] = 0;
      return false;
    }
    for (let i = result.additionalRequired; i < result.additional.length; i++) {
      this.#writeRRset(result.additional[i], Section.Additional, limit);
    }
    return true;
  }

  /**
   * Appends the OPT RR when `edns` (RFC 6891 §6.1.2): our payload size, the upper 8 bits of
   * an extended RCODE, version 0 and the DO bit copied (RFC 3225 §3). Writes the counts.
   */
  finish(edns: boolean, ednsDo: boolean, rcode: number): number {
    const b = this.buf;
    let at = this.#len;
    if (edns) {
      b[at] = 0;
      b.writeUInt16BE(TYPE_OPT, at + 1);
      b.writeUInt16BE(SERVER_UDP_SIZE, at + 3);
      b[at + 5] = rcode >> 4;
      b[at + 6] = 0;
      b.writeUInt16BE(ednsDo ? EDNS_DO : 0, at + 7);
      b.writeUInt16BE(0, at + 9);
      at += OPT_RR_SIZE;
      this.#counts[2]++;
    }
    b.writeUInt16BE(this.#counts[0], 6);
    b.writeUInt16BE(this.#counts[1], 8);
    b.writeUInt16BE(this.#counts[2], 10);
    return (this.#len = at);
  }

  #writeAll(sets: readonly RRset[], from: number, to: number, section: SectionIndex, limit: number): boolean {
    for (let i = from; i < to; i++) if (!this.#writeRRset(sets[i], section, limit)) return false;
    return true;
  }

  /** Writes every record of one RRset, or none of them. */
  #writeRRset(set: RRset, section: SectionIndex, limit: number): boolean {
    const ownerAt = this.#knownOwner(section);
    if (set instanceof PackedRRset) {
      // One record, read from the zone's slab in place (no view made: zone/packed-rrset.ts).
      const at = this.#writeRR(set, set.bytes, set.start, set.end, limit, ownerAt);
      if (at < 0) return false;
      if (section === Section.Answer) this.#noteTarget(set.type, at, set.end - set.start);
      this.#counts[section] += 1;
      return true;
    }
    const mark = this.#len;
    const marked = this.#entries;
    const rdata = set.rdata;
    for (let i = 0; i < rdata.length; i++) {
      const record = rdata[i];
      const at = this.#writeRR(set, record, 0, record.length, limit, ownerAt);
      if (at < 0) {
        this.#len = mark;
        this.#entries = marked;
        return false;
      }
      if (section === Section.Answer && rdata.length === 1) this.#noteTarget(set.type, at, record.length);
    }
    this.#counts[section] += rdata.length;
    return true;
  }

  /**
   * Where the owner of an RRset in `section` already is in the message, or -1 to look its
   * name up: with LookupResult.ownersFromQuestion, an answer is owned by the question name
   * (at HEADER_SIZE) and an additional address by the target of the answer's one record.
   * A pointer to a name inside earlier RDATA is as legal as any (RFC 1035 §4.1.4).
   */
  #knownOwner(section: SectionIndex): number {
    if (!this.#ownersKnown) return -1;
    if (section === Section.Answer) return HEADER_SIZE;
    return section === Section.Additional ? this.#targetAt : -1;
  }

  /**
   * Remembers where the target name of the answer's one record (RDATA at `at`) was written.
   * Which types bring additional addresses is the lookup's rule (zone/answers.ts); any type
   * that names a target is noted, and one that brings none leaves the note unused.
   */
  #noteTarget(type: number, at: number, length: number): void {
    if (!this.#ownersKnown) return;
    const offset = rdataTargetOffset(type, length);
    this.#targetAt = offset >= 0 && at + offset <= MAX_POINTER_OFFSET ? at + offset : -1;
  }

  /**
   * One record whose RDATA is `bytes[start, end)`, its owner a pointer to `ownerAt` when
   * that is not -1; returns where its RDATA starts, or -1, having written nothing, when it
   * does not fit.
   */
  #writeRR(set: RRset, bytes: Uint8Array, start: number, end: number, limit: number, ownerAt: number): number {
    const length = end - start;
    const b = this.buf;
    let at: number;
    if (ownerAt >= 0) {
      if (this.#len + 2 + 10 + length > limit) return -1; // pointer, fixed fields, RDATA
      at = this.#len;
      b[at] = 0xc0 | (ownerAt >> 8);
      b[at + 1] = ownerAt & 0xff;
      at += 2;
    } else {
      const owner = set.owner;
      const nameSize = this.#plan(owner);
      if (this.#len + nameSize + 10 + length > limit) return -1;
      at = this.#writeName(owner);
    }
    b.writeUInt16BE(set.type, at);
    b.writeUInt16BE(CLASS_IN, at + 2);
    b.writeUInt32BE(set.ttl >>> 0, at + 4);
    b.writeUInt16BE(length, at + 8);
    at += 10;
    // Most RDATA is an address or a short name: a loop beats TypedArray#set's call for it.
    if (length <= SHORT_RDATA) for (let i = 0; i < length; i++) b[at + i] = bytes[start + i];
    else b.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), at);
    this.#len = at + length;
    return at;
  }

  /**
   * Finds the longest suffix of `name` already in the message (RFC 1035 §4.1.4) and
   * returns the encoded size of `name`: its leading labels plus a pointer, or all labels
   * plus the root octet.
   */
  #plan(name: Labels): number {
    this.#matchIndex = name.length;
    this.#matchOffset = -1;
    let size = 0;
    for (let i = 0; i < name.length; i++) {
      const offset = this.#find(name, i);
      if (offset >= 0) {
        this.#matchIndex = i;
        this.#matchOffset = offset;
        return size + 2;
      }
      size += name[i].length + 1;
    }
    return size + 1;
  }

  /** The offset of a written name equal to `name.slice(from)`, or -1. */
  #find(name: Labels, from: number): number {
    const want = name.length - from;
    for (let k = 0; k < this.#entries; k++) {
      const other = this.#entryNames[k];
      const start = this.#entryStart[k];
      if (other.length - start !== want) continue;
      let j = 0;
      while (j < want && labelEquals(other[start + j], name[from + j])) j++;
      if (j === want) return this.#entryOffset[k];
    }
    return -1;
  }

  /** Writes `name` as planned by `#plan`, registering its new suffixes; returns the end. */
  #writeName(name: Labels): number {
    const b = this.buf;
    let at = this.#len;
    for (let i = 0; i < this.#matchIndex; i++) {
      const label = name[i];
      this.#addEntry(name, i, at);
      b[at++] = label.length;
      // A JS loop beats Buffer#write's native call for labels this short.
      for (let j = 0; j < label.length; j++) b[at++] = label.charCodeAt(j);
    }
    if (this.#matchOffset >= 0) {
      b.writeUInt16BE(0xc000 | this.#matchOffset, at);
      return at + 2;
    }
    b[at] = 0;
    return at + 1;
  }

  #addEntry(name: Labels, start: number, offset: number): void {
    if (offset > MAX_POINTER_OFFSET) return;
    const k = this.#entries++;
    this.#entryNames[k] = name;
    this.#entryStart[k] = start;
    this.#entryOffset[k] = offset;
  }
}
