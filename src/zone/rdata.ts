/**
 * RDATA in presentation form ⇄ uncompressed wire form. Each type we read natively is a
 * schema: a list of fields (RFC 1035 §3.3, RFC 3596, RFC 2782, RFC 8659). Every type,
 * known or not, also reads and writes RFC 3597 §5 generic RDATA (`\# <len> <hex>`); a type
 * without a schema can only be written that way and is kept opaque. Names inside RDATA are
 * stored uncompressed with the spelling of the source (RFC 3597 §4).
 */
import type { Labels } from './types.js';
import type { Token } from './lexer.js';
import { RRType } from './types.js';
import { ZoneSyntaxError } from './errors.js';
import { nameFromWire, nameToText, parseName, readEscape } from './name.js';
import { ipv4ToText, ipv6ToText, parseIPv4, parseIPv6 } from './address.js';
import { parseTtl, typeToText } from './rrtype.js';
import { lexZone } from './lexer.js';
import type { RdataSlab } from './rdata-slab.js';

const FIELDS = ['name', 'u8', 'u16', 'u32', 'ttl', 'a', 'aaaa', 'string', 'strings', 'tag', 'value', 'hex'] as const;
type Field = (typeof FIELDS)[number];

const SCHEMAS: ReadonlyMap<number, readonly Field[]> = new Map<number, readonly Field[]>([
  [RRType.A, ['a']],
  [RRType.NS, ['name']],
  [RRType.CNAME, ['name']],
  [RRType.SOA, ['name', 'name', 'u32', 'ttl', 'ttl', 'ttl', 'ttl']],
  [RRType.PTR, ['name']],
  [RRType.HINFO, ['string', 'string']],
  [RRType.MX, ['u16', 'name']],
  [RRType.TXT, ['strings']],
  [RRType.AAAA, ['aaaa']],
  [RRType.SRV, ['u16', 'u16', 'u16', 'name']],
  [RRType.DNAME, ['name']],
  [RRType.CAA, ['u8', 'tag', 'value']],
  [RRType.DS, ['u16', 'u8', 'u8', 'hex']], // RFC 4034 §5.3
  [59 /* CDS */, ['u16', 'u8', 'u8', 'hex']], // RFC 7344 §3.1
  [44 /* SSHFP */, ['u8', 'u8', 'hex']], // RFC 4255 §3.2
  [52 /* TLSA */, ['u8', 'u8', 'u8', 'hex']], // RFC 6698 §2.2
]);

/** True when `type` has a native presentation form here (others use `\#`). */
export function hasNativeForm(type: number): boolean {
  return SCHEMAS.has(type);
}

/**
 * Reads the RDATA tokens of one RR. Relative names are completed with `origin`. With a
 * `slab`, the bytes go into it (a zone file's records, see rdata-slab.ts).
 * @example rdataFromTokens(RRType.MX, [{text:'10',quoted:false},{text:'mail',quoted:false}], ['example'])
 */
export function rdataFromTokens(type: number, tokens: readonly Token[], origin?: Labels, slab?: RdataSlab): Uint8Array {
  if (tokens.length > 0 && !tokens[0].quoted && tokens[0].text === '\\#') {
    return genericFromTokens(type, tokens);
  }
  const schema = SCHEMAS.get(type);
  if (schema === undefined) {
    throw new ZoneSyntaxError(`type ${typeToText(type)} needs RFC 3597 generic RDATA (\\# <len> <hex>)`);
  }
  const out: number[] = [];
  let next = 0;
  for (const field of schema) next = encodeField(field, tokens, next, origin, out);
  if (next < tokens.length) throw new ZoneSyntaxError(`trailing data '${tokens[next].text}' in ${typeToText(type)} RDATA`);
  return slab === undefined ? Uint8Array.from(out) : slab.store(out);
}

/**
 * RDATA from one line of presentation text (quotes, escapes and `\#` as in a zone file).
 * @example rdataFromText(RRType.SRV, '0 100 80 web.default.svc', ['clusterset', 'local'])
 */
