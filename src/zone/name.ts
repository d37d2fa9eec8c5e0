/**
 * Domain names as label arrays (see types.ts): presentation text ⇄ labels ⇄ uncompressed
 * wire, ASCII case folding (RFC 4343 §3) and the RFC 1035 §2.3.4 size limits.
 *
 * A label is a latin1 string with one char per octet, so `\.` and `\000` inside a label
 * survive (RFC 2181 §11). Callers holding Unicode text (not octets) should pass it through
 * `toOctets` first (the zone parser does unless told its text is already octets).
 */
import type { Labels } from './types.js';
import { ZoneSyntaxError } from './errors.js';
import { internLowerLabel } from './label-intern.js';

/** Longest label, in octets (RFC 1035 §2.3.4). */
export const MAX_LABEL_OCTETS = 63;
/** Longest name in wire form, length octets and the root label included (RFC 1035 §2.3.4). */
export const MAX_NAME_OCTETS = 255;
/** The root name. */
export const ROOT: Labels = Object.freeze([]);

/** Turns Unicode text into its UTF-8 octets, one char per octet (ASCII text is returned as is). */
export function toOctets(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** ASCII-only lowercase (RFC 4343 §3): latin1 letters such as 'À' must not fold. */
export function lowerLabel(label: string): string {
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c >= 65 && c <= 90) return foldFrom(label, i);
  }
  return label;
}

function foldFrom(label: string, start: number): string {
  let out = label.slice(0, start);
  for (let i = start; i < label.length; i++) {
    const c = label.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : label[i];
  }
  return out;
}

/** The lookup key form of a name: every label ASCII-lowercased (returns `name` if already so). */
export function lowerName(name: Labels): Labels {
  for (let i = 0; i < name.length; i++) {
    if (lowerLabel(name[i]) !== name[i]) return name.map(lowerLabel);
  }
  return name;
}

/** Case-insensitive equality of two names (RFC 4343). */
export function nameEquals(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && lowerLabel(a[i]) !== lowerLabel(b[i])) return false;
  }
  return true;
}

/** True when `name` is `ancestor` or below it, case-insensitively. */
export function isSubdomain(name: Labels, ancestor: Labels): boolean {
  const skip = name.length - ancestor.length;
  if (skip < 0) return false;
  for (let i = 0; i < ancestor.length; i++) {
    const a = name[skip + i];
    const b = ancestor[i];
    if (a !== b && lowerLabel(a) !== lowerLabel(b)) return false;
  }
  return true;
}

/** Octets of the uncompressed wire form (length bytes and the root byte included). */
export function nameWireLength(name: Labels): number {
  let n = 1;
  for (let i = 0; i < name.length; i++) n += name[i].length + 1;
  return n;
}

/** Throws ZoneSyntaxError unless every label is 1–63 octets and the name ≤ 255 octets. */
export function checkName(name: Labels): void {
  for (const label of name) {
    if (label.length === 0) throw new ZoneSyntaxError('empty label in name');
    if (label.length > MAX_LABEL_OCTETS) {
      throw new ZoneSyntaxError(`label longer than ${MAX_LABEL_OCTETS} octets`);
    }
  }
  if (nameWireLength(name) > MAX_NAME_OCTETS) {
    throw new ZoneSyntaxError(`name longer than ${MAX_NAME_OCTETS} octets`);
  }
}

/**
 * Parses a presentation-format name (RFC 1035 §5.1): `@` is the origin, a name ending in an
 * unescaped '.' is absolute, anything else is relative to `origin`. Escapes: `\X` is the
 * char X, `\DDD` the octet DDD (decimal). Keeps the spelling; see lowerName for keys.
 * @example parseName('www', ['example', 'com']) // ['www', 'example', 'com']
 */
export function parseName(text: string, origin?: Labels): Labels {
  if (text === '@') return requireOrigin(origin, text);
  if (text === '.') return ROOT;
  const labels: string[] = [];
  let label = '';
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const [octet, next] = readEscape(text, i);
      label += octet;
      i = next - 1;
    } else if (ch === '.') {
      if (label.length === 0) throw new ZoneSyntaxError(`empty label in name '${text}'`);
      labels.push(label);
      label = '';
      absolute = i === text.length - 1;
    } else {
      label += ch;
    }
  }
  if (label.length > 0) labels.push(label);
  const name = absolute ? labels : labels.concat(requireOrigin(origin, text));
  wrapCheck(name, text);
  return name;
}

function requireOrigin(origin: Labels | undefined, text: string): Labels {
  if (origin === undefined) throw new ZoneSyntaxError(`relative name '${text}' without an origin`);
  return origin;
}

function wrapCheck(name: Labels, text: string): void {
  try {
    checkName(name);
  } catch (err) {
    throw new ZoneSyntaxError(`${(err as Error).message}: '${text}'`);
  }
}

/**
 * Reads the escape starting at text[at] === '\\'. Returns the octet (a one-char string) and
 * the index just past the escape. Shared by names and character-strings.
 */
export function readEscape(text: string, at: number): [string, number] {
  const next = text[at + 1];
  if (next === undefined) throw new ZoneSyntaxError(`dangling '\\' in '${text}'`);
  if (next >= '0' && next <= '9') {
    const digits = text.slice(at + 1, at + 4);
    if (!/^\d{3}$/.test(digits)) throw new ZoneSyntaxError(`bad escape '\\${digits}' in '${text}'`);
    const value = Number(digits);
    if (value > 255) throw new ZoneSyntaxError(`escape '\\${digits}' is above 255`);
    return [String.fromCharCode(value), at + 4];
  }
  return [next, at + 2];
}

