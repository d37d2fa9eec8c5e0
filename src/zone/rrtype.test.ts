// Type, class and TTL tokens (RFC 3597 §5 TYPEnnn/CLASSnnn, RFC 2181 §8 TTL range).
import { describe, expect, it } from 'vitest';
import { parseClass, parseTtl, parseType, typeToText } from './rrtype.js';

describe('types', () => {
  it.each([
    ['A', 1], ['aaaa', 28], ['Srv', 33], ['CAA', 257], ['TYPE1', 1], ['type65280', 65280], ['TYPE65535', 65535],
    ['TYPE65536', undefined], ['TYPE', undefined], ['TYPE1x', undefined], ['FOO', undefined], ['60', undefined],
  ] as const)('parseType(%s) = %s', (text, code) => {
    expect(parseType(text)).toBe(code);
  });

  it.each([[1, 'A'], [43, 'DS'], [65280, 'TYPE65280'], [0, 'TYPE0']] as const)('typeToText(%s) = %s', (code, text) => {
    expect(typeToText(code)).toBe(text);
  });
});

describe('classes', () => {
  it.each([['IN', 1], ['in', 1], ['CH', 3], ['CLASS1', 1], ['CLASS255', 255], ['ANY', undefined], ['A', undefined]] as const)('parseClass(%s) = %s', (text, code) => {
    expect(parseClass(text)).toBe(code);
  });
});

describe('TTLs', () => {
  it.each([
    ['0', 0], ['3600', 3600], ['1h', 3600], ['1H30m', 5400], ['2d', 172800], ['1w', 604800], ['10s', 10], ['2147483647', 2147483647],
    ['1x', undefined], ['h', undefined], ['IN', undefined], ['-1', undefined],
  ] as const)('parseTtl(%s) = %s', (text, ttl) => {
    expect(parseTtl(text)).toBe(ttl);
  });

  it('rejects TTLs above 2^31-1 (RFC 2181 §8)', () => {
    expect(() => parseTtl('2147483648')).toThrow(/above 2147483647/);
    expect(() => parseTtl('100000w')).toThrow(/above/);
  });
});
