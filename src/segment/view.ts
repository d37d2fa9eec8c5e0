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
import { lowerName, parseName } from '../zone/name.js';
import { aaaaRdata, aRdata, nameRdata, soaFields, soaRdata, txtRdata } from '../zone/rdata-build.js';
import { rdataFromText } from '../zone/rdata.js';
import { parseType } from '../zone/rrtype.js';
import { RRType, type Labels, type LookupResult, type RRset, type ZoneView } from '../zone/types.js';
import { buildZone, type Zone } from '../zone/zone.js';
import type { RRsetKey } from '../zone/update.js';
import { buildServiceRecords, type ServiceRecords } from '../mcs/records.js';
import type { UpsertRRset } from './commands.js';
import type { SegmentState } from './state.js';

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
}

/** One service's records before and after a refresh (undefined: no such service). */
export interface ServiceChange {
  readonly before: ServiceRecords | undefined;
  readonly after: ServiceRecords | undefined;
}

/**
 * Each service's MCS records, kept between rebuilds so a write re-derives only the
 * services it touched: building records costs ~8 µs a service, the trie ~1 µs an RRset,
 * so at 10,000 services a rebuild drops from ~100 ms to ~15 ms.
 */
export class ServiceRecordCache {
  readonly #byKey = new Map<string, ServiceRecords>();
  #ttl = -1;

  /**
   * Re-derives `changed` services (all of them when the TTL policy moved) and returns
   * what changed, or 'all' when every service was re-derived.
   */
  refresh(domain: Labels, state: SegmentState, changed: Iterable<string> | 'all'): ServiceChange[] | 'all' {
    const ttl = state.policy.serviceTtl;
    const all = changed === 'all' || ttl !== this.#ttl;
    if (all) {
      this.#byKey.clear();
      this.#ttl = ttl;
      changed = state.serviceKeys();
    }
    const changes: ServiceChange[] = [];
    for (const key of changed) {
      const before = this.#byKey.get(key);
      const service = state.service(key);
      const after = service ? buildServiceRecords(domain, service, ttl) : undefined;
      if (after) this.#byKey.set(key, after);
      else this.#byKey.delete(key);
      if (before || after) changes.push({ before, after });
    }
    return all ? 'all' : changes;
  }

  records(): IterableIterator<ServiceRecords> {
    return this.#byKey.values();
  }

  /** The records of the service keyed `<namespace>/<name>` (lowercased), if any. */
  get(key: string): ServiceRecords | undefined {
    return this.#byKey.get(key);
  }
}

/** Builds the zone; pass the group's cache, refreshed for this batch, to avoid redoing every service. */
export function buildSegmentZone(base: SegmentBase, state: SegmentState, cache?: ServiceRecordCache): SegmentZone {
  const services = new Set<string>();
  let records = cache;
  if (!records) {
    records = new ServiceRecordCache();
    records.refresh(base.domain, state, 'all');
  }
  const rrsets: RRset[] = [];
  rrsets.push(soaFor(base, state.serial));
  rrsets.push(...fixedRRsets(base));
  for (const raw of state.rrsets()) rrsets.push(rawRRset(raw, base.apex));
  for (const service of records.records()) {
    for (const rrset of service.rrsets) rrsets.push(rrset);
    services.add(service.serviceName.join('.'));
  }
  return new SegmentZone(buildZone(base.apex, rrsets), services, base.domain.length + 3);
}

/**
 * A segment's zone with the one MCS rule plain RFC 1034 lookup does not give: names
 * between a service and its per-pod names (`<clusterid>.<svc>`, `_<proto>.<svc>`) are
 * reserved and answer NXDOMAIN (specification.md §2.3.4, §2.4.4; CoreDNS does the same),
 * although per-pod names below them make them empty non-terminals.
 */
export class SegmentZone implements ZoneView {
  readonly zone: Zone;
  /** @internal the service names (`<svc>.<ns>.svc.<apex>`, dotted); SegmentViewBuilder derives the next. */
  readonly services: NameSet;
  readonly #services: NameSet;
  /** Labels in `<svc>.<ns>.svc.<domain>`. */
  readonly serviceDepth: number;

