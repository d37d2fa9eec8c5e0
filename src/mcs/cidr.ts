/**
 * CIDR prefixes for client locality: the config maps each cluster to the address ranges
 * its pods query from, so a ClusterSetIP answer can put the client's own cluster first.
 * Addresses are compared as 128-bit values; IPv4 is mapped into ::ffff:0:0/96 so one
 * code path serves both families and a v4-mapped v6 source still matches a v4 prefix.
 */
import { isIP } from 'node:net';

export interface Cidr {
  readonly text: string;
  /** Network address as four 32-bit words, most significant first. */
  readonly words: readonly [number, number, number, number];
  /** Prefix length in the 128-bit space (IPv4 prefixes are offset by 96). */
  readonly bits: number;
}

/** Parses `addr/len` (or a bare address = host route); returns an error message on failure. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return `"${addr}" is not an IP address`;
  const max = family === 4 ? 32 : 128;
  const len = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > max || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) {
    return `prefix length in "${text}" must be 0-${max}`;
  }
  const bits = family === 4 ? len + 96 : len;
  return { text, words: maskWords(addressWords(addr)!, bits), bits };
}

/** True when `address` (IPv4, IPv6 or v4-mapped IPv6) is inside `cidr`. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const words = addressWords(address);
  if (!words) return false;
  const masked = maskWords(words, cidr.bits);
  return masked[0] === cidr.words[0] && masked[1] === cidr.words[1] &&
    masked[2] === cidr.words[2] && masked[3] === cidr.words[3];
}

/** The 128-bit form of an address, or undefined when it is not one. */
export function addressWords(address: string): [number, number, number, number] | undefined {
  const family = isIP(address);
  if (family === 4) return [0, 0, 0xffff, ipv4Word(address)];
  if (family !== 6) return undefined;
  const groups = ipv6Groups(address);
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  return words;
}

function ipv4Word(address: string): number {
  const p = address.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** Expands an IPv6 address (with `::` and an optional dotted-quad tail) to eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const w = ipv4Word(quad[1]!);
    text = text.slice(0, quad.index) + `${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function maskWords(words: readonly number[], bits: number): [number, number, number, number] {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(32, bits - 32 * i));
    const mask = keep === 0 ? 0 : (0xffffffff << (32 - keep)) >>> 0;
    out[i] = (words[i]! & mask) >>> 0;
  }
  return out;
}
