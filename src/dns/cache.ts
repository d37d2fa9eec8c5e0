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
 * A view swap (or `invalidate`, view-source.ts) invalidates every entry in O(1): entries carry the generation they were
 * built in, and one from an older generation is a miss. (Clearing a 100k-slot LRU cost
 * ~200 µs, paid on every write.) Stale entries age out of the LRU like any other.
 *
 * Lookup: the key is written as bytes after the scanned name (`ScannedQuery.nameBytes`)
 * and hashed; a HashSlotIndex gives the slot, whose stored key is then compared byte for
 * byte. No key string is made unless a response is stored, and a miss is one probe into
 * a flat table: at a million names nine lookups in ten miss, and a Map keyed by a fresh
 * key string cost ~1.6 µs each there (bench/HISTORY.md, Scale).
 *
 * Admission: a response is stored only the second time its key misses within a window
 * (TinyLFU's doorkeeper, doorkeeper.ts). Names asked once, such as a random-subdomain
 * flood, never enter the LRU, so they cost a hash and no insertion, eviction or retained
 * garbage, and the cached popular names are not pushed out by them.
 *
 * Stored form: the response bytes as a one-byte (latin1) string, a copy made once at
 * admission. A Buffer of the response as sent was a slice of Node's 8 KiB allocation pool,
 * and one live slice keeps its whole pool: at 100k names a dnsperf run grew external
 * memory from 10 to 57 MB and RSS by 41 MB. A string costs its length plus a header, and
 * a hit writes it straight into the reply.
 */
import { Flag, HEADER_SIZE } from './constants.js';
import { Doorkeeper } from './doorkeeper.js';
import { HashSlotIndex } from './hash-slot-index.js';
import { LruSlots } from './lru-slots.js';
import { NAME_KEY_SUFFIX_ROOM } from './scanner.js';
import type { ScannedQuery } from './scanner.js';

const RD_BYTE2 = Flag.RD >> 8;
const CD_BYTE3 = Flag.CD;

/** Octets writeCacheKey appends to the name: a zero, type, class, EDNS shape, limit. */
const KEY_SUFFIX = 8;
if (KEY_SUFFIX > NAME_KEY_SUFFIX_ROOM) throw new Error('cache: the scanner keeps too little room for the key suffix');

export class ResponseCache {
  readonly #slots: LruSlots;
  readonly #index: HashSlotIndex;
  /** Per slot: the key (one char per octet), its hash, the response's bytes, and the view generation it was built from. */
  readonly #keys: string[] = [];
  readonly #hashes: Int32Array;
  readonly #responses: string[] = [];
  readonly #generations: Int32Array;
  readonly #doorkeeper: Doorkeeper;
  #generation = 0;
  /** What the last lookup computed, for offer(): the key's hash and length, and the slot its hash had (-1: none). */
  #lastHash = 0;
  #lastKeyLength = 0;
  #lastSlot = -1;

  constructor(maxEntries: number) {
    this.#slots = new LruSlots(maxEntries);
    this.#index = new HashSlotIndex(maxEntries);
    this.#hashes = new Int32Array(maxEntries);
    this.#generations = new Int32Array(maxEntries);
    this.#doorkeeper = new Doorkeeper(maxEntries);
  }

  /**
   * The stored response (latin1, for patchInto) to `q` answered within `limit` bytes, or
   * undefined. An entry from an older view is a miss; it stays until offer() overwrites
   * it or it ages out.
   */
  lookup(q: ScannedQuery, limit: number): string | undefined {
    const length = writeCacheKey(q, limit);
    const hash = hashKey(q.nameBytes, length);
    const slot = this.#index.get(hash);
    this.#lastHash = hash;
    this.#lastKeyLength = length;
    this.#lastSlot = slot;
    if (slot < 0 || this.#generations[slot] !== this.#generation || !sameKey(this.#keys[slot]!, q.nameBytes, length)) return undefined;
    this.#slots.touch(slot);
    return this.#responses[slot];
  }

  /**
   * Offers the first `length` bytes of `response` as the answer to the query the last
   * lookup() missed (`q` as it was given there: its key is still after the name, and the
   * key's hash and slot are reused rather than computed again). It is stored (a copy) only
   * when the same key missed recently: the doorkeeper records this miss otherwise.
   */
  offer(q: ScannedQuery, response: Buffer, length: number): void {
    const hash = this.#lastHash;
    if (!this.#doorkeeper.admit(hash)) return;
    // The slot of this hash: the same key from an older view, or (rarely) another key
    // with the same 32-bit hash, which this one replaces.
    let slot = this.#lastSlot;
    if (slot >= 0) {
      this.#slots.touch(slot);
    } else {
      const evicting = this.#slots.full;
      slot = this.#slots.claim();
      if (evicting) this.#index.delete(this.#hashes[slot]!);
      this.#index.set(hash, slot);
      this.#hashes[slot] = hash;
    }
    this.#keys[slot] = q.nameBytes.toString('latin1', 0, this.#lastKeyLength);
    this.#generations[slot] = this.#generation;
    this.#responses[slot] = response.toString('latin1', 0, length);
  }

  /**
   * Invalidates every stored response (the zone view changed). The doorkeeper is kept:
   * a key it remembers is only admitted one miss early.
   */
  clear(): void {
    this.#generation = (this.#generation + 1) | 0;
  }

  get size(): number {
    return this.#slots.size;
  }
}

/**
 * Writes the cache key of `q` answered within `limit` bytes into `q.nameBytes` and
 * returns its length: the scanned (lowercased) name, then a zero octet (no name holds one
 * where a length octet is due, so the suffix cannot be mistaken for labels), type, class,
 * EDNS shape and limit, in the room the scanner keeps after the name.
 */
export function writeCacheKey(q: ScannedQuery, limit: number): number {
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
  return at;
}

function sameKey(stored: string, bytes: Uint8Array, length: number): boolean {
  if (stored.length !== length) return false;
  for (let i = 0; i < length; i++) if (stored.charCodeAt(i) !== bytes[i]) return false;
  return true;
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
 * 32-bit FNV-1a over the key's bytes, then murmur3's finaliser so that the low bits the
 * index and the doorkeeper use depend on every byte. Kept a signed int: an unsigned
 * result above 2^30 would be a heap-allocated number on every call.
 */
function hashKey(bytes: Uint8Array, length: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
