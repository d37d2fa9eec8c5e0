/**
 * A persistent set of dotted names for the segment view's reserved-name rule; each view
 * keeps its own version while sharing almost all of its storage with the previous one
 * (a PersistentMap underneath: O(log32 n) per changed name, whatever the size).
 */
import { PersistentMap } from '../zone/persistent-map.js';

export class NameSet {
  readonly #names: PersistentMap<true>;

  constructor(names: Iterable<string> | PersistentMap<true>) {
    this.#names = names instanceof PersistentMap ? names : PersistentMap.from([...names].map((n) => [n, true] as const));
  }

  has(name: string): boolean {
    return this.#names.get(name) !== undefined;
  }

  /** A new set with `changes` (name → present) applied; this one is unchanged. */
  with(changes: ReadonlyMap<string, boolean>): NameSet {
    const entries: Array<[string, true | undefined]> = [];
    for (const [name, present] of changes) entries.push([name, present ? true : undefined]);
    return new NameSet(this.#names.update(entries));
  }
}
