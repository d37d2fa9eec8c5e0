/**
 * The name tree: a trie of labels rooted at the zone apex, one node per existing name.
 * Children are keyed by ASCII-lowercased label (RFC 4343), so lookups never fold case per
 * query. Ancestors of owner names that hold no data are nodes too, with no RRsets: they are
 * the empty non-terminals of RFC 4592 §2.2.2, which exist and answer NODATA.
 *
 * Nodes are persistent: `Zone.withChanges` (update.ts) copies the path from the apex to
 * each changed name and shares every other node with the previous zone, so a node may
 * belong to many zones at once. Hence no parent pointers, and once a node is in a built
 * zone nothing mutates it except its memo: the referral at a cut (it reads other nodes for
 * glue), valid only for the zone whose `version` it was computed for.
 *
 * Invariants once a zone is built:
 * - `rrsets` is sorted by type and holds at most one RRset per type;
 * - `cut` is set on every node other than the apex that holds NS (RFC 1034 §4.2.1);
 * - `cname`/`cnameTarget` are set when the node holds a CNAME, which is then its only
 *   RRset apart from DNSSEC records (RFC 2181 §10.1).
 */
import type { Labels, LookupResult, RRset } from './types.js';
import { RRType } from './types.js';
import { lowerLabel } from './name.js';
import { shareLabel } from './label-intern.js';
import { PersistentMap } from './persistent-map.js';

/** A frozen empty array shared by every result with an empty section. */
export const EMPTY_RRSETS: readonly RRset[] = Object.freeze([]);

export class ZoneNode {
  /** Lowercased label; the apex holds the origin's first label ('' for the root zone). */
  readonly label: string;
  /**
   * Children by lowercased label. Most nodes of a large zone have one child or none, so a
   * single child is held directly and a Map appears only from the second one on: this
   * halves the memory of a 1M-name tree. A Map is never mutated once a zone shares it; a
   * node with many children that an update touches gets a PersistentMap instead, so the
   * next version copies a few small arrays, not the whole fan-out (see setChildren).
   */
  kids: ZoneNode | Map<string, ZoneNode> | PersistentMap<ZoneNode> | undefined = undefined;
  /**
   * The node's RRsets: none, the one RRset itself (most names of a large zone hold one),
   * or several in a type-sorted array. Holding a lone RRset directly saves the array (56
   * bytes, ~8 % of a 1M-service zone's heap) and one dependent memory load per lookup.
   */
  #sets: RRset | readonly RRset[] | undefined = undefined;
  /** depth << 2 | tagged << 1 | cut: a node is five fields, as a 1M-name zone has 3–4M of them. */
  #bits: number;
  /** What few nodes need (a CNAME, a referral memo), out of line. */
  #rare: RareFields | undefined = undefined;

  constructor(label: string, depth: number) {
    this.label = label;
    this.#bits = depth << 2;
  }

  /** Labels from the apex (apex = 0). */
  get depth(): number {
    return this.#bits >> 2;
  }

