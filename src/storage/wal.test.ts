import { cp, readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrCompacted } from '../raft/errors.js';
import { EMPTY_CONF_STATE, type Snapshot } from '../raft/types.js';
import { WalCorruptError, WalLockedError } from './errors.js';
import { captureLog, ent, ents, tempDir, text } from './testing/fixtures.js';
import { openWal, PREALLOCATE_BYTES, type Wal, type WalOptions } from './wal.js';

let dir: string;
let cleanup: () => Promise<void>;
const open: Wal[] = [];
const log = captureLog();

async function reopen(opts: WalOptions = {}): Promise<Wal> {
  const w = await openWal(dir, { log: log.log, ...opts });
  open.push(w);
  return w;
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  log.lines.length = 0;
});
const copies: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const w of open.splice(0)) await w.close();
  await cleanup();
  for (const remove of copies.splice(0)) await remove();
});

/** The WAL as a SIGKILL now would leave it: `dir` copied as it is on disk, opened. */
async function openCrashCopy(): Promise<Wal> {
  const copy = await tempDir('anchordns-crash-copy-');
  copies.push(copy.cleanup);
  await cp(dir, copy.dir, { recursive: true });
  const w = await openWal(copy.dir, { log: log.log });
  open.push(w);
  return w;
}

const cs = { ...EMPTY_CONF_STATE, voters: ['a', 'b', 'c'] };

