/**
 * DiskStorage's write ordering, with a sink whose disk writes finish when the test says:
 * the order of settlements is then exact, not a race between real disk writes.
 * (wal.test.ts covers the same paths on a real WAL, including recovery.)
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CONF_STATE, type Snapshot } from '../raft/types.js';
import { DiskStorage, type GroupSink } from './disk-storage.js';
import { LogMirror } from './log-mirror.js';
import { ents, ent } from './testing/fixtures.js';
import { RecordType, type WalRecord } from './wal-record.js';

const describeRecord = (r: WalRecord): string => (r.type === RecordType.Entries ? `entries ${r.entries[0]!.index}` : `record ${r.type}`);

/** A sink that records what reaches it and completes each write when `finish` is called. */
function gatedSink() {
  const events: string[] = [];
  const pending: Array<() => void> = [];
  const write = (what: string): Promise<void> => {
    events.push(`start ${what}`);
    return new Promise((resolve) => pending.push(() => {
      events.push(`done ${what}`);
      resolve();
    }));
  };
  const sink: GroupSink = {
    submit: (records: readonly WalRecord[]) => write(records.map(describeRecord).join('+')),
    writeSnapshot: (_group: string, snap: Snapshot) => write(`snapshot ${snap.metadata.index}`),
  };
  /** Completes the oldest write still open. */
  const finish = async (): Promise<void> => {
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sink, events, finish };
}

const settle = async (): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
};

describe('DiskStorage', () => {
  it('starts a host snapshot\'s file after earlier writes, and lets later writes pass it', async () => {
    const { sink, events, finish } = gatedSink();
    const storage = new DiskStorage('g', new LogMirror(), sink);
    const first = storage.save({ entries: ents(1, 10, 1) });
    const snapshot = storage.createSnapshot(10, { ...EMPTY_CONF_STATE, voters: ['a'] }, new Uint8Array([1]));
    await settle();
    expect(events).toEqual(['start entries 1']); // the file waits for the entries it covers

    await finish(); // entries 1–10 durable
    expect(events).toEqual(['start entries 1', 'done entries 1', 'start snapshot 10']);

    const later = storage.save({ entries: [ent(11, 1)] });
    await settle();
    expect(events.at(-1)).toBe('start entries 11'); // not queued behind the file
    let laterDone = false;
    void later.then(() => (laterDone = true));
    await finish(); // the snapshot file
    await finish(); // entry 11
    expect(laterDone).toBe(true);
    await expect(Promise.all([first, snapshot])).resolves.toBeDefined();

    // sync() waits for the file as well as the log.
    const again = storage.createSnapshot(11, undefined, new Uint8Array([2]));
    let synced = false;
    void storage.sync().then(() => (synced = true));
    await settle();
    expect(synced).toBe(false);
    await finish();
    await again;
    await settle();
    expect(synced).toBe(true);
  });
});
