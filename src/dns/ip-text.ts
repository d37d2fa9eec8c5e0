/**
 * Text forms of raw IP addresses, as inet_ntop(3) writes them (and so as Node's dgram
 * reports a sender): dotted quads, and IPv6 in the RFC 5952 §4 canonical form, with an
 * IPv4-mapped address (RFC 4291 §2.5.5.2) ending in a dotted quad.
 */

/** `bytes[at..at+4)` as a dotted quad. */
export function ipv4Text(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** `bytes[at..at+16)` in RFC 5952 form: lowercase, no leading zeros, longest zero run as `::`. */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1];
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${ipv4Text(bytes, at + 12)}`;
  }
  // RFC 5952 §4.2.2–4.2.3: the longest run of two or more zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
