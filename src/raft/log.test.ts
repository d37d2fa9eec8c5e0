/** The Raft log and its unstable buffer (after etcd-io/raft log_test.go / log_unstable_test.go). */
import { describe, expect, it } from 'vitest';
import { ErrCompacted, ErrUnavailable } from './errors.js';
import { RaftLog } from './log.js';
import { Unstable } from './log_unstable.js';
import { MemoryStorage } from './storage.js';
import { entry, entsWithTerms } from './testing/harness.js';
import { EMPTY_CONF_STATE, type Entry } from './types.js';

const shape = (es: readonly Entry[]): string[] => es.map((e) => `${e.index}/${e.term}`);

function logWith(terms: number[], unstableTerms: number[] = []): RaftLog {
  const s = new MemoryStorage();
  s.append(entsWithTerms(...terms));
  const l = new RaftLog(s);
  if (unstableTerms.length > 0) l.append(unstableTerms.map((t, i) => entry(terms.length + 1 + i, t)));
  return l;
}

describe('RaftLog', () => {
  const conflicts: [Entry[], number][] = [
    [[], 0],
    [[entry(1, 1), entry(2, 2), entry(3, 3)], 0],
    [[entry(2, 2), entry(3, 3)], 0],
    [[entry(3, 3)], 0],
    [[entry(1, 1), entry(2, 2), entry(3, 3), entry(4, 4), entry(5, 4)], 4],
    [[entry(4, 4), entry(5, 4)], 4],
    [[entry(1, 4), entry(2, 4)], 1],
    [[entry(2, 1), entry(3, 4), entry(4, 4)], 2],
    [[entry(3, 1), entry(4, 2), entry(5, 4), entry(6, 4)], 3],
  ];
  for (const [ents, want] of conflicts) {
    it(`findConflict(${shape(ents)}) = ${want}`, () => {
      expect(logWith([1, 2, 3]).findConflict(ents)).toBe(want);
    });
  }

  it('findConflictByTerm returns the last index with term ≤ the given term', () => {
    const l = logWith([1, 1, 3, 3, 5]);
    expect(l.findConflictByTerm(5, 4)).toEqual([4, 3]);
    expect(l.findConflictByTerm(5, 5)).toEqual([5, 5]);
    expect(l.findConflictByTerm(4, 2)).toEqual([2, 1]);
    expect(l.findConflictByTerm(2, 0)).toEqual([0, 0]);
  });

  it('isUpToDate compares last term, then last index (Raft §5.4.1)', () => {
    const l = logWith([1, 2, 3]);
    expect(l.isUpToDate(2, 4)).toBe(true);
    expect(l.isUpToDate(3, 3)).toBe(true);
    expect(l.isUpToDate(4, 3)).toBe(true);
    expect(l.isUpToDate(2, 3)).toBe(false);
    expect(l.isUpToDate(9, 2)).toBe(false);
  });

  it('maybeAppend: a mismatching previous entry is refused', () => {
    const l = logWith([1, 2, 3]);
    expect(l.maybeAppend(3, 2, 3, [entry(4, 4)])).toBeUndefined();
    expect(l.maybeAppend(4, 4, 3, [entry(5, 4)])).toBeUndefined();
  });

  it('maybeAppend: commits only up to the last new entry, never stale entries beyond it', () => {
    // Entries 4 and 5 (term 3) are stale: a leader of term 4 matches up to 3 and has commit 5.
    const l = logWith([1, 2, 3], [3, 3]);
    expect(l.maybeAppend(2, 2, 5, [entry(3, 3)])).toBe(3);
    expect(l.committed).toBe(3);
  });

  it('maybeAppend: truncates a conflicting suffix and appends', () => {
    const l = logWith([1, 2, 3]);
    expect(l.maybeAppend(1, 1, 0, [entry(2, 4), entry(3, 4)])).toBe(3);
    expect(shape(l.allEntries())).toEqual(['1/1', '2/4', '3/4']);
    expect(shape(l.unstableEntries())).toEqual(['2/4', '3/4']);
  });

  it('maybeAppend: a conflict with a committed entry is a broken invariant', () => {
    const l = logWith([1, 2, 3]);
    l.commitTo(3);
    expect(() => l.maybeAppend(1, 1, 3, [entry(2, 4)])).toThrow(/conflicts with committed/);
  });

  it('term() is bounded by the first and last index', () => {
    const s = new MemoryStorage();
    s.append(entsWithTerms(1, 2, 3, 4));
    s.createSnapshot(2, EMPTY_CONF_STATE, new Uint8Array());
    s.compact(2);
    const l = new RaftLog(s);
    expect(() => l.term(1)).toThrow(ErrCompacted);
    expect(l.term(2)).toBe(2);
    expect(l.term(4)).toBe(4);
    expect(() => l.term(5)).toThrow(ErrUnavailable);
    expect(l.zeroTermOnOutOfBounds(5)).toBe(0);
    expect(() => l.slice(1, 3, Infinity)).toThrow(ErrCompacted);
  });

  it('nextCommittedEnts hands out (applied, committed], across storage and unstable', () => {
    const l = logWith([1, 1], [2, 2]);
    l.commitTo(3);
    expect(shape(l.nextCommittedEnts())).toEqual(['1/1', '2/1', '3/2']);
    l.appliedTo(2);
    expect(shape(l.nextCommittedEnts())).toEqual(['3/2']);
    expect(l.hasNextCommittedEnts()).toBe(true);
    l.appliedTo(3);
    expect(l.hasNextCommittedEnts()).toBe(false);
  });

  it('stableIndex excludes the unstable suffix', () => {
    const l = logWith([1, 1], [2, 2]);
    expect(l.stableIndex()).toBe(2);
    (l.storage as MemoryStorage).append(l.unstableEntries());
    l.stableTo(4, 2);
    expect(l.stableIndex()).toBe(4);
  });

  it('maybeCommit only commits an index of the given term (§5.4.2)', () => {
    const l = logWith([1, 2, 3]);
    expect(l.maybeCommit(2, 3)).toBe(false);
    expect(l.maybeCommit(3, 3)).toBe(true);
    expect(l.committed).toBe(3);
  });
});

