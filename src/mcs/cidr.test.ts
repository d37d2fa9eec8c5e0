import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, type Cidr } from './cidr.js';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('cidr', () => {
  it.each([
    ['10.0.0.0/16', '10.0.255.7', true],
    ['10.0.0.0/16', '10.1.0.1', false],
    ['10.0.0.0/8', '::ffff:10.9.8.7', true],
    ['0.0.0.0/0', '192.0.2.1', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['fd00::/64', 'fd00::1234', true],
    ['fd00::/64', 'fd00:0:0:1::1', false],
    ['2001:db8::/32', '2001:db8:ffff::', true],
    ['127.0.0.2', '127.0.0.2', true],
    ['127.0.0.2', '127.0.0.3', false],
  ])('%s contains %s → %s', (prefix, address, expected) => {
    expect(cidrContains(cidr(prefix), address)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/33', 'prefix length'],
    ['10.0.0/8', 'not an IP address'],
    ['fd00::/129', 'prefix length'],
    ['10.0.0.0/x', 'prefix length'],
  ])('rejects %s', (text, message) => {
    expect(parseCidr(text)).toContain(message);
  });

  it('never matches something that is not an address', () => {
    expect(cidrContains(cidr('0.0.0.0/0'), 'not-an-ip')).toBe(false);
  });
});