/** Presentation form of one label: specials backslash-escaped, non-printables as \DDD. */
export function labelToText(label: string): string {
  let out = '';
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
    else if (NAME_SPECIALS.includes(label[i])) out += '\\' + label[i];
    else out += label[i];
  }
  return out;
}

// Chars that would end or change a token in a master file (RFC 1035 §5.1).
const NAME_SPECIALS = '.\\"();@$';

/** Absolute presentation form with the trailing dot; the root is '.'. */
export function nameToText(name: Labels): string {
  if (name.length === 0) return '.';
  let out = '';
  for (let i = 0; i < name.length; i++) out += labelToText(name[i]) + '.';
  return out;
}

/** Writes the uncompressed wire form at `offset`; returns the offset after it. */
export function nameToWire(name: Labels, buf: Uint8Array, offset: number): number {
  let at = offset;
  for (const label of name) {
    buf[at++] = label.length;
    for (let i = 0; i < label.length; i++) buf[at++] = label.charCodeAt(i);
  }
  buf[at++] = 0;
  return at;
}

/**
 * Reads an uncompressed name at `offset` (names in stored RDATA never use pointers,
 * RFC 3597 §4). Returns the labels and the offset after the name.
 */
export function nameFromWire(buf: Uint8Array, offset: number): [Labels, number] {
  const count = wireLabelCount(buf, offset);
  return [readLabels(buf, offset, count), wireNameEnd(buf, offset)];
}

/** The labels of the uncompressed name at `offset` (nameFromWire without the end offset). */
export function labelsFromWire(buf: Uint8Array, offset: number): Labels {
  return readLabels(buf, offset, wireLabelCount(buf, offset));
}

/**
 * The labels of the uncompressed name at `offset`, ASCII-lowercased (a lookup key), reusing
 * the strings of labels seen lately (label-intern.ts): only the array is new.
 */
export function lowerLabelsFromWire(buf: Uint8Array, offset: number): Labels {
  return readLabels(buf, offset, wireLabelCount(buf, offset), internLowerLabel);
}

/** Per label count, the array lowerLabelsFromWireTransient fills. */
const TRANSIENT_BY_COUNT: string[][] = [];

/**
 * lowerLabelsFromWire into an array shared by every call with the same label count: valid
 * until the next call, for a name that is looked up and dropped at once (the target of an
 * SRV answer, whose addresses are additional data). An array per SRV answer was two thirds
 * of the garbage a query left behind (bench/HISTORY.md, Scale).
 */
export function lowerLabelsFromWireTransient(buf: Uint8Array, offset: number): Labels {
  const count = wireLabelCount(buf, offset);
  return readLabels(buf, offset, count, internLowerLabel, (TRANSIENT_BY_COUNT[count] ??= new Array<string>(count)));
}

/**
 * Checks the uncompressed name at `offset` (ZoneSyntaxError when it runs past `buf` or is
 * not a name) and counts its labels, so an array can be made at its length.
 */
export function wireLabelCount(buf: Uint8Array, offset: number): number {
  let at = offset;
  let total = 1;
  let count = 0;
  for (;;) {
    if (at >= buf.length) throw new ZoneSyntaxError('name runs past the end of RDATA');
    const len = buf[at++];
    if (len === 0) return count;
    if (len > MAX_LABEL_OCTETS) throw new ZoneSyntaxError('compressed or invalid label in RDATA');
    total += len + 1;
    if (at + len > buf.length || total > MAX_NAME_OCTETS) {
      throw new ZoneSyntaxError('invalid name in RDATA');
    }
    count++;
    at += len;
  }
}

// The offset after a name already checked by wireLabelCount.
function wireNameEnd(buf: Uint8Array, offset: number): number {
  let at = offset;
  while (buf[at] !== 0) at += buf[at] + 1;
  return at + 1;
}

/**
 * The `count` labels from `offset`, each made by `label` (as is, or lowercased and
 * interned), into `labels` (a new array unless given one of length `count`).
 */
function readLabels(
  buf: Uint8Array,
  offset: number,
  count: number,
  label: (buf: Uint8Array, at: number, len: number) => string = latin1,
  labels: string[] = new Array<string>(count),
): Labels {
  let at = offset;
  for (let i = 0; i < count; i++) {
    const len = buf[at++];
    labels[i] = label(buf, at, len);
    at += len;
  }
  return labels;
}

/** Scratch space for latin1: a label, or the RDATA of most records. */
const LATIN1_SCRATCH = Buffer.alloc(512);

/**
 * `len` octets of `buf` at `at` as a latin1 string, allocating only the string: a spread
 * of a subarray cost ~1 KB of garbage per name, and names in RDATA are decoded for the
 * additional section of every SRV, MX and NS answer. (A view of `buf.buffer` would not
 * do either: it moves a small array's bytes out of the V8 heap for good, see
 * rdata-build.ts putUint16.)
 */
export function latin1(buf: Uint8Array, at: number, len: number): string {
  if (len > LATIN1_SCRATCH.length) return Buffer.from(buf.subarray(at, at + len)).toString('latin1');
  for (let i = 0; i < len; i++) LATIN1_SCRATCH[i] = buf[at + i];
  return LATIN1_SCRATCH.toString('latin1', 0, len);
}
