/**
 * Builds a segment's zone view from its replicated state: the apex records (SOA with the
 * state's serial, NS naming the group's anchors with glue, `dns-version` TXT), the raw
 * RRsets (the initial zone file plus `upsertRRset` commands), and every service's MCS
 * records. Called after each applied batch; the result is swapped in whole.
 *
 * `SegmentViewBuilder` derives each view from the previous one with Zone.withChanges, in
 * time proportional to what the batch changed; `buildSegmentZone` builds one from scratch
 * (the builder's fallback, and the oracle its tests compare with).
 */
import { isIP } from 'node:net';
import { isSubdomain, lowerName, nameEquals, parseName } from '../zone/name.js';
import { findNode } from '../zone/tree.js';
import type { LookupScratch } from '../zone/answers.js';
import { aaaaRdata, aRdata, nameRdata, soaFields, soaRdata, txtRdata } from '../zone/rdata-build.js';
import { rdataFromText } from '../zone/rdata.js';
import { parseType } from '../zone/rrtype.js';
import { RRType, type Labels, type LookupResult, type RRset, type ZoneView } from '../zone/types.js';
import { buildZone, type Zone } from '../zone/zone.js';
import type { UpsertRRset } from './commands.js';
import type { SegmentState } from './state.js';
import { ServiceRecordCache } from './service-records.js';

/** Schema version answered at `dns-version.<apex>` (KEP-1645 specification.md §2.2). */
export const DNS_SCHEMA_VERSION = '1.0.0';
const VERSION_TTL = 28800;
const APEX_TTL = 5;

export interface SegmentMember {
  readonly id: string;
  /** The address the anchor answers DNS on (NS glue carries no port). */
  readonly dns: string;
}

/** What a segment's view is built from besides its replicated state. */
export interface SegmentBase {
  readonly apex: Labels;
  /** The initial zone file's RRsets (may be empty). */
  readonly fileRRsets: readonly RRset[];
  /**
   * The root of the namespace (`clusterset.local`): services live at
   * `<svc>.<ns>.svc.<domain>` whichever segment holds them.
   */
  readonly domain: Labels;
  /** The anchor group; when given, apex NS names `<id>.ns.<apex>` with glue. */
  readonly members: readonly SegmentMember[];
  /**
   * The zone file as loaded (buildZone of `fileRRsets`), when there is one: the views are
   * derived from it by path copying instead of building a second trie of the same names.
   */
  readonly fileZone?: Zone | undefined;
}

/** Builds the zone; pass the group's cache, refreshed for this batch, to avoid redoing every service. */
export function buildSegmentZone(base: SegmentBase, state: SegmentState, cache?: ServiceRecordCache): SegmentZone {
  let records = cache;
  if (!records) {
    records = new ServiceRecordCache();
    records.refresh(base.domain, state, 'all');
  }
  const rrsets: RRset[] = [];
  rrsets.push(soaFor(base, state.serial));
  for (const rrset of fixedRRsets(base)) rrsets.push(rrset); // no spread: a zone file may hold millions
  for (const raw of state.rrsets()) rrsets.push(rawRRset(raw, base.apex));
  for (const service of records.records()) for (const rrset of service.rrsets) rrsets.push(rrset);
  const zone = buildZone(base.apex, rrsets);
  // The zone is new and not yet shared: its service names are marked in place.
  for (const service of records.records()) {
    const name = lowerName(service.serviceName);
    if (isSubdomain(name, zone.origin)) {
      const node = findNode(zone.root, name, zone.origin.length);
      if (node !== undefined) node.tagged = true;
    }
  }
  return new SegmentZone(zone, serviceDepth(base));
}

/** Labels in `<svc>.<ns>.svc.<domain>`, the names below which the reserved-name rule applies. */
export function serviceDepth(base: SegmentBase): number {
  return base.domain.length + 3;
}

/**
 * A segment's zone with the one MCS rule plain RFC 1034 lookup does not give: names
 * between a service and its per-pod names (`<clusterid>.<svc>`, `_<proto>.<svc>`) are
 * reserved and answer NXDOMAIN (specification.md §2.3.4, §2.4.4; CoreDNS does the same),
 * although per-pod names below them make them empty non-terminals.
 *
 * A registered service's name is marked in the zone itself (ZoneNode.tagged), so the view
 * needs nothing beside its trie. (It kept a persistent set of the names before: ~75 bytes
 * per service and a path copy of the set's trie per write, an eighth of what a
 * registration allocated on every anchor.)
 */
export class SegmentZone implements ZoneView {
  readonly zone: Zone;
  /** Labels in `<svc>.<ns>.svc.<domain>`. */
  readonly serviceDepth: number;

  constructor(zone: Zone, serviceDepth: number) {
    this.zone = zone;
    this.serviceDepth = serviceDepth;
  }

  get origin(): Labels {
    return this.zone.origin;
  }

  /**
   * `into` goes on to the zone's lookup: an exact-match answer is then written into the
   * responder's scratch instead of a frozen result per query (~180 bytes of garbage for
   * every query the response cache misses, which at a million names is nearly every one,
   * and the young-generation pauses it causes are the latency tail there).
   */
  lookup(qname: Labels, qtype: number, into?: LookupScratch): LookupResult {
    const result = this.zone.lookup(qname, qtype, into);
    if (result.kind !== 'NoData' || qname.length <= this.serviceDepth || !this.#belowService(qname)) return result;
    return this.zone.lookup(qname, RRType.ANY).kind === 'NoData' ? this.zone.nameError : result;
  }

  #belowService(qname: Labels): boolean {
    const service = qname.slice(qname.length - this.serviceDepth);
    return isSubdomain(service, this.zone.origin) && findNode(this.zone.root, service, this.zone.origin.length)?.tagged === true;
  }
}

