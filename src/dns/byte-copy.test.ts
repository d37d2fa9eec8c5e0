import { describe, expect, it } from 'vitest';
import { BufferView, copyBytes, sameBytes } from './byte-copy.js';

/** `length` bytes counting up from `first`, inside a larger buffer at offset `offset`. */
function bytesAt(offset: number, length: number, first: number): Uint8Array {
  const backing = new Uint8Array(offset + length + 11);
  const bytes = backing.subarray(offset, offset + length);
  for (let i = 0; i < length; i++) bytes[i] = (first + i * 37) & 0xff;
  return bytes;
}

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer);

describe('copyBytes', () => {
  it('copies every length from 0 to 9 between unaligned places, and nothing around them', () => {
    for (let length = 0; length <= 9; length++) {
      for (const [fromOffset, toOffset] of [[0, 0], [1, 3], [3, 2], [5, 0]]) {
        const from = bytesAt(fromOffset, length + 4, 200);
        const to = new Uint8Array(toOffset + length + 8).fill(0xee);
        copyBytes(viewOf(from), from.byteOffset + 2, viewOf(to), 3, length);
        expect(Array.from(to.subarray(3, 3 + length))).toEqual(Array.from(from.subarray(2, 2 + length)));
        expect(to.subarray(0, 3).every((b) => b === 0xee)).toBe(true);
        expect(to.subarray(3 + length).every((b) => b === 0xee)).toBe(true);
      }
    }
  });
});

describe('sameBytes', () => {
  it('finds a difference at any position, in words and in the tail', () => {
    for (let length = 1; length <= 9; length++) {
      const a = bytesAt(1, length, 9);
      const b = bytesAt(6, length, 9);
      expect(sameBytes(viewOf(a), a.byteOffset, viewOf(b), b.byteOffset, length)).toBe(true);
      for (let at = 0; at < length; at++) {
        b[at] ^= 0x40;
        expect(sameBytes(viewOf(a), a.byteOffset, viewOf(b), b.byteOffset, length)).toBe(false);
        b[at] ^= 0x40;
      }
    }
    expect(sameBytes(viewOf(bytesAt(0, 1, 1)), 0, viewOf(bytesAt(0, 1, 2)), 0, 0)).toBe(true);
  });
});

describe('BufferView', () => {
  it('makes a view once per array, over the whole buffer', () => {
    const views = new BufferView();
    const pooled = Buffer.from('abcdefgh'); // a slice of Node's shared pool: byteOffset may be > 0
    const first = views.of(pooled);
    expect(views.of(pooled)).toBe(first);
    expect(first.getUint8(pooled.byteOffset + 2)).toBe(0x63);
    const other = Buffer.alloc(4);
    expect(views.of(other)).not.toBe(first);
    expect(views.of(other).byteLength).toBe(other.buffer.byteLength);
  });
});
