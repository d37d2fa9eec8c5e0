/**
 * Binary codec for the shared Raft types (src/raft/types.ts), used by the WAL for entries
 * and hard state and by the transport for messages, so both speak one encoding.
 *
 * Layout (all integers uvarint unless noted; strings and byte arrays length-prefixed):
 *   Entry        term index type:u8 data
 *   HardState    term vote:string commit
 *   ConfState    voters learners votersOutgoing learnersNext (each: count, strings) autoLeave:u8
 *   Snapshot     index term ConfState data
 *   Message      type:u8 to from term logTerm index commit reject:u8 rejectHint context
 *                entryCount Entry* hasSnapshot:u8 [Snapshot]
 * Decoders validate enum ranges, so a damaged buffer fails with CodecError instead of
 * producing a plausible but wrong value. A decoded message's entries are views into the
 * buffer it was read from (readMessage is for transport frames); entries read from the
 * WAL are copies.
 */
import type { ConfState, Entry, EntryType, HardState, Message, MessageType, Snapshot } from '../raft/types.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { CodecError } from './errors.js';

const MAX_ENTRY_TYPE = 1;
const MAX_MESSAGE_TYPE = 18;

export function writeEntry(w: ByteWriter, e: Entry): void {
  w.uvarint(e.term);
  w.uvarint(e.index);
  w.u8(e.type);
  w.bytes(e.data);
}

/**
 * With `view`, the entry's data is a view into the reader's buffer, not a copy (messages
 * off the wire: a copy per entry was a malloc, an ArrayBuffer and its bookkeeping each,
 * and showed in followers' CPU profiles under write load).
 */
export function readEntry(r: ByteReader, view = false): Entry {
  const term = r.uvarint();
  const index = r.uvarint();
  const type = r.u8();
  if (type > MAX_ENTRY_TYPE) throw new CodecError(`unknown entry type ${type}`);
  return { term, index, type: type as EntryType, data: view ? r.bytesView() : r.bytes() };
}

export function writeHardState(w: ByteWriter, hs: HardState): void {
  w.uvarint(hs.term);
  w.string(hs.vote);
  w.uvarint(hs.commit);
}

export function readHardState(r: ByteReader): HardState {
  return { term: r.uvarint(), vote: r.string(), commit: r.uvarint() };
}

function writeIds(w: ByteWriter, ids: readonly string[]): void {
  w.uvarint(ids.length);
  for (let i = 0; i < ids.length; i++) w.string(ids[i]);
}

function readIds(r: ByteReader): string[] {
  const n = r.uvarint();
  if (n > r.remaining) throw new CodecError(`id count ${n} exceeds input`);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(r.string());
  return ids;
}

export function writeConfState(w: ByteWriter, cs: ConfState): void {
  writeIds(w, cs.voters);
  writeIds(w, cs.learners);
  writeIds(w, cs.votersOutgoing);
  writeIds(w, cs.learnersNext);
  w.bool(cs.autoLeave);
}

export function readConfState(r: ByteReader): ConfState {
  return {
    voters: readIds(r),
    learners: readIds(r),
    votersOutgoing: readIds(r),
    learnersNext: readIds(r),
    autoLeave: r.bool(),
  };
}

export function writeSnapshot(w: ByteWriter, s: Snapshot): void {
  writeSnapshotHead(w, s);
  w.raw(s.data);
}

/** A snapshot's encoding up to its data: metadata and the data's length prefix. */
function writeSnapshotHead(w: ByteWriter, s: Snapshot): void {
  w.uvarint(s.metadata.index);
  w.uvarint(s.metadata.term);
  writeConfState(w, s.metadata.confState);
  w.uvarint(s.data.length);
}

export function readSnapshot(r: ByteReader): Snapshot {
  const index = r.uvarint();
  const term = r.uvarint();
  const confState = readConfState(r);
  return { metadata: { index, term, confState }, data: r.bytes() };
}

export function writeMessage(w: ByteWriter, m: Message): void {
  w.u8(m.type);
  w.string(m.to);
  w.string(m.from);
  w.uvarint(m.term);
  w.uvarint(m.logTerm);
  w.uvarint(m.index);
  w.uvarint(m.commit);
  w.bool(m.reject);
  w.uvarint(m.rejectHint);
  w.bytes(m.context);
  w.uvarint(m.entries.length);
  for (let i = 0; i < m.entries.length; i++) writeEntry(w, m.entries[i]);
  w.bool(m.snapshot !== undefined);
  if (m.snapshot !== undefined) writeSnapshot(w, m.snapshot);
}

export function readMessage(r: ByteReader): Message {
  const type = r.u8();
  if (type > MAX_MESSAGE_TYPE) throw new CodecError(`unknown message type ${type}`);
  const to = r.string();
  const from = r.string();
  const term = r.uvarint();
  const logTerm = r.uvarint();
  const index = r.uvarint();
  const commit = r.uvarint();
  const reject = r.bool();
  const rejectHint = r.uvarint();
  const context = r.bytes();
  const n = r.uvarint();
  if (n > r.remaining) throw new CodecError(`entry count ${n} exceeds input`);
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) entries.push(readEntry(r, true));
  const snapshot = r.bool() ? readSnapshot(r) : undefined;
  const m = { type: type as MessageType, to, from, term, logTerm, index, entries, commit, reject, rejectHint, context };
  return snapshot === undefined ? m : { ...m, snapshot };
}

/** Encodes a standalone snapshot (snapshot files). */
export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new ByteWriter(64 + s.data.length);
  writeSnapshot(w, s);
  return w.view();
}

/**
 * encodeSnapshot as two pieces, the head and the data itself, so a snapshot file is
 * written without copying its data (tens of MB at 100k+ services) into a new buffer.
 */
export function encodeSnapshotPieces(s: Snapshot): readonly [Uint8Array, Uint8Array] {
  const w = new ByteWriter(64);
  writeSnapshotHead(w, s);
  return [w.view(), s.data];
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const r = new ByteReader(bytes);
  const s = readSnapshot(r);
  r.end();
  return s;
}
