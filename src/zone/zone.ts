/**
 * buildZone: RRsets → an immutable, validated Zone (a ZoneView). Used for zone files and by
 * the segment state machine after every apply, so it is linear in the number of RRsets:
 * one trie insertion per RRset and nothing per name after that. What a query needs beyond
 * the tree (the answer with its additional data, the referral with its glue) is computed
 * on the first query that needs it and then reused (see answers.ts), so building 1M names
 * costs no more than the trie itself.
 *
 * Rules (checked here, reported as ZoneError with the offending input index):
 * - every owner is at or below the origin;
 * - exactly one SOA record, at the apex, and no SOA elsewhere;
 * - a CNAME owner holds one CNAME record and nothing else but DNSSEC data (RFC 2181 §10.1);
 * - RRsets of one owner and type are merged; duplicate records are dropped and the TTL is
 *   the lowest of them (RFC 2181 §5, §5.2).
 */
import type { Labels, LookupResult, RRset, ZoneView } from './types.js';
import { RRType } from './types.js';
import { ZoneError } from './errors.js';
import { checkName, isSubdomain, lowerName, nameToText } from './name.js';
import { rdataTarget, soaFields } from './rdata-build.js';
import { ZoneNode, EMPTY_RRSETS, ensureNode, insertRRset } from './tree.js';
import { lookup } from './lookup.js';
import { typeToText } from './rrtype.js';

// DNSSEC records may sit beside a CNAME (RFC 4035 §2.5; RFC 2181 §10.1 predates them).
const CNAME_COMPANIONS: ReadonlySet<number> = new Set([RRType.CNAME, 46 /* RRSIG */, 47 /* NSEC */]);

/** One zone, ready for queries. Never changes after buildZone returns. */
export class Zone implements ZoneView {
  /** The apex, lowercased. */
  readonly origin: Labels;
  /** Every RRset of the zone (merged), in input order: for printing, AXFR and snapshots. */
  readonly rrsets: readonly RRset[];
  /** The apex SOA RRset as in the zone. */
  readonly soa: RRset;
  /** The SOA for negative answers: TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3, §5). */
  readonly negativeSoa: RRset;
  /** Shared results for names that do not exist / hold no data of the asked type. */
  readonly nameError: LookupResult;
  readonly noData: LookupResult;
  /** @internal the apex node of the name tree. */
  readonly root: ZoneNode;
  /** @internal memo of additional RRsets per answer RRset (answers.ts). */
  readonly additionalMemo = new WeakMap<RRset, readonly RRset[]>();

  constructor(origin: Labels, rrsets: readonly RRset[], root: ZoneNode, soa: RRset) {
    this.origin = origin;
    this.rrsets = rrsets;
    this.root = root;
    this.soa = soa;
    const minimum = soaFields(soa.rdata[0]).minimum;
    this.negativeSoa = Object.freeze({ ...soa, ttl: Math.min(soa.ttl, minimum) });
    const authority = Object.freeze([this.negativeSoa]);
    this.nameError = negative('NameError', authority);
    this.noData = negative('NoData', authority);
  }

  /** RFC 1034 §4.3.2 lookup; `qname` must be lowercased and at or below `origin`. */
  lookup(qname: Labels, qtype: number): LookupResult {
    return lookup(this, qname, qtype);
  }
}

function negative(kind: 'NameError' | 'NoData', authority: readonly RRset[]): LookupResult {
  return Object.freeze({ kind, answer: EMPTY_RRSETS, authority, additional: EMPTY_RRSETS, additionalRequired: 0 });
}

/**
 * Builds a zone from RRsets (any owner case). Throws ZoneError on an invalid zone.
 * @example buildZone(['example'], [soaRRset, nsRRset, ...])
 */
