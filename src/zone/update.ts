/**
 * Zone.withChanges: the next zone from the previous one by path copying. The changes are
 * first gathered into a small trie of their own (one entry per changed name), then the
 * name tree is copied along it: every node from the apex down to a changed name is a new
 * node, everything else is shared with the previous zone, which keeps answering exactly as
 * before. Cost: O(changed RRsets × name depth), plus O(√fan-out) at a node with very many
 * children (tree.ts setChildren), whatever the size of the zone.
 *
 * Semantics: every (owner, type) named by an upsert ends up holding the merge of all its
 * upserts, in order (duplicates dropped, lowest TTL: RFC 2181 §5, §5.2, as in buildZone),
 * whatever it held before; one named only by a removal ends up absent. Names left with no
 * RRsets and no children are removed, so empty non-terminals come and go with the names
 * below them. So `withChanges` of a zone built from list L equals buildZone of L with the
 * changed (owner, type) entries replaced, and changed nodes are checked by the same rules
 * (SOA only at the apex and single, CNAME alone, owners inside the zone → ZoneError).
 */
import type { Labels, RRset } from './types.js';
import { RRType } from './types.js';
import { ZoneError } from './errors.js';
import { lowerLabel, nameToText } from './name.js';
import { ZoneNode, setChild, setChildren } from './tree.js';
import { CNAME_COMPANIONS, Zone, checkOwner, checkSingle, cnameConflict, dedupe, key, setCname } from './zone.js';

/** An RRset's identity in a zone: owner (any case) and type. */
export interface RRsetKey {
  readonly owner: Labels;
  readonly type: number;
}

/** What `Zone.withChanges` applies. */
export interface ZoneChanges {
  /** RRsets to store; each (owner, type) named here holds exactly the merge of its upserts. */
  readonly upsert?: readonly RRset[];
  /** (owner, type) pairs to delete; an upsert of the same pair wins. */
  readonly remove?: readonly RRsetKey[];
  /** A new apex SOA: the same as one more upsert. */
  readonly soa?: RRset;
  /** Names to mark (ZoneNode.tagged); a mark keeps no name that has no records or children. */
  readonly tag?: readonly Labels[];
  /** Names to unmark; a name both tagged and untagged ends up unmarked. */
  readonly untag?: readonly Labels[];
}

interface Upserts {
  readonly rrsets: RRset[];
  /** Index of the first one in the upsert list, for ZoneError. */
  readonly index: number;
}

/** The changes below one name: per type the new content (null = remove), per child label more. */
interface Pending {
  kids: Map<string, Pending> | undefined;
  types: Map<number, Upserts | null> | undefined;
  /** The name's new mark, if it changes. */
  tag: boolean | undefined;
}

/** Applies `changes` to `zone`; see Zone.withChanges. */
export function updateZone(zone: Zone, changes: ZoneChanges): Zone {
  const origin = zone.origin;
  const top: Pending = { kids: undefined, types: undefined, tag: undefined };
  for (const r of changes.remove ?? []) {
    checkOwner(r, origin, -1);
    typesAt(top, r.owner, origin.length).set(r.type, null);
  }
  for (const [names, tag] of [[changes.tag, true], [changes.untag, false]] as const) {
    for (const owner of names ?? []) {
      checkOwner({ owner }, origin, -1);
      pendingAt(top, owner, origin.length).tag = tag;
    }
  }
  const upserts = changes.soa === undefined ? changes.upsert ?? [] : [...(changes.upsert ?? []), changes.soa];
  for (let i = 0; i < upserts.length; i++) {
    const rrset = upserts[i];
    checkOwner(rrset, origin, i);
    const types = typesAt(top, rrset.owner, origin.length);
    const existing = types.get(rrset.type);
    if (existing) existing.rrsets.push(rrset);
    else types.set(rrset.type, { rrsets: [rrset], index: i });
  }
  const root = applyAt(zone.root, top, zone.root.label, 0) as ZoneNode;
  const soa = root.get(RRType.SOA);
  if (soa === undefined) throw new ZoneError(`no SOA record at the zone apex ${nameToText(origin)}`);
  return new Zone(origin, undefined, root, soa);
}