export function rdataFromText(type: number, text: string, origin?: Labels): Uint8Array {
  const entries = lexZone(text, 'rdata');
  if (entries.length > 1) throw new ZoneSyntaxError('RDATA text spans more than one line');
  return rdataFromTokens(type, entries[0]?.tokens ?? [], origin);
}

// Appends one field read from tokens[at...]; returns the index of the next unread token.
function encodeField(field: Field, tokens: readonly Token[], at: number, origin: Labels | undefined, out: number[]): number {
  if (field === 'strings') {
    if (at >= tokens.length) throw new ZoneSyntaxError('missing character-string');
    for (let i = at; i < tokens.length; i++) pushString(decodeText(tokens[i].text), out, 255);
    return tokens.length;
  }
  if (field === 'hex') {
    for (const octet of parseHex(tokens.slice(at).map((t) => t.text).join(''))) out.push(octet); // up to 64 KiB: no spread
    return tokens.length;
  }
  const token = tokens[at];
  if (token === undefined) throw new ZoneSyntaxError(`missing ${field} field in RDATA`);
  const text = token.text;
  switch (field) {
    case 'name': pushName(parseName(text, origin), out); break;
    case 'u8': pushUint(parseUint(text, 0xff), 1, out); break;
    case 'u16': pushUint(parseUint(text, 0xffff), 2, out); break;
    case 'u32': pushUint(parseUint(text, 0xffffffff), 4, out); break;
    case 'ttl': pushUint(parseTimer(text), 4, out); break;
    case 'a': out.push(...parseIPv4(text)); break;
    case 'aaaa': out.push(...parseIPv6(text)); break;
    case 'string': pushString(decodeText(text), out, 255); break;
    case 'tag': pushString(checkTag(text), out, 255); break;
    case 'value': for (const ch of decodeText(text)) out.push(ch.charCodeAt(0)); break;
  }
  return at + 1;
}

// Hex may be split by white space (RFC 4034 §5.3); at least one octet.
function parseHex(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new ZoneSyntaxError(`bad hex '${hex}'`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function parseUint(text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new ZoneSyntaxError(`bad number '${text}' (0–${max})`);
  return Number(text);
}

// SOA timers may use TTL units (`1h`), as BIND and Knot accept.
function parseTimer(text: string): number {
  const value = /^\d+$/.test(text) ? parseUint(text, 0xffffffff) : parseTtl(text);
  if (value === undefined) throw new ZoneSyntaxError(`bad time value '${text}'`);
  return value;
}

// CAA property tags are ASCII letters and digits (RFC 8659 §4.1).
function checkTag(text: string): string {
  if (!/^[A-Za-z0-9]+$/.test(text)) throw new ZoneSyntaxError(`bad CAA tag '${text}'`);
  return text;
}

/** Decodes `\X` and `\DDD` escapes of a character-string token into octets. */
export function decodeText(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '\\') {
      const [octet, next] = readEscape(text, i);
      out += octet;
      i = next;
    } else {
      out += text[i++];
    }
  }
  return out;
}

function pushString(octets: string, out: number[], max: number): void {
  if (octets.length > max) throw new ZoneSyntaxError(`character-string longer than ${max} octets`);
  out.push(octets.length);
  for (let i = 0; i < octets.length; i++) out.push(octets.charCodeAt(i));
}

function pushName(name: Labels, out: number[]): void {
  for (const label of name) pushString(label, out, 63);
  out.push(0);
}

function pushUint(value: number, size: number, out: number[]): void {
  for (let shift = (size - 1) * 8; shift >= 0; shift -= 8) out.push(Math.floor(value / 2 ** shift) & 0xff);
}

