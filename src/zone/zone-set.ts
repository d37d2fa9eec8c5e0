/**
 * The zones one server answers for, chosen per query by longest suffix (RFC 1034 §4.3.2
 * step 2: the nearest ancestor zone). Origins sit in a small trie walked from the root
 * label down the query name, remembering the deepest zone passed: no string is built and
 * nothing is allocated per query.
 */
import type { Labels, ZoneSetView, ZoneView } from './types.js';
import { lowerName, nameToText } from './name.js';

interface OriginNode {
  zone: ZoneView | undefined;
  readonly children: Map<string, OriginNode>;
}

const newNode = (): OriginNode => ({ zone: undefined, children: new Map() });

export class ZoneSet implements ZoneSetView {
  readonly #root: OriginNode = newNode();
  readonly #zones: ZoneView[] = [];

  /**
   * A set of zones with distinct origins (throws on a duplicate).
   * @example ZoneSet.of([parent, child]).findZone(['www', 'child', 'example'])
   */
  static of(zones: Iterable<ZoneView>): ZoneSet {
    const set = new ZoneSet();
    for (const zone of zones) set.#add(zone);
    return set;
  }

  #add(zone: ZoneView): void {
    let node = this.#root;
    const origin = lowerName(zone.origin);
    for (let i = origin.length - 1; i >= 0; i--) {
      let child = node.children.get(origin[i]);
      if (child === undefined) node.children.set(origin[i], (child = newNode()));
      node = child;
    }
    if (node.zone !== undefined) throw new Error(`zone ${nameToText(origin)} is listed twice`);
    node.zone = zone;
    this.#zones.push(zone);
  }

  /** The zone with the longest origin that is a suffix of lowercased `qname`. */
  findZone(qname: Labels): ZoneView | undefined {
    let node: OriginNode | undefined = this.#root;
    let best = node.zone;
    for (let i = qname.length - 1; i >= 0; i--) {
      node = node.children.get(qname[i]);
      if (node === undefined) break;
      if (node.zone !== undefined) best = node.zone;
    }
    return best;
  }

  /** Every zone, in the order given. */
  get zones(): readonly ZoneView[] {
    return this.#zones;
  }
}
