/**
 * The response cache: encoded responses keyed by what determines their bytes, so a hit
 * is a copy plus three patches and never a decode or a lookup.
 *
 * Key: the ASCII-lowercased wire qname, qtype, qclass, the EDNS shape (OPT present, DO)
 * and the size limit the response was built for (512…1232 over UDP, 65535 over TCP). Two
 * queries with equal keys get identical responses except for the ID, the question's
 * spelling (0x20) and the RD/CD bits copied from the query, which `patchInto` rewrites.
 * Compression pointers stay valid because the question has the same length.
 *
 * What is stored: NOERROR, NXDOMAIN and REFUSED responses to well-formed QUERYs, truncated
 * ones included (their bytes are fixed by the key's size limit, and caching them makes a
 * small-buffer flood cheap). Not stored: SERVFAIL (a transient state, such as before the
 * first apply), FORMERR/NOTIMP/BADVERS (not worth it, and they depend on more than the key).
 * A view swap invalidates every entry in O(1): entries carry the generation they were
 * built in, and one from an older generation is a miss. (Clearing a 100k-slot LRU cost
 * ~200 µs, paid on every write.) Stale entries age out of the LRU like any other.
 *
 * Admission: a response is stored only the second time its key misses within a window
 * (a "doorkeeper" as in TinyLFU). Names asked once, such as a random-subdomain flood,
 * never enter the LRU, so they cost a hash and no insertion, eviction or retained
 * garbage, and the cached popular names are not pushed out by them. The doorkeeper is a
 * table of 32-bit fingerprints indexed by the same hash; a collision only delays or
 * advances one admission.
 *
 * Stored form: the response bytes as a one-byte (latin1) string, a copy made once at
 * admission. A Buffer of the response as sent was a slice of Node's 8 KiB allocation pool,
 * and one live slice keeps its whole pool: at 100k names a dnsperf run grew external
 * memory from 10 to 57 MB and RSS by 41 MB. A string costs its length plus a header, and
 * a hit writes it straight into the reply.
 */
import { Flag, HEADER_SIZE } from './constants.js';
import { LruSlots } from './lru-slots.js';
import { NAME_KEY_SUFFIX_ROOM } from './scanner.js';
import type { ScannedQuery } from './scanner.js';

const RD_BYTE2 = Flag.RD >> 8;
const DOORKEEPER_BITS = 16;
const DOORKEEPER_MASK = (1 << DOORKEEPER_BITS) - 1;
const CD_BYTE3 = Flag.CD;

/** Octets ResponseCache.key appends to the name: a zero, type, class, EDNS shape, limit. */
const KEY_SUFFIX = 8;
if (KEY_SUFFIX > NAME_KEY_SUFFIX_ROOM) throw new Error('cache: the scanner keeps too little room for the key suffix');

export class ResponseCache {
  readonly #slots: LruSlots;
  /** Per slot: the response's bytes (one char each) and the view generation it was built from. */
  readonly #responses: string[] = [];
  readonly #generations: Int32Array;
  readonly #seen = new Int32Array(1 << DOORKEEPER_BITS);
  #generation = 0;

  constructor(maxEntries: number) {
    this.#slots = new LruSlots(maxEntries);
    this.#generations = new Int32Array(maxEntries);
  }

  /** True when `key` missed recently (store it now); otherwise remembers this miss. */
  admit(key: string): boolean {
    const h = fnv1a(key);
    const slot = h & DOORKEEPER_MASK;
    if (this.#seen[slot] === h) return true;
    this.#seen[slot] = h;
    return false;
  }

  /**
   * The key for `q` answered within `limit` bytes: one latin1 string of the scanned name's
   * bytes followed by a zero octet (no name holds one where a length octet is due, so
   * the suffix cannot be mistaken for labels), type, class, EDNS shape and limit, written
   * into the room the scanner keeps after the name.
   */
  static key(q: ScannedQuery, limit: number): string {
    const b = q.nameBytes;
    let at = q.nameLength;
    b[at++] = 0;
    b[at++] = q.qtype >> 8;
    b[at++] = q.qtype & 0xff;
    b[at++] = q.qclass >> 8;
    b[at++] = q.qclass & 0xff;
    b[at++] = (q.hasEdns ? 1 : 0) | (q.ednsDo ? 2 : 0);
    b[at++] = limit >> 8;
    b[at++] = limit & 0xff;
    return b.toString('latin1', 0, at);
  }

  /**
   * The stored response's bytes (latin1), for patchInto. An entry from an older view is a
   * miss; it stays until set() overwrites it or it ages out.
   */
  get(key: string): string | undefined {
    const slot = this.#slots.find(key);
    if (slot < 0 || this.#generations[slot] !== this.#generation) return undefined;
    return this.#responses[slot];
  }

  /** Stores a copy of the first `length` bytes of `response`. */
  set(key: string, response: Buffer, length = response.length): void {
    const slot = this.#slots.insert(key);
    this.#generations[slot] = this.#generation;
    this.#responses[slot] = response.toString('latin1', 0, length);
  }

  /**
   * Invalidates every stored response (the zone view changed). The doorkeeper is kept:
   * a stale fingerprint only admits one response a miss early.
   */
  clear(): void {
    this.#generation = (this.#generation + 1) | 0;
  }

  get size(): number {
    return this.#slots.size;
  }
}

/**
 * Copies `cached` into `out` at `at` and makes it the answer to `msg`: the query's ID, the
 * question bytes as the query spelled them, and RD/CD copied (RFC 1035 §4.1.1, RFC 4035
 * §3.1.6).
 */
export function patchInto(cached: string, msg: Uint8Array, q: ScannedQuery, out: Buffer, at: number): void {
  out.write(cached, at, cached.length, 'latin1');
  out[at] = msg[0];
  out[at + 1] = msg[1];
  out[at + 2] = (cached.charCodeAt(2) & ~RD_BYTE2) | (msg[2] & RD_BYTE2);
  out[at + 3] = (cached.charCodeAt(3) & ~CD_BYTE3) | (msg[3] & CD_BYTE3);
  // A byte loop: a subarray of the question would be garbage on every hit.
  for (let i = HEADER_SIZE; i < q.questionEnd; i++) out[at + i] = msg[i];
}

/**
 * 32-bit FNV-1a over the key's chars (all < 256), as a signed int: an unsigned result
 * above 2^30 would be a heap-allocated number on every call.
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
