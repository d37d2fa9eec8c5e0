/**
 * The conformance suite every Storage implementation must pass (after etcd-io/raft
 * storage_test.go), shared by MemoryStorage and the disk storage in src/storage:
 *
 *   import { describeStorageConformance } from '../raft/storage.case.js';
 *   describeStorageConformance('DiskStorage', {
 *     create: async () => DiskStorage.open(tmpDir()),
 *     reopen: async (s) => { await s.close(); return DiskStorage.open(s.dir); }, // optional
 *     cleanup: async (s) => rm(s.dir),                                          // optional
 *   });
 *
 * Writers may be sync or async; reads are sync (Storage). Sizes are counted with entrySize().
 */
import { describe, expect, it } from 'vitest';
import { entrySize } from './entries.js';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable } from './errors.js';
import type { Storage } from './storage.js';
import { EMPTY_BYTES, EMPTY_CONF_STATE, EntryType, type ConfState, type Entry, type HardState, type Snapshot } from './types.js';

type MaybePromise<T> = T | Promise<T>;

/** A Storage plus the write operations the host performs (MemoryStorage's API). */
export interface WritableStorage extends Storage {
  append(entries: readonly Entry[]): MaybePromise<void>;
  setHardState(hs: HardState): MaybePromise<void>;
  applySnapshot(snap: Snapshot): MaybePromise<void>;
  createSnapshot(index: number, confState: ConfState | undefined, data: Uint8Array): MaybePromise<Snapshot>;
  compact(compactIndex: number): MaybePromise<void>;
}

export interface StorageFactory<S extends WritableStorage> {
  /** A new, empty storage. */
  create(): MaybePromise<S>;
  /** Closes and reopens the same storage (durability checks); omit to skip them. */
  reopen?(s: S): MaybePromise<S>;
  cleanup?(s: S): MaybePromise<void>;
}

const ent = (index: number, term: number, data = ''): Entry => ({
  index,
  term,
  type: EntryType.Normal,
  data: data === '' ? EMPTY_BYTES : new TextEncoder().encode(data),
});

const CS: ConfState = { ...EMPTY_CONF_STATE, voters: ['1', '2', '3'] };

const snap = (index: number, term: number, data = 'state'): Snapshot => ({
  metadata: { index, term, confState: CS },
  data: new TextEncoder().encode(data),
});

const terms = (s: Storage): number[] => {
  const out: number[] = [];
  for (let i = s.firstIndex() - 1; i <= s.lastIndex(); i++) out.push(s.term(i));
  return out;
};

const shape = (es: readonly Entry[]): string[] => es.map((e) => `${e.index}/${e.term}`);

export function describeStorageConformance<S extends WritableStorage>(name: string, factory: StorageFactory<S>): void {
  /** Storage holding the dummy (snapshot) entry 3/3 and entries 4/4, 5/5, like etcd's tests. */
  async function setup(): Promise<S> {
    const s = await factory.create();
    await s.applySnapshot(snap(3, 3));
    await s.append([ent(4, 4, 'a'), ent(5, 5, 'b')]);
    return s;
  }

  async function withStorage(f: (s: S) => Promise<void> | void): Promise<void> {
    const s = await setup();
    try {
      await f(s);
    } finally {
      await factory.cleanup?.(s);
    }
  }

  describe(`Storage conformance: ${name}`, () => {
    describeReads(factory, withStorage);
    describeWrites(factory, withStorage);
    if (factory.reopen) describeDurability(factory, setup);
  });
}

type WithStorage<S> = (f: (s: S) => Promise<void> | void) => Promise<void>;

