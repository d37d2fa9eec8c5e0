/**
 * Packs the RDATA of one zone load into shared slabs. A Uint8Array of its own costs a
 * small record ~200 bytes of heap (the typed array, its ArrayBuffer, the bytes) for 4–40
 * bytes of data; a view into a shared slab costs only the view. A zone file's records live
 * and die together (a reload replaces them all), so a slab never pins much dead data; the
 * records of registrations, which come and go one by one, keep arrays of their own.
 */

/** Bytes per slab: large enough to amortise its ArrayBuffer, small enough to waste little. */
const SLAB_BYTES = 64 * 1024;

/** RDATA longer than this gets its own array (rare: long TXT, keys). */
const LARGEST_PACKED = 1024;

export class RdataSlab {
  #slab = new Uint8Array(0);
  #used = 0;

  /** A view holding a copy of `bytes`, in the current slab when it fits. */
  store(bytes: ArrayLike<number>): Uint8Array {
    const length = bytes.length;
    if (length > LARGEST_PACKED) return Uint8Array.from(bytes);
    if (this.#used + length > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const view = this.#slab.subarray(this.#used, this.#used + length);
    view.set(bytes);
    this.#used += length;
    return view;
  }
}