describe('wal: persist and recover', () => {
  it('recovers entries and hard state of several groups', async () => {
    const wal = await reopen();
    await Promise.all([
      wal.group('g1').save({ entries: ents(1, 3, 1), hardState: { term: 1, vote: 'a', commit: 2 } }),
      wal.group('g2').save({ entries: ents(1, 2, 4), hardState: { term: 4, vote: '', commit: 1 } }),
    ]);
    await wal.close();
    const again = await reopen();
    expect(again.groupIds().sort()).toEqual(['g1', 'g2']);
    const g1 = again.group('g1');
    expect(g1.lastIndex()).toBe(3);
    expect(g1.entries(1, 4, Infinity).map(text)).toEqual(['e1t1', 'e2t1', 'e3t1']);
    expect(g1.initialState().hardState).toEqual({ term: 1, vote: 'a', commit: 2 });
    expect(again.group('g2').term(2)).toBe(4);
  });

  it('lets entries written later at a lower index win on replay (leader change)', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 5, 1) });
    await g.save({ entries: [ent(3, 2), ent(4, 2)] });
    await wal.close();
    const r = (await reopen()).group('g');
    expect(r.lastIndex()).toBe(4);
    expect(r.entries(1, 5, Infinity).map((e) => e.term)).toEqual([1, 1, 2, 2]);
  });

  it('batches concurrent saves of many groups into one fdatasync', async () => {
    const wal = await reopen();
    const before = wal.stats.syncs;
    await Promise.all(Array.from({ length: 50 }, (_, i) => wal.group(`g${i}`).save({ entries: [ent(1, 1)] })));
    expect(wal.stats.syncs - before).toBeLessThanOrEqual(2);
    expect(wal.stats.records).toBe(50);
  });

  // inline-writes.ts: a disk stall must not stop the event loop (and DNS) by default.
  it('writes no batch on the event loop unless inline writes are asked for', async () => {
    const wal = await reopen();
    await wal.group('g').save({ entries: ents(1, 2, 1) });
    await wal.group('g').save({ entries: [ent(3, 1)] });
    expect(wal.stats.records).toBeGreaterThanOrEqual(2);
    expect(wal.inlineWrites).toBe(0);
  });

  it('writes small batches on the event loop, large ones and all on a slow disk through the thread pool; both recover', async () => {
    const wal = await reopen({ inlineWrites: { maxMs: 1000, maxBytes: 4096 } });
    const g = wal.group('g');
    await g.save({ entries: ents(1, 2, 1) }); // the first write after open also syncs what was there
    await g.save({ entries: [ent(3, 1)] });
    expect(wal.inlineWrites).toBe(1);
    const big = { ...ent(4, 1), data: new Uint8Array(10_000).fill(9) };
    await g.save({ entries: [big] });
    expect(wal.inlineWrites).toBe(1);
    await wal.close();
    const slow = await reopen({ inlineWrites: { maxMs: 0, maxBytes: 4096 } });
    await slow.group('g').save({ entries: [ent(5, 1)] });
    await slow.group('g').save({ entries: [ent(6, 1)] });
    expect(slow.inlineWrites).toBe(0);
    const r = (await openCrashCopy()).group('g');
    expect(r.lastIndex()).toBe(6);
    expect(r.entries(1, 7, Infinity).map((e) => e.data.length)).toEqual([4, 4, 4, 10_000, 4, 4]);
    expect(r.entries(4, 5, Infinity)[0].data).toEqual(big.data);
  });

  it('makes no write on the event loop while a snapshot file is being written', async () => {
    const wal = await reopen({ inlineWrites: { maxMs: 1000, maxBytes: 1 << 20 } });
    const g = wal.group('g');
    await g.save({ entries: ents(1, 9, 1) }); // the first write after open also syncs what was there
    await g.save({ entries: [ent(10, 1)] });
    const before = wal.inlineWrites;
    expect(before).toBe(1);
    const big = new Uint8Array(8 << 20).fill(7); // its write and fsync outlast the entry's
    const snapshotting = g.createSnapshot(10, cs, big);
    await new Promise((resolve) => setImmediate(resolve)); // the file's write has begun
    await Promise.all([snapshotting, g.save({ entries: [ent(11, 1)] })]);
    expect(wal.inlineWrites).toBe(before);
    await g.save({ entries: [ent(12, 1)] });
    expect(wal.inlineWrites).toBe(before + 1);
  });

  it('defers a commit-only hard state (mustSync false) to the next write, or to close', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: [ent(1, 1)], hardState: { term: 1, vote: 'a', commit: 0 } });
    const before = { ...wal.stats };
    await g.save({ hardState: { term: 1, vote: 'a', commit: 1 }, mustSync: false });
    expect(wal.stats).toEqual(before); // nothing written, nothing synced
    expect(g.initialState().hardState.commit).toBe(1); // but Raft reads it at once
    await g.save({ entries: [ent(2, 1)] });
    await g.save({ hardState: { term: 1, vote: 'a', commit: 2 }, mustSync: false });
    await wal.close();
    expect((await reopen()).group('g').initialState().hardState.commit).toBe(2);
  });

  it('recovers commit 1 from the entries write that carried it, after a crash', async () => {
    const g = (await reopen()).group('g');
    await g.save({ entries: [ent(1, 1)], hardState: { term: 1, vote: 'a', commit: 0 } });
    await g.save({ hardState: { term: 1, vote: 'a', commit: 1 }, mustSync: false });
    await g.save({ entries: [ent(2, 1)] }); // carries commit 1
    await g.save({ hardState: { term: 1, vote: 'a', commit: 2 }, mustSync: false }); // lost with the "crash"
    const recovered = (await openCrashCopy()).group('g');
    expect(recovered.initialState().hardState.commit).toBe(1);
    expect(recovered.lastIndex()).toBe(2);
  });

  it('keeps a commit index deferred through a Ready with nothing to write', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: [ent(1, 1)], hardState: { term: 1, vote: 'a', commit: 0 } });
    const before = { ...wal.stats };
    await g.save({ hardState: { term: 1, vote: 'a', commit: 1 }, mustSync: false });
    await g.save({ mustSync: false }); // a Ready with messages only
    expect(wal.stats).toEqual(before);
    await wal.close();
    expect((await reopen()).group('g').initialState().hardState.commit).toBe(1);
  });

  it('writes a deferred commit index with a compaction, and starts after a crash that follows it', async () => {
    const g = (await reopen()).group('g');
    await g.save({ entries: ents(1, 10, 1), hardState: { term: 1, vote: 'a', commit: 0 } });
    await g.save({ hardState: { term: 1, vote: 'a', commit: 10 }, mustSync: false });
    await g.compact(8);
    const recovered = (await openCrashCopy()).group('g');
    expect(recovered.initialState().hardState.commit).toBe(10);
    expect(recovered.firstIndex()).toBe(9);
  });

  it('starts with commit at least the snapshot index, whatever the hard state on disk says', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 10, 1), hardState: { term: 1, vote: 'a', commit: 4 } });
    await g.createSnapshot(8, cs, new Uint8Array([1]));
    await wal.close();
    expect((await reopen()).group('g').initialState().hardState.commit).toBe(8);
  });

  it('restores an installed snapshot and the entries after it', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 20, 1) });
    const snap: Snapshot = { metadata: { index: 15, term: 3, confState: cs }, data: new Uint8Array([42]) };
    await g.save({ snapshot: snap, entries: [ent(16, 3)], hardState: { term: 3, vote: '', commit: 15 } });
    await wal.close();
    const r = (await reopen()).group('g');
    expect(r.snapshot()).toEqual(snap);
    expect(r.firstIndex()).toBe(16);
    expect(r.lastIndex()).toBe(16);
    expect(r.initialState().confState).toEqual(cs);
    expect(() => r.term(10)).toThrow(ErrCompacted);
  });

  it('recovers a snapshot file written beside the log and the entries written meanwhile', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 10, 1) });
    const big = new Uint8Array(8 << 20).fill(7); // an 8 MiB state (disk-storage.test.ts checks the order)
    const snapshotting = g.createSnapshot(10, cs, big);
    await new Promise((resolve) => setImmediate(resolve)); // the file's write has begun
    await Promise.all([snapshotting, g.save({ entries: [ent(11, 1)] })]);
    await wal.close();
    const r = (await reopen()).group('g');
    expect(r.snapshot().metadata.index).toBe(10);
    expect(r.snapshot().data.length).toBe(big.length);
    expect(r.lastIndex()).toBe(11);
  });

  it('keeps compaction across restarts', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 10, 1) });
    await g.createSnapshot(6, cs, new Uint8Array([1]));
    await g.compact(6);
    await wal.close();
    const r = (await reopen()).group('g');
    expect(r.firstIndex()).toBe(7);
    expect(r.lastIndex()).toBe(10);
    expect(r.snapshot().metadata.index).toBe(6);
  });
});

