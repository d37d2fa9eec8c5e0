/**
 * Wire RDATA for the few types MCS records use (A, AAAA, SRV, TXT), built straight from
 * registration data so a zone of a million services does not go through text parsing.
 */
import { isIP } from 'node:net';
import { addressWords } from './cidr.js';
import type { Labels } from '../zone/types.js';

/** RFC 1035 §3.4.1 A (4 octets) or RFC 3596 AAAA (16 octets) for an address string. */
export function addressRdata(address: string): Uint8Array {
  const words = addressWords(address);
  if (!words) throw new RangeError(`not an IP address: ${address}`);
  if (isIP(address) === 4) return wordBytes([words[3]]);
  return wordBytes(words);
}

/** RFC 2782 SRV: priority, weight, port, then the target uncompressed (RFC 3597 §4). */
export function srvRdata(priority: number, weight: number, port: number, target: Labels): Uint8Array {
  const name = nameWire(target);
  const out = new Uint8Array(6 + name.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, priority);
  view.setUint16(2, weight);
  view.setUint16(4, port);
  out.set(name, 6);
  return out;
}

/** RFC 1035 §3.3.14 TXT with one character-string per element (each ≤ 255 octets). */
export function txtRdata(strings: readonly string[]): Uint8Array {
  const parts = strings.map((s) => Buffer.from(s, 'latin1'));
  const out = new Uint8Array(parts.reduce((n, p) => n + 1 + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    if (part.length > 255) throw new RangeError('TXT character-string over 255 octets');
    out[offset++] = part.length;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Uncompressed wire form of a name given as labels (latin1, one char per octet). */
export function nameWire(labels: Labels): Uint8Array {
  let size = 1;
  for (const label of labels) size += 1 + label.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const label of labels) {
    out[offset++] = label.length;
    for (let i = 0; i < label.length; i++) out[offset++] = label.charCodeAt(i);
  }
  out[offset] = 0;
  return out;
}

function wordBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w));
  return out;
}