  constructor(zone: Zone, services: ReadonlySet<string> | NameSet, serviceDepth: number) {
    this.services = services instanceof NameSet ? services : new NameSet(services);
    this.zone = zone;
    this.#services = this.services;
    this.serviceDepth = serviceDepth;
  }

  get origin(): Labels {
    return this.zone.origin;
  }

  lookup(qname: Labels, qtype: number): LookupResult {
    const result = this.zone.lookup(qname, qtype);
    if (result.kind !== 'NoData' || qname.length <= this.serviceDepth || !this.#belowService(qname)) return result;
    return this.zone.lookup(qname, RRType.ANY).kind === 'NoData' ? this.zone.nameError : result;
  }

  #belowService(qname: Labels): boolean {
    return this.#services.has(qname.slice(qname.length - this.serviceDepth).join('.'));
  }
}

/** The RRsets of the base other than the SOA, in the order a full build lists them. */
function fixedRRsets(base: SegmentBase): RRset[] {
  const rrsets = base.fileRRsets.filter((r) => r.type !== RRType.SOA);
  if (!base.fileRRsets.some((r) => r.type === RRType.NS && r.owner.length === base.apex.length)) rrsets.push(...apexNs(base));
  if (!hasVersion(base)) {
    rrsets.push({ owner: ['dns-version', ...base.apex], type: RRType.TXT, ttl: VERSION_TTL, rdata: [txtRdata([DNS_SCHEMA_VERSION])] });
  }
  return rrsets;
}