describe('wal: segments', () => {
  it('keeps term and vote when a rotation stopped before its checkpoint was durable', async () => {
    const wal = await reopen();
    await wal.group('g').save({ entries: ents(1, 3, 5), hardState: { term: 5, vote: 'a', commit: 3 } });
    await wal.close();
    // What a crash inside a rotation leaves: a temporary file (this build), or an empty
    // next segment (builds before it created the segment first, then wrote its checkpoint).
    await writeFile(join(dir, 'wal', '0000000000000002.wal.rotating'), new Uint8Array(100).fill(1));
    await writeFile(join(dir, 'wal', '0000000000000001.wal'), new Uint8Array(0));
    const again = await reopen();
    expect(again.segmentPaths().map((p) => p.slice(-8))).toEqual(['0000.wal']);
    expect(await readdir(join(dir, 'wal'))).toEqual(['0000000000000000.wal']);
    await again.group('g').createSnapshot(3, cs, new Uint8Array([1]));
    await again.group('g').save({ entries: [ent(4, 5)] });
    await again.close();
    const r = (await reopen()).group('g');
    expect(r.initialState().hardState).toEqual({ term: 5, vote: 'a', commit: 3 });
    expect(r.lastIndex()).toBe(4);
  });

  it('rotates at the size limit and removes segments once snapshots cover them', async () => {
    const wal = await reopen({ segmentBytes: 512 });
    const g = wal.group('g');
    const h = wal.group('h');
    for (let i = 1; i <= 60; i++) await Promise.all([g.save({ entries: [ent(i, 1)] }), h.save({ entries: [ent(i, 1)] })]);
    await h.save({ hardState: { term: 1, vote: 'x', commit: 60 } });
    const many = wal.segmentPaths().length;
    expect(many).toBeGreaterThan(3);
    await g.createSnapshot(55, cs, new Uint8Array([7]));
    expect(wal.segmentPaths().length).toBe(many); // h still needs them
    await h.createSnapshot(58, cs, new Uint8Array([8]));
    await g.compact(55);
    await h.compact(58);
    expect(wal.segmentPaths().length).toBeLessThan(many);
    await wal.close();
    const r = await reopen({ segmentBytes: 512 });
    expect(r.group('g').firstIndex()).toBe(56);
    expect(r.group('g').lastIndex()).toBe(60);
    expect(r.group('h').entries(59, 61, Infinity).map(text)).toEqual(['e59t1', 'e60t1']);
    expect(r.group('h').initialState().hardState).toEqual({ term: 1, vote: 'x', commit: 60 });
  });
});

