/**
 * A persistent map from strings to values: a hash array mapped trie (Bagwell, "Ideal Hash
 * Trees", 2001). Each update copies the O(log32 n) nodes on the path to its key and shares
 * the rest, so a new version costs a few small arrays whatever the size, and every older
 * version stays valid and unchanged.
 *
 * It replaced "a big Map plus an overlay, folded every √n changes" where a structure keeps
 * one version per zone view: the children of a name with a huge fan-out (every service of
 * a namespace under one node; the segment's set of service names, the other user, became
 * a mark on the service's node, ZoneNode.tagged). The fold
 * copied the whole Map (50k entries and ~2 MB at 50k services, ever more with size) every
 * √n writes; the write benchmark spent a tenth of its time there and in the GC it caused.
 *
 * Layout: a node is a 32-bit bitmap of occupied slots plus a dense array of pairs. A pair
 * is (key, value) for an entry, or (undefined, child node) for a subtree. Five hash bits
 * choose the slot at each level; keys whose 32-bit hashes are equal share a collision node.
 *
 * Batches (`update`) edit nodes they created themselves in place (the "transient" of
 * Clojure's maps), so k changes under one parent copy that parent once, not k times.
 */

type Pairs = unknown[];

// Classes, not object literals: every node of a kind shares one hidden class, so the
// property reads on the lookup path stay monomorphic.
class Bitmap {
  constructor(
    public bitmap: number,
    public pairs: Pairs,
    /** The batch that created this node and may still edit it in place, else null. */
    public edit: object | null,
  ) {}
}

class Collision {
  constructor(
    readonly hash: number,
    public pairs: Pairs,
    public edit: object | null,
  ) {}
}

type Node = Bitmap | Collision;

const BITS = 5;
const MASK = (1 << BITS) - 1;

/** 32-bit FNV-1a over UTF-16 code units: names here are ASCII-lowercased DNS labels. */
export function stringHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

const isCollision = (node: Node): node is Collision => node instanceof Collision;

/** Mutable context of one set/delete: the batch token and whether the size changed. */
interface Op {
  readonly edit: object | null;
  readonly hash: (key: string) => number;
  sizeDelta: number;
}

export class PersistentMap<V> {
  readonly size: number;
  readonly #root: Node | null;
  readonly #hash: (key: string) => number;

  private constructor(root: Node | null, size: number, hash: (key: string) => number) {
    this.#root = root;
    this.size = size;
    this.#hash = hash;
  }

  /** An empty map; `hash` is replaceable so tests can force collisions. */
  static empty<V>(hash: (key: string) => number = stringHash): PersistentMap<V> {
    return new PersistentMap<V>(null, 0, hash);
  }

  /** A map holding `entries` (a later duplicate key wins), built in place. */
  static from<V>(entries: Iterable<readonly [string, V]>, hash: (key: string) => number = stringHash): PersistentMap<V> {
    return PersistentMap.empty<V>(hash).update(entries);
  }

  get(key: string): V | undefined {
    let node = this.#root;
    if (node === null) return undefined;
    const hash = this.#hash(key);
    let shift = 0;
    for (;;) {
      if (isCollision(node)) return collisionGet(node, key) as V | undefined;
      const bit = 1 << ((hash >>> shift) & MASK);
      if ((node.bitmap & bit) === 0) return undefined;
      const at = 2 * popcount(node.bitmap & (bit - 1));
      const k = node.pairs[at];
      if (k === undefined) {
        node = node.pairs[at + 1] as Node;
        shift += BITS;
        continue;
      }
      return k === key ? (node.pairs[at + 1] as V) : undefined;
    }
  }

  set(key: string, value: V): PersistentMap<V> {
    return this.update([[key, value]]);
  }