/** Reads: term, entries with size limits, first/last index. */
function describeReads<S extends WritableStorage>(factory: StorageFactory<S>, withStorage: WithStorage<S>): void {
  it('a new storage is empty: first index 1, last index 0, term(0) = 0', async () => {
    const s = await factory.create();
    try {
      expect(s.firstIndex()).toBe(1);
      expect(s.lastIndex()).toBe(0);
      expect(s.term(0)).toBe(0);
      expect(() => s.term(1)).toThrow(ErrUnavailable);
      expect(s.initialState().hardState).toEqual({ term: 0, vote: '', commit: 0 });
      expect(s.snapshot().metadata.index).toBe(0);
    } finally {
      await factory.cleanup?.(s);
    }
  });

  it('term(i): ErrCompacted below the snapshot, the snapshot term at it, ErrUnavailable past the end', () =>
    withStorage((s) => {
      expect(() => s.term(2)).toThrow(ErrCompacted);
      expect(s.term(3)).toBe(3);
      expect(s.term(4)).toBe(4);
      expect(s.term(5)).toBe(5);
      expect(() => s.term(6)).toThrow(ErrUnavailable);
    }));

  it('entries(lo, hi, maxBytes): ErrCompacted at or below the snapshot; size limit keeps at least one', () =>
    withStorage(async (s) => {
      await s.append([ent(6, 6, 'c')]);
      expect(() => s.entries(2, 6, Infinity)).toThrow(ErrCompacted);
      expect(() => s.entries(3, 4, Infinity)).toThrow(ErrCompacted);
      expect(shape(s.entries(4, 5, Infinity))).toEqual(['4/4']);
      expect(shape(s.entries(4, 7, Infinity))).toEqual(['4/4', '5/5', '6/6']);
      const one = entrySize(ent(4, 4, 'a'));
      expect(shape(s.entries(4, 7, 0))).toEqual(['4/4']);
      expect(shape(s.entries(4, 7, one))).toEqual(['4/4']);
      expect(shape(s.entries(4, 7, 2 * one))).toEqual(['4/4', '5/5']);
      expect(shape(s.entries(4, 7, 2 * one + 1))).toEqual(['4/4', '5/5']);
      expect(shape(s.entries(4, 7, 3 * one))).toEqual(['4/4', '5/5', '6/6']);
      expect(new TextDecoder().decode(s.entries(4, 5, Infinity)[0].data)).toBe('a');
    }));

  it('firstIndex/lastIndex follow append and compact', () =>
    withStorage(async (s) => {
      expect(s.firstIndex()).toBe(4);
      expect(s.lastIndex()).toBe(5);
      await s.append([ent(6, 5)]);
      expect(s.lastIndex()).toBe(6);
      await s.compact(4);
      expect(s.firstIndex()).toBe(5);
      expect(s.lastIndex()).toBe(6);
    }));

}

