/**
 * Snapshot files, one directory per Raft group under `<dataDir>/snap/<hex group id>/`.
 *
 * File: [magic u32 "ASNP"][crc32c u32 of payload][payload = raft-codec Snapshot], named
 * `<index:016x>-<term:016x>.snap` so lexical order is index order. Written temp → fsync →
 * rename → fsync dir, so a file with a final name is complete; the checksum still guards
 * against media damage. The newest `keep` files are kept: if the newest is damaged the
 * previous one is used and the WAL replays from there.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { crc32c } from './crc32c.js';
import { SnapshotCorruptError } from './errors.js';
import { fsyncDir, removeDurably, writeFileAtomic } from './fsutil.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotPieces } from './raft-codec.js';

const MAGIC = 0x41534e50; // "ASNP"
const SUFFIX = '.snap';

export type Logger = (message: string) => void;

export function groupDirName(group: string): string {
  return Buffer.from(group, 'utf8').toString('hex') || '_';
}

function groupFromDirName(name: string): string {
  return name === '_' ? '' : Buffer.from(name, 'hex').toString('utf8');
}

function fileName(s: Snapshot): string {
  const hex = (n: number) => n.toString(16).padStart(16, '0');
  return `${hex(s.metadata.index)}-${hex(s.metadata.term)}${SUFFIX}`;
}

/** The whole file in one buffer (tests compare snapshotFilePieces with it). */
export function encodeSnapshotFile(s: Snapshot): Uint8Array {
  const payload = encodeSnapshot(s);
  return Buffer.concat([fileHeader(crc32c(payload)), payload]);
}

/**
 * The bytes of encodeSnapshotFile, as pieces to write one after the other: the file
 * header, the snapshot's head, and its data uncopied. Assembling one buffer cost three
 * copies of the data (tens of MB at 100k+ services): CPU profiles of followers under
 * write load (ninth session) found ~100 ms of memcpy and page faults in one turn of the
 * event loop, inside stretches of 0.3-0.7 s in which no timer ran, with garbage collection
 * beside it. The CRC is computed a megabyte per turn for the same reason.
 */
export async function snapshotFilePieces(s: Snapshot): Promise<Uint8Array[]> {
  const [head, data] = encodeSnapshotPieces(s);
  let crc = crc32c(head);
  for (let at = 0; at < data.length; at += CRC_SLICE) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    crc = crc32c(data, crc, at, Math.min(data.length, at + CRC_SLICE));
  }
  return [fileHeader(crc), head, data];
}

const CRC_SLICE = 1 << 20;

function fileHeader(crc: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, crc);
  return out;
}

export function decodeSnapshotFile(file: string, buf: Uint8Array): Snapshot {
  if (buf.length < 8) throw new SnapshotCorruptError(file, 'shorter than its header');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0) !== MAGIC) throw new SnapshotCorruptError(file, 'bad magic');
  const payload = buf.subarray(8);
  if (view.getUint32(4) !== crc32c(payload)) throw new SnapshotCorruptError(file, 'checksum mismatch');
  try {
    return decodeSnapshot(payload);
  } catch (cause) {
    throw new SnapshotCorruptError(file, 'malformed payload', { cause });
  }
}

export class SnapshotStore {
  readonly #root: string;
  readonly #keep: number;
  readonly #log: Logger;

  constructor(dataDir: string, keep: number, log: Logger) {
    this.#root = join(dataDir, 'snap');
    this.#keep = Math.max(1, keep);
    this.#log = log;
  }

  async init(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
  }

  /** Durably stores `s` for `group`, then prunes all but the newest `keep` files. */
  async save(group: string, s: Snapshot): Promise<void> {
    const dir = join(this.#root, groupDirName(group));
    await mkdir(dir, { recursive: true });
    await fsyncDir(this.#root);
    await writeFileAtomic(dir, join(dir, fileName(s)), await snapshotFilePieces(s));
    const names = await this.#list(dir);
    const stale = names.slice(0, Math.max(0, names.length - this.#keep)).map((n) => join(dir, n));
    await removeDurably(dir, stale);
  }

  /** Deletes every snapshot of `group` (the group left this anchor). */
  async removeGroup(group: string): Promise<void> {
    await rm(join(this.#root, groupDirName(group)), { recursive: true, force: true });
    await fsyncDir(this.#root);
  }

  /** The newest valid snapshot of every group that has one; damaged files are skipped with a log line. */
  async loadAll(): Promise<Map<string, Snapshot>> {
    const out = new Map<string, Snapshot>();
    for (const d of await readdir(this.#root)) {
      const snap = await this.#loadNewest(join(this.#root, d));
      if (snap !== undefined) out.set(groupFromDirName(d), snap);
    }
    return out;
  }

  async #loadNewest(dir: string): Promise<Snapshot | undefined> {
    const names = await this.#list(dir);
    for (let i = names.length - 1; i >= 0; i--) {
      const file = join(dir, names[i]);
      try {
        return decodeSnapshotFile(file, await readFile(file));
      } catch (err) {
        this.#log(`${(err as Error).message}; trying an older snapshot`);
      }
    }
    return undefined;
  }

  async #list(dir: string): Promise<string[]> {
    return (await readdir(dir)).filter((n) => n.endsWith(SUFFIX)).sort();
  }
}
