import { describe, expect, it } from 'vitest';
import { ipv4ToText, parseIPv4 } from './address.js';

/** The rule, written as plainly as it reads: four dot-separated decimal octets, no leading zeros. */
function referenceIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  if (!parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

describe('parseIPv4', () => {
  it('reads dotted quads and writes them back', () => {
    for (const text of ['0.0.0.0', '10.96.0.10', '255.255.255.255', '192.168.1.100']) expect(ipv4ToText(parseIPv4(text))).toBe(text);
  });

  it('refuses what is not a dotted quad, naming the address', () => {
    for (const text of ['', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '01.2.3.4', '1.2.3.00', '256.0.0.1', '1.2.3.4a', '1.2.3.-4', ' 1.2.3.4', '1.2.3.1000', '١.٢.٣.٤']) {
      expect(() => parseIPv4(text), text).toThrow(`bad IPv4 address '${text}'`);
    }
  });

  it('agrees with the plain rule on random strings of digits and dots', () => {
    let x = 7;
    const next = (n: number): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
    const digits = '0123456789012x';
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const parts = Array.from({ length: next(8) === 0 ? 3 + 2 * next(2) : 4 }, () => Array.from({ length: next(5) }, () => digits[next(digits.length)]).join(''));
      const text = parts.join('.');
      const want = referenceIPv4(text);
      if (want === undefined) expect(() => parseIPv4(text), text).toThrow();
      else {
        expect([...parseIPv4(text)], text).toEqual(want);
        accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });
});