// RFC 3597 §5: `\# <length> <hex>...`; hex may be split by white space.
function genericFromTokens(type: number, tokens: readonly Token[]): Uint8Array {
  const lengthText = tokens[1]?.text;
  if (lengthText === undefined || !/^\d+$/.test(lengthText)) {
    throw new ZoneSyntaxError('generic RDATA needs a decimal length after \\#');
  }
  const hex = tokens.slice(2).map((t) => t.text).join('');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new ZoneSyntaxError(`bad hex in generic RDATA '${hex}'`);
  const rdata = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (rdata.length !== Number(lengthText)) {
    throw new ZoneSyntaxError(`generic RDATA length ${lengthText} does not match ${rdata.length} octets of hex`);
  }
  const schema = SCHEMAS.get(type);
  if (schema !== undefined) decodeFields(schema, rdata); // a known type must still be well formed
  return rdata;
}

/** Presentation form of one RDATA: native when the type has a schema and the data fits it. */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const schema = SCHEMAS.get(type);
  if (schema !== undefined) {
    try {
      return decodeFields(schema, rdata).join(' ');
    } catch {
      // Malformed for its type: fall back to the generic form, which always round-trips.
    }
  }
  return genericToText(rdata);
}

/** RFC 3597 §5 generic form, e.g. `\# 4 0a000001`. */
export function genericToText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${Buffer.from(rdata).toString('hex')}`;
}

function decodeFields(schema: readonly Field[], rdata: Uint8Array): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const field of schema) at = decodeField(field, rdata, at, parts);
  if (at !== rdata.length) throw new ZoneSyntaxError('RDATA longer than its type allows');
  return parts;
}

function decodeField(field: Field, rdata: Uint8Array, at: number, parts: string[]): number {
  const need = (n: number): void => {
    if (at + n > rdata.length) throw new ZoneSyntaxError('RDATA too short for its type');
  };
  switch (field) {
    case 'name': {
      const [name, end] = nameFromWire(rdata, at);
      parts.push(nameToText(name));
      return end;
    }
    case 'u8': need(1); parts.push(String(rdata[at])); return at + 1;
    case 'u16': need(2); parts.push(String((rdata[at] << 8) | rdata[at + 1])); return at + 2;
    case 'u32': case 'ttl': need(4); parts.push(String(readU32(rdata, at))); return at + 4;
    case 'a': need(4); parts.push(ipv4ToText(rdata, at)); return at + 4;
    case 'aaaa': need(16); parts.push(ipv6ToText(rdata, at)); return at + 16;
    case 'string': return readString(rdata, at, parts);
    case 'tag': return readTag(rdata, at, parts);
    case 'strings': {
      if (at >= rdata.length) throw new ZoneSyntaxError('missing character-string');
      while (at < rdata.length) at = readString(rdata, at, parts);
      return at;
    }
    case 'value': parts.push(quoteText(String.fromCharCode(...rdata.subarray(at)))); return rdata.length;
    case 'hex': need(1); parts.push(Buffer.from(rdata.subarray(at)).toString('hex')); return rdata.length;
  }
}

function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) >>> 0) + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);
}

function readString(rdata: Uint8Array, at: number, parts: string[]): number {
  const len = rdata[at];
  if (len === undefined || at + 1 + len > rdata.length) throw new ZoneSyntaxError('character-string runs past RDATA');
  parts.push(quoteText(String.fromCharCode(...rdata.subarray(at + 1, at + 1 + len))));
  return at + 1 + len;
}

function readTag(rdata: Uint8Array, at: number, parts: string[]): number {
  const end = readString(rdata, at, parts);
  const tag = String.fromCharCode(...rdata.subarray(at + 1, end));
  parts[parts.length - 1] = checkTag(tag);
  return end;
}

/** Quotes octets as a character-string: `"` and `\` escaped, non-printables as \DDD. */
export function quoteText(octets: string): string {
  let out = '"';
  for (let i = 0; i < octets.length; i++) {
    const c = octets.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
    else if (c === 0x22 || c === 0x5c) out += '\\' + octets[i];
    else out += octets[i];
  }
  return out + '"';
}
