/**
 * The name tree: a trie of labels rooted at the zone apex, one node per existing name.
 * Children are keyed by ASCII-lowercased label (RFC 4343), so lookups never fold case per
 * query. Ancestors of owner names that hold no data are nodes too, with no RRsets: they are
 * the empty non-terminals of RFC 4592 §2.2.2, which exist and answer NODATA.
 *
 * Invariants once a zone is built (nothing mutates a node afterwards except `memo`, a
 * cache of results that are pure functions of the frozen tree):
 * - `rrsets` is sorted by type and holds at most one RRset per type;
 * - `cut` is set on every node other than the apex that holds NS (RFC 1034 §4.2.1);
 * - `cname`/`cnameTarget` are set when the node holds a CNAME, which is then its only
 *   RRset apart from DNSSEC records (RFC 2181 §10.1).
 */
import type { Labels, LookupResult, RRset } from './types.js';
import { RRType } from './types.js';
import { lowerLabel } from './name.js';

/** A frozen empty array shared by every result with an empty section. */
export const EMPTY_RRSETS: readonly RRset[] = Object.freeze([]);

export class ZoneNode {
  /** Lowercased label; the apex holds the origin's first label ('' for the root zone). */
  readonly label: string;
  readonly parent: ZoneNode | undefined;
  /** Labels from the apex (apex = 0). */
  readonly depth: number;
  /**
   * Children by lowercased label. Most nodes of a large zone have one child or none, so a
   * single child is held directly and a Map appears only from the second one on: this
   * halves the memory of a 1M-name tree.
   */
  kids: ZoneNode | Map<string, ZoneNode> | undefined = undefined;
  rrsets: RRset[] = EMPTY_RRSETS as RRset[];
  cut = false;
  cname: RRset | undefined = undefined;
  /** The CNAME's target, lowercased, for restarting the lookup (RFC 1034 §4.3.2 step 3a). */
  cnameTarget: Labels | undefined = undefined;
  /** Results computed on first use: key = qtype, or DELEGATION_KEY for the referral. */
  memo: Map<number, LookupResult> | undefined = undefined;

  constructor(label: string, parent: ZoneNode | undefined) {
    this.label = label;
    this.parent = parent;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
  }

  /** The child with lowercased `label`, or undefined. */
  child(label: string): ZoneNode | undefined {
    const kids = this.kids;
    if (kids === undefined) return undefined;
    if (kids instanceof ZoneNode) return kids.label === label ? kids : undefined;
    return kids.get(label);
  }

  /** Adds a child known not to exist yet. */
  addChild(child: ZoneNode): void {
    const kids = this.kids;
    if (kids === undefined) this.kids = child;
    else if (kids instanceof ZoneNode) this.kids = new Map([[kids.label, kids], [child.label, child]]);
    else kids.set(child.label, child);
  }

  /** The RRset of `type`, or undefined. Nodes hold few types, so a scan beats a map. */
  get(type: number): RRset | undefined {
    const list = this.rrsets;
    for (let i = 0; i < list.length; i++) if (list[i].type === type) return list[i];
    return undefined;
  }

  /** True when some ancestor (not the apex) is a zone cut: the data here is glue or occluded. */
  isBelowCut(): boolean {
    for (let n = this.parent; n !== undefined && n.parent !== undefined; n = n.parent) {
      if (n.cut) return true;
    }
    return false;
  }
}

/** Memo key of the referral at a cut (not a valid qtype). */
export const DELEGATION_KEY = 0x10000;

/**
 * Finds or creates the node for `owner` (any case), whose last `originLength` labels are
 * the origin. Creates the empty non-terminals on the way.
 */
export function ensureNode(root: ZoneNode, owner: Labels, originLength: number): ZoneNode {
  let node = root;
  for (let i = owner.length - originLength - 1; i >= 0; i--) {
    const key = lowerLabel(owner[i]);
    let child = node.child(key);
    if (child === undefined) {
      child = new ZoneNode(key, node);
      node.addChild(child);
    }
    node = child;
  }
  return node;
}

/** The node of a lowercased in-zone name, or undefined when the name does not exist. */
export function findNode(root: ZoneNode, name: Labels, originLength: number): ZoneNode | undefined {
  let node: ZoneNode | undefined = root;
  for (let i = name.length - originLength - 1; i >= 0 && node !== undefined; i--) {
    node = node.child(name[i]);
  }
  return node;
}

/** Inserts `rrset` keeping `rrsets` sorted by type; returns the existing RRset of that type if any. */
export function insertRRset(node: ZoneNode, rrset: RRset): RRset | undefined {
  const existing = node.get(rrset.type);
  if (existing !== undefined) {
    node.rrsets[node.rrsets.indexOf(existing)] = rrset;
    return existing;
  }
  const list = node.rrsets.length === 0 ? [] : node.rrsets;
  let at = list.length;
  while (at > 0 && list[at - 1].type > rrset.type) at--;
  list.splice(at, 0, rrset);
  node.rrsets = list;
  if (rrset.type === RRType.NS && node.parent !== undefined) node.cut = true;
  return undefined;
}
