/**
 * DiskStorage against the Raft core's Storage conformance suite (src/raft/storage.case.ts),
 * the same suite MemoryStorage passes; `reopen` closes and recovers the WAL in between.
 * A second run puts the group in a WAL shared with another busy group and rotates tiny
 * segments, so replay of interleaved groups and checkpoints is exercised too.
 */
import { describeStorageConformance } from '../raft/storage.case.js';
import type { DiskStorage } from './disk-storage.js';
import { ent, tempDir } from './testing/fixtures.js';
import { openWal, type Wal, type WalOptions } from './wal.js';

interface Opened {
  wal: Wal;
  dir: string;
  cleanup: () => Promise<void>;
}

function factory(opts: WalOptions, neighbour: boolean) {
  const owners = new WeakMap<DiskStorage, Opened>();
  const quiet = { log: () => undefined, ...opts };
  async function openGroup(o: Omit<Opened, 'wal'>): Promise<DiskStorage> {
    const wal = await openWal(o.dir, quiet);
    const s = wal.group('zone');
    if (neighbour) {
      const n = wal.group('neighbour');
      void n.append([ent(n.lastIndex() + 1, 1, 'x'.repeat(100))]);
    }
    owners.set(s, { ...o, wal });
    return s;
  }
  return {
    create: async () => openGroup(await tempDir()),
    reopen: async (s: DiskStorage) => {
      const o = owners.get(s)!;
      await o.wal.close();
      return openGroup(o);
    },
    cleanup: async (s: DiskStorage) => {
      const o = owners.get(s)!;
      await o.wal.close();
      await o.cleanup();
    },
  };
}

describeStorageConformance('DiskStorage', factory({}, false));
describeStorageConformance('DiskStorage (shared WAL, 200-byte segments)', factory({ segmentBytes: 200 }, true));
