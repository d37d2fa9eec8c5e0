import { describe, expect, it } from 'vitest';
import { internLowerLabel, shareLabel } from './label-intern.js';
import { parseZoneText } from './parse.js';
import { RRType } from './types.js';
import { countHeapStrings } from './testing/heap-count.js';

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

describe('shareLabel', () => {
  it('returns an equal string for every label, colliding or not', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) expect(shareLabel(`m${i}`)).toBe(`m${i}`);
    }
    expect(shareLabel('')).toBe('');
  });

  it('leaves one copy of a label that every service of a loaded zone repeats', async () => {
    // A label no other code or test spells whole, so the heap's copies are the zone's.
    const word = ['zz', 'share', 'probe'].join('-');
    const lines = ['$ORIGIN clusterset.local.', '@ 60 IN SOA ns hostmaster 1 60 60 60 60', '@ 60 IN NS ns', 'ns 60 IN A 10.0.0.1'];
    for (let i = 0; i < 2000; i++) lines.push(`${word}.svc-${i}.ns-1.svc 5 IN A 10.1.${i >> 8}.${i & 255}`);
    const zone = parseZoneText(lines.join('\n') + '\n');
    const copies = await countHeapStrings(word);
    expect(zone.lookup(['zz-share-probe', 'svc-7', 'ns-1', 'svc', 'clusterset', 'local'], RRType.A).kind).toBe('Success');
    expect(copies).toBeLessThan(20);
  });
});
