/**
 * Crash-test child (compiled by crash.test.ts and run with plain `node`): appends entries
 * to several groups of one WAL as fast as it can until it is SIGKILLed. Each group runs its
 * own sequential loop (at most one save in flight per group), the loops run concurrently
 * so group commit batches them, and now and then a group rewrites its tail at a higher
 * term (a leader change) or snapshots and compacts. Every save is announced with `try`
 * before and `ack` after it resolves, and every fdatasync with `synced <segment> <bytes>`.
 *
 * Usage: node crash-child.js <dataDir> <segmentBytes>
 */
import { openWal } from '../wal.js';
import type { DiskStorage } from '../disk-storage.js';
import { CRASH_GROUPS, crashEntry } from './crash-model.js';

function say(line: string): void {
  process.stdout.write(line + '\n'); // pipes are synchronous on Linux: printed means sent
}

let seed = Number(process.pid);
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

async function run(g: string, s: DiskStorage): Promise<never> {
  let term = Math.max(s.initialState().hardState.term, s.term(s.lastIndex()), 1);
  for (;;) {
    const last = s.lastIndex();
    const rewrite = rand(20) === 0 && last - 3 >= s.firstIndex();
    if (rewrite) term++;
    const first = rewrite ? last - 3 + rand(3) : last + 1;
    const end = first + rand(rewrite ? 5 : 20);
    const ents = [];
    for (let i = first; i <= end; i++) ents.push(crashEntry(g, i, term));
    say(`try ${g} ${first} ${end} ${term}`);
    await s.save({ entries: ents, hardState: { term, vote: '', commit: end } });
    say(`ack ${g} ${first} ${end} ${term}`);
    if (rand(40) === 0 && end - 50 > s.snapshot().metadata.index) {
      await s.createSnapshot(end - 20, undefined, new TextEncoder().encode(`snap@${end - 20}`));
      await s.compact(end - 50);
    }
  }
}

const [dir, segmentBytes] = process.argv.slice(2);
const wal = await openWal(dir, {
  segmentBytes: Number(segmentBytes),
  onSync: (path, bytes) => say(`synced ${path} ${bytes}`),
});
say('ready');
await Promise.all(CRASH_GROUPS.map((g) => run(g, wal.group(g))));