  /**
   * A new map with every change applied in order: key → value, or key → undefined to
   * delete. This map is unchanged. Values must not be undefined.
   */
  update(changes: Iterable<readonly [string, V | undefined]>): PersistentMap<V> {
    const op: Op = { edit: {}, hash: this.#hash, sizeDelta: 0 };
    let root = this.#root;
    for (const [key, value] of changes) {
      const hash = this.#hash(key);
      if (value === undefined) {
        if (root !== null) root = remove(root, 0, hash, key, op);
      } else {
        root = root === null ? leafNode(hash, 0, key, value, op) : insert(root, 0, hash, key, value, op);
      }
    }
    if (root === this.#root) return this;
    return new PersistentMap<V>(root, this.size + op.sizeDelta, this.#hash);
  }

  /** Calls `fn` for every entry, in no particular order. */
  forEach(fn: (value: V, key: string) => void): void {
    if (this.#root !== null) walk(this.#root, fn as (value: unknown, key: string) => void);
  }
}

function walk(node: Node, fn: (value: unknown, key: string) => void): void {
  const pairs = node.pairs;
  for (let i = 0; i < pairs.length; i += 2) {
    const k = pairs[i];
    if (k === undefined) walk(pairs[i + 1] as Node, fn);
    else fn(pairs[i + 1], k as string);
  }
}

function collisionGet(node: Collision, key: string): unknown {
  const pairs = node.pairs;
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key) return pairs[i + 1];
  return undefined;
}

/** A node holding one entry at `shift`. */
function leafNode(hash: number, shift: number, key: string, value: unknown, op: Op): Bitmap {
  op.sizeDelta++;
  return new Bitmap(1 << ((hash >>> shift) & MASK), [key, value], op.edit);
}

/** The subtree at `shift` holding two entries whose slots collided one level up. */
function pairNode(shift: number, k1: string, v1: unknown, h1: number, k2: string, v2: unknown, h2: number, op: Op): Node {
  if (h1 === h2) return new Collision(h1, [k1, v1, k2, v2], op.edit);
  const s1 = (h1 >>> shift) & MASK;
  const s2 = (h2 >>> shift) & MASK;
  if (s1 === s2) return new Bitmap(1 << s1, [undefined, pairNode(shift + BITS, k1, v1, h1, k2, v2, h2, op)], op.edit);
  const pairs = s1 < s2 ? [k1, v1, k2, v2] : [k2, v2, k1, v1];
  return new Bitmap((1 << s1) | (1 << s2), pairs, op.edit);
}

/** `node` itself when this batch owns it, else a copy the batch owns. */
function editable<N extends Node>(node: N, op: Op): N {
  if (node.edit === op.edit) return node;
  if (node instanceof Collision) return new Collision(node.hash, node.pairs.slice(), op.edit) as N;
  return new Bitmap((node as Bitmap).bitmap, node.pairs.slice(), op.edit) as N;
}

function insert(node: Node, shift: number, hash: number, key: string, value: unknown, op: Op): Node {
  if (isCollision(node)) {
    if (hash !== node.hash) {
      // A different hash reaches a collision node: put the node one level down, beside it.
      const wrapper = new Bitmap(1 << ((node.hash >>> shift) & MASK), [undefined, node], op.edit);
      return insert(wrapper, shift, hash, key, value, op);
    }
    const pairs = node.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== key) continue;
      if (pairs[i + 1] === value) return node;
      const copy = editable(node, op);
      copy.pairs[i + 1] = value;
      return copy;
    }
    const copy = editable(node, op);
    copy.pairs.push(key, value);
    op.sizeDelta++;
    return copy;
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  const at = 2 * popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    const copy = editable(node, op);
    copy.pairs.splice(at, 0, key, value);
    copy.bitmap |= bit;
    op.sizeDelta++;
    return copy;
  }
  const k = node.pairs[at];
  const v = node.pairs[at + 1];
  if (k === undefined) {
    const child = insert(v as Node, shift + BITS, hash, key, value, op);
    if (child === v) return node;
    const copy = editable(node, op);
    copy.pairs[at + 1] = child;
    return copy;
  }
  if (k === key) {
    if (v === value) return node;
    const copy = editable(node, op);
    copy.pairs[at + 1] = value;
    return copy;
  }
  const copy = editable(node, op);
  op.sizeDelta++;
  copy.pairs[at] = undefined;
  copy.pairs[at + 1] = pairNode(shift + BITS, k as string, v, op.hash(k as string), key, value, hash, op);
  return copy;
}

/** `node` without `key`; null when nothing is left. */
function remove(node: Node, shift: number, hash: number, key: string, op: Op): Node | null {
  if (isCollision(node)) {
    const pairs = node.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== key) continue;
      op.sizeDelta--;
      if (pairs.length === 2) return null;
      const copy = editable(node, op);
      copy.pairs.splice(i, 2);
      return copy;
    }
    return node;
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const at = 2 * popcount(node.bitmap & (bit - 1));
  const k = node.pairs[at];
  if (k === undefined) {
    const child = node.pairs[at + 1] as Node;
    const next = remove(child, shift + BITS, hash, key, op);
    if (next === child) return node;
    if (next === null) return without(node, bit, at, op);
    const copy = editable(node, op);
    // A subtree down to one entry moves up into this slot, so the trie stays as shallow
    // as its contents need.
    if (next.pairs.length === 2 && next.pairs[0] !== undefined && !isCollision(next)) {
      copy.pairs[at] = next.pairs[0];
      copy.pairs[at + 1] = next.pairs[1];
    } else {
      copy.pairs[at + 1] = next;
    }
    return copy;
  }
  if (k !== key) return node;
  op.sizeDelta--;
  return without(node, bit, at, op);
}

function without(node: Bitmap, bit: number, at: number, op: Op): Bitmap | null {
  if (node.bitmap === bit) return null;
  const copy = editable(node, op);
  copy.pairs.splice(at, 2);
  copy.bitmap &= ~bit;
  return copy;
}
