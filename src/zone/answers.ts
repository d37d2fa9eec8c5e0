/**
 * The parts of a lookup result beyond the matched RRset: the additional A/AAAA of an NS,
 * MX or SRV answer, and the referral at a zone cut with its glue.
 *
 * Answers are computed per lookup; only referrals are memoised (one per cut, on the
 * node, tagged with the zone's version because a node may be shared with the
 * zones derived from it by Zone.withChanges, and glue reads other nodes). A memo per
 * (name, type) asked made the first query of each name in a 1M-name zone 18 µs instead
 * of 12 and grew the heap by 790 MB (bench/HISTORY.md, Scale); repeats are served by the
 * response cache anyway.
 */
import type { Labels, LookupResult, ResultKind, RRset } from './types.js';
import type { Zone } from './zone.js';
import { RRType } from './types.js';
import { isSubdomain, lowerName } from './name.js';
import { rdataTargetKey, rdataTargetKeyTransient, rdataTargetKeyTransientAt } from './rdata-build.js';
import { PackedRRset } from './packed-rrset.js';
import { EMPTY_RRSETS, findAuthoritativeNode, findNode } from './tree.js';
import type { ZoneNode } from './tree.js';

/**
 * The Success result for `rrset`, an exact match (owner as in the zone). Built per lookup,
 * not memoised on the node: repeated questions are the response cache's job, and a memo
 * per (name, type) asked grew a 1M-name zone's heap by ~360 bytes per question (and the
 * GC's work with it). With `into`, the result is written there instead of allocated.
 */
export function successFor(zone: Zone, rrset: RRset, into?: LookupScratch): LookupResult {
  if (into !== undefined) return into.success(zone, rrset);
  return freezeResult('Success', [rrset], EMPTY_RRSETS, additionalFor(zone, rrset), 0);
}

/**
 * A result object the DNS front end reuses for every query: an exact-match Success (the
 * common answer) is written into it rather than allocated, so a query that misses the
 * response cache leaves ~150 bytes less garbage for the young-generation GC, whose pauses
 * are the latency tail of a large zone (bench/HISTORY.md, Scale). What `lookup(…, into)`
 * returns is valid until the next lookup given the same scratch; every other kind of
 * result is a fresh frozen object as usual.
 */
export class LookupScratch implements LookupResult {
  kind: ResultKind = 'Success';
  answer: readonly RRset[] = EMPTY_RRSETS;
  readonly authority: readonly RRset[] = EMPTY_RRSETS;
  additional: readonly RRset[] = EMPTY_RRSETS;
  readonly additionalRequired = 0;
  readonly ownersFromQuestion = true;
  // Arrays are filled by index and never shortened: V8 frees the backing store of an array
  // cut to length 0, so the next push would allocate it again (~150 bytes) on every query.
  readonly #answer: RRset[] = new Array<RRset>(1);
  readonly #gathered: RRset[] = [];
  /** A reusable array of exactly n RRsets for n additional RRsets (n < REUSED_LENGTHS). */
  readonly #additionalOf: RRset[][] = [];