  /**
   * A mark the zone's owner puts on a name (Zone.withChanges `tag`), not data: lookup
   * ignores it. The segment view marks its services' names, below which the MCS
   * reserved-name rule applies (segment/view.ts). Copies keep it.
   */
  get tagged(): boolean {
    return (this.#bits & 2) === 2;
  }

  set tagged(value: boolean) {
    this.#bits = (this.#bits & ~2) | (value ? 2 : 0);
  }

  /** Holds NS and is not the apex: a zone cut (RFC 1034 §4.2.1). */
  get cut(): boolean {
    return (this.#bits & 1) === 1;
  }

  set cut(value: boolean) {
    this.#bits = (this.#bits & ~1) | (value ? 1 : 0);
  }

  /** The number of children. */
  get kidCount(): number {
    const kids = this.kids;
    return kids === undefined ? 0 : kids instanceof ZoneNode ? 1 : kids.size;
  }

  /** The CNAME RRset when the node holds one. */
  get cname(): RRset | undefined {
    return this.#rare?.cname;
  }

  /** The CNAME's target, lowercased, for restarting the lookup (RFC 1034 §4.3.2 step 3a). */
  get cnameTarget(): Labels | undefined {
    return this.#rare?.cnameTarget;
  }

  /** Sets (or, with undefined, clears) the CNAME; only on a node not yet shared. */
  setCname(cname: RRset | undefined, target: Labels | undefined): void {
    if (cname === undefined && this.#rare === undefined) return;
    this.#rare = { cname, cnameTarget: target, referral: undefined, referralVersion: 0 };
  }

  /** The referral memoised at this cut for the zone of `version`, if any. */
  referral(version: number): LookupResult | undefined {
    const rare = this.#rare;
    return rare !== undefined && rare.referralVersion === version ? rare.referral : undefined;
  }

  /**
   * Memoises the referral at this cut for the zone of `version`. The one mutation of a
   * shared node: the memo reads other nodes (glue), so it holds for one zone version only.
   */
  setReferral(version: number, referral: LookupResult): void {
    const rare = (this.#rare ??= { cname: undefined, cnameTarget: undefined, referral: undefined, referralVersion: 0 });
    rare.referral = referral;
    rare.referralVersion = version;
  }

  /** The child with lowercased `label`, or undefined. */
  child(label: string): ZoneNode | undefined {
    const kids = this.kids;
    if (kids === undefined) return undefined;
    if (kids instanceof ZoneNode) return kids.label === label ? kids : undefined;
    return kids.get(label);
  }

  /** Adds a child known not to exist yet (only while building, before sharing). */
  addChild(child: ZoneNode): void {
    const kids = this.kids;
    if (kids === undefined) this.kids = child;
    else if (kids instanceof ZoneNode) this.kids = new Map([[kids.label, kids], [child.label, child]]);
    else if (kids instanceof Map) kids.set(child.label, child);
    else this.kids = kids.set(child.label, child);
  }

  /** The RRsets, sorted by type; a fresh array when the node holds one (not for hot paths). */
  get rrsets(): readonly RRset[] {
    const sets = this.#sets;
    return sets === undefined ? EMPTY_RRSETS : isList(sets) ? sets : [sets];
  }

  /** Replaces the RRsets (sorted by type, one per type); only on a node not yet shared. */
  set rrsets(list: readonly RRset[]) {
    this.#sets = list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
  }

  /** How many RRsets the node holds. */
  get rrsetCount(): number {
    const sets = this.#sets;
    return sets === undefined ? 0 : isList(sets) ? sets.length : 1;
  }

  /** The RRset of the lowest type (what an ANY query answers first), or undefined. */
  firstRRset(): RRset | undefined {
    const sets = this.#sets;
    return sets === undefined || !isList(sets) ? sets : sets[0];
  }

  /** The RRset of `type`, or undefined. Nodes hold few types, so a scan beats a map. */
  get(type: number): RRset | undefined {
    const sets = this.#sets;
    if (sets === undefined) return undefined;
    if (!isList(sets)) return sets.type === type ? sets : undefined;
    for (let i = 0; i < sets.length; i++) if (sets[i].type === type) return sets[i];
    return undefined;
  }

  /** A copy sharing children and RRsets (copy-on-write), with no memos. */
  copy(): ZoneNode {
    const n = new ZoneNode(this.label, 0);
    n.kids = this.kids;
    n.#sets = this.#sets;
    n.#bits = this.#bits;
    if (this.cname !== undefined) n.setCname(this.cname, this.cnameTarget);
    return n;
  }
}

function isList(sets: RRset | readonly RRset[]): sets is readonly RRset[] {
  return Array.isArray(sets);
}

/** Fields few nodes have: kept out of ZoneNode so the millions of others do not pay for them. */
interface RareFields {
  readonly cname: RRset | undefined;
  readonly cnameTarget: Labels | undefined;
  /** The referral at this cut, for the zone whose version is `referralVersion`. */
  referral: LookupResult | undefined;
  referralVersion: number;
}

/** Calls `fn` for every child of `node`. */
export function forEachChild(node: ZoneNode, fn: (child: ZoneNode) => void): void {
  const kids = node.kids;
  if (kids === undefined) return;
  if (kids instanceof ZoneNode) return fn(kids);
  kids.forEach((child) => fn(child));
}

/** Up to this many children a node keeps a plain Map, copied whole on a change. */
const SMALL_MAP = 64;

/**
 * Replaces children of `node`, a private copy not yet shared: each entry is label → new
 * child, or undefined to remove it. A small fan-out is copied into a new Map; a large one
 * becomes (once) and stays a PersistentMap, updated in O(changes × log32 fan-out).
 */
export function setChildren(node: ZoneNode, changes: ReadonlyMap<string, ZoneNode | undefined>): void {
  const kids = node.kids;
  if (kids instanceof PersistentMap || (kids instanceof Map && kids.size + changes.size > SMALL_MAP)) {
    const next = (kids instanceof Map ? PersistentMap.from(kids) : kids).update(changes);
    node.kids = next.size === 0 ? undefined : next;
    return;
  }
  const all = new Map<string, ZoneNode>();
  forEachChild(node, (c) => all.set(c.label, c));
  for (const [label, child] of changes) {
    if (child === undefined) all.delete(label);
    else all.set(label, child);
  }
  node.kids = all.size === 0 ? undefined : all.size === 1 ? [...all.values()][0] : all;
}

/**
 * setChildren of one change, without the Maps: most changed names of a zone view have one
 * child or none (a service's `_<proto>` under it, its `_<port>` under that), and a Map per
 * level per write was a large part of a registration's garbage. Same result as setChildren.
 */
export function setChild(node: ZoneNode, label: string, child: ZoneNode | undefined): void {
  const kids = node.kids;
  if (kids === undefined || (kids instanceof ZoneNode && kids.label === label)) {
    node.kids = child;
  } else if (kids instanceof ZoneNode) {
    if (child !== undefined) node.kids = new Map([[kids.label, kids], [label, child]]);
  } else {
    setChildren(node, new Map([[label, child]]));
  }
}

/**
 * Finds or creates the node for `owner` (any case), whose last `originLength` labels are
 * the origin. Creates the empty non-terminals on the way. Only while building.
 */
export function ensureNode(root: ZoneNode, owner: Labels, originLength: number): ZoneNode {
  let node = root;
  for (let i = owner.length - originLength - 1; i >= 0; i--) {
    const key = lowerLabel(owner[i]);
    let child = node.child(key);
    if (child === undefined) {
      child = new ZoneNode(shareLabel(key), node.depth + 1);
      node.addChild(child);
    }
    node = child;
  }
  return node;
}

/**
 * `owner` (below `origin`, any case) spelled with the label strings the tree and `origin`
 * already hold wherever the spelling is the same, in an array of exactly its length: a
 * parsed name has a string of its own per label and an array grown with room to spare,
 * twice the memory of the node it names. Call after ensureNode created the path.
 */
export function shareLabels(root: ZoneNode, owner: Labels, origin: Labels): Labels {
  const below = owner.length - origin.length;
  const shared: string[] = new Array<string>(owner.length);
  let node: ZoneNode | undefined = root;
  for (let i = below - 1; i >= 0; i--) {
    node = node?.child(lowerLabel(owner[i]));
    shared[i] = node !== undefined && node.label === owner[i] ? node.label : owner[i];
  }
  for (let i = below; i < owner.length; i++) shared[i] = origin[i - below] === owner[i] ? origin[i - below] : owner[i];
  return shared;
}

/** The node of a lowercased in-zone name, or undefined when the name does not exist. */
export function findNode(root: ZoneNode, name: Labels, originLength: number): ZoneNode | undefined {
  let node: ZoneNode | undefined = root;
  for (let i = name.length - originLength - 1; i >= 0 && node !== undefined; i--) {
    node = node.child(name[i]);
  }
  return node;
}

/**
 * Like findNode, but undefined also when the name is a zone cut or below one (its data
 * is glue or occluded, RFC 1034 §4.2.1). The walk itself finds the cuts: a shared node
 * has no parent pointer.
 */
export function findAuthoritativeNode(root: ZoneNode, name: Labels, originLength: number): ZoneNode | undefined {
  let node: ZoneNode | undefined = root;
  for (let i = name.length - originLength - 1; i >= 0; i--) {
    node = node.child(name[i]);
    if (node === undefined || node.cut) return undefined;
  }
  return node;
}

/** Inserts `rrset` keeping the node's RRsets sorted by type; returns the existing RRset of that type if any. */
export function insertRRset(node: ZoneNode, rrset: RRset): RRset | undefined {
  const old = node.rrsets;
  const existing = node.get(rrset.type);
  if (existing !== undefined) {
    node.rrsets = old.map((r) => (r === existing ? rrset : r));
    return existing;
  }
  // A new array of exactly the right length: one grown by splice keeps room for 17.
  let at = old.length;
  while (at > 0 && old[at - 1].type > rrset.type) at--;
  const list: RRset[] = new Array<RRset>(old.length + 1);
  for (let i = 0; i < at; i++) list[i] = old[i];
  list[at] = rrset;
  for (let i = at; i < old.length; i++) list[i + 1] = old[i];
  node.rrsets = list;
  if (rrset.type === RRType.NS && node.depth > 0) node.cut = true;
  return undefined;
}