describe('wal: directory lock', () => {
  it('refuses a directory held by another live process, takes over a dead one', async () => {
    await (await reopen()).close();
    await writeFile(join(dir, 'LOCK'), `${process.ppid}\n`);
    await expect(openWal(dir, { log: log.log })).rejects.toThrow(WalLockedError);
    await writeFile(join(dir, 'LOCK'), '999999999\n');
    await (await reopen()).close();
    expect(await readdir(dir)).not.toContain('LOCK');
  });
});

describe('wal: dropping a group', () => {
  it('forgets the group, its snapshots, and stops it from pinning segments', async () => {
    const wal = await reopen({ segmentBytes: 512 });
    for (let i = 1; i <= 40; i++) await Promise.all([wal.group('keep').save({ entries: [ent(i, 1)] }), wal.group('gone').save({ entries: [ent(i, 1)] })]);
    await wal.group('gone').createSnapshot(5, cs, new Uint8Array([5]));
    const many = wal.segmentPaths().length;
    await wal.group('keep').createSnapshot(40, cs, new Uint8Array([4]));
    expect(wal.segmentPaths().length).toBe(many); // 'gone' still pins them
    await wal.dropGroup('gone');
    expect(wal.segmentPaths().length).toBeLessThan(many);
    await wal.close();
    const r = await reopen({ segmentBytes: 512 });
    expect(r.groupIds()).toEqual(['keep']);
    expect(r.group('gone').lastIndex()).toBe(0);
    expect(r.group('gone').snapshot().metadata.index).toBe(0);
    expect(r.group('keep').lastIndex()).toBe(40);
  });
});

