/**
 * A persistent set of dotted names for the segment view's reserved-name rule; each view
 * keeps its own version while sharing most of its storage with the previous one.
 */
/**
 * A persistent set of names: a base Set never changed once shared plus a small overlay, so
 * the next view's set costs O(overlay), not O(services). The overlay is folded into a new
 * base when it outgrows max(32, √base), which keeps updates O(√services) amortised.
 */
export class NameSet {
  readonly #base: ReadonlySet<string>;
  /** Name → present (true) or removed (false), over `#base`. */
  readonly #over: ReadonlyMap<string, boolean>;

  constructor(base: ReadonlySet<string>, over: ReadonlyMap<string, boolean> = new Map()) {
    this.#base = base;
    this.#over = over;
  }

  has(name: string): boolean {
    const o = this.#over.get(name);
    return o ?? this.#base.has(name);
  }

  /** A new set with `changes` (name → present) applied; this one is unchanged. */
  with(changes: ReadonlyMap<string, boolean>): NameSet {
    const over = new Map(this.#over);
    for (const [name, present] of changes) {
      if (present === this.#base.has(name)) over.delete(name);
      else over.set(name, present);
    }
    if (over.size <= Math.max(32, Math.sqrt(this.#base.size))) return new NameSet(this.#base, over);
    const base = new Set(this.#base);
    for (const [name, present] of over) {
      if (present) base.add(name);
      else base.delete(name);
    }
    return new NameSet(base);
  }
}
