/**
 * buildZone: RRsets → an immutable, validated Zone (a ZoneView). Used for zone files and by
 * the segment view after a restore or reload (other applies use Zone.withChanges,
 * update.ts), so it is linear in the number of RRsets:
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
import { checkName, isSubdomain, latin1, lowerName, nameToText } from './name.js';
import { rdataTarget, soaFields } from './rdata-build.js';
import { ZoneNode, EMPTY_RRSETS, ensureNode, forEachChild, insertRRset, shareLabels } from './tree.js';
import { lookup } from './lookup.js';
import type { LookupScratch } from './answers.js';
import { typeToText } from './rrtype.js';
import { updateZone, type ZoneChanges } from './update.js';
import { packRecord, recordCount } from './packed-rrset.js';

// DNSSEC records may sit beside a CNAME (RFC 4035 §2.5; RFC 2181 §10.1 predates them).
export const CNAME_COMPANIONS: ReadonlySet<number> = new Set([RRType.CNAME, 46 /* RRSIG */, 47 /* NSEC */]);

let versions = 0;

/** One zone, ready for queries. Never changes after buildZone or withChanges returns. */
export class Zone implements ZoneView {
  /** The apex, lowercased. */
  readonly origin: Labels;
  /** Unique per Zone object: tags memos on nodes shared between zones (answers.ts). */
  readonly version = ++versions;
  /** The apex SOA RRset as in the zone. */
  readonly soa: RRset;
  /** The SOA serial (RFC 1035 §3.3.13). */
  readonly serial: number;
  /** The SOA for negative answers: TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3, §5). */
  readonly negativeSoa: RRset;
  /** Shared results for names that do not exist / hold no data of the asked type. */
  readonly nameError: LookupResult;
  readonly noData: LookupResult;
  /** @internal the apex node of the name tree. */
  readonly root: ZoneNode;
  #rrsets: readonly RRset[] | undefined;

  /** @internal `rrsets` undefined: computed from the tree when first asked for. */
  constructor(origin: Labels, rrsets: readonly RRset[] | undefined, root: ZoneNode, soa: RRset) {
    this.origin = origin;
    this.#rrsets = rrsets;
    this.root = root;
    this.soa = soa;
    const { serial, minimum } = soaFields(soa.rdata[0]);
    this.serial = serial;
    this.negativeSoa = Object.freeze({ owner: soa.owner, type: soa.type, ttl: Math.min(soa.ttl, minimum), rdata: soa.rdata });
    const authority = Object.freeze([this.negativeSoa]);
    this.nameError = negative('NameError', authority);
    this.noData = negative('NoData', authority);
  }