export function buildZone(origin: Labels, rrsets: readonly RRset[]): Zone {
  checkName(origin);
  const lowered = lowerName(origin);
  const root = new ZoneNode(lowered[0] ?? '', undefined);
  const merged: RRset[] = [];
  const slot = new Map<RRset, number>();
  for (let i = 0; i < rrsets.length; i++) {
    const rrset = normalise(rrsets[i], i);
    if (!isSubdomain(rrset.owner, lowered)) {
      throw new ZoneError(`${nameToText(rrset.owner)} is outside the zone ${nameToText(lowered)}`, i);
    }
    const node = ensureNode(root, rrset.owner, lowered.length);
    checkPlacement(node, rrset, i);
    const replaced = insertRRset(node, rrset);
    if (replaced === undefined) {
      slot.set(rrset, merged.length);
      merged.push(rrset);
    } else {
      const combined = mergeRRsets(replaced, rrset);
      insertRRset(node, combined);
      checkPlacement(node, combined, i);
      const at = slot.get(replaced) as number;
      slot.set(combined, at);
      merged[at] = combined;
    }
    if (rrset.type === RRType.CNAME) setCname(node, node.get(RRType.CNAME) as RRset, i);
  }
  const soa = root.get(RRType.SOA);
  if (soa === undefined) throw new ZoneError(`no SOA record at the zone apex ${nameToText(lowered)}`);
  return new Zone(lowered, merged, root, soa);
}

// Drops duplicate records within one input RRset (RFC 2181 §5) and checks the owner's size.
function normalise(rrset: RRset, index: number): RRset {
  try {
    checkName(rrset.owner);
  } catch (err) {
    throw new ZoneError((err as Error).message, index);
  }
  const unique = dedupe(rrset.rdata, []);
  return unique.length === rrset.rdata.length ? rrset : { ...rrset, rdata: unique };
}

function dedupe(rdata: readonly Uint8Array[], into: Uint8Array[]): Uint8Array[] {
  for (const r of rdata) if (!into.some((x) => Buffer.compare(x, r) === 0)) into.push(r);
  return into;
}

function mergeRRsets(a: RRset, b: RRset): RRset {
  return { owner: a.owner, type: a.type, ttl: Math.min(a.ttl, b.ttl), rdata: dedupe(b.rdata, a.rdata.slice()) };
}

// SOA only at the apex and only one; CNAME alone with its DNSSEC companions.
function checkPlacement(node: ZoneNode, rrset: RRset, index: number): void {
  const name = nameToText(rrset.owner);
  if (rrset.type === RRType.SOA) {
    if (node.parent !== undefined) throw new ZoneError(`SOA record at ${name}, which is not the zone apex`, index);
    if (rrset.rdata.length !== 1) throw new ZoneError(`more than one SOA record at ${name}`, index);
  }
  const hasCname = rrset.type === RRType.CNAME || node.get(RRType.CNAME) !== undefined;
  if (hasCname && !CNAME_COMPANIONS.has(rrset.type)) {
    throw new ZoneError(`CNAME and ${typeToText(rrset.type)} data at ${name} (RFC 2181 §10.1)`, index);
  }
  if (rrset.type === RRType.CNAME && node.rrsets.some((r) => !CNAME_COMPANIONS.has(r.type))) {
    const other = node.rrsets.find((r) => !CNAME_COMPANIONS.has(r.type)) as RRset;
    throw new ZoneError(`CNAME and ${typeToText(other.type)} data at ${name} (RFC 2181 §10.1)`, index);
  }
}

function setCname(node: ZoneNode, cname: RRset, index: number): void {
  if (cname.rdata.length !== 1) {
    throw new ZoneError(`more than one CNAME record at ${nameToText(cname.owner)}`, index);
  }
  let target: Labels | undefined;
  try {
    target = rdataTarget(RRType.CNAME, cname.rdata[0]);
  } catch (err) {
    throw new ZoneError(`bad CNAME RDATA at ${nameToText(cname.owner)}: ${(err as Error).message}`, index);
  }
  node.cname = cname;
  node.cnameTarget = lowerName(target as Labels);
}
