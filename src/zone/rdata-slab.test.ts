// RDATA packed into shared slabs: each view holds its own bytes, whatever comes after it.
import { describe, expect, it } from 'vitest';
import { RdataSlab } from './rdata-slab.js';

describe('RdataSlab', () => {
  it('hands out views holding exactly the bytes stored, sharing one buffer', () => {
    const slab = new RdataSlab();
    const a = slab.store([192, 0, 2, 1]);
    const b = slab.store([0, 10, 0, 80]);
    expect([...a]).toEqual([192, 0, 2, 1]);
    expect([...b]).toEqual([0, 10, 0, 80]);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 4);
  });

  it('starts a new slab when one is full, leaving earlier views intact', () => {
    const slab = new RdataSlab();
    const views = Array.from({ length: 20_000 }, (_, i) => slab.store([i & 255, (i >> 8) & 255, 7, 9]));
    expect(new Set(views.map((v) => v.buffer)).size).toBeGreaterThan(1);
    views.forEach((v, i) => expect([...v]).toEqual([i & 255, (i >> 8) & 255, 7, 9]));
  });

  it('gives long RDATA an array of its own', () => {
    const slab = new RdataSlab();
    const small = slab.store([1]);
    const long = slab.store(new Array(2000).fill(5));
    expect(long.length).toBe(2000);
    expect(long.buffer).not.toBe(small.buffer);
    expect(long.byteOffset).toBe(0);
  });
});
