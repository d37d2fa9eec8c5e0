/**
 * The authoritative lookup of RFC 1034 §4.3.2 for one zone, with the later clarifications
 * (RFC 2308 negative answers, RFC 4592 wildcards, RFC 6604 CNAME rcodes, RFC 8482 ANY,
 * RFC 4035 §3.1.4.1 DS at a cut).
 *
 * Algorithm (step numbers are RFC 1034 §4.3.2 step 3):
 *  1. Walk down from the apex one label at a time. Entering a node that is a zone cut
 *     (non-apex NS) ends the walk with a referral (3b): NS in authority, glue in
 *     additional, for every qtype, unless the cut is the qname itself and qtype is DS,
 *     which the parent answers (RFC 4035 §3.1.4.1). Data below a cut is never an answer.
 *  2. A missing child ends the walk: the name does not exist (3c) and the last node is
 *     the closest encloser (RFC 4592 §3.3.1). Its `*` child, if any, is the only source
 *     of synthesis; an existing node (an empty non-terminal too) always stops wildcard
 *     matching because the walk only fails below it. No source → NameError.
 *  3. At the node (exact or source of synthesis): with a CNAME and qtype not CNAME/ANY,
 *     add the CNAME (owner = qname when synthesized) and restart at its target while it
 *     is in the zone (3a). Chains are bounded by MAX_CHAIN and stop on a repeated name;
 *     an out-of-zone target ends the answer; the rcode follows the last name (RFC 6604 §3).
 *  4. qtype ANY: one RRset of the node (RFC 8482 §4.1). Otherwise the RRset of qtype, or
 *     NoData (an empty non-terminal is NoData, RFC 4592 §2.2.2).
 *  5. Negative answers carry the apex SOA with TTL min(TTL, MINIMUM) (RFC 2308 §3, §5).
 *  6. Additional: A/AAAA of in-zone NS/MX/SRV targets, never through CNAMEs (step 6).
 *
 * Hot path: exact-match answers and referrals are memoised frozen results; only CNAME
 * chains and wildcard synthesis allocate.
 */
import type { Labels, LookupResult, RRset } from './types.js';
import type { Zone } from './zone.js';
import type { ZoneNode } from './tree.js';
import { RRType } from './types.js';
import { EMPTY_RRSETS } from './tree.js';
import { additionalFor, delegationFor, freezeResult, successFor } from './answers.js';
import type { LookupScratch } from './answers.js';

/** Most CNAMEs in one answer (Knot's tests stop at 5, BIND at 17). */
export const MAX_CHAIN = 8;

const SERVER_FAILURE: LookupResult = freezeResult('ServerFailure', EMPTY_RRSETS, EMPTY_RRSETS, EMPTY_RRSETS, 0);

/**
 * Looks up lowercased `qname` (at or below `zone.origin`) for `qtype`. With `into`, an
 * exact-match Success is written there (valid until its next use) instead of allocated.
 */
export function lookup(zone: Zone, qname: Labels, qtype: number, into?: LookupScratch): LookupResult {
  if (!endsWithOrigin(qname, zone.origin)) return SERVER_FAILURE; // caller chose the wrong zone
  const found = descend(zone, qname, qtype);
  if (!isNode(found)) return found;
  if (found.cname === undefined || qtype === RRType.CNAME || qtype === RRType.ANY) {
    return answerAt(zone, found, qname, qtype, into);
  }
  return chase(zone, found, qname, qtype);
}

/** Steps 1–2: the node answering `qname` (exact or wildcard), or a final result. */
function descend(zone: Zone, qname: Labels, qtype: number): ZoneNode | LookupResult {
  let node = zone.root;
  for (let i = qname.length - zone.origin.length - 1; i >= 0; i--) {
    const child = node.child(qname[i]);
    if (child === undefined) {
      const source = node.child('*');
      if (source === undefined) return zone.nameError;
      return source.cut ? delegationFor(zone, source) : source;
    }
    node = child;
    if (node.cut && !(i === 0 && qtype === RRType.DS)) return delegationFor(zone, node);
  }
  return node;
}

/**
 * Step 4 at a node without a CNAME to follow. `into` is given only at the top of a lookup:
 * a CNAME chain keeps the result it gets here, so that one must be its own.
 */
function answerAt(zone: Zone, node: ZoneNode, qname: Labels, qtype: number, into?: LookupScratch): LookupResult {
  const rrset = qtype === RRType.ANY ? node.firstRRset() : node.get(qtype);
  if (rrset === undefined) return zone.noData;
  if (isExact(zone, node, qname)) return successFor(zone, rrset, into);
  // RFC 4592 §3.3.3: synthesized RRs take the query name as owner.
  return freezeResult('Success', [synthesize(rrset, qname)], EMPTY_RRSETS, additionalFor(zone, rrset), 0);
}

/** Step 3: follows in-zone CNAMEs from `start`, which holds one. */
function chase(zone: Zone, start: ZoneNode, qname: Labels, qtype: number): LookupResult {
  const answer: RRset[] = [];
  const visited: Labels[] = [qname];
  let node = start;
  let name = qname;
  for (;;) {
    const cname = node.cname as RRset;
    answer.push(isExact(zone, node, name) ? cname : synthesize(cname, name));
    const target = node.cnameTarget as Labels;
    const stop = answer.length >= MAX_CHAIN || !endsWithOrigin(target, zone.origin) || visited.some((v) => sameName(v, target));
    if (stop) return freezeResult('Success', answer, EMPTY_RRSETS, EMPTY_RRSETS, 0);
    visited.push(target);
    const next = descend(zone, target, qtype);
    if (!isNode(next)) return afterChain(answer, next);
    if (next.cname === undefined) return afterChain(answer, answerAt(zone, next, target, qtype));
    node = next;
    name = target;
  }
}

/**
 * Joins the CNAMEs with the outcome at the last target: its answer and additional, or its
 * SOA (NODATA stays NOERROR, NXDOMAIN carries the CNAMEs, RFC 6604 §3, RFC 2308 §2.1–2.2),
 * or a referral's NS and glue in authority/additional of an authoritative answer.
 */
function afterChain(answer: RRset[], last: LookupResult): LookupResult {
  const kind = last.kind === 'NameError' ? 'NameError' : 'Success';
  for (const rrset of last.answer) answer.push(rrset);
  return freezeResult(kind, answer, last.authority, last.additional, 0);
}

function synthesize(rrset: RRset, owner: Labels): RRset {
  return { owner, type: rrset.type, ttl: rrset.ttl, rdata: rrset.rdata };
}

// The walk only succeeds along qname's own labels, so the node is qname's own node unless
// a wildcard source replaced it: then its depth or its label ('*') differs from qname's.
function isExact(zone: Zone, node: ZoneNode, qname: Labels): boolean {
  const depth = qname.length - zone.origin.length;
  return node.depth === depth && (depth === 0 || node.label === qname[0]);
}

function isNode(x: ZoneNode | LookupResult): x is ZoneNode {
  return (x as LookupResult).kind === undefined;
}

function endsWithOrigin(name: Labels, origin: Labels): boolean {
  const skip = name.length - origin.length;
  if (skip < 0) return false;
  for (let i = 0; i < origin.length; i++) if (name[skip + i] !== origin[i]) return false;
  return true;
}

function sameName(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