describe('wal: damage', () => {
  async function writeSome(opts: WalOptions = {}): Promise<string[]> {
    const wal = await reopen(opts);
    for (let i = 1; i <= 40; i++) await wal.group('g').save({ entries: [ent(i, 1)] });
    const paths = wal.segmentPaths();
    await wal.close();
    return paths;
  }

  it('cuts a torn tail of the last segment and says so', async () => {
    const [path] = await writeSome();
    const buf = await readFile(path);
    await writeFile(path, buf.subarray(0, buf.length - 3));
    const wal = await reopen();
    const r = wal.group('g');
    expect(r.lastIndex()).toBe(39);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^wal: .*\.wal: record at offset \d+: torn record .*; truncated$/);
    await wal.close(); // cuts the preallocated space off again
    expect((await readFile(path)).length).toBeLessThan(buf.length - 3);
  });

  it('reports every fdatasync to onSync: sealing a segment and preallocating the next included', async () => {
    const synced: Array<[string, number]> = [];
    const wal = await reopen({ segmentBytes: 64 * 1024, onSync: (path, bytes) => synced.push([path, bytes]) });
    for (let i = 1; i <= 40; i++) await wal.group('g').save({ entries: [ent(i, 1, 'x'.repeat(4000))] });
    const paths = wal.segmentPaths();
    expect(paths.length).toBeGreaterThan(1);
    for (const [k, sealed] of paths.slice(0, -1).entries()) {
      const bytes = synced.filter(([p]) => p === sealed).map(([, b]) => b);
      // Its last write's sync, then the seal's (cut to its records): both at its final size.
      expect(bytes.slice(-2)).toEqual([(await stat(sealed)).size, (await stat(sealed)).size]);
      // A segment made by rotation: its checkpoint's sync, then its preallocation's, same size.
      if (k > 0) expect(bytes[1]).toBe(bytes[0]);
    }
  });

  it('moves the preallocated space ahead as the writes reach it', async () => {
    const wal = await reopen();
    const [path] = wal.segmentPaths();
    const mib = new Uint8Array(1 << 20).fill(3);
    for (let i = 1; i <= 10; i++) await wal.group('g').save({ entries: [{ ...ent(i, 1), data: mib }] });
    expect((await stat(path)).size).toBeGreaterThan(10 * mib.length + PREALLOCATE_BYTES / 2);
    const crashed = (await openCrashCopy()).group('g');
    expect(crashed.lastIndex()).toBe(10);
    expect(crashed.entries(10, 11, Infinity)[0].data).toEqual(mib);
    expect(log.lines).toEqual([expect.stringMatching(/^wal: .*\.wal: \d+ bytes of preallocated space after the last record \(offset \d+\), as after a stop that was not clean; cut$/)]);
  });

  it('preallocates the open segment, replays its unwritten space with one log line, and cuts it off when sealed or closed', async () => {
    const segmentBytes = 64 * 1024;
    const wal = await reopen({ segmentBytes });
    for (let i = 1; i <= 40; i++) await wal.group('g').save({ entries: [ent(i, 1, 'x'.repeat(4000))] });
    const paths = wal.segmentPaths();
    expect(paths.length).toBeGreaterThan(1);
    const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
    expect(sizes.at(-1)).toBeGreaterThanOrEqual(PREALLOCATE_BYTES); // the open one: its records and the space ahead
    for (const size of sizes.slice(0, -1)) expect(size).toBeLessThan(segmentBytes + 8192); // sealed: its records only
    for (const p of paths.slice(0, -1)) expect((await readFile(p)).subarray(-4).some((b) => b !== 0)).toBe(true);
    const crashed = await openCrashCopy(); // as SIGKILL leaves it: zeros after the last record
    expect(crashed.group('g').lastIndex()).toBe(40);
    expect(crashed.group('g').entries(40, 41, Infinity).map(text)).toEqual(['x'.repeat(4000)]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/bytes of preallocated space after the last record/);
    await wal.close();
    expect((await stat(paths.at(-1)!)).size).toBeLessThan(segmentBytes);
    expect(log.lines).toHaveLength(1); // a clean close leaves nothing to cut
  });

  it('stops at a flipped byte in the middle of the last segment, never past it', async () => {
    const [path] = await writeSome();
    const buf = await readFile(path);
    buf[Math.floor(buf.length / 2)] ^= 0xff;
    await writeFile(path, buf);
    const r = (await reopen()).group('g');
    expect(r.lastIndex()).toBeGreaterThan(5);
    expect(r.lastIndex()).toBeLessThan(40);
    for (const e of r.entries(1, r.lastIndex() + 1, Infinity)) expect(text(e)).toBe(`e${e.index}t1`);
    expect(log.lines[0]).toMatch(/record at offset \d+: (checksum mismatch|torn record|zero length).*; truncated$/);
  });

  it('refuses to start on damage inside a sealed segment', async () => {
    const paths = await writeSome({ segmentBytes: 256 });
    expect(paths.length).toBeGreaterThan(2);
    const buf = await readFile(paths[0]);
    buf[20] ^= 0x01;
    await writeFile(paths[0], buf);
    const err = await reopen({ segmentBytes: 256 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalCorruptError);
    expect((err as Error).message).toContain(paths[0]);
    expect((err as Error).message).toMatch(/record at offset \d+: (checksum mismatch|torn record).* in a sealed segment$/);
  });

  it('falls back to an older snapshot file when the newest is damaged', async () => {
    const wal = await reopen();
    const g = wal.group('g');
    await g.save({ entries: ents(1, 10, 1) });
    await g.createSnapshot(4, cs, new Uint8Array([4]));
    await g.createSnapshot(8, cs, new Uint8Array([8]));
    await wal.close();
    const sdir = join(dir, 'snap', Buffer.from('g').toString('hex'));
    const names = (await readdir(sdir)).sort();
    const newest = join(sdir, names[names.length - 1]);
    const b = await readFile(newest);
    b[b.length - 1] ^= 1;
    await writeFile(newest, b);
    const r = (await reopen()).group('g');
    expect(r.snapshot().metadata.index).toBe(4);
    expect(r.lastIndex()).toBe(10);
    expect(log.lines.join('\n')).toMatch(/checksum mismatch; trying an older snapshot/);
  });
});
