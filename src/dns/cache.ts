/**
 * The response cache: encoded responses keyed by what determines their bytes, so a hit
 * is a copy plus three patches and never a decode or a lookup.
 *
 * Key: the ASCII-lowercased wire qname, qtype, qclass, the EDNS shape (OPT present, DO)
 * and the size limit the response was built for (512…1232 over UDP, 65535 over TCP). Two
 * queries with equal keys get identical responses except for the ID, the question's
 * spelling (0x20) and the RD/CD bits copied from the query, which `copyHitInto` rewrites.
 * Compression pointers stay valid because the question has the same length.
 *
 * What is stored: NOERROR, NXDOMAIN and REFUSED responses to well-formed QUERYs, truncated
 * ones included (their bytes are fixed by the key's size limit, and caching them makes a
 * small-buffer flood cheap). Not stored: SERVFAIL (a transient state, such as before the
 * first apply), FORMERR/NOTIMP/BADVERS (not worth it, and they depend on more than the key).
 * A view swap (or `invalidate`, view-source.ts) invalidates every entry in O(1): entries
 * carry the generation they were built in, and one from an older generation is a miss.
 * (Clearing a 100k-slot LRU cost ~200 µs, paid on every write.) Stale entries age out of
 * the LRU like any other.
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
 * Stored form: bytes in one flat slab, a fixed place per slot, never a JavaScript object
 * per entry. Each place holds the key, then the response without its question: the
 * 12-byte header and what follows the question (the question is the query's own, copied
 * from it on every hit, and is the same length for equal keys). Admitting a response is a
 * copy into its slot's place and allocates nothing, so a cache that churns (a working set
 * larger than the cache, the scale benchmark's 200k names of a 1M zone) leaves no
 * survivors for the young-generation GC to copy and promote, and no old-generation garbage
 * when the entry is evicted. A string per response did: at 1M names each scavenge copied
 * ~2 MB of new entries and took up to 22 ms against 3–5 ms with the cache off, and those
 * pauses were the p99 of a fixed-rate run (bench/README.md, Scale, twenty-first
 * session). A response too long for a place (a large RRset: a headless service of many
 * pods) gets an ArrayBuffer of its own, reused by the slot's next long answer, within a
 * budget (SPILL_BUDGET_BYTES) so that a flood of long names cannot make the cache grow
 * without bound or allocate per admission; past it, a long answer is not stored. The slab
 * is zero-filled memory the kernel maps on first write, so a cache that holds little
 * costs little.
 */
import { Flag, HEADER_SIZE } from './constants.js';
import { Doorkeeper } from './doorkeeper.js';
import { HashSlotIndex } from './hash-slot-index.js';
import { LruSlots } from './lru-slots.js';
import { BufferView, copyBytes, sameBytes } from './byte-copy.js';
import { NAME_KEY_SUFFIX_ROOM } from './scanner.js';
import type { ScannedQuery } from './scanner.js';

const RD_BYTE2 = Flag.RD >> 8;
const CD_BYTE3 = Flag.CD;

/**
 * Bytes per slot in the slab: a key (a name of ~40–60 octets plus 8) and a response
 * without its question (12-byte header, then an MCS answer's records: ~30–150 bytes) fit
 * with room; the default 262,144 slots are 64 MiB at most, resident only as they fill.
 */
export const SLOT_BYTES = 256;

/** Most bytes all entries too long for their place may hold together (see above). */
export const SPILL_BUDGET_BYTES = 16 * 1024 * 1024;

/** Octets writeCacheKey appends to the name: a zero, type, class, EDNS shape, limit. */
const KEY_SUFFIX = 8;
if (KEY_SUFFIX > NAME_KEY_SUFFIX_ROOM) throw new Error('cache: the scanner keeps too little room for the key suffix');

