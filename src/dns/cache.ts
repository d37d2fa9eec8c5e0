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
 * The whole cache is cleared when the zone view is swapped.
 */
import { LRUCache } from 'lru-cache';
import { Flag, HEADER_SIZE } from './constants.js';
import type { ScannedQuery } from './scanner.js';

const RD_BYTE2 = Flag.RD >> 8;
const CD_BYTE3 = Flag.CD;

export class ResponseCache {
  readonly #lru: LRUCache<string, Buffer>;

  constructor(maxEntries: number) {
    this.#lru = new LRUCache<string, Buffer>({ max: maxEntries });
  }

  /**
   * The key for `q` answered within `limit` bytes. One string concatenation: the name key
   * from the scanner plus four UTF-16 code units.
   */
  static key(q: ScannedQuery, limit: number): string {
    const shape = (q.hasEdns ? 1 : 0) | (q.ednsDo ? 2 : 0);
    return q.nameKey + String.fromCharCode(0, q.qtype, q.qclass, shape, limit);
  }

  get(key: string): Buffer | undefined {
    return this.#lru.get(key);
  }

  /** Stores a private copy of `response` (the caller's buffer may be reused or pooled). */
  set(key: string, response: Uint8Array): void {
    const copy = Buffer.allocUnsafeSlow(response.length);
    copy.set(response);
    this.#lru.set(key, copy);
  }

  clear(): void {
    this.#lru.clear();
  }

  get size(): number {
    return this.#lru.size;
  }
}

/**
 * Copies `cached` into `out` at `at` and makes it the answer to `msg`: the query's ID, the
 * question bytes as the query spelled them, and RD/CD copied (RFC 1035 §4.1.1, RFC 4035
 * §3.1.6).
 */
export function patchInto(cached: Buffer, msg: Uint8Array, q: ScannedQuery, out: Buffer, at: number): void {
  cached.copy(out, at);
  out[at] = msg[0];
  out[at + 1] = msg[1];
  out[at + 2] = (cached[2] & ~RD_BYTE2) | (msg[2] & RD_BYTE2);
  out[at + 3] = (cached[3] & ~CD_BYTE3) | (msg[3] & CD_BYTE3);
  out.set(msg.subarray(HEADER_SIZE, q.questionEnd), at + HEADER_SIZE);
}
