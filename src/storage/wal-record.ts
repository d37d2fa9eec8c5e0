/**
 * WAL record framing. One record on disk:
 *
 *   [length u32][crc32c u32][type u8][payload]
 *
 * `length` counts type + payload; `crc32c` covers the same bytes, so a record whose
 * length field is damaged fails the checksum too. Integers are big-endian. Every payload
 * starts with the Raft group id, which is how one log per anchor carries many groups
 * (Raft report §6.3, the shared-log design of TiKV's raft-engine).
 *
 * Record kinds and what replay does with them (see replay.ts):
 *   entries   group count Entry*   – a run of consecutive entries; discards any held entry
 *                                     at or above the first index (Raft §5.3 truncation).
 *   hardState group HardState      – replaces the group's hard state.
 *   snapshot  group index term     – a snapshot was installed: the log restarts after it.
 *   compact   group index term     – entries up to index are no longer needed.
 *   drop      group                – the group left this anchor; forget all of it.
 */
import type { Entry, HardState } from '../raft/types.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { crc32c } from './crc32c.js';
import { readEntry, readHardState, writeEntry, writeHardState } from './raft-codec.js';

export const RecordType = { Entries: 1, HardState: 2, Snapshot: 3, Compact: 4, Drop: 5 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const HEADER_BYTES = 8;

export type WalRecord =
  | { readonly type: typeof RecordType.Entries; readonly group: string; readonly entries: readonly Entry[] }
  | { readonly type: typeof RecordType.HardState; readonly group: string; readonly hardState: HardState }
  | { readonly type: typeof RecordType.Snapshot; readonly group: string; readonly index: number; readonly term: number }
  | { readonly type: typeof RecordType.Compact; readonly group: string; readonly index: number; readonly term: number }
  | { readonly type: typeof RecordType.Drop; readonly group: string };

/** Appends one framed record to `w`. */
export function encodeRecord(w: ByteWriter, rec: WalRecord): void {
  const start = w.length;
  w.u32(0);
  w.u32(0);
  w.u8(rec.type);
  w.string(rec.group);
  writePayload(w, rec);
  const end = w.length;
  w.patchU32(start, end - start - HEADER_BYTES);
  w.patchU32(start + 4, crc32c(w.view(), 0, start + HEADER_BYTES, end));
}

function writePayload(w: ByteWriter, rec: WalRecord): void {
  switch (rec.type) {
    case RecordType.Entries:
      w.uvarint(rec.entries.length);
      for (let i = 0; i < rec.entries.length; i++) writeEntry(w, rec.entries[i]);
      return;
    case RecordType.HardState:
      writeHardState(w, rec.hardState);
      return;
    case RecordType.Snapshot:
    case RecordType.Compact:
      w.uvarint(rec.index);
      w.uvarint(rec.term);
      return;
    case RecordType.Drop:
      return;
  }
}

function readPayload(type: number, group: string, r: ByteReader): WalRecord {
  switch (type) {
    case RecordType.Entries: {
      const n = r.uvarint();
      const entries: Entry[] = [];
      for (let i = 0; i < n; i++) entries.push(readEntry(r));
      return { type, group, entries };
    }
    case RecordType.HardState:
      return { type, group, hardState: readHardState(r) };
    case RecordType.Snapshot:
    case RecordType.Compact:
      return { type, group, index: r.uvarint(), term: r.uvarint() };
    case RecordType.Drop:
      return { type, group };
    default:
      throw new Error(`unknown record type ${type}`);
  }
}

export interface ScannedRecord {
  readonly offset: number;
  readonly record: WalRecord;
}

/** Where and why a scan stopped early; `offset` is where the valid prefix ends. */
export interface Damage {
  readonly offset: number;
  readonly reason: string;
}

export interface ScanResult {
  readonly records: ScannedRecord[];
  readonly damage?: Damage;
}

/**
 * Parses a whole segment. Stops at the first record that is short, fails its checksum or
 * does not decode; everything before it is returned, nothing after it.
 */
export function scanRecords(buf: Uint8Array): ScanResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: ScannedRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    const reason = checkFrame(buf, view, off);
    if (reason !== undefined) return { records, damage: { offset: off, reason } };
    const len = view.getUint32(off);
    const end = off + HEADER_BYTES + len;
    try {
      const r = new ByteReader(buf, off + HEADER_BYTES + 1, end);
      const rec = readPayload(buf[off + HEADER_BYTES], r.string(), r);
      r.end();
      records.push({ offset: off, record: rec });
    } catch (cause) {
      return { records, damage: { offset: off, reason: `malformed payload (${(cause as Error).message})` } };
    }
    off = end;
  }
  return { records };
}

/** Returns why the frame at `off` is unusable, or undefined when length and checksum hold. */
function checkFrame(buf: Uint8Array, view: DataView, off: number): string | undefined {
  const left = buf.length - off;
  if (left < HEADER_BYTES) return `torn header (${left} of ${HEADER_BYTES} bytes)`;
  const len = view.getUint32(off);
  if (len === 0) return 'zero length (unwritten or zeroed space)';
  if (len > left - HEADER_BYTES) return `torn record (length ${len}, ${left - HEADER_BYTES} bytes left)`;
  const want = view.getUint32(off + 4);
  const got = crc32c(buf, 0, off + HEADER_BYTES, off + HEADER_BYTES + len);
  if (want !== got) return `checksum mismatch (stored ${hex(want)}, computed ${hex(got)})`;
  return undefined;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