export class ResponseCache {
  readonly #slots: LruSlots;
  readonly #index: HashSlotIndex;
  /** Per slot: the key's hash, its length, the response's length, and the view generation it was built from. */
  readonly #hashes: Int32Array;
  readonly #keyLengths: Uint16Array;
  readonly #lengths: Int32Array;
  readonly #generations: Int32Array;
  /** SLOT_BYTES per slot: the key, then the response's header and what follows its question. */
  readonly #slab: DataView;
  /** The entries too long for their place, by slot (`#spilled[slot]` is 1 for them). */
  readonly #large = new Map<number, DataView>();
  readonly #spilled: Uint8Array;
  /** The bytes of the ArrayBuffers in #large, against SPILL_BUDGET_BYTES. */
  #spilledBytes = 0;
  /** Views of the buffers the caller passes: the same ones on every call from the UDP listener. */
  readonly #keyView = new BufferView();
  readonly #outView = new BufferView();
  readonly #responseView = new BufferView();
  readonly #doorkeeper: Doorkeeper;
  #generation = 0;
  /** What the last lookup computed, for offer(): the key's hash and length, and the slot its hash had (-1: none). */
  #lastHash = 0;
  #lastKeyLength = 0;
  #lastSlot = -1;
  /** The slot the last lookup() found, or -1 when it missed: what hitRcode() and copyHitInto() read. */
  #hitSlot = -1;

  constructor(maxEntries: number) {
    this.#slots = new LruSlots(maxEntries);
    this.#index = new HashSlotIndex(maxEntries);
    this.#hashes = new Int32Array(maxEntries);
    this.#keyLengths = new Uint16Array(maxEntries);
    this.#lengths = new Int32Array(maxEntries);
    this.#generations = new Int32Array(maxEntries);
    this.#slab = new DataView(new ArrayBuffer(maxEntries * SLOT_BYTES));
    this.#spilled = new Uint8Array(maxEntries);
    this.#doorkeeper = new Doorkeeper(maxEntries);
  }

