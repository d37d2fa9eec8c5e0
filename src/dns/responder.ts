/**
 * The query → response path, independent of sockets: scan the query, answer from the
 * response cache or from a lookup in the current zone view, encode, and hand back the
 * bytes to send (prefixed with the RFC 1035 §4.2.2 length for TCP), or write them straight
 * into a caller's buffer (the batched UDP engine's reply slots: no Buffer per reply).
 *
 * One Responder serves every socket of a server: JavaScript runs one message at a time,
 * so the scanned query and the writer's buffer are reused without locking.
 */
import {
  CLASSIC_UDP_SIZE, CLASS_IN, Flag, HEADER_SIZE, OPT_RR_SIZE, Rcode, SERVER_UDP_SIZE,
  TCP_MAX_MESSAGE, TYPE_AXFR, TYPE_IXFR, TYPE_OPT,
} from './constants.js';
import type { Transport } from './constants.js';
import { ResponseCache } from './cache.js';
import { BufferView, copyBytes } from './byte-copy.js';
import { ScannedQuery, ScanStatus, scanQuery } from './scanner.js';
import { MessageWriter } from './writer.js';
import type { DnsMetrics } from './metrics.js';
import type { ViewSource } from './view-source.js';
import type { Labels, LookupResult } from '../zone/types.js';
import { LookupScratch } from '../zone/index.js';

const NO_LABELS: Labels = [];

/**
 * Enough for the A and SRV answers of every service of a 100,000-service clusterset with
 * room to spare (2^18), so steady traffic is served from the cache up to that size. An
 * entry is a 256-byte place in the cache's slab (cache.ts), outside the V8 heap and
 * resident only once written: 64 MiB when full. The previous 100,000 was set when an entry
 * was two strings on the heap, each admission garbage the GC had to copy.
 */
export const DEFAULT_CACHE_SIZE = 262_144;

/**
 * Reorders an answer for one client (MCS: the client's own cluster first, rotation
 * otherwise). Returns null when the result stands as looked up. A reshaped response
 * depends on who asks and when, so it is never cached.
 */
export interface AnswerShaper {
  shape(result: LookupResult, client: string): LookupResult | null;
}

export interface ResponderOptions {
  source: ViewSource;
  shaper?: AnswerShaper;
  /** Most responses kept in the cache; 0 disables it. Default DEFAULT_CACHE_SIZE (64 MiB at most, resident as it fills). */
  cacheSize?: number;
  metrics?: DnsMetrics;
}

/** The largest response for `q` over `transport` (RFC 6891 §6.2.5, RFC 1035 §4.2.1). */
export function responseLimit(q: ScannedQuery, transport: Transport): number {
  if (transport === 'tcp') return TCP_MAX_MESSAGE;
  if (!q.hasEdns) return CLASSIC_UDP_SIZE;
  return Math.min(Math.max(q.udpSize, CLASSIC_UDP_SIZE), SERVER_UDP_SIZE);
}

export class Responder {
  readonly query = new ScannedQuery();
  readonly #writer = new MessageWriter();
  /** Where lookups write an exact-match answer instead of allocating one; encoded at once. */
  readonly #scratch = new LookupScratch();
  readonly #cache: ResponseCache | null;
  readonly #source: ViewSource;
  readonly #metrics: DnsMetrics | undefined;
  readonly #shaper: AnswerShaper | undefined;
  /** The client of the query being answered (for the shaper). */
  #client = '';
  /** The RCODE of the last response (extended RCODEs included), for metrics and logs. */
  lastRcode = 0;
  /** Views for copying a built reply out: the same writer and reply buffers on every UDP call. */
  readonly #builtView = new BufferView();
  readonly #outView = new BufferView();
  /** Whether #answer found the response in the cache (else the reply is in the writer). */
  #hit = false;

  constructor(options: ResponderOptions) {
    const size = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.#cache = size > 0 ? new ResponseCache(size) : null;
    this.#source = options.source;
    this.#metrics = options.metrics;
    this.#shaper = options.shaper;
    const cache = this.#cache;
    if (cache !== null) this.#source.onSwap(() => cache.clear());
  }

  /** How many responses the cache holds (0 without a cache). */
  get cachedResponses(): number {
    return this.#cache?.size ?? 0;
  }

