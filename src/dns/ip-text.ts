/**
 * IPv6 client addresses as inet_ntop(3) writes them (and so as Node's dgram reports a
 * sender): the zone module's RFC 5952 §4 text, except that an IPv4-mapped address
 * (RFC 4291 §2.5.5.2) ends in a dotted quad (RFC 5952 §5). IPv4 needs nothing beyond
 * zone/address.ts ipv4ToText.
 */
import { ipv4ToText, ipv6ToText } from '../zone/address.js';

/** `bytes[at..at+16)` in RFC 5952 form, `::ffff:a.b.c.d` for an IPv4-mapped address. */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  let mapped = bytes[at + 10] === 0xff && bytes[at + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = bytes[at + i] === 0;
  return mapped ? `::ffff:${ipv4ToText(bytes, at + 12)}` : ipv6ToText(bytes, at);
}
