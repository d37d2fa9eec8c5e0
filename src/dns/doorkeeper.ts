/**
 * The response cache's admission filter: a key is let in the second time it is seen within
 * a window, so names asked once (a random-subdomain flood) never enter the cache. This is
 * TinyLFU's "doorkeeper" (Einziger, Friedman & Manes, ACM ToS 2017, §3.4.2): a Bloom
 * filter of the keys seen since the last reset, cleared after as many recordings as the
 * cache has entries, so it never fills up.
 *
 * Why a Bloom filter and not one remembered fingerprint per bucket (the fifteenth
 * session's doorkeeper): two keys that share a bucket and are asked in turn overwrite each
 * other's fingerprint, and neither is ever let in. With 22,000 keys over 65,536 buckets a
 * quarter of them share one; dnsperf cycles its file in a fixed order, so in the uniform
 * mix of the dns benchmark (every name of a 10,000-service zone) a quarter of all queries
 * missed the cache for good (sixteenth session, bench/README.md). In a Bloom filter a key
 * only ever sets bits, so a collision can admit a key one sighting early (a false
 * positive, ~1 % when full) but never keeps one out.
 *
 * A key is its 32-bit hash (cache.ts hashKey); the two bit positions are its low bits and
 * the low bits of a remix of it.
 */
export class Doorkeeper {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  /** Recordings after which the filter is cleared: the cache's size. */
  readonly #window: number;
  #recorded = 0;

  /**
   * For a cache of `entries` responses: 16–32 bits per entry (a power of two, at least
   * 2^16), 256 KiB for the default 100,000, as the fingerprint table it replaces.
   */
  constructor(entries: number) {
    let bits = 1 << 16;
    while (bits < entries * 16 && bits < 1 << 30) bits *= 2;
    this.#bits = new Uint32Array(bits >>> 5);
    this.#mask = bits - 1;
    this.#window = Math.max(1, entries);
  }

  /**
   * True when `hash` was recorded since the last clear (the caller then admits the key);
   * otherwise records it and returns false.
   */
  admit(hash: number): boolean {
    const a = hash & this.#mask;
    const b = remix(hash) & this.#mask;
    const bits = this.#bits;
    if ((bits[a >>> 5] & (1 << (a & 31))) !== 0 && (bits[b >>> 5] & (1 << (b & 31))) !== 0) return true;
    if (++this.#recorded > this.#window) {
      bits.fill(0);
      this.#recorded = 1;
    }
    bits[a >>> 5] |= 1 << (a & 31);
    bits[b >>> 5] |= 1 << (b & 31);
    return false;
  }
}

/** A second, independent-looking 32-bit hash from the first (murmur3's finaliser constants). */
function remix(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return h ^ (h >>> 15);
}
