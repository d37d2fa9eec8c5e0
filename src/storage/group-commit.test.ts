import { describe, expect, it } from 'vitest';
import { WalClosedError, WalFailedError } from './errors.js';
import { GroupCommitter } from './group-commit.js';
import { RecordType, scanRecords, type WalRecord } from './wal-record.js';

const hs = (group: string, term: number): WalRecord => ({ type: RecordType.HardState, group, hardState: { term, vote: '', commit: 0 } });

describe('group commit', () => {
  it('writes everything submitted in one synchronous run as one batch, in submission order', async () => {
    const batches: { groups: string[]; sync: boolean }[] = [];
    const gc = new GroupCommitter(async (bytes, records, sync) => {
      expect(scanRecords(bytes).records.map((r) => r.record)).toEqual(records);
      batches.push({ groups: records.map((r) => r.group), sync });
    });
    await Promise.all([gc.submit([hs('a', 1)]), gc.submit([hs('b', 1), hs('c', 1)]), gc.submit([hs('a', 2)])]);
    expect(batches).toEqual([{ groups: ['a', 'b', 'c', 'a'], sync: true }]);
  });

  // The host yields one microtask after save() and only then applies committed entries
  // (src/anchor/segment-group.ts): the disk write must have left by then.
  it('starts the write as soon as the submitting run yields, not at the end of the event-loop turn', async () => {
    const started: string[][] = [];
    const gc = new GroupCommitter(async (_b, records) => {
      started.push(records.map((r) => r.group));
    });
    const done = [gc.submit([hs('a', 1)]), gc.submit([hs('b', 1)])];
    expect(started).toEqual([]);
    await Promise.resolve();
    expect(started).toEqual([['a', 'b']]);
    await Promise.all(done);
  });

  it('collects submits that arrive during a sync into the next batch', async () => {
    let release: () => void = () => undefined;
    const sizes: number[] = [];
    const gc = new GroupCommitter(async (_b, records) => {
      sizes.push(records.length);
      if (sizes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = gc.submit([hs('a', 1)]);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map((t) => gc.submit([hs('b', t)]));
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3]);
    expect(gc.stats.syncs).toBe(2);
  });

  it('hands each batch bytes of its own: later batches, large or small, never overwrite them', async () => {
    const held: { bytes: Uint8Array; records: readonly WalRecord[] }[] = [];
    let release: () => void = () => undefined;
    const gc = new GroupCommitter(async (bytes, records) => {
      held.push({ bytes, records });
      if (held.length === 1) await new Promise<void>((r) => (release = r));
    });
    const big: WalRecord = { type: RecordType.Entries, group: 'a', entries: [{ term: 1, index: 1, type: 0, data: new Uint8Array(200_000).fill(7) }] };
    const first = gc.submit([hs('a', 1)]);
    await new Promise((r) => setImmediate(r));
    const second = gc.submit([big]); // encoded while the first batch is still being written
    release();
    await Promise.all([first, second]);
    await gc.submit([hs('b', 3)]);
    expect(held.map((h) => h.records.length)).toEqual([1, 1, 1]);
    for (const h of held) expect(scanRecords(h.bytes).records.map((r) => r.record)).toEqual(h.records);
  });

  it('skips the sync only when no submitter in the batch needs it', async () => {
    const syncs: boolean[] = [];
    const gc = new GroupCommitter(async (_b, _r, sync) => void syncs.push(sync));
    await gc.submit([hs('a', 1)], false);
    await Promise.all([gc.submit([hs('a', 2)], false), gc.submit([hs('b', 1)], true)]);
    expect(syncs).toEqual([false, true]);
  });

  it('fails every pending and later submit after a sink error, keeping the cause', async () => {
    const gc = new GroupCommitter(async () => {
      throw new Error('EIO: fdatasync');
    });
    const a = gc.submit([hs('a', 1)]);
    const b = gc.submit([hs('b', 1)]);
    await expect(a).rejects.toBeInstanceOf(WalFailedError);
    await expect(b).rejects.toBeInstanceOf(WalFailedError);
    const later = await gc.submit([hs('c', 1)]).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(WalFailedError);
    expect(((later as Error).cause as Error).message).toBe('EIO: fdatasync');
  });

  it('refuses submits after close but finishes what came before', async () => {
    let n = 0;
    const gc = new GroupCommitter(async (_b, records) => void (n += records.length));
    const before = gc.submit([hs('a', 1)]);
    await gc.close();
    await before;
    expect(n).toBe(1);
    await expect(gc.submit([hs('a', 2)])).rejects.toBeInstanceOf(WalClosedError);
  });
});