const fixedZones = new WeakMap<SegmentBase, Zone>();

/**
 * The zone of the base alone: the file's records plus what fixedRRsets adds (apex NS and
 * glue, the schema version), with the file's SOA (every view replaces it, see soaFor).
 * Built once per base, from the loaded file zone when there is one, so a zone of a
 * million file records costs one trie, shared by every view derived from it.
 */
export function fixedZone(base: SegmentBase): Zone {
  let zone = fixedZones.get(base);
  if (zone === undefined) {
    const file = base.fileZone;
    if (file !== undefined) {
      const added = baseAdditions(base);
      zone = added.length === 0 ? file : file.withChanges({ upsert: added });
    } else {
      zone = buildZone(base.apex, [soaFor(base, 0), ...fixedRRsets(base)]);
    }
    fixedZones.set(base, zone);
  }
  return zone;
}

/** The base's own RRset at (owner, type) other than the SOA, merged as in a zone, if any. */
export function fixedRRsetAt(base: SegmentBase, owner: Labels, type: number): RRset | undefined {
  if (type === RRType.SOA) return undefined;
  const zone = fixedZone(base);
  const lowered = lowerName(owner);
  if (!isSubdomain(lowered, zone.origin)) return undefined;
  return findNode(zone.root, lowered, zone.origin.length)?.get(type);
}

/** The RRsets of the base other than the SOA, in the order a full build lists them. */
export function fixedRRsets(base: SegmentBase): RRset[] {
  const rrsets = base.fileRRsets.filter((r) => r.type !== RRType.SOA);
  for (const r of baseAdditions(base)) rrsets.push(r);
  return rrsets;
}

/** What the segment adds to its zone file: apex NS and glue if the file has none, the schema version. */
function baseAdditions(base: SegmentBase): RRset[] {
  const rrsets: RRset[] = [];
  if (!base.fileRRsets.some((r) => r.type === RRType.NS && r.owner.length === base.apex.length)) rrsets.push(...apexNs(base));
  // The schema version is the domain's (specification.md §2.2), not each child segment's.
  if (nameEquals(base.apex, base.domain) && !hasVersion(base)) {
    rrsets.push({ owner: ['dns-version', ...base.apex], type: RRType.TXT, ttl: VERSION_TTL, rdata: [txtRdata([DNS_SCHEMA_VERSION])] });
  }
  return rrsets;
}

/** The file's SOA with the state's serial, or the MCS SOA of DESIGN.md ("DNS answers"). */
export function soaFor(base: SegmentBase, serial: number): RRset {
  const fileSoa = base.fileRRsets.find((r) => r.type === RRType.SOA);
  if (fileSoa) return { owner: fileSoa.owner, type: fileSoa.type, ttl: fileSoa.ttl, rdata: [soaRdata({ ...soaFields(fileSoa.rdata[0]!), serial })] };
  const fields = { mname: ['ns', 'dns', ...base.apex], rname: ['hostmaster', ...base.apex], serial, refresh: 7200, retry: 1800, expire: 86400, minimum: APEX_TTL };
  return { owner: base.apex, type: RRType.SOA, ttl: APEX_TTL, rdata: [soaRdata(fields)] };
}

/** NS `<id>.ns.<apex>` per member with its glue, or `ns.dns.<apex>` without members. */
function apexNs(base: SegmentBase): RRset[] {
  if (base.members.length === 0) {
    return [{ owner: base.apex, type: RRType.NS, ttl: APEX_TTL, rdata: [nameRdata(['ns', 'dns', ...base.apex])] }];
  }
  const targets = base.members.map((m) => [m.id, 'ns', ...base.apex]);
  const glue = base.members.map((m, i): RRset => {
    const v4 = isIP(m.dns) === 4;
    return { owner: targets[i]!, type: v4 ? RRType.A : RRType.AAAA, ttl: APEX_TTL, rdata: [v4 ? aRdata(m.dns) : aaaaRdata(m.dns)] };
  });
  return [{ owner: base.apex, type: RRType.NS, ttl: APEX_TTL, rdata: targets.map(nameRdata) }, ...glue];
}

function hasVersion(base: SegmentBase): boolean {
  return base.fileRRsets.some((r) => r.type === RRType.TXT && r.owner.length === base.apex.length + 1 && r.owner[0]!.toLowerCase() === 'dns-version');
}

/** A raw RRset command's presentation text → wire RRset, relative names completed with the apex. */
export function rawRRset(raw: UpsertRRset, apex: Labels): RRset {
  const type = parseType(raw.type);
  if (type === undefined) throw new TypeError(`unknown RR type ${raw.type}`);
  const owner = raw.name === '@' ? apex : parseName(raw.name, apex);
  const rdata = raw.rdata.map((text) => rdataFromText(type, text, apex));
  return { owner, type, ttl: raw.ttl, rdata };
}

const SERVFAIL: LookupResult = Object.freeze({ kind: 'ServerFailure', answer: [], authority: [], additional: [], additionalRequired: 0 });

/**
 * A segment that has not applied its log since start answers SERVFAIL, never NXDOMAIN
 * (DESIGN.md; CoreDNS answers SERVFAIL before its informers sync, coredns#7350).
 */
export class PendingZone implements ZoneView {
  readonly origin: Labels;
  constructor(origin: Labels) {
    this.origin = origin;
  }
  lookup(): LookupResult {
    return SERVFAIL;
  }
}
