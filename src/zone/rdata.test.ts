// RDATA presentation ⇄ wire for the native types and RFC 3597 generic RDATA.
import { describe, expect, it } from 'vitest';
import type { Token } from './lexer.js';
import { lexZone } from './lexer.js';
import { rdataFromText, rdataFromTokens, rdataToText } from './rdata.js';
import { parseType } from './rrtype.js';
import { aaaaRdata, mxRdata, rdataTarget, soaFields, soaRdata, srvRdata, txtRdata } from './rdata-build.js';
import { ipv6ToText, parseIPv6 } from './address.js';

const tokens = (text: string): readonly Token[] => lexZone(text, 't')[0]?.tokens ?? [];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const encode = (type: string, text: string): Uint8Array => rdataFromTokens(parseType(type) as number, tokens(text), ['example']);

const cases = [
  { type: 'A', text: '192.0.2.1', wire: 'c0000201', out: '192.0.2.1' },
  { type: 'AAAA', text: '2001:DB8::1', wire: '20010db8000000000000000000000001', out: '2001:db8::1' },
  { type: 'NS', text: 'ns1', wire: '036e7331076578616d706c6500', out: 'ns1.example.' },
  { type: 'CNAME', text: 'Target.Org.', wire: '06546172676574034f726700', out: 'Target.Org.' },
  { type: 'PTR', text: 'host.', wire: '04686f737400', out: 'host.' },
  { type: 'MX', text: '10 mail.', wire: '000a046d61696c00', out: '10 mail.' },
  { type: 'SRV', text: '0 100 80 web.', wire: '00000064005003776562' + '00', out: '0 100 80 web.' },
  { type: 'TXT', text: '"hello world" two', wire: '0b68656c6c6f20776f726c640374776f', out: '"hello world" "two"' },
  { type: 'TXT', text: '"a\\"b\\\\c\\010"', wire: '06' + '61226' + '25c630a', out: '"a\\"b\\\\c\\010"' },
  { type: 'TXT', text: '""', wire: '00', out: '""' },
  { type: 'SOA', text: 'ns hm 2024010101 7200 1800 86400 300', wire: '026e73076578616d706c650002686d076578616d706c650078a3f17500001c20000007080001518000' + '00012c', out: 'ns.example. hm.example. 2024010101 7200 1800 86400 300' },
  { type: 'SOA', text: 'ns. hm. 1 2h 30m 1d 5m', wire: '026e730002686d00000000010000' + '1c2000000708000151800000012c', out: 'ns. hm. 1 7200 1800 86400 300' },
  { type: 'CAA', text: '0 issue "letsencrypt.org"', wire: '0005697373756' + '56c657473656e63727970742e6f7267', out: '0 issue "letsencrypt.org"' },
  { type: 'HINFO', text: 'INTEL LINUX', wire: '05494e54454c054c494e5558', out: '"INTEL" "LINUX"' },
  { type: 'TYPE65280', text: '\\# 4 0a000001', wire: '0a000001', out: '\\# 4 0a000001' },
  { type: 'A', text: '\\# 4 0A000001', wire: '0a000001', out: '10.0.0.1' },
  { type: 'TYPE1000', text: '\\# 0', wire: '', out: '\\# 0' },
  { type: 'DS', text: '12345 8 2 0123 4567', wire: '3039080201234567', out: '12345 8 2 01234567' },
  { type: 'DS', text: '\\# 5 01 02030405', wire: '0102030405', out: '258 3 4 05' },
  { type: 'TYPE1000', text: '\\# 3 01 0203', wire: '010203', out: '\\# 3 010203' },
] as const;

const errors = [
  { name: 'bad IPv4', type: 'A', text: '192.0.2', error: /bad IPv4/ },
  { name: 'IPv4 octet above 255', type: 'A', text: '192.0.2.256', error: /bad IPv4/ },
  { name: 'bad IPv6', type: 'AAAA', text: '1::2::3', error: /bad IPv6/ },
  { name: 'MX preference too large', type: 'MX', text: '70000 mail.', error: /bad number/ },
  { name: 'missing field', type: 'SRV', text: '0 100 80', error: /missing name/ },
  { name: 'trailing data', type: 'A', text: '192.0.2.1 extra', error: /trailing data/ },
  { name: 'TXT string over 255 octets', type: 'TXT', text: `"${'x'.repeat(256)}"`, error: /longer than 255/ },
  { name: 'unknown type without \\#', type: 'TYPE65280', text: 'abc', error: /generic RDATA/ },
  { name: 'generic length mismatch', type: 'TYPE65280', text: '\\# 5 0a000001', error: /does not match/ },
  { name: 'generic odd hex', type: 'TYPE65280', text: '\\# 2 abc', error: /bad hex/ },
  { name: 'generic A of the wrong size', type: 'A', text: '\\# 3 0a0000', error: /too short/ },
  { name: 'DS without digest', type: 'DS', text: '1 8 2', error: /bad hex ''/ },
  { name: 'generic DS too short for its type', type: 'DS', text: '\\# 4 01020304', error: /too short/ },
  { name: 'bad CAA tag', type: 'CAA', text: '0 is-sue "x"', error: /bad CAA tag/ },
] as const;

describe('RDATA codecs', () => {
  it.each(cases)('$type $text', ({ type, text, wire, out }) => {
    const rdata = encode(type, text);
    expect(hex(rdata)).toBe(wire);
    expect(rdataToText(parseType(type) as number, rdata)).toBe(out);
  });

  it.each(errors)('rejects $name', ({ type, text, error }) => {
    expect(() => encode(type, text)).toThrow(error);
  });

  it('reads one line of text with rdataFromText', () => {
    expect(hex(rdataFromText(16, ' "a b" c ; comment', []))).toBe('036120620163');
    expect(hex(rdataFromText(33, '0 100 80 web', ['x']))).toBe('00000064005003776562017800');
    expect(() => rdataFromText(1, '192.0.2.1\n192.0.2.2')).toThrow(/more than one line/);
  });

  it('prints malformed RDATA of a known type in generic form', () => {
    expect(rdataToText(1, Uint8Array.from([1, 2, 3]))).toBe('\\# 3 010203');
  });
});

describe('RDATA builders', () => {
  it('builds SRV, MX, TXT, AAAA and reads targets back', () => {
    expect(rdataTarget(33, srvRdata(0, 100, 80, ['web', 'example']))).toEqual(['web', 'example']);
    expect(rdataTarget(15, mxRdata(10, ['mx']))).toEqual(['mx']);
    expect(rdataToText(16, txtRdata(['1.0.0']))).toBe('"1.0.0"');
    expect(rdataToText(28, aaaaRdata('fd00::10'))).toBe('fd00::10');
    expect(rdataTarget(1, Uint8Array.of(1, 2, 3, 4))).toBeUndefined();
  });

  it('SOA fields round-trip', () => {
    const soa = { mname: ['ns'], rname: ['hm'], serial: 4294967295, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 };
    expect(soaFields(soaRdata(soa))).toEqual(soa);
  });
});

describe('IPv6 text (RFC 5952)', () => {
  const v6 = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80::', 'fe80::'],
  ] as const;
  it.each(v6)('%s → %s', (input, out) => {
    expect(ipv6ToText(parseIPv6(input))).toBe(out);
  });
  it.each(['1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '1:2:3:4:5:6:7::8'])('rejects %s', (bad) => {
    expect(() => parseIPv6(bad)).toThrow(/bad IPv6/);
  });
});
