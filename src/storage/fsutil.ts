/**
 * File-system steps whose ordering is the durability argument of the WAL and snapshots.
 * A new, renamed or removed directory entry is durable only after the directory itself is
 * fsynced (etcd-io/etcd#6368 lost a renamed WAL file exactly this way; Raft report §4.4
 * item 18), so every such step here ends with `fsyncDir`.
 */
import { writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `bytes` at file offset `position`. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, position + off);
    off += bytesWritten;
  }
}

/** writeAll on the calling thread: blocks the event loop until the kernel has every byte. */
export function writeAllBlocking(fh: FileHandle, bytes: Uint8Array, position: number): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fh.fd, bytes, off, bytes.length - off, position + off);
}

/**
 * Atomically replaces `path` with `bytes`: write a temp file, fsync it, rename over the
 * target, fsync the directory. A crash leaves either the old file or the new, never half.
 */
export async function writeFileAtomic(dir: string, path: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    // Pieces are written one after the other (a snapshot's data is not copied into one buffer).
    let position = 0;
    for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
      await writeAll(fh, piece, position);
      position += piece.length;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dir);
}

/** Cuts a file at `length` and makes the cut durable before anything is appended after it. */
export async function truncateDurably(path: string, length: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function removeDurably(dir: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  for (const p of paths) await rm(p, { force: true });
  await fsyncDir(dir);
}
