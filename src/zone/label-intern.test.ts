import { describe, expect, it } from 'vitest';
import { internLowerLabel } from './label-intern.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('internLowerLabel', () => {
  it('lowercases ASCII only (RFC 4343 §3) and keeps other octets', () => {
    expect(internLowerLabel(bytes('xxWeb-01yy'), 2, 6)).toBe('web-01');
    expect(internLowerLabel(bytes('\u00c0B\u00ff'), 0, 3)).toBe('\u00c0b\u00ff');
    expect(internLowerLabel(bytes(''), 0, 0)).toBe('');
  });

  it('gives the same label for any spelling seen before', () => {
    expect(internLowerLabel(bytes('Svc-42'), 0, 6)).toBe('svc-42');
    expect(internLowerLabel(bytes('sVC-42'), 0, 6)).toBe('svc-42');
    expect(internLowerLabel(bytes('svc-4'), 0, 5)).toBe('svc-4'); // a prefix is another label
  });

  it('answers correctly when labels collide in a slot', () => {
    // 10,000 distinct labels through a 4096-slot table: many share a slot and replace each other.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) expect(internLowerLabel(bytes(`L${i}`), 0, `L${i}`.length)).toBe(`l${i}`);
    }
  });
});
