/**
 * The parts of a lookup result beyond the matched RRset: the additional A/AAAA of an NS,
 * MX or SRV answer, and the referral at a zone cut with its glue.
 *
 * Answers are computed per lookup; only referrals are memoised (one per cut, on the
 * node, tagged with the zone's version because a node may be shared with the
 * zones derived from it by Zone.withChanges, and glue reads other nodes). A memo per
 * (name, type) asked made the first query of each name in a 1M-name zone 18 µs instead
 * of 12 and grew the heap by 790 MB (bench/README.md, Scale); repeats are served by the
 * response cache anyway.
 */
import type { Labels, LookupResult, RRset } from './types.js';
import type { Zone } from './zone.js';
import { RRType } from './types.js';
import { isSubdomain, lowerName } from './name.js';
import { rdataTarget } from './rdata-build.js';
import { EMPTY_RRSETS, findAuthoritativeNode, findNode } from './tree.js';
import type { ZoneNode } from './tree.js';

/**
 * The Success result for `rrset`, an exact match (owner as in the zone). Built per lookup,
 * not memoised on the node: repeated questions are the response cache's job, and a memo
 * per (name, type) asked grew a 1M-name zone's heap by ~360 bytes per question (and the
 * GC's work with it).
 */
export function successFor(zone: Zone, rrset: RRset): LookupResult {
  return freezeResult('Success', [rrset], EMPTY_RRSETS, additionalFor(zone, rrset), 0);
}

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
    const into = isSubdomain(target, cut) ? required : optional;
    addAddresses(zone, target, true, into, required, optional);
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
  const type = rrset.type;
  if (type !== RRType.NS && type !== RRType.MX && type !== RRType.SRV) return EMPTY_RRSETS;
  // Gathered in a scratch list and copied out at their exact length: this runs for every
  // SRV answer, and garbage per query is what makes the young-generation GC run (bench/README.md, Scale).
  const found = SCRATCH;
  found.length = 0;
  for (const rdata of rrset.rdata) {
    const target = targetOf(type, rdata);
    if (target !== undefined) addAddresses(zone, target, type === RRType.NS, found, found, found);
  }
  return found.length === 0 ? EMPTY_RRSETS : Object.freeze(found.slice());
}

const SCRATCH: RRset[] = [];

function targetsOf(rrset: RRset): Labels[] {
  const targets: Labels[] = [];
  for (const rdata of rrset.rdata) {
    const target = targetOf(rrset.type, rdata);
    if (target !== undefined) targets.push(target);
  }
  return targets;
}

/** The lowercased name `rdata` points at, or undefined (malformed opaque RDATA names nothing). */
function targetOf(type: number, rdata: Uint8Array): Labels | undefined {
  try {
    const target = rdataTarget(type, rdata);
    return target === undefined ? undefined : lowerName(target);
  } catch {
    return undefined;
  }
}

// Appends the A then AAAA RRset of `target` to `into`, unless already in `seenA`/`seenB`.
function addAddresses(zone: Zone, target: Labels, allowBelowCut: boolean, into: RRset[], seenA: RRset[], seenB: RRset[]): void {
  if (!isSubdomain(target, zone.origin)) return;
  const node = allowBelowCut ? findNode(zone.root, target, zone.origin.length) : findAuthoritativeNode(zone.root, target, zone.origin.length);
  if (node === undefined) return;
  for (const type of ADDRESS_TYPES) {
    const rrset = node.get(type);
    if (rrset !== undefined && !seenA.includes(rrset) && !seenB.includes(rrset)) into.push(rrset);
  }
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