  /**
   * The response to `msg` with `prefix` free bytes in front (2 for TCP: filled with the
   * length), or null when the message gets no reply. Never throws: an exception while
   * answering becomes SERVFAIL.
   */
  respond(msg: Buffer, transport: Transport, family: 4 | 6, client = ''): Buffer | null {
    const length = this.#answer(msg, transport, family, client);
    if (length < 0) return null;
    const prefix = transport === 'tcp' ? 2 : 0;
    const out = Buffer.allocUnsafe(prefix + length);
    if (prefix !== 0) out.writeUInt16BE(length, 0);
    return this.#copyOut(msg, out, prefix) ? out : null;
  }

  /**
   * The UDP response to `msg`, written into `out` at `at` (room for SERVER_UDP_SIZE bytes
   * needed); returns its length, or -1 when the message gets no reply. An exception while
   * encoding becomes SERVFAIL, as in respond().
   */
  respondInto(msg: Buffer, family: 4 | 6, client: string, out: Buffer, at: number): number {
    const length = this.#answer(msg, 'udp', family, client);
    if (length < 0 || !this.#copyOut(msg, out, at)) return -1;
    return length;
  }

  /**
   * Answers `msg`: from the cache (kept in #hit) or built into the writer, storing
   * cacheable responses. Returns the response's length, or -1 for no reply.
   */
  #answer(msg: Buffer, transport: Transport, family: 4 | 6, client: string): number {
    const q = this.query;
    this.#client = client;
    this.#hit = false;
    if (scanQuery(msg, q) === ScanStatus.Drop) return -1;
    this.#metrics?.request(transport, family, q.qtype);
    if (q.status !== ScanStatus.Ok || q.ednsVersion !== 0 || this.#cache === null) return this.#build(msg, q, transport, false);
    const limit = responseLimit(q, transport);
    const cached = this.#cache.lookup(q, limit);
    if (cached < 0) {
      this.#metrics?.cacheMiss();
      return this.#build(msg, q, transport, true);
    }
    this.#metrics?.cacheHit();
    this.#hit = true;
    this.lastRcode = this.#cache.hitRcode();
    return cached;
  }

  /**
   * Copies the response #answer produced into `out` at `at`; false, with nothing written,
   * when it does not fit there. The copies go through views of whole ArrayBuffers, so this
   * check is what keeps a broken length from writing into a neighbouring buffer.
   */
  #copyOut(msg: Buffer, out: Buffer, at: number): boolean {
    const cache = this.#cache;
    if (this.#hit && cache !== null) return cache.copyHitInto(msg, this.query, out, at);
    const w = this.#writer;
    if (at < 0 || at + w.length > out.length) return false;
    // Not Buffer#copy, which makes a view of the source per call (byte-copy.ts).
    const built = w.buf;
    copyBytes(this.#builtView.of(built), built.byteOffset, this.#outView.of(out), out.byteOffset + at, w.length);
    return true;
  }

  /**
   * Builds into the writer and, when the cache was asked for `q` and missed (`missed`),
   * offers it a cacheable response; returns the length.
   */
  #build(msg: Buffer, q: ScannedQuery, transport: Transport, missed: boolean): number {
    let cacheable: boolean;
    try {
      cacheable = this.#encode(msg, q, transport);
    } catch {
      this.#encodeSimple(msg, q, Rcode.SERVFAIL, q.flags & (Flag.RD | Flag.CD));
      cacheable = false;
    }
    const w = this.#writer;
    if (cacheable && missed) this.#cache?.offer(q, w.buf, w.length);
    return w.length;
  }

  /**
   * The policy dispatcher: encodes the response to `q` and says whether it may be cached.
   * Cases in the order the checks apply (dns-checklist §1.9, §1.10).
   */
  #encode(msg: Buffer, q: ScannedQuery, transport: Transport): boolean {
    const opcodeBits = q.flags & 0x7800;
    switch (q.status) {
      case ScanStatus.NotImp:
        // RFC 8906 §3.1.4: NOTIMP, opcode echoed, question kept, every other flag cleared.
        this.#encodeSimple(msg, q, Rcode.NOTIMP, opcodeBits);
        return false;
      case ScanStatus.FormErr:
        // RFC 1035 §4.1.1 / RFC 9619 §4: FORMERR with RD kept; the question only if it parsed.
        this.#encodeSimple(msg, q, Rcode.FORMERR, opcodeBits | (q.flags & Flag.RD));
        return false;
    }
    const copied = q.flags & (Flag.RD | Flag.CD);
    if (q.hasEdns && q.ednsVersion > 0) {
      // RFC 6891 §6.1.3: BADVERS (16) in the extended RCODE, OPT version 0, no answer data.
      this.#encodeSimple(msg, q, Rcode.BADVERS, copied);
      return false;
    }
    if (q.qtype === TYPE_OPT) {
      // RFC 6895 §3.1: OPT is a meta-type that is never queried for.
      this.#encodeSimple(msg, q, Rcode.FORMERR, copied);
      return false;
    }
    if (q.qclass !== CLASS_IN) return this.#encodeSimple(msg, q, Rcode.REFUSED, copied);
    if (q.qtype === TYPE_AXFR || q.qtype === TYPE_IXFR) {
      // Zone transfer is not offered: REFUSED over TCP (RFC 5936 §5); over UDP it is
      // undefined (RFC 5936 §4.2), answered NOTIMP as Knot and NSD do.
      return this.#encodeSimple(msg, q, transport === 'tcp' ? Rcode.REFUSED : Rcode.NOTIMP, copied);
    }
    return this.#encodeLookup(msg, q, transport, copied);
  }

