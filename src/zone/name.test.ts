// Domain names: presentation escapes, case folding (RFC 4343), size limits (RFC 1035 §2.3.4).
import { describe, expect, it } from 'vitest';
import {
  isSubdomain, lowerLabel, lowerName, nameEquals, nameFromWire, nameToText, nameToWire, nameWireLength, parseName, toOctets,
} from './name.js';
import { ZoneSyntaxError } from './errors.js';

const ORIGIN = ['example', 'com'];

const parses = [
  { name: 'absolute name', text: 'www.example.org.', labels: ['www', 'example', 'org'] },
  { name: 'relative name gets the origin', text: 'www', labels: ['www', 'example', 'com'] },
  { name: '@ is the origin', text: '@', labels: ['example', 'com'] },
  { name: 'root', text: '.', labels: [] },
  { name: 'escaped dot stays inside a label', text: 'a\\.b.c.', labels: ['a.b', 'c'] },
  { name: 'escaped backslash', text: 'a\\\\b.', labels: ['a\\b'] },
  { name: 'decimal escape', text: 'a\\000b\\255.', labels: ['a\u0000b\u00ff'] },
  { name: 'escaped space', text: 'a\\ b.', labels: ['a b'] },
  { name: 'case is kept', text: 'WwW.Example.', labels: ['WwW', 'Example'] },
  { name: 'trailing escaped dot is relative', text: 'a\\.', labels: ['a.', 'example', 'com'] },
] as const;

const rejects = [
  { name: 'empty label', text: 'a..b.', error: /empty label/ },
  { name: 'leading dot', text: '.a.', error: /empty label/ },
  { name: 'label of 64 octets', text: `${'a'.repeat(64)}.`, error: /longer than 63/ },
  { name: 'name of 256 octets', text: `${'a'.repeat(63)}.`.repeat(4) + 'a.', error: /longer than 255/ },
  { name: 'escape above 255', text: 'a\\256.', error: /above 255/ },
  { name: 'short decimal escape', text: 'a\\25.', error: /bad escape/ },
  { name: 'dangling backslash', text: 'a\\', error: /dangling/ },
] as const;

describe('names', () => {
  it.each(parses)('parses $name', ({ text, labels }) => {
    expect(parseName(text, ORIGIN)).toEqual(labels);
  });

  it.each(rejects)('rejects $name', ({ text, error }) => {
    expect(() => parseName(text, ORIGIN)).toThrow(ZoneSyntaxError);
    expect(() => parseName(text, ORIGIN)).toThrow(error);
  });

  it('accepts the largest legal name (255 octets)', () => {
    const text = `${'a'.repeat(63)}.`.repeat(3) + `${'b'.repeat(61)}.`;
    expect(nameWireLength(parseName(text))).toBe(255);
  });

  it('needs an origin for relative names', () => {
    expect(() => parseName('www')).toThrow(/without an origin/);
  });

  it('prints with escapes and round-trips', () => {
    const labels = ['a.b', 'c\\d', 'sp ace', '\u0000\u00ff', '@$;()"', 'ok-1'];
    const text = nameToText(labels);
    expect(text).toBe('a\\.b.c\\\\d.sp\\032ace.\\000\\255.\\@\\$\\;\\(\\)\\".ok-1.');
    expect(parseName(text)).toEqual(labels);
    expect(nameToText([])).toBe('.');
  });

  it('folds ASCII only (RFC 4343 §3)', () => {
    expect(lowerLabel('WwW-Ä\u00c0')).toBe('www-Ä\u00c0');
    const lower = ['www', 'x'];
    expect(lowerName(lower)).toBe(lower); // no copy when already lowercase
    expect(lowerName(['WWW', 'x'])).toEqual(['www', 'x']);
  });

  it('compares case-insensitively', () => {
    expect(nameEquals(['WWW', 'Example'], ['www', 'example'])).toBe(true);
    expect(nameEquals(['\u00c0'], ['\u00e0'])).toBe(false);
    expect(isSubdomain(['a', 'B', 'example'], ['b', 'EXAMPLE'])).toBe(true);
    expect(isSubdomain(['example'], ['example'])).toBe(true);
    expect(isSubdomain(['xexample'], ['example'])).toBe(false);
    expect(isSubdomain(['a', 'example'], [])).toBe(true);
  });

  it('encodes and decodes uncompressed wire form', () => {
    const buf = new Uint8Array(32);
    const end = nameToWire(['Ab', 'c'], buf, 1);
    expect(Array.from(buf.subarray(1, end))).toEqual([2, 65, 98, 1, 99, 0]);
    expect(nameFromWire(buf, 1)).toEqual([['Ab', 'c'], end]);
    expect(() => nameFromWire(Uint8Array.from([0xc0, 0x0c]), 0)).toThrow(/compressed/);
    expect(() => nameFromWire(Uint8Array.from([3, 97]), 0)).toThrow(/invalid name/);
  });

  it('re-encodes chars above 0xFF as UTF-8 octets', () => {
    expect(toOctets('é✓')).toBe('\u00c3\u00a9\u00e2\u009c\u0093');
    expect(toOctets('plain')).toBe('plain');
  });
});