  /**
   * Every RRset of the zone (merged): for printing, AXFR and snapshots. A zone from
   * buildZone keeps its input order (first occurrence of each owner and type); one from
   * withChanges lists the tree in pre-order (a name before the names below it, RRsets of a
   * name by type), computed once on first use in time linear in the zone.
   */
  get rrsets(): readonly RRset[] {
    if (this.#rrsets === undefined) this.#rrsets = treeRRsets(this.root);
    return this.#rrsets;
  }

  /**
   * RFC 1034 §4.3.2 lookup; `qname` must be lowercased and at or below `origin`. With
   * `into`, the result may be that scratch object, valid until its next use (answers.ts).
   */
  lookup(qname: Labels, qtype: number, into?: LookupScratch): LookupResult {
    return lookup(this, qname, qtype, into);
  }

  /**
   * The next zone: this one with `changes` applied, sharing every unchanged part of the
   * tree, in time proportional to the changed RRsets times their depth (see update.ts).
   * This zone keeps answering as before. Throws ZoneError as buildZone does.
   * @example zone.withChanges({ upsert: [web], remove: [{ owner: oldName, type: RRType.A }], soa })
   */
  withChanges(changes: ZoneChanges): Zone {
    return updateZone(this, changes);
  }
}

function treeRRsets(root: ZoneNode): RRset[] {
  const out: RRset[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as ZoneNode;
    for (const rrset of node.rrsets) out.push(rrset);
    const kids: ZoneNode[] = [];
    forEachChild(node, (c) => kids.push(c));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

function negative(kind: 'NameError' | 'NoData', authority: readonly RRset[]): LookupResult {
  return Object.freeze({ kind, answer: EMPTY_RRSETS, authority, additional: EMPTY_RRSETS, additionalRequired: 0 });
}

/**
 * Builds a zone from RRsets (any owner case). Throws ZoneError on an invalid zone.
 * @example buildZone(['example'], [soaRRset, nsRRset, ...])
 */
export function buildZone(origin: Labels, rrsets: readonly RRset[]): Zone {
  const builder = new ZoneBuilder(origin);
  for (const rrset of rrsets) builder.add(rrset);
  return builder.finish();
}

/**
 * buildZone one RRset at a time, so a parser can hand over each record as it reads it
 * (nothing of a line outlives the line). `add` throws the ZoneError of that RRset, `finish`
 * those of the zone as a whole; the index in each error counts the RRsets added.
 */
export class ZoneBuilder {
  readonly #origin: Labels;
  readonly #root: ZoneNode;
  readonly #merger = new Merger();
  #count = 0;

  /**
   * `respell`: the RRsets added are the builder's own (a parser's, used once, RDATA in its
   * slabs), so each is replaced by one whose owner shares the tree's label strings
   * (tree.ts shareLabels), a PackedRRset when it holds one record (packed-rrset.ts).
   * Without it, the caller's RRset objects are kept as given.
   */
  readonly #respell: boolean;
  /** The last slab a packed record was in, and the array over all of it. */
  #slabBuffer: ArrayBufferLike | undefined;
  #slab: Uint8Array | undefined;
  readonly #slabOf = (buffer: ArrayBufferLike): Uint8Array => {
    if (buffer !== this.#slabBuffer) {
      this.#slabBuffer = buffer;
      this.#slab = new Uint8Array(buffer);
    }
    return this.#slab!;
  };

  constructor(origin: Labels, options: { readonly respell?: boolean } = {}) {
    this.#respell = options.respell === true;
    checkName(origin);
    this.#origin = lowerName(origin);
    this.#root = new ZoneNode(this.#origin[0] ?? '', 0);
  }

  add(given: RRset): void {
    const i = this.#count++;
    const origin = this.#origin;
    checkOwner(given, origin, i);
    const node = ensureNode(this.#root, given.owner, origin.length);
    const rrset: RRset = this.#respell ? this.#own(given, shareLabels(this.#root, given.owner, origin)) : given;
    checkPlacement(node, rrset, i);
    const existing = node.get(rrset.type);
    const stored = existing === undefined ? this.#merger.add(rrset) : this.#merger.merge(existing, rrset);
    if (stored !== existing) insertRRset(node, stored);
    if (rrset.type === RRType.SOA || rrset.type === RRType.CNAME) checkSingle(stored, i);
    if (rrset.type === RRType.CNAME) setCname(node, stored, i);
  }

  #own(given: RRset, owner: Labels): RRset {
    return packRecord(owner, given.type, given.ttl, given.rdata, this.#slabOf) ?? { owner, type: given.type, ttl: given.ttl, rdata: given.rdata };
  }

  finish(): Zone {
    const soa = this.#root.get(RRType.SOA);
    if (soa === undefined) throw new ZoneError(`no SOA record at the zone apex ${nameToText(this.#origin)}`);
    return new Zone(this.#origin, this.#merger.result(), this.#root, soa);
  }
}

export function checkOwner(rrset: { readonly owner: Labels }, origin: Labels, index: number): void {
  try {
    checkName(rrset.owner);
  } catch (err) {
    throw new ZoneError((err as Error).message, index);
  }
  if (!isSubdomain(rrset.owner, origin)) {
    throw new ZoneError(`${nameToText(rrset.owner)} is outside the zone ${nameToText(origin)}`, index);
  }
}

interface MutableRRset {
  readonly owner: Labels;
  readonly type: number;
  ttl: number;
  readonly rdata: Uint8Array[];
  readonly seen: Set<string>;
}

/**
 * Collects RRsets in input order. An RRset seen once is kept as given (no copy); a second
 * one for the same owner and type turns it into a private mutable RRset that absorbs the
 * rest, dropping duplicate records (RFC 2181 §5) and keeping the lowest TTL (§5.2).
 */
class Merger {
  readonly #list: RRset[] = [];
  /** Input RRset first stored → the owned RRset that replaced it. */
  readonly #replaced = new Map<RRset, MutableRRset>();
  readonly #owned = new Set<RRset>();

  add(rrset: RRset): RRset {
    const unique = dedupe(rrset);
    this.#list.push(unique);
    return unique;
  }

  merge(existing: RRset, extra: RRset): RRset {
    let target = existing as MutableRRset;
    if (!this.#owned.has(existing)) {
      const rdata = existing.rdata.slice();
      target = { owner: existing.owner, type: existing.type, ttl: existing.ttl, rdata, seen: new Set(rdata.map(key)) };
      this.#replaced.set(existing, target);
      this.#owned.add(target);
    }
    target.ttl = Math.min(target.ttl, extra.ttl);
    for (const r of extra.rdata) {
      const k = key(r);
      if (target.seen.has(k)) continue;
      target.seen.add(k);
      target.rdata.push(r);
    }
    return target;
  }

  result(): RRset[] {
    if (this.#replaced.size === 0) return this.#list;
    for (const owned of this.#owned) freezeOwned(owned as MutableRRset);
    return this.#list.map((r) => this.#replaced.get(r) ?? r);
  }
}

/** RDATA as a latin1 string, for deduplication. */
export const key = (rdata: Uint8Array): string => latin1(rdata, 0, rdata.length);

export function dedupe(rrset: RRset): RRset {
  if (recordCount(rrset) < 2) return rrset;
  const seen = new Set(rrset.rdata.map(key));
  return seen.size === rrset.rdata.length ? rrset : { ...rrset, rdata: [...new Map(rrset.rdata.map((r) => [key(r), r])).values()] };
}

// Owned RRsets stay the same objects (nodes point at them); only the build-time key set goes.
function freezeOwned(r: MutableRRset): RRset {
  delete (r as { seen?: Set<string> }).seen;
  return r;
}

export function checkSingle(rrset: RRset, index: number): void {
  if (recordCount(rrset) > 1) {
    throw new ZoneError(`more than one ${typeToText(rrset.type)} record at ${nameToText(rrset.owner)}`, index);
  }
}

// SOA only at the apex and only one; CNAME alone with its DNSSEC companions.
function checkPlacement(node: ZoneNode, rrset: RRset, index: number): void {
  if (rrset.type === RRType.SOA && node.depth > 0) {
    throw new ZoneError(`SOA record at ${nameToText(rrset.owner)}, which is not the zone apex`, index);
  }
  if (rrset.type === RRType.CNAME) {
    const other = node.rrsets.find((r) => !CNAME_COMPANIONS.has(r.type));
    if (other !== undefined) throw cnameConflict(rrset, other.type, index);
  } else if (node.cname !== undefined && !CNAME_COMPANIONS.has(rrset.type)) {
    throw cnameConflict(rrset, rrset.type, index);
  }
}

export function cnameConflict(rrset: RRset, otherType: number, index: number): ZoneError {
  return new ZoneError(`CNAME and ${typeToText(otherType)} data at ${nameToText(rrset.owner)} (RFC 2181 §10.1)`, index);
}

export function setCname(node: ZoneNode, cname: RRset, index: number): void {
  let target: Labels | undefined;
  try {
    target = rdataTarget(RRType.CNAME, cname.rdata[0]);
  } catch (err) {
    throw new ZoneError(`bad CNAME RDATA at ${nameToText(cname.owner)}: ${(err as Error).message}`, index);
  }
  node.setCname(cname, lowerName(target as Labels));
}