  /** Looks the question up and encodes the result, truncating if it does not fit. */
  #encodeLookup(msg: Buffer, q: ScannedQuery, transport: Transport, copied: number): boolean {
    const labels = q.labels();
    const zone = this.#source.current().findZone(labels);
    // dns-checklist §1.3 step 1: no zone encloses the name (the `. NS` health check too).
    if (zone === undefined) return this.#encodeSimple(msg, q, Rcode.REFUSED, copied);
    const looked = zone.lookup(labels, q.qtype, this.#scratch);
    const shaped = this.#shaper?.shape(looked, this.#client) ?? null;
    const result = shaped ?? looked;
    const { rcode, aa } = rcodeOf(result);
    const w = this.#writer;
    w.start(msg, q, copied | (aa ? Flag.AA : 0), rcode, labels);
    const limit = responseLimit(q, transport) - (q.hasEdns ? OPT_RR_SIZE : 0);
    if (!w.writeResult(result, limit)) w.setFlags(Flag.TC); // RFC 1035 §4.2.1, RFC 2181 §9
    w.finish(q.hasEdns, q.ednsDo, rcode);
    this.lastRcode = rcode;
    return rcode !== Rcode.SERVFAIL && shaped === null;
  }

  /** A response with no records: header, the question when it parsed, OPT when the query had one. */
  #encodeSimple(msg: Buffer, q: ScannedQuery, rcode: number, flags: number): true {
    const w = this.#writer;
    w.start(msg, q, flags, rcode, q.questionEnd > HEADER_SIZE ? NO_LABELS : null);
    w.finish(q.hasEdns && q.status === ScanStatus.Ok, q.ednsDo, rcode);
    this.lastRcode = rcode;
    return true;
  }
}

/**
 * The one switch from lookup result to RCODE and AA (RFC 1034 §4.3.2, RFC 2308): a
 * referral is not authoritative (step 3b), nor is a server failure.
 */
export function rcodeOf(result: LookupResult): RcodeAndAA {
  switch (result.kind) {
    case 'Success':
    case 'NoData':
      return AUTHORITATIVE;
    case 'NameError':
      return NAME_ERROR;
    case 'Delegation':
      return REFERRAL;
    case 'ServerFailure':
      return SERVER_FAILURE;
  }
}

export interface RcodeAndAA {
  readonly rcode: number;
  readonly aa: boolean;
}
// Shared results so the hot path allocates nothing here.
const AUTHORITATIVE: RcodeAndAA = Object.freeze({ rcode: Rcode.NOERROR, aa: true });
const NAME_ERROR: RcodeAndAA = Object.freeze({ rcode: Rcode.NXDOMAIN, aa: true });
const REFERRAL: RcodeAndAA = Object.freeze({ rcode: Rcode.NOERROR, aa: false });
const SERVER_FAILURE: RcodeAndAA = Object.freeze({ rcode: Rcode.SERVFAIL, aa: false });