/** Writes: compact, createSnapshot, append (truncation), applySnapshot, setHardState. */
function describeWrites<S extends WritableStorage>(factory: StorageFactory<S>, withStorage: WithStorage<S>): void {
  it('compact(i): ErrCompacted at or below the first dummy; keeps the term of i', () =>
    withStorage(async (s) => {
      await expect(async () => s.compact(2)).rejects.toThrow(ErrCompacted);
      await expect(async () => s.compact(3)).rejects.toThrow(ErrCompacted);
      await s.compact(4);
      expect(s.term(4)).toBe(4);
      expect(terms(s)).toEqual([4, 5]);
      await s.compact(5);
      expect(s.firstIndex()).toBe(6);
      expect(s.term(5)).toBe(5);
      expect(() => s.term(4)).toThrow(ErrCompacted);
    }));

  it('createSnapshot(i, confState, data): records index, term, config and data; older is ErrSnapOutOfDate', () =>
    withStorage(async (s) => {
      const cs: ConfState = { ...EMPTY_CONF_STATE, voters: ['1', '2'], learners: ['4'] };
      const sn = await s.createSnapshot(4, cs, new TextEncoder().encode('data@4'));
      expect(sn.metadata).toEqual({ index: 4, term: 4, confState: cs });
      expect(s.snapshot().metadata.index).toBe(4);
      expect(new TextDecoder().decode(s.snapshot().data)).toBe('data@4');
      expect(s.initialState().confState).toEqual(cs);
      await expect(async () => s.createSnapshot(3, cs, EMPTY_BYTES)).rejects.toThrow(ErrSnapOutOfDate);
      // Creating a snapshot does not compact by itself.
      expect(s.firstIndex()).toBe(4);
    }));

  const appendCases: [string, Entry[], string[]][] = [
    ['same entries: no change', [ent(3, 3), ent(4, 4), ent(5, 5)], ['3/3', '4/4', '5/5']],
    ['conflicting terms overwrite', [ent(3, 3), ent(4, 6), ent(5, 6)], ['3/3', '4/6', '5/6']],
    ['extends the log', [ent(3, 3), ent(4, 4), ent(5, 5), ent(6, 5)], ['3/3', '4/4', '5/5', '6/5']],
    ['skips compacted entries, truncates the rest', [ent(2, 3), ent(3, 3), ent(4, 5)], ['3/3', '4/5']],
    ['truncates from the first new index', [ent(4, 5)], ['3/3', '4/5']],
    ['appends directly after the last', [ent(6, 5)], ['3/3', '4/4', '5/5', '6/5']],
  ];
  for (const [what, ents, want] of appendCases) {
    it(`append: ${what}`, () =>
      withStorage(async (s) => {
        await s.append(ents);
        const got = terms(s).map((t, i) => `${s.firstIndex() - 1 + i}/${t}`);
        expect(got).toEqual(want);
      }));
  }

  it('append: a gap after the last index throws', () =>
    withStorage(async (s) => {
      await expect(async () => s.append([ent(7, 5)])).rejects.toThrow();
    }));

  it('applySnapshot replaces the log; an older snapshot is ErrSnapOutOfDate', async () => {
    const s = await factory.create();
    try {
      await s.applySnapshot(snap(4, 4));
      expect(s.firstIndex()).toBe(5);
      expect(s.lastIndex()).toBe(4);
      expect(s.term(4)).toBe(4);
      expect(s.initialState().confState).toEqual(CS);
      await expect(async () => s.applySnapshot(snap(3, 3))).rejects.toThrow(ErrSnapOutOfDate);
      await s.append([ent(5, 4), ent(6, 5)]);
      await s.applySnapshot(snap(10, 6));
      expect(s.firstIndex()).toBe(11);
      expect(s.lastIndex()).toBe(10);
      expect(() => s.term(6)).toThrow(ErrCompacted);
    } finally {
      await factory.cleanup?.(s);
    }
  });

  it('setHardState is returned by initialState', () =>
    withStorage(async (s) => {
      await s.setHardState({ term: 7, vote: '2', commit: 5 });
      expect(s.initialState().hardState).toEqual({ term: 7, vote: '2', commit: 5 });
    }));

}

/** Durability: what was written is there after reopening. */
function describeDurability<S extends WritableStorage>(factory: StorageFactory<S>, setup: () => Promise<S>): void {
  const reopen = factory.reopen!.bind(factory);
  it('reopen: hard state, snapshot and entries survive', async () => {
    let s = await setup();
    try {
      await s.append([ent(6, 6, 'c'), ent(7, 6, 'd')]);
      await s.append([ent(7, 7, 'e')]);
      await s.setHardState({ term: 7, vote: '1', commit: 6 });
      await s.createSnapshot(5, CS, new TextEncoder().encode('at5'));
      await s.compact(4);
      s = await reopen(s);
      expect(s.initialState().hardState).toEqual({ term: 7, vote: '1', commit: 6 });
      expect(s.snapshot().metadata.index).toBe(5);
      expect(s.firstIndex()).toBe(5);
      expect(s.lastIndex()).toBe(7);
      expect(shape(s.entries(5, 8, Infinity))).toEqual(['5/5', '6/6', '7/7']);
      expect(new TextDecoder().decode(s.entries(7, 8, Infinity)[0].data)).toBe('e');
    } finally {
      await factory.cleanup?.(s);
    }
  });
}
