/**
 * A data-directory lock, so two anchor processes never append to one WAL (interleaved
 * records would be a corruption no checksum catches). Node has no flock(2), so the lock is
 * a `LOCK` file holding the owner's pid: a lock whose pid is no longer running is stale
 * (the owner crashed) and is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WalLockedError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `dir` or throws WalLockedError naming the live owner; returns the release. */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK');
  const pid = await holder(path);
  if (pid !== undefined && pid !== process.pid && alive(pid)) throw new WalLockedError(dir, pid);
  await writeFile(path, `${process.pid}\n`);
  return () => rm(path, { force: true });
}
