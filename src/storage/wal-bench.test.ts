/**
 * Group-commit throughput (skipped unless WAL_BENCH=1, it is a measurement, not a check):
 *
 *   WAL_BENCH=1 npx vitest run src/storage/wal-bench.test.ts
 *
 * unbatched: one group, one 100-byte entry per save, each save awaited before the next,
 *            so every entry pays a full write + fdatasync.
 * batched:   64 groups doing the same concurrently; group commit puts every save of a
 *            turn (and those arriving during a sync) in one write + one fdatasync.
 */
import { describe, it } from 'vitest';
import { ent, tempDir } from './testing/fixtures.js';
import { openWal } from './wal.js';

const DATA = 'x'.repeat(100);

async function measure(groups: number, ms: number): Promise<{ perSec: number; syncs: number; entries: number }> {
  const { dir, cleanup } = await tempDir('anchordns-bench-');
  const wal = await openWal(dir, { log: () => undefined });
  let entries = 0;
  const end = Date.now() + ms;
  const loop = async (g: number) => {
    const s = wal.group(`g${g}`);
    while (Date.now() < end) {
      await s.save({ entries: [ent(s.lastIndex() + 1, 1, DATA)] });
      entries++;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: groups }, (_, g) => loop(g)));
  const elapsed = (Date.now() - start) / 1000;
  const syncs = wal.stats.syncs;
  await wal.close();
  await cleanup();
  return { perSec: Math.round(entries / elapsed), syncs, entries };
}

describe.runIf(process.env.WAL_BENCH)('wal throughput', () => {
  it('unbatched vs group commit', async () => {
    for (const groups of [1, 8, 64, 256]) {
      const r = await measure(groups, 3000);
      console.log(`${groups} group(s): ${r.perSec} entries/s, ${r.entries} entries in ${r.syncs} fdatasyncs (${(r.entries / r.syncs).toFixed(1)} per sync)`);
    }
  }, 60_000);
});
