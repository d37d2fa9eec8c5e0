/**
 * The log mirror keeps entries' bytes in reused arena chunks: whatever the order of
 * appends (a new leader overwriting the tail), compactions and snapshots, every entry
 * reads back with its own bytes, and nothing handed out is a view into a chunk.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../raft/rand.js';
import { MemoryStorage } from '../raft/storage.js';
import { EMPTY_CONF_STATE, EntryType, type Entry } from '../raft/types.js';
import { CHUNK_BYTES } from './entry-arena.js';
import { LogMirror } from './log-mirror.js';

/** An entry whose bytes say its index and term, `size` long. */
function entry(index: number, term: number, size: number): Entry {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 31 + term * 7 + i) & 0xff;
  return { term, index, type: EntryType.Normal, data };
}

const all = (s: MemoryStorage): readonly Entry[] => (s.lastIndex() < s.firstIndex() ? [] : s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity));

describe('LogMirror', () => {
  it('reuses its chunks once compacted past them, and the entries still read back whole', () => {
    const mirror = new LogMirror();
    const size = 4000;
    const perChunk = Math.floor(CHUNK_BYTES / size);
    let index = 1;
    let afterFirstRounds = 0;
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < perChunk * 3; k++, index++) mirror.append([entry(index, 1, size)]);
      mirror.compact(index - 10);
      expect(all(mirror).every((e) => Buffer.compare(e.data, entry(e.index, 1, size).data) === 0)).toBe(true);
      if (round === 1) afterFirstRounds = mirror.arena.allocated;
    }
    // Three large chunks' worth per round, compacted to ten entries each time: the chunks
    // of the first rounds carry every later round.
    expect(afterFirstRounds).toBeGreaterThan(0);
    expect(mirror.arena.allocated).toBe(afterFirstRounds);
  });

  it('starts small: a short log holds one small chunk', () => {
    const mirror = new LogMirror();
    for (let i = 1; i <= 20; i++) mirror.append([entry(i, 1, 300)]);
    expect(mirror.arena.allocated).toBe(1);
    expect(mirror.arena.counts).toEqual({ inUse: 1, free: 0 });
    expect(mirror.arena.heldBytes).toBeLessThanOrEqual(16 << 10);
  });

  it('hands out copies: changing one changes nothing held', () => {
    const mirror = new LogMirror();
    const original = entry(1, 1, 100);
    mirror.append([original]);
    original.data.fill(0);
    const [got] = mirror.entries(1, 2, Infinity);
    expect(got!.data).toEqual(entry(1, 1, 100).data);
    got!.data.fill(0);
    expect(mirror.entries(1, 2, Infinity)[0]!.data).toEqual(entry(1, 1, 100).data);
  });

  it('matches MemoryStorage over random appends, overwrites, compactions and snapshots', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(seed);
      const mirror = new LogMirror();
      const model = new MemoryStorage();
      let term = 1;
      for (let step = 0; step < 300; step++) {
        const r = rand();
        if (r < 0.6) {
          // Append, at the end or (a new leader) over the tail.
          const back = rand() < 0.2 ? Math.floor(rand() * 20) : 0;
          const from = Math.max(model.firstIndex(), model.lastIndex() + 1 - back);
          if (back > 0) term++;
          const batch = Array.from({ length: 1 + Math.floor(rand() * 30) }, (_, k) => entry(from + k, term, Math.floor(rand() * (rand() < 0.02 ? 300_000 : 3000))));
          mirror.append(batch);
          model.append(batch);
        } else if (r < 0.9 && model.lastIndex() >= model.firstIndex()) {
          const at = model.firstIndex() + Math.floor(rand() * (model.lastIndex() - model.firstIndex() + 1));
          mirror.compact(at);
          model.compact(at);
        } else if (r < 0.93) {
          const index = model.lastIndex() + 5;
          const snap = { metadata: { index, term, confState: EMPTY_CONF_STATE }, data: new Uint8Array([1]) };
          mirror.applySnapshot(snap);
          model.applySnapshot(snap);
        }
        expect(mirror.firstIndex()).toBe(model.firstIndex());
        expect(mirror.lastIndex()).toBe(model.lastIndex());
        const got = all(mirror);
        const want = all(model);
        expect(got.length).toBe(want.length);
        const differ = got.findIndex((e, i) => e.term !== want[i]!.term || Buffer.compare(e.data, want[i]!.data) !== 0);
        expect(differ).toBe(-1);
      }
    }
  });

  it('gives back free chunks beyond what the log last used', () => {
    const mirror = new LogMirror();
    const size = 100_000;
    for (let i = 1; i <= 100; i++) mirror.append([entry(i, 1, size)]);
    mirror.compact(100);
    const big = mirror.arena.counts.inUse + mirror.arena.counts.free;
    for (let i = 101; i <= 110; i++) mirror.append([entry(i, 1, size)]);
    mirror.compact(110);
    expect(mirror.arena.counts.inUse + mirror.arena.counts.free).toBeLessThan(big);
  });
});
