// Group-commit throughput of the write-ahead log (src/storage), with fdatasync on:
//   npm run build && node bench/wal-group-commit.js [seconds-per-row]
// unbatched: one group, one 100-byte entry per save, each save awaited, so every entry
//            pays a whole write + fdatasync;
// batched:   N groups saving concurrently; group commit gives every save of a turn (and
//            those that arrive during a sync) one write + one fdatasync.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWal } from '../dist/storage/index.js';
import { EntryType } from '../dist/raft/index.js';

const seconds = Number(process.argv[2] ?? 3);
const DATA = new TextEncoder().encode('x'.repeat(100));

async function measure(groups, ms) {
  const dir = await mkdtemp(join(tmpdir(), 'anchordns-walbench-'));
  const wal = await openWal(dir, { log: () => undefined });
  let entries = 0;
  const end = Date.now() + ms;
  const loop = async (g) => {
    const s = wal.group(`g${g}`);
    while (Date.now() < end) {
      await s.save({ entries: [{ index: s.lastIndex() + 1, term: 1, type: EntryType.Normal, data: DATA }], mustSync: true });
      entries++;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: groups }, (_, g) => loop(g)));
  const elapsed = (Date.now() - start) / 1000;
  const syncs = wal.stats.syncs;
  await wal.close();
  await rm(dir, { recursive: true, force: true });
  return { perSec: Math.round(entries / elapsed), perSync: entries / syncs };
}

console.log('groups  entries/s  entries per fdatasync');
for (const groups of [1, 8, 64, 256]) {
  const r = await measure(groups, seconds * 1000);
  console.log(`${String(groups).padStart(6)}  ${String(r.perSec).padStart(9)}  ${r.perSync.toFixed(1).padStart(21)}`);
}
