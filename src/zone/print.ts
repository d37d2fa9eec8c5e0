/**
 * Writes a zone back as a master file that Knot DNS, NSD and BIND load: absolute owner
 * names, one RR per line with its TTL and class, the SOA first. Types without a native
 * form here are written as RFC 3597 `TYPEnnn \# <len> <hex>`, which every one of them
 * accepts. parse(print(zone)) yields the same RRsets (tested in print.test.ts).
 */
import type { Labels, RRset } from './types.js';
import { RRType } from './types.js';
import { nameToText } from './name.js';
import { hasNativeForm, rdataToText } from './rdata.js';
import { typeToText } from './rrtype.js';

/** What the printer needs: a Zone satisfies it. */
export interface PrintableZone {
  readonly origin: Labels;
  readonly rrsets: readonly RRset[];
}

/**
 * The zone in master-file form, ending with a newline.
 * @example printZone(parseZoneText(text, { origin: 'example.' }))
 */
export function printZone(zone: PrintableZone): string {
  const lines = [`; zone ${nameToText(zone.origin)}`];
  const soa = zone.rrsets.filter((r) => r.type === RRType.SOA);
  const rest = zone.rrsets.filter((r) => r.type !== RRType.SOA);
  for (const rrset of soa) appendRRset(lines, rrset);
  for (const rrset of rest) appendRRset(lines, rrset);
  return lines.join('\n') + '\n';
}

/** One line per record of `rrset`. */
export function printRRset(rrset: RRset): string {
  const lines: string[] = [];
  appendRRset(lines, rrset);
  return lines.join('\n');
}

function appendRRset(lines: string[], rrset: RRset): void {
  const head = `${nameToText(rrset.owner)}\t${rrset.ttl}\tIN\t${typeText(rrset.type)}\t`;
  for (const rdata of rrset.rdata) lines.push(head + rdataToText(rrset.type, rdata));
}

// RFC 3597 §5: an opaque type is named TYPEnnn so readers that do not know it accept `\#`.
function typeText(type: number): string {
  return hasNativeForm(type) ? typeToText(type) : `TYPE${type}`;
}
