/**
 * Growable byte writer and bounds-checked reader: the primitives of the WAL and wire
 * codecs. Integers that can exceed 32 bits (indexes, terms) are unsigned LEB128 varints
 * computed with arithmetic, not bit operators, so they stay exact up to 2^53.
 * Invariant of ByteReader: every read either returns a value wholly inside the buffer or
 * throws CodecError; it never returns garbage past the end.
 */
import { CodecError } from './errors.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#len;
  }

  /** Ensures room for `n` more bytes, doubling so appends stay amortised O(1). */
  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = v;
  }

  u32(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#len, v);
    this.#len += 4;
  }

  /** Writes a u32 at an earlier position (length prefixes filled in after the body). */
  patchU32(at: number, v: number): void {
    this.#view.setUint32(at, v);
  }

  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`not an unsigned safe integer: ${v}`);
    this.#reserve(8);
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.uvarint(bytes.length);
    this.raw(bytes);
  }

  string(s: string): void {
    this.bytes(utf8Encoder.encode(s));
  }

  /** Drops everything written after position `n` (undo of a speculative write). */
  truncate(n: number): void {
    if (n < this.#len) this.#len = n;
  }

  /** A view of the written bytes (no copy); valid until the next write. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /**
   * A copy of the bytes written so far, then empties the writer for reuse. The scratch
   * buffer stays (a fresh 64 KiB one per batch was 64 KiB of ArrayBuffer per write, enough
   * to drive V8 into a full GC every few hundred writes); one that grew past `keepBytes`
   * for a large batch is let go.
   */
  takeCopy(keepBytes: number): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    if (this.#buf.length > keepBytes) {
      this.#buf = new Uint8Array(keepBytes);
      this.#view = new DataView(this.#buf.buffer);
    }
    return out;
  }
}

export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number): void {
    if (this.#end - this.#pos < n) throw new CodecError(`need ${n} bytes at offset ${this.#pos}, have ${this.#end - this.#pos}`);
  }

  u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++];
  }

  u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }

  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new CodecError('varint exceeds 2^53');
        return result;
      }
      mul *= 0x80;
    }
    throw new CodecError('varint longer than 8 bytes');
  }

  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw new CodecError(`bad boolean ${b}`);
    return b === 1;
  }

  /**
   * Length-prefixed bytes, copied into a plain Uint8Array so the result outlives the source
   * buffer (Buffer#slice would alias it, and would compare unequal to a Uint8Array).
   */
  bytes(): Uint8Array {
    const n = this.uvarint();
    this.#need(n);
    const out = new Uint8Array(n);
    out.set(this.#buf.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return out;
  }

  /**
   * Length-prefixed bytes as a plain Uint8Array view into the source, not a copy: it keeps
   * the whole source buffer alive. For a transport frame, whose entries live about as long
   * as one another (the in-memory log drops them together at compaction); never for a WAL
   * segment read whole at recovery.
   */
  bytesView(): Uint8Array {
    const n = this.uvarint();
    this.#need(n);
    const buf = this.#buf;
    const out = new Uint8Array(buf.buffer, buf.byteOffset + this.#pos, n);
    this.#pos += n;
    return out;
  }

  string(): string {
    const n = this.uvarint();
    this.#need(n);
    try {
      return utf8Decoder.decode(this.#buf.subarray(this.#pos, this.#pos + n));
    } catch (cause) {
      throw new CodecError('invalid utf-8', { cause });
    } finally {
      this.#pos += n;
    }
  }

  /** Asserts the whole input was consumed (trailing bytes mean a framing bug or damage). */
  end(): void {
    if (this.#pos !== this.#end) throw new CodecError(`${this.#end - this.#pos} trailing bytes`);
  }
}
