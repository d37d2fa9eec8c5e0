/**
 * Snapshot files: the pieces written (CRC a megabyte per event-loop turn, data uncopied)
 * are the bytes of the one-shot encoder, and decode back to the snapshot.
 */
import { describe, expect, it } from 'vitest';
import { decodeSnapshotFile, encodeSnapshotFile, snapshotFilePieces } from './snapshot-store.js';
import type { Snapshot } from '../raft/types.js';

describe('snapshot file encoding', () => {
  it('gives the same bytes sliced as in one go, for a payload over several slices', async () => {
    const data = new Uint8Array(3_500_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const snap: Snapshot = { metadata: { index: 42, term: 7, confState: { voters: ['a', 'b'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data };
    const pieces = await snapshotFilePieces(snap);
    expect(pieces[pieces.length - 1]).toBe(data); // written as it is, not copied
    const sliced = Buffer.concat(pieces);
    expect(sliced.equals(Buffer.from(encodeSnapshotFile(snap)))).toBe(true);
    const back = decodeSnapshotFile('test.snap', sliced);
    expect(back.metadata).toEqual(snap.metadata);
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
  });
});
