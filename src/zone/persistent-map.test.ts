/**
 * PersistentMap against Map: random batches of sets and deletes, checking after each that
 * the new version holds exactly what a Map would and that every older version still holds
 * what it held. Run with the real hash and with hashes that collide on purpose.
 */
import { describe, expect, it } from 'vitest';
import { PersistentMap, stringHash } from './persistent-map.js';

function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return Math.floor((seed / 0x80000000) * n);
  };
}

/** Every entry of `map`, sorted by key. */
function entriesOf(map: PersistentMap<number>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  map.forEach((value, key) => out.push([key, value]));
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function expectSame(map: PersistentMap<number>, model: Map<string, number>, keys: readonly string[]): void {
  expect(map.size).toBe(model.size);
  for (const k of keys) expect(map.get(k)).toBe(model.get(k));
  expect(entriesOf(map)).toEqual([...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

const hashes: Array<[string, (key: string) => number]> = [
  ['FNV-1a', stringHash],
  ['length only (deep collisions)', (k) => k.length],
  ['two low bits (shared paths)', (k) => stringHash(k) & 0x3],
  ['one value (one collision node)', () => 7],
];

describe('PersistentMap', () => {
  it.each(hashes)('matches a Map through random batches, old versions unchanged (%s)', (_name, hash) => {
    const int = rng(42);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i.toString(36)}${'x'.repeat(i % 5)}`);
    let map = PersistentMap.empty<number>(hash);
    const model = new Map<string, number>();
    const history: Array<[PersistentMap<number>, Map<string, number>]> = [];
    for (let round = 0; round < 200; round++) {
      const batch: Array<[string, number | undefined]> = [];
      for (let i = int(12); i >= 0; i--) {
        const key = keys[int(keys.length)]!;
        const value = int(3) === 0 ? undefined : int(1000);
        batch.push([key, value]);
        if (value === undefined) model.delete(key);
        else model.set(key, value);
      }
      map = map.update(batch);
      expectSame(map, model, keys);
      history.push([map, new Map(model)]);
    }
    for (const [old, snapshot] of history) expectSame(old, snapshot, keys);
  });

  it('builds from entries, later duplicates winning, and empties to size 0', () => {
    const map = PersistentMap.from([['a', 1], ['b', 2], ['a', 3]]);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBe(3);
    const empty = map.update([['a', undefined], ['b', undefined], ['missing', undefined]]);
    expect(empty.size).toBe(0);
    expect(entriesOf(empty)).toEqual([]);
    expect(map.get('b')).toBe(2);
  });

  it('returns itself when a change changes nothing', () => {
    const map = PersistentMap.from([['a', 1]]);
    expect(map.set('a', 1)).toBe(map);
    expect(map.update([['zzz', undefined]])).toBe(map);
  });

  it('holds a large fan-out and updates it without copying it', () => {
    const base = PersistentMap.from(Array.from({ length: 100_000 }, (_, i) => [`svc${i}`, i] as const));
    const next = base.update([['svc5', -5], ['svc99999', undefined], ['new', 1]]);
    expect([base.size, next.size]).toEqual([100_000, 100_000]);
    expect([base.get('svc5'), next.get('svc5'), next.get('svc99999'), base.get('svc99999'), next.get('new')]).toEqual([5, -5, undefined, 99_999, 1]);
  });
});
