import { describe, expect, it } from 'vitest';
import { EMPTY_BYTES, EntryType, makeMessage, MessageType, type Snapshot } from '../raft/types.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { crc32c } from './crc32c.js';
import { CodecError } from './errors.js';
import { readEntry, readMessage, writeEntry, writeMessage, decodeSnapshot, encodeSnapshot } from './raft-codec.js';

const snap: Snapshot = {
  metadata: {
    index: 2 ** 40,
    term: 7,
    confState: { voters: ['a', 'b'], learners: ['c'], votersOutgoing: ['a'], learnersNext: [], autoLeave: true },
  },
  data: new Uint8Array([1, 2, 3]),
};

describe('crc32c', () => {
  it('matches the published check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('continues across buffers', () => {
    const b = new TextEncoder().encode('123456789');
    expect(crc32c(b.subarray(4), crc32c(b.subarray(0, 4)))).toBe(crc32c(b));
  });
  it('matches the iSCSI test vectors of RFC 3720 §B.4 (32 bytes: eight at a time)', () => {
    const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(ascending)).toBe(0x46dd794e);
    expect(crc32c(ascending.slice().reverse())).toBe(0x113fdb5c);
  });
  it('equals the bit-at-a-time definition at every length, offset and seed', () => {
    // The polynomial division itself, one bit at a time: shares nothing with the tables.
    const bitwise = (bytes: Uint8Array, seed: number, start: number, end: number): number => {
      let c = ~seed >>> 0;
      for (let i = start; i < end; i++) {
        c ^= bytes[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    let x = 12345;
    const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const bytes = Uint8Array.from({ length: 300 }, () => next() & 0xff);
    for (let n = 0; n < 400; n++) {
      const start = next() % 40;
      const end = start + (next() % (bytes.length - start));
      const seed = n % 3 === 0 ? 0 : next();
      expect(crc32c(bytes, seed, start, end)).toBe(bitwise(bytes, seed, start, end));
    }
  });
});

describe('raft codec', () => {
  it('round-trips a message with entries, snapshot and context', () => {
    const m = makeMessage({
      type: MessageType.MsgApp,
      to: 'west-1',
      from: 'east-1',
      term: 3,
      logTerm: 2,
      index: Number.MAX_SAFE_INTEGER,
      commit: 9,
      reject: true,
      rejectHint: 4,
      context: new Uint8Array([9]),
      entries: [{ index: 10, term: 3, type: EntryType.ConfChange, data: new Uint8Array([5, 6]) }],
      snapshot: snap,
    });
    const w = new ByteWriter(4);
    writeMessage(w, m);
    const r = new ByteReader(w.view());
    expect(readMessage(r)).toEqual(m);
    r.end();
  });

  it('round-trips a message without a snapshot and keeps the field absent', () => {
    const m = makeMessage({ type: MessageType.MsgHeartbeat, to: 'b', from: 'a', context: EMPTY_BYTES });
    const w = new ByteWriter();
    writeMessage(w, m);
    const got = readMessage(new ByteReader(w.view()));
    expect(got).toEqual(m);
    expect('snapshot' in got).toBe(false);
  });

  it("reads a message's entries as views into its buffer (plain Uint8Arrays); a WAL entry is a copy", () => {
    const m = makeMessage({ type: MessageType.MsgApp, to: 'b', from: 'a', entries: [{ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array([1, 2, 3]) }] });
    const w = new ByteWriter();
    writeMessage(w, m);
    const source = Buffer.from(w.view()); // frames arrive as Buffers
    const data = readMessage(new ByteReader(source)).entries[0]!.data;
    expect(data.buffer).toBe(source.buffer);
    expect(Object.getPrototypeOf(data)).toBe(Uint8Array.prototype);
    expect(data).toEqual(new Uint8Array([1, 2, 3]));

    const ew = new ByteWriter();
    writeEntry(ew, m.entries[0]!);
    const entrySource = Buffer.from(ew.view());
    expect(readEntry(new ByteReader(entrySource)).data.buffer).not.toBe(entrySource.buffer);
  });

  it('round-trips a snapshot', () => {
    expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap);
  });

  it('rejects truncated input and unknown enums with CodecError', () => {
    const w = new ByteWriter();
    writeMessage(w, makeMessage({ type: MessageType.MsgVote, to: 'b', from: 'a', term: 5 }));
    const bytes = w.view();
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => readMessage(new ByteReader(bytes.subarray(0, cut)))).toThrow(CodecError);
    }
    const bad = bytes.slice();
    bad[0] = 200;
    expect(() => readMessage(new ByteReader(bad))).toThrow(/unknown message type/);
  });

  it('refuses to encode a non-integer index', () => {
    expect(() => new ByteWriter().uvarint(1.5)).toThrow(CodecError);
  });
});