/** The file's SOA with the state's serial, or the MCS SOA of DESIGN.md ("DNS answers"). */
function soaFor(base: SegmentBase, serial: number): RRset {
  const fileSoa = base.fileRRsets.find((r) => r.type === RRType.SOA);
  if (fileSoa) return { ...fileSoa, rdata: [soaRdata({ ...soaFields(fileSoa.rdata[0]!), serial })] };
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

/**
 * A persistent set of names: a base Set never changed once shared plus a small overlay, so
 * the next view's set costs O(overlay), not O(services). The overlay is folded into a new
 * base when it outgrows max(32, √base), which keeps updates O(√services) amortised.
 */
export class NameSet {
  readonly #base: ReadonlySet<string>;
  /** Name → present (true) or removed (false), over `#base`. */
  readonly #over: ReadonlyMap<string, boolean>;

  constructor(base: ReadonlySet<string>, over: ReadonlyMap<string, boolean> = new Map()) {
    this.#base = base;
    this.#over = over;
  }

  has(name: string): boolean {
    const o = this.#over.get(name);
    return o ?? this.#base.has(name);
  }

  /** A new set with `changes` (name → present) applied; this one is unchanged. */
  with(changes: ReadonlyMap<string, boolean>): NameSet {
    const over = new Map(this.#over);
    for (const [name, present] of changes) {
      if (present === this.#base.has(name)) over.delete(name);
      else over.set(name, present);
    }
    if (over.size <= Math.max(32, Math.sqrt(this.#base.size))) return new NameSet(this.#base, over);
    const base = new Set(this.#base);
    for (const [name, present] of over) {
      if (present) base.add(name);
      else base.delete(name);
    }
    return new NameSet(base);
  }
}

/** A zone key: lowercased owner and type ('\u0100' is no latin1 label octet). */
const zoneKey = (r: RRsetKey): string => `${lowerName(r.owner).join('\u0100')}\u0100${r.type}`;

function groupByKey(rrsets: Iterable<RRset>): Map<string, RRset[]> {
  const map = new Map<string, RRset[]>();
  for (const r of rrsets) {
    const k = zoneKey(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return map;
}

interface Built {
  readonly base: SegmentBase;
  readonly view: SegmentZone;
  /** fixedRRsets(base) by zone key. */
  readonly fixed: Map<string, RRset[]>;
}

/**
 * Derives each segment view from the previous one: only the (owner, type) pairs a batch
 * touched are recomputed, each as the merge of everything a full build would put there
 * (the SOA, the base's RRsets, raw RRsets in state order, the one service below which the
 * owner lies), and applied with Zone.withChanges. So the view equals buildSegmentZone's
 * while a batch costs O(changed RRsets × depth), plus one identity pass over the raw
 * RRsets (few, set by hand). Full build on the first call, a new base (zone-file reload),
 * a refresh of every service (restore, TTL policy change), or any error.
 */
export class SegmentViewBuilder {
  #built: Built | undefined;
  /** Raw RRset commands of the last build, converted (same objects as the state holds). */
  #raw = new Map<UpsertRRset, RRset>();
  #rawByKey = new Map<string, RRset[]>();

  /** The next view; `changes` is what `cache.refresh` returned for this batch. */
  next(base: SegmentBase, state: SegmentState, cache: ServiceRecordCache, changes: ServiceChange[] | 'all'): SegmentZone {
    const built = this.#built;
    this.#built = undefined;
    let view: SegmentZone | undefined;
    if (built !== undefined && built.base === base && changes !== 'all') {
      try {
        view = this.#derive(built, state, cache, changes);
      } catch {
        view = undefined; // e.g. a ZoneError: the full build below reports it, or recovers
      }
    }
    if (view === undefined) view = this.#full(base, state, cache);
    this.#built = { base, view, fixed: built?.base === base ? built.fixed : groupByKey(fixedRRsets(base)) };
    return view;
  }

  #full(base: SegmentBase, state: SegmentState, cache: ServiceRecordCache): SegmentZone {
    this.#raw = new Map();
    for (const raw of state.rrsets()) this.#raw.set(raw, rawRRset(raw, base.apex));
    this.#rawByKey = groupByKey(this.#raw.values());
    return buildSegmentZone(base, state, cache);
  }

  #derive(built: Built, state: SegmentState, cache: ServiceRecordCache, changes: readonly ServiceChange[]): SegmentZone {
    const { base, view } = built;
    const touched = new Map<string, RRsetKey>();
    const touch = (r: RRsetKey): void => void touched.set(zoneKey(r), r);
    const soa = soaFor(base, state.serial);
    touch(soa);
    this.#diffRaw(base.apex, state, touch);
    const names = new Map<string, boolean>();
    for (const { before, after } of changes) {
      for (const r of before?.rrsets ?? []) touch(r);
      for (const r of after?.rrsets ?? []) touch(r);
      names.set((after ?? before)!.serviceName.join('.'), after !== undefined);
    }
    const upsert: RRset[] = [];
    const remove: RRsetKey[] = [];
    for (const [k, r] of touched) {
      const start = upsert.length;
      if (r.type === RRType.SOA && r.owner.length === base.apex.length) upsert.push(soa);
      for (const x of built.fixed.get(k) ?? []) upsert.push(x);
      for (const x of this.#rawByKey.get(k) ?? []) upsert.push(x);
      for (const x of this.#serviceRRsets(base.domain, cache, r.owner)) if (zoneKey(x) === k) upsert.push(x);
      if (upsert.length === start) remove.push(r);
    }
    const zone = view.zone.withChanges({ upsert, remove });
    return new SegmentZone(zone, names.size === 0 ? view.services : view.services.with(names), view.serviceDepth);
  }

  // Finds the raw RRsets added or removed since the last build (by identity: the state
  // replaces a command object on every upsert) and regroups them in state order.
  #diffRaw(apex: Labels, state: SegmentState, touch: (r: RRsetKey) => void): void {
    const next = new Map<UpsertRRset, RRset>();
    let changed = false;
    for (const raw of state.rrsets()) {
      let rrset = this.#raw.get(raw);
      if (rrset === undefined) {
        rrset = rawRRset(raw, apex);
        touch(rrset);
        changed = true;
      }
      next.set(raw, rrset);
    }
    for (const [raw, rrset] of this.#raw) {
      if (!next.has(raw)) {
        touch(rrset);
        changed = true;
      }
    }
    if (!changed) return;
    this.#raw = next;
    this.#rawByKey = groupByKey(next.values());
  }

  // The RRsets of the service whose name `owner` is or lies below, if any.
  #serviceRRsets(domain: Labels, cache: ServiceRecordCache, owner: Labels): readonly RRset[] {
    const at = owner.length - domain.length;
    if (at < 3 || owner[at - 1]!.toLowerCase() !== 'svc') return [];
    const key = `${owner[at - 2]!.toLowerCase()}/${owner[at - 3]!.toLowerCase()}`;
    return cache.get(key)?.rrsets ?? [];
  }
}