describe('Unstable', () => {
  it('truncateAndAppend: appends, replaces all, or truncates the middle', () => {
    const u = new Unstable(5);
    u.truncateAndAppend([entry(5, 1), entry(6, 1)]);
    u.truncateAndAppend([entry(7, 1)]);
    expect(shape(u.entries)).toEqual(['5/1', '6/1', '7/1']);
    u.truncateAndAppend([entry(6, 2)]);
    expect(shape(u.entries)).toEqual(['5/1', '6/2']);
    u.truncateAndAppend([entry(4, 3)]);
    expect(u.offset).toBe(4);
    expect(shape(u.entries)).toEqual(['4/3']);
  });

  it('stableTo ignores an entry that was overwritten with another term (the ABA race)', () => {
    const u = new Unstable(1);
    u.truncateAndAppend([entry(1, 1), entry(2, 1)]);
    u.truncateAndAppend([entry(2, 2)]);
    u.stableTo(2, 1); // the host wrote the old entry 2/1: it must not count as 2/2
    expect(shape(u.entries)).toEqual(['1/1', '2/2']);
    u.stableTo(2, 2);
    expect(u.entries).toEqual([]);
    expect(u.offset).toBe(3);
  });

  it('a held snapshot answers term and first/last index', () => {
    const u = new Unstable(1);
    u.restore({ metadata: { index: 5, term: 2, confState: EMPTY_CONF_STATE }, data: new Uint8Array() });
    expect(u.maybeFirstIndex()).toBe(6);
    expect(u.maybeLastIndex()).toBe(5);
    expect(u.maybeTerm(5)).toBe(2);
    expect(u.maybeTerm(4)).toBeUndefined();
    u.stableSnapTo(5);
    expect(u.snapshot).toBeUndefined();
  });
});