  /**
   * The length of the stored response to `q` answered within `limit` bytes, or -1. A hit
   * is then written by copyHitInto. An entry from an older view is a miss; it stays until
   * offer() overwrites it or it ages out.
   */
  lookup(q: ScannedQuery, limit: number): number {
    const length = writeCacheKey(q, limit);
    const hash = hashKey(q.nameBytes, length);
    const slot = this.#index.get(hash);
    this.#lastHash = hash;
    this.#lastKeyLength = length;
    this.#lastSlot = slot;
    this.#hitSlot = -1;
    if (slot < 0 || this.#generations[slot] !== this.#generation || this.#keyLengths[slot] !== length) return -1;
    const key = q.nameBytes;
    if (!sameBytes(this.#bytesOf(slot), this.#placeOf(slot), this.#keyView.of(key), key.byteOffset, length)) return -1;
    this.#slots.touch(slot);
    this.#hitSlot = slot;
    return this.#lengths[slot]!;
  }

  /** The RCODE (header bits) of the response the last lookup() found. */
  hitRcode(): number {
    const slot = this.#checkedHit();
    return this.#bytesOf(slot).getUint8(this.#placeOf(slot) + this.#keyLengths[slot]! + 3) & 0xf;
  }

  /**
   * Writes the response the last lookup() found into `out` at `at` as the answer to `msg`
   * (scanned into `q`): the query's ID, the question as the query spelled it, and RD/CD
   * copied (RFC 1035 §4.1.1, RFC 4035 §3.1.6). Returns false, writing nothing, when the
   * response does not fit in `out` at `at` (callers give room for it: never expected).
   */
  copyHitInto(msg: Uint8Array, q: ScannedQuery, out: Uint8Array, at: number): boolean {
    const slot = this.#checkedHit();
    if (at < 0 || at + this.#lengths[slot]! > out.length) return false;
    const stored = this.#bytesOf(slot);
    const header = this.#placeOf(slot) + this.#keyLengths[slot]!;
    out[at] = msg[0]!;
    out[at + 1] = msg[1]!;
    out[at + 2] = (stored.getUint8(header + 2) & ~RD_BYTE2) | (msg[2]! & RD_BYTE2);
    out[at + 3] = (stored.getUint8(header + 3) & ~CD_BYTE3) | (msg[3]! & CD_BYTE3);
    const to = this.#outView.of(out);
    const start = out.byteOffset + at;
    copyBytes(stored, header + 4, to, start + 4, HEADER_SIZE - 4);
    // The question from the query itself, a byte loop: on the TCP path `msg` differs from
    // call to call, and a view of it would be made each time.
    const questionEnd = q.questionEnd;
    for (let i = HEADER_SIZE; i < questionEnd; i++) out[at + i] = msg[i]!;
    copyBytes(stored, header + HEADER_SIZE, to, start + questionEnd, this.#lengths[slot]! - questionEnd);
    return true;
  }

  /**
   * Offers the first `length` bytes of `response` as the answer to the query the last
   * lookup() missed (`q` as it was given there: its key is still after the name, and the
   * key's hash and slot are reused rather than computed again). It is stored (a copy) only
   * when the same key missed recently: the doorkeeper records this miss otherwise.
   */
  offer(q: ScannedQuery, response: Uint8Array, length: number): void {
    const questionEnd = q.questionEnd;
    // Every cacheable response carries the question; one that does not is not stored.
    if (length < questionEnd) return;
    const keyLength = this.#lastKeyLength;
    const bytes = keyLength + HEADER_SIZE + length - questionEnd;
    const hash = this.#lastHash;
    if (!this.#doorkeeper.admit(hash)) return;
    if (bytes > SLOT_BYTES && !this.#spillFits(this.#lastSlot, bytes)) return;
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
    const stored = this.#claimPlace(slot, bytes);
    const to = this.#placeOf(slot);
    const key = q.nameBytes;
    copyBytes(this.#keyView.of(key), key.byteOffset, stored, to, keyLength);
    const from = this.#responseView.of(response);
    copyBytes(from, response.byteOffset, stored, to + keyLength, HEADER_SIZE);
    copyBytes(from, response.byteOffset + questionEnd, stored, to + keyLength + HEADER_SIZE, length - questionEnd);
    this.#keyLengths[slot] = keyLength;
    this.#lengths[slot] = length;
    this.#generations[slot] = this.#generation;
  }

  /** The slot of the last lookup's hit; throws (SERVFAIL in the responder) after a miss. */
  #checkedHit(): number {
    const slot = this.#hitSlot;
    if (slot < 0) throw new Error('cache: no hit to read (the last lookup missed)');
    return slot;
  }

  /** Where `slot`'s entry lives: the slab, or its own buffer when it was too long. */
  #bytesOf(slot: number): DataView {
    return this.#spilled[slot] === 0 ? this.#slab : this.#large.get(slot)!;
  }

  /** The offset of `slot`'s entry in #bytesOf(slot). */
  #placeOf(slot: number): number {
    return this.#spilled[slot] === 0 ? slot * SLOT_BYTES : 0;
  }

  /**
   * Whether an entry of `bytes` (too long for a place) may be stored at `slot` (-1: a slot
   * not yet chosen) within SPILL_BUDGET_BYTES, counting the buffer the slot already has.
   */
  #spillFits(slot: number, bytes: number): boolean {
    const own = slot >= 0 && this.#spilled[slot] === 1 ? this.#large.get(slot)!.byteLength : 0;
    return bytes <= own || this.#spilledBytes - own + bytes <= SPILL_BUDGET_BYTES;
  }

  /**
   * Makes room for `bytes` of entry at `slot`: its place in the slab, or a buffer of its
   * own, the slot's previous one when that is long enough.
   */
  #claimPlace(slot: number, bytes: number): DataView {
    const old = this.#spilled[slot] === 1 ? this.#large.get(slot)! : undefined;
    if (bytes <= SLOT_BYTES) {
      if (old !== undefined) this.#dropSpill(slot, old);
      return this.#slab;
    }
    if (old !== undefined && old.byteLength >= bytes) return old;
    if (old !== undefined) this.#dropSpill(slot, old);
    const own = new DataView(new ArrayBuffer(bytes));
    this.#large.set(slot, own);
    this.#spilled[slot] = 1;
    this.#spilledBytes += bytes;
    return own;
  }

  #dropSpill(slot: number, old: DataView): void {
    this.#spilled[slot] = 0;
    this.#large.delete(slot);
    this.#spilledBytes -= old.byteLength;
  }

  /** Bytes held by entries too long for their place (read by the tests). */
  get spilledBytes(): number {
    return this.#spilledBytes;
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