  /** Fills this with the Success result for `rrset` (see successFor). */
  success(zone: Zone, rrset: RRset): LookupResult {
    this.#answer[0] = rrset;
    this.answer = this.#answer;
    const n = gatherAdditional(zone, rrset, this.#gathered);
    if (n === 0) this.additional = EMPTY_RRSETS;
    else if (n >= REUSED_LENGTHS) this.additional = this.#gathered.slice(0, n);
    else {
      const list = (this.#additionalOf[n] ??= new Array<RRset>(n));
      for (let i = 0; i < n; i++) list[i] = this.#gathered[i]!;
      this.additional = list;
    }
    return this;
  }
}

/** Additional sections shorter than this reuse a scratch array (a headless service's pods). */
const REUSED_LENGTHS = 16;

/**
 * The referral at cut `node`: its NS RRset in authority, then the A/AAAA of NS targets at
 * or below the cut (in-domain glue, which must fit: RFC 9471), then those of other in-zone
 * targets (optional, RFC 2181 §9). `additionalRequired` counts the in-domain ones.
 */
export function delegationFor(zone: Zone, node: ZoneNode): LookupResult {
  const hit = node.referral(zone.version);
  if (hit !== undefined) return hit;
  const ns = node.get(RRType.NS) as RRset;
  const cut = lowerName(ns.owner);
  const required: RRset[] = [];
  const optional: RRset[] = [];
  for (const target of targetsOf(ns)) {
    const node = addressNode(zone, target, true);
    if (node === undefined) continue;
    const into = isSubdomain(target, cut) ? required : optional;
    for (const type of ADDRESS_TYPES) {
      const rrset = node.get(type);
      if (rrset !== undefined && !required.includes(rrset) && !optional.includes(rrset)) into.push(rrset);
    }
  }
  const result = freezeResult('Delegation', EMPTY_RRSETS, [ns], required.concat(optional), required.length);
  node.setReferral(zone.version, result);
  return result;
}

/**
 * RFC 1034 §4.3.2 step 6: A and AAAA RRsets of the in-zone names an NS, MX or SRV RRset
 * points at. Names are matched exactly: no CNAME is followed and no wildcard synthesized
 * for additional data. Occluded names (below a cut) count only for NS, where they are glue.
 */
export function additionalFor(zone: Zone, rrset: RRset): readonly RRset[] {
  // Gathered in a scratch list and copied out at their exact length: this runs for every
  // SRV answer, and garbage per query is what makes the young-generation GC run (bench/HISTORY.md, Scale).
  const n = gatherAdditional(zone, rrset, SCRATCH);
  if (n === 0) return EMPTY_RRSETS;
  const found = Object.freeze(SCRATCH.slice(0, n));
  SCRATCH.fill(EMPTY_RRSET, 0, n); // keeps no RRset of an old zone alive
  return found;
}

/**
 * Writes additionalFor's RRsets into `found` from index 0 on and returns how many; `found`
 * is written by index and never shortened, so reusing it allocates nothing.
 */
function gatherAdditional(zone: Zone, rrset: RRset, found: RRset[]): number {
  const type = rrset.type;
  if (type !== RRType.NS && type !== RRType.MX && type !== RRType.SRV) return 0;
  if (rrset instanceof PackedRRset) {
    // Its name is known to end inside the record (packRecord), so the slab is read in place.
    return addAddresses(zone, type, rdataTargetKeyTransientAt(type, rrset.bytes, rrset.start, rrset.end), found, 0);
  }
  let count = 0;
  for (const rdata of rrset.rdata) {
    // The target is looked up and dropped here, so its labels may sit in a shared array.
    count = addAddresses(zone, type, targetOf(type, rdata, true), found, count);
  }
  return count;
}

/** Adds the address RRsets of `target` not yet in `found[0, count)`; returns the new count. */
function addAddresses(zone: Zone, type: number, target: Labels | undefined, found: RRset[], count: number): number {
  const node = target === undefined ? undefined : addressNode(zone, target, type === RRType.NS);
  if (node === undefined) return count;
  for (const address of ADDRESS_TYPES) {
    const set = node.get(address);
    if (set !== undefined && !includesBefore(found, count, set)) found[count++] = set;
  }
  return count;
}

function includesBefore(list: readonly RRset[], count: number, rrset: RRset): boolean {
  for (let i = 0; i < count; i++) if (list[i] === rrset) return true;
  return false;
}

const EMPTY_RRSET: RRset = Object.freeze({ owner: [], type: 0, ttl: 0, rdata: [] });
const SCRATCH: RRset[] = [];

function targetsOf(rrset: RRset): Labels[] {
  const targets: Labels[] = [];
  for (const rdata of rrset.rdata) {
    const target = targetOf(rrset.type, rdata);
    if (target !== undefined) targets.push(target);
  }
  return targets;
}

/**
 * The lowercased name `rdata` points at, or undefined (malformed opaque RDATA names
 * nothing); with `transient`, in an array valid until the next such call.
 */
function targetOf(type: number, rdata: Uint8Array, transient = false): Labels | undefined {
  try {
    return transient ? rdataTargetKeyTransient(type, rdata) : rdataTargetKey(type, rdata);
  } catch {
    return undefined;
  }
}

/**
 * The node of `target` whose A/AAAA RRsets are additional data: in the zone, matched
 * exactly, and not below a cut unless `allowBelowCut` (glue for an NS).
 */
function addressNode(zone: Zone, target: Labels, allowBelowCut: boolean): ZoneNode | undefined {
  if (!isSubdomain(target, zone.origin)) return undefined;
  return allowBelowCut ? findNode(zone.root, target, zone.origin.length) : findAuthoritativeNode(zone.root, target, zone.origin.length);
}

const ADDRESS_TYPES = [RRType.A, RRType.AAAA] as const;

/** Builds a frozen LookupResult. */
export function freezeResult(
  kind: LookupResult['kind'],
  answer: readonly RRset[],
  authority: readonly RRset[],
  additional: readonly RRset[],
  additionalRequired: number,
): LookupResult {
  const freeze = (s: readonly RRset[]): readonly RRset[] => (s.length === 0 ? EMPTY_RRSETS : Object.freeze(s));
  return Object.freeze({ kind, answer: freeze(answer), authority: freeze(authority), additional: freeze(additional), additionalRequired });
}
