import { describe, expect, it } from 'vitest';
import { ipv6Text } from './ip-text.js';
import { ipv4ToText } from '../zone/address.js';

/** The 16 bytes of an IPv6 address written as eight full groups (no `::`, so no parsing to trust). */
function v6Bytes(eightGroups: string): Uint8Array {
  const groups = eightGroups.split(':').map((g) => parseInt(g, 16));
  if (groups.length !== 8) throw new Error(`not eight groups: ${eightGroups}`);
  return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

describe('ip text forms', () => {
  it('writes dotted quads', () => {
    expect(ipv4ToText(Uint8Array.of(9, 127, 0, 0, 1), 1)).toBe('127.0.0.1');
    expect(ipv4ToText(Uint8Array.of(255, 255, 255, 255), 0)).toBe('255.255.255.255');
  });

  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed (§4.2.2)
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins (§4.2.3)
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs wins
    ['FE80:0:0:0:0:0:0:ABCD', 'fe80::abcd'], // lowercase (§4.3)
    ['0:0:0:0:0:ffff:c000:207', '::ffff:192.0.2.7'], // IPv4-mapped keeps the dotted quad (§5)
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['0:0:1:2:3:4:5:6', '::1:2:3:4:5:6'],
  ])('writes %s as %s', (input, expected) => {
    expect(ipv6Text(v6Bytes(input), 0)).toBe(expected);
  });
});
