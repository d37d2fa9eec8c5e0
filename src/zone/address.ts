/**
 * IPv4 and IPv6 addresses ⇄ the RDATA of A (RFC 1035 §3.4.1) and AAAA (RFC 3596 §2.2).
 * Text out is canonical: dotted quad, and RFC 5952 §4 for IPv6 (lowercase, longest run of
 * two or more zero groups as `::`, leftmost on a tie).
 */
import { ZoneSyntaxError } from './errors.js';

/**
 * `10.96.0.10` → 4 octets. Rejects leading zeros, which some tools read as octal.
 *
 * One pass over the characters: every registration (each anchor builds its records) and
 * every A record of a zone file comes through here, and splitting into strings to test
 * each with a pattern made ~250 bytes of garbage per address.
 */
export function parseIPv4(text: string): Uint8Array {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : DOT; // the end closes the last part
    if (c === DOT) {
      if (digits === 0 || part === 4) throw badIPv4(text);
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= ZERO && c <= ZERO + 9) {
      if (digits > 0 && value === 0) throw badIPv4(text); // a leading zero
      value = value * 10 + (c - ZERO);
      if (++digits > 3 || value > 255) throw badIPv4(text);
    } else {
      throw badIPv4(text);
    }
  }
  if (part !== 4) throw badIPv4(text);
  return out;
}

const DOT = 0x2e;
const ZERO = 0x30;

function badIPv4(text: string): ZoneSyntaxError {
  return new ZoneSyntaxError(`bad IPv4 address '${text}'`);
}

/** 4 octets at `offset` → dotted quad. */
export function ipv4ToText(buf: Uint8Array, offset = 0): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** `fd00::1`, `::ffff:10.0.0.1` → 16 octets. */
export function parseIPv6(text: string): Uint8Array {
  const bad = (): never => {
    throw new ZoneSyntaxError(`bad IPv6 address '${text}'`);
  };
  const halves = text.split('::');
  if (halves.length > 2) bad();
  const compressed = halves.length === 2;
  const head = halves[0] === '' ? [] : parseGroups(halves[0].split(':'), !compressed, bad);
  const tail = compressed && halves[1] !== '' ? parseGroups(halves[1].split(':'), true, bad) : [];
  const fill = 8 - head.length - tail.length;
  if (compressed ? fill < 1 : fill !== 0) bad();
  const all = compressed ? [...head, ...new Array<number>(fill).fill(0), ...tail] : head;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

// Hex groups; an embedded dotted quad is allowed as the last element of the address.
function parseGroups(parts: string[], v4Last: boolean, bad: () => never): number[] {
  const groups: number[] = [];
  parts.forEach((p, i) => {
    if (v4Last && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
      groups.push(parseInt(p, 16));
    } else {
      bad();
    }
  });
  return groups;
}

/** 16 octets at `offset` → RFC 5952 text. */
export function ipv6ToText(buf: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}
