/**
 * Test helpers: build queries byte by byte (so tests control every field, malformed ones
 * included) and hand-made RRsets and zones for unit tests of the front end.
 */
import type { Labels, LookupResult, RRset, ZoneSetView, ZoneView } from '../../zone/types.js';

export interface QuerySpec {
  id?: number;
  /** The flags word; default RD. */
  flags?: number;
  name?: string;
  qtype?: number;
  qclass?: number;
  qdcount?: number;
  edns?: { size?: number; version?: number; do?: boolean; options?: Uint8Array };
  /** Extra OPT RRs to append (for the two-OPT case). */
  extraOpt?: boolean;
}

/** Wire form of a dotted name (no escapes), root octet included. */
export function nameWire(name: string): Buffer {
  const labels = name === '.' || name === '' ? [] : name.replace(/\.$/, '').split('.');
  const parts: number[] = [];
  for (const label of labels) parts.push(label.length, ...Buffer.from(label, 'latin1'));
  parts.push(0);
  return Buffer.from(parts);
}

export function labelsOf(name: string): Labels {
  return name === '.' || name === '' ? [] : name.replace(/\.$/, '').split('.');
}

function optRR(edns: NonNullable<QuerySpec['edns']>): Buffer {
  const options = edns.options ?? new Uint8Array(0);
  const rr = Buffer.alloc(11 + options.length);
  rr.writeUInt16BE(41, 1);
  rr.writeUInt16BE(edns.size ?? 1232, 3);
  rr[6] = edns.version ?? 0;
  rr.writeUInt16BE(edns.do ? 0x8000 : 0, 7);
  rr.writeUInt16BE(options.length, 9);
  rr.set(options, 11);
  return rr;
}

export function buildQuery(spec: QuerySpec = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(spec.id ?? 0x1234, 0);
  header.writeUInt16BE(spec.flags ?? 0x0100, 2);
  header.writeUInt16BE(spec.qdcount ?? 1, 4);
  const opts = spec.edns ? [optRR(spec.edns)] : [];
  if (spec.edns && spec.extraOpt) opts.push(optRR(spec.edns));
  header.writeUInt16BE(opts.length, 10);
  const question = Buffer.concat([nameWire(spec.name ?? 'example.'), Buffer.alloc(4)]);
  question.writeUInt16BE(spec.qtype ?? 1, question.length - 4);
  question.writeUInt16BE(spec.qclass ?? 1, question.length - 2);
  return Buffer.concat([header, question, ...opts]);
}

export function rrset(owner: string, type: number, ttl: number, ...rdata: Uint8Array[]): RRset {
  return { owner: labelsOf(owner), type, ttl, rdata };
}

export function a(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

export function result(kind: LookupResult['kind'], parts: Partial<Omit<LookupResult, 'kind'>> = {}): LookupResult {
  return { kind, answer: [], authority: [], additional: [], additionalRequired: 0, ...parts };
}

/** A zone answering from a table: key `name/qtype` (lowercase, no trailing dot), else `fallback`. */
export function tableZone(origin: string, table: Record<string, LookupResult>, fallback: LookupResult): ZoneView {
  return {
    origin: labelsOf(origin),
    lookup: (qname, qtype) => table[`${qname.join('.')}/${qtype}`] ?? fallback,
  };
}

/** A zone set of one zone, by longest suffix like the real one. */
export function zoneSet(...zones: ZoneView[]): ZoneSetView {
  return {
    findZone(qname) {
      let best: ZoneView | undefined;
      for (const z of zones) {
        const o = z.origin;
        if (o.length > qname.length) continue;
        if (o.every((l, i) => qname[qname.length - o.length + i] === l) && (!best || o.length > best.origin.length)) best = z;
      }
      return best;
    },
  };
}