function typesAt(top: Pending, owner: Labels, originLength: number): Map<number, Upserts | null> {
  const p = pendingAt(top, owner, originLength);
  return (p.types ??= new Map());
}

function pendingAt(top: Pending, owner: Labels, originLength: number): Pending {
  let p = top;
  for (let i = owner.length - originLength - 1; i >= 0; i--) {
    const label = lowerLabel(owner[i]);
    p.kids ??= new Map();
    let next = p.kids.get(label);
    if (next === undefined) p.kids.set(label, (next = { kids: undefined, types: undefined, tag: undefined }));
    p = next;
  }
  return p;
}

// The new node for `old` (undefined: a new name) with `p` applied, or undefined when it
// is left empty and childless (never the apex).
function applyAt(old: ZoneNode | undefined, p: Pending, label: string, depth: number): ZoneNode | undefined {
  const node = old === undefined ? new ZoneNode(label, depth) : old.copy();
  if (p.types !== undefined) setRRsets(node, p.types);
  if (p.tag !== undefined) node.tagged = p.tag;
  if (p.kids !== undefined && p.kids.size === 1) {
    for (const [childLabel, q] of p.kids) setChild(node, childLabel, applyAt(node.child(childLabel), q, childLabel, depth + 1));
  } else if (p.kids !== undefined) {
    const changed = new Map<string, ZoneNode | undefined>();
    for (const [childLabel, q] of p.kids) changed.set(childLabel, applyAt(node.child(childLabel), q, childLabel, depth + 1));
    setChildren(node, changed);
  }
  return depth > 0 && node.rrsetCount === 0 && node.kidCount === 0 ? undefined : node;
}

// Replaces the changed types of a private node copy, then re-derives `cut` and `cname`
// and checks the node as buildZone would.
function setRRsets(node: ZoneNode, types: ReadonlyMap<number, Upserts | null>): void {
  const list = node.rrsets.filter((r) => !types.has(r.type));
  let index = -1;
  for (const [, given] of types) {
    if (given === null) continue;
    list.push(mergeAll(given.rrsets));
    index = given.index;
  }
  sortByType(list);
  // slice: a list grown by push keeps room for 17 (a node keeps a lone RRset without one).
  node.rrsets = list.length > 1 ? list.slice() : list;
  node.cut = node.depth > 0 && node.get(RRType.NS) !== undefined;
  node.setCname(undefined, undefined);
  const soa = node.get(RRType.SOA);
  if (soa !== undefined) {
    if (node.depth > 0) throw new ZoneError(`SOA record at ${nameToText(soa.owner)}, which is not the zone apex`, index);
    checkSingle(soa, index);
  }
  const cname = node.get(RRType.CNAME);
  if (cname === undefined) return;
  checkSingle(cname, index);
  const other = list.find((r) => !CNAME_COMPANIONS.has(r.type));
  if (other !== undefined) throw cnameConflict(cname, other.type, index);
  setCname(node, cname, index);
}

// In place, by type. A name holds a handful of types: an insertion sort allocates nothing,
// where Array#sort took ~0.9 KB of scratch per applied registration.
function sortByType(list: RRset[]): void {
  for (let i = 1; i < list.length; i++) {
    const item = list[i];
    let j = i - 1;
    while (j >= 0 && list[j].type > item.type) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = item;
  }
}

// One RRset from all the upserts of one owner and type, as buildZone's Merger does.
function mergeAll(rrsets: readonly RRset[]): RRset {
  const first = dedupe(rrsets[0]);
  if (rrsets.length === 1) return first;
  const rdata = first.rdata.slice();
  const seen = new Set(rdata.map(key));
  let ttl = first.ttl;
  for (let i = 1; i < rrsets.length; i++) {
    ttl = Math.min(ttl, rrsets[i].ttl);
    for (const r of rrsets[i].rdata) {
      const k = key(r);
      if (!seen.has(k)) {
        seen.add(k);
        rdata.push(r);
      }
    }
  }
  return { owner: first.owner, type: first.type, ttl, rdata: rdata.slice() };
}
