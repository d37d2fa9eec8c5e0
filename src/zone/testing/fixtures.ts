/**
 * Helpers for the zone tests: build a zone from inline text, ask it a question by
 * presentation name and type, and render a LookupResult as master-file lines so tables
 * can state the exact answer (owner, TTL, type, decoded RDATA) in a readable way.
 */
import type { LookupResult, RRset } from '../types.js';
import type { Zone } from '../zone.js';
import { parseZoneText } from '../parse.js';
import { lowerName, parseName } from '../name.js';
import { parseType } from '../rrtype.js';
import { printRRset } from '../print.js';

/** Parses `text` as zone `origin` (default `example.`). */
export function zoneOf(text: string, origin = 'example.'): Zone {
  return parseZoneText(text, { origin, fileName: 'test.zone' });
}

/** Looks up a presentation-format name (any case) and type mnemonic. */
export function ask(zone: Zone, name: string, type: string): LookupResult {
  const qtype = parseType(type);
  if (qtype === undefined) throw new Error(`bad type ${type}`);
  return zone.lookup(lowerName(parseName(name)), qtype);
}

/** A result as plain data: each section as lines `owner ttl IN TYPE rdata`, tabs as spaces. */
export interface Shown {
  kind: LookupResult['kind'];
  answer: string[];
  authority: string[];
  additional: string[];
  required: number;
}

export function show(result: LookupResult): Shown {
  return {
    kind: result.kind,
    answer: lines(result.answer),
    authority: lines(result.authority),
    additional: lines(result.additional),
    required: result.additionalRequired,
  };
}

function lines(rrsets: readonly RRset[]): string[] {
  return rrsets.flatMap((r) => printRRset(r).split('\n')).map((l) => l.replace(/\t/g, ' '));
}

/** The negative-answer SOA line of the zones used in the lookup tests. */
export const SOA_LINE = 'example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 1800 86400 300';

/** A zone head shared by the lookup tests: $TTL 3600 and MINIMUM 300, so negative TTL = 300. */
export const HEAD = `$ORIGIN example.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 1800 86400 300
@ IN NS ns1
ns1 IN A 192.0.2.1
`;
