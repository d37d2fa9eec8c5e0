/**
 * Incremental segment views: the next view derived from the last with Zone.withChanges.
 */
import { checkName, isSubdomain, lowerName, nameEquals } from '../zone/name.js';
import type { Labels, RRset } from '../zone/types.js';
import type { RRsetKey } from '../zone/update.js';
import type { UpsertRRset } from './commands.js';
import { serviceKey, type SegmentState } from './state.js';
import type { ServiceChange, ServiceRecordCache } from './service-records.js';
import type { ServiceRecords } from '../mcs/records.js';
import { buildSegmentZone, fixedRRsetAt, fixedZone, rawRRset, serviceDepth, soaFor, SegmentZone, type SegmentBase } from './view.js';
import { RRType } from '../zone/types.js';

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
    this.#built = { base, view };
    return view;
  }

  /**
   * A view from scratch. When the zone file is the larger part, it is derived from the
   * base's own zone (fixedZone), every service and raw RRset counting as new, so the file's
   * names stay shared with the zone as loaded (a 1M-record file is one trie, not two);
   * otherwise, or when the derivation throws, buildSegmentZone builds it afresh.
   */
  #full(base: SegmentBase, state: SegmentState, cache: ServiceRecordCache): SegmentZone {
    const changes: ServiceChange[] = [];
    let serviceRRsets = 0;
    for (const after of cache.records()) {
      changes.push({ before: undefined, after });
      serviceRRsets += after.rrsets.length;
    }
    // Deriving shares the file's trie but costs ~7× a fresh build per RRset added (3.5 s
    // against 0.5 s for 100k registered services): derive only when the file outweighs
    // what is added to it.
    if (serviceRRsets <= base.fileRRsets.length) {
      this.#raw = new Map();
      this.#rawByKey = new Map();
      const start = new SegmentZone(fixedZone(base), serviceDepth(base));
      try {
        return this.#derive({ base, view: start }, state, cache, changes);
      } catch {
        // fall through to the full build, whose errors name the offending record
      }
    }
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
    // Service names to mark in the zone (or unmark): the reserved-name rule (SegmentZone).
    // A Set: a service's name array is one object, reached here once per RRset it touched.
    const tag = new Set<Labels>();
    const untag: Labels[] = [];
    for (const { before, after } of changes) {
      for (const r of before?.rrsets ?? []) touch(r);
      for (const r of after?.rrsets ?? []) touch(r);
      if (after !== undefined) tag.add(after.serviceName);
      else untag.push(before!.serviceName);
    }
    const upsert: RRset[] = [];
    const remove: RRsetKey[] = [];
    for (const [k, r] of touched) {
      const start = upsert.length;
      if (r.type === RRType.SOA && r.owner.length === base.apex.length) upsert.push(soa);
      const fixed = fixedRRsetAt(base, r.owner, r.type);
      if (fixed !== undefined) upsert.push(fixed);
      for (const x of this.#rawByKey.get(k) ?? []) upsert.push(x);
      const service = this.#serviceAt(base.domain, cache, r.owner);
      if (service !== undefined) {
        for (const x of service.rrsets) if (x.type === r.type && nameEquals(x.owner, r.owner)) upsert.push(x);
        // A name at or below a registered service can come into being while the service
        // itself does not change (a raw record under a service that has no records, so no
        // node, to mark): every change under it marks the service's name again.
        tag.add(service.serviceName);
      }
      if (upsert.length === start) remove.push(r);
    }
    // A name the zone cannot hold has no node to mark (its records are refused elsewhere).
    const apex = lowerName(base.apex);
    const inZone = (name: Labels): boolean => markable(name, apex);
    const zone = view.zone.withChanges({ upsert, remove, tag: [...tag].filter(inZone), untag: untag.filter(inZone) });
    return new SegmentZone(zone, view.serviceDepth);
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

  // The registered service whose name `owner` is or lies below, if any.
  #serviceAt(domain: Labels, cache: ServiceRecordCache, owner: Labels): ServiceRecords | undefined {
    const at = owner.length - domain.length;
    if (at < 3 || owner[at - 1]!.toLowerCase() !== 'svc') return undefined;
    return cache.get(serviceKey(owner[at - 2]!, owner[at - 3]!));
  }
}

/** Whether `name` is a valid name inside the zone at lowercased `apex`, so its node can be marked. */
function markable(name: Labels, apex: Labels): boolean {
  try {
    checkName(name);
  } catch {
    return false;
  }
  return isSubdomain(lowerName(name), apex);
}
