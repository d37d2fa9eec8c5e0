/**
 * RR type, class and TTL tokens of the master-file format: mnemonics, RFC 3597 §5
 * `TYPEnnn` / `CLASSnnn`, and TTLs with BIND-style units (`1h30m`).
 */
import { ZoneSyntaxError } from './errors.js';

/** Type mnemonics we know by name (IANA "Resource Record (RR) TYPEs"). */
const TYPE_CODES: Readonly<Record<string, number>> = Object.freeze({
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11,
  PTR: 12, HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, SIG: 24, KEY: 25,
  AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35, KX: 36, CERT: 37, DNAME: 39, OPT: 41, APL: 42,
  DS: 43, SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50,
  NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, HIP: 55, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61,
  CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99, EUI48: 108, EUI64: 109,
  TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, ANY: 255, URI: 256, CAA: 257,
});

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name]),
);

// Only data classes: NONE and ANY (RFC 2136) never appear in a master file, and ANY would
// be mistaken for the ANY type.
const CLASS_CODES: Readonly<Record<string, number>> = Object.freeze({ IN: 1, CS: 2, CH: 3, HS: 4 });

/** A type token (`MX`, `mx`, `TYPE65280`) to its code, or undefined if it is not one. */
export function parseType(token: string): number | undefined {
  const upper = token.toUpperCase();
  const known = TYPE_CODES[upper];
  if (known !== undefined) return known;
  return parseNumbered(upper, 'TYPE');
}

/** The mnemonic of a type, or `TYPEnnn` (RFC 3597 §5). */
export function typeToText(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** A class token (`IN`, `CLASS1`) to its code, or undefined if it is not one. */
export function parseClass(token: string): number | undefined {
  const upper = token.toUpperCase();
  const known = CLASS_CODES[upper];
  if (known !== undefined) return known;
  return parseNumbered(upper, 'CLASS');
}

function parseNumbered(upper: string, prefix: string): number | undefined {
  if (!upper.startsWith(prefix)) return undefined;
  const digits = upper.slice(prefix.length);
  if (!/^\d{1,5}$/.test(digits)) return undefined;
  const value = Number(digits);
  return value <= 0xffff ? value : undefined;
}

/** Largest TTL: RFC 2181 §8 keeps the top bit clear. */
export const MAX_TTL = 0x7fffffff;

const TTL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * A TTL token: plain seconds (`3600`) or units (`1h`, `1h30m`, `2d`, case-insensitive).
 * Returns undefined when the token is not TTL-shaped, so the parser can try class/type;
 * throws ZoneSyntaxError for a TTL above MAX_TTL.
 */
export function parseTtl(token: string): number | undefined {
  if (/^\d+$/.test(token)) return checkTtl(Number(token), token);
  if (!/^(\d+[smhdwSMHDW])+$/.test(token)) return undefined;
  let total = 0;
  for (const [, digits, unit] of token.matchAll(/(\d+)([a-zA-Z])/g)) {
    total += Number(digits) * TTL_UNITS[unit.toLowerCase()];
  }
  return checkTtl(total, token);
}

function checkTtl(value: number, token: string): number {
  if (value > MAX_TTL) throw new ZoneSyntaxError(`TTL '${token}' is above ${MAX_TTL}`);
  return value;
}
