/**
 * Builders and readers for the RDATA that code (not zone files) makes and inspects: the
 * MCS record builder creates A/AAAA/SRV/TXT/SOA records from registrations, and the lookup
 * reads the target names of NS/CNAME/MX/SRV. All produce uncompressed wire RDATA.
 */
import type { Labels } from './types.js';
import { RRType } from './types.js';
import { ZoneSyntaxError } from './errors.js';
import { labelsFromWire, lowerLabelsFromWire, lowerLabelsFromWireTransient, nameFromWire, nameToWire, nameWireLength, wireLabelCount } from './name.js';
import { parseIPv4, parseIPv6 } from './address.js';

/** A RDATA from dotted-quad text. */
export function aRdata(ip: string): Uint8Array {
  return parseIPv4(ip);
}

/** AAAA RDATA from IPv6 text. */
export function aaaaRdata(ip: string): Uint8Array {
  return parseIPv6(ip);
}

/** NS, CNAME, PTR or DNAME RDATA: just the target name. */
export function nameRdata(target: Labels): Uint8Array {
  const out = new Uint8Array(nameWireLength(target));
  nameToWire(target, out, 0);
  return out;
}

/** MX RDATA (RFC 1035 §3.3.9). */
export function mxRdata(preference: number, exchange: Labels): Uint8Array {
  const out = new Uint8Array(2 + nameWireLength(exchange));
  putUint16(out, 0, preference);
  nameToWire(exchange, out, 2);
  return out;
}

/** SRV RDATA (RFC 2782). */
export function srvRdata(priority: number, weight: number, port: number, target: Labels): Uint8Array {
  const out = new Uint8Array(6 + nameWireLength(target));
  putUint16(out, 0, priority);
  putUint16(out, 2, weight);
  putUint16(out, 4, port);
  nameToWire(target, out, 6);
  return out;
}

// Byte by byte, not through a DataView: asking a small Uint8Array for its `.buffer` moves
// its bytes out of the V8 heap into an ArrayBuffer of their own, ~250 bytes more for every
// record of every registration.
function putUint16(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >> 8) & 0xff;
  out[at + 1] = value & 0xff;
}

function putUint32(out: Uint8Array, at: number, value: number): void {
  putUint16(out, at, (value >>> 16) & 0xffff);
  putUint16(out, at + 2, value & 0xffff);
}

/** TXT RDATA from strings of octets (latin1 chars), each ≤ 255 octets (RFC 1035 §3.3.14). */
export function txtRdata(strings: readonly string[]): Uint8Array {
  const bytes: number[] = [];
  for (const s of strings) {
    if (s.length > 255) throw new ZoneSyntaxError('TXT string longer than 255 octets');
    bytes.push(s.length);
    for (let i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/** The fields of an SOA record (RFC 1035 §3.3.13). */
export interface SoaFields {
  readonly mname: Labels;
  readonly rname: Labels;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

/** SOA RDATA from its fields. */
export function soaRdata(soa: SoaFields): Uint8Array {
  const at = nameWireLength(soa.mname) + nameWireLength(soa.rname);
  const out = new Uint8Array(at + 20);
  nameToWire(soa.rname, out, nameToWire(soa.mname, out, 0));
  [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum].forEach((v, i) => putUint32(out, at + 4 * i, v >>> 0));
  return out;
}

/** Reads SOA RDATA back into its fields. */
export function soaFields(rdata: Uint8Array): SoaFields {
  const [mname, afterM] = nameFromWire(rdata, 0);
  const [rname, at] = nameFromWire(rdata, afterM);
  if (rdata.length !== at + 20) throw new ZoneSyntaxError('bad SOA RDATA length');
  const view = new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength);
  const u32 = (i: number): number => view.getUint32(at + 4 * i);
  return { mname, rname, serial: u32(0), refresh: u32(1), retry: u32(2), expire: u32(3), minimum: u32(4) };
}

// Where the target name starts in the RDATA of types that point at another name.
const TARGET_OFFSET: ReadonlyMap<number, number> = new Map([
  [RRType.NS, 0],
  [RRType.CNAME, 0],
  [RRType.PTR, 0],
  [RRType.DNAME, 0],
  [RRType.MX, 2],
  [RRType.SRV, 6],
]);

/** The name an NS/CNAME/PTR/DNAME/MX/SRV record points at, or undefined for other types. */
export function rdataTarget(type: number, rdata: Uint8Array): Labels | undefined {
  const offset = rdataTargetOffset(type, rdata.length);
  return offset < 0 ? undefined : labelsFromWire(rdata, offset);
}

/** rdataTarget ASCII-lowercased, as a lookup key (labels shared with recent ones: label-intern.ts). */
export function rdataTargetKey(type: number, rdata: Uint8Array): Labels | undefined {
  const offset = rdataTargetOffset(type, rdata.length);
  return offset < 0 ? undefined : lowerLabelsFromWire(rdata, offset);
}

/** rdataTargetKey in a shared array, valid until the next call (lowerLabelsFromWireTransient). */
export function rdataTargetKeyTransient(type: number, rdata: Uint8Array): Labels | undefined {
  const offset = rdataTargetOffset(type, rdata.length);
  return offset < 0 ? undefined : lowerLabelsFromWireTransient(rdata, offset);
}

/**
 * rdataTargetKeyTransient of the RDATA at `bytes[start, end)`, for a record whose name is
 * already known to parse inside it (rdataTargetParses; zone/packed-rrset.ts): no view of
 * it is made.
 */
export function rdataTargetKeyTransientAt(type: number, bytes: Uint8Array, start: number, end: number): Labels | undefined {
  const offset = rdataTargetOffset(type, end - start);
  return offset < 0 ? undefined : lowerLabelsFromWireTransient(bytes, start + offset);
}

/** Whether the target name of `rdata`, if its type has one, ends inside it; makes no labels. */
export function rdataTargetParses(type: number, rdata: Uint8Array): boolean {
  const offset = rdataTargetOffset(type, rdata.length);
  if (offset < 0) return true;
  try {
    wireLabelCount(rdata, offset);
    return true;
  } catch {
    return false;
  }
}

/** Where the target name of RDATA `length` long starts, or -1 when its type names none (or it is too short). */
export function rdataTargetOffset(type: number, length: number): number {
  const offset = TARGET_OFFSET.get(type);
  return offset === undefined || length <= offset ? -1 : offset;
}
