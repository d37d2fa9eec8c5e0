/**
 * The voters each group was created with, kept beside the WAL. Until its first snapshot a
 * group's membership comes from the config at every start, so an edited member list
 * would let two halves of a group each believe they hold a quorum (split brain); after it,
 * the edit would be silently ignored. Either way the honest answer is to refuse to start
 * and say that membership changes go through the group, not through the config file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/fsutil.js';
import { ConfigError } from './errors.js';

interface Record {
  readonly apex: string;
  readonly voters: readonly string[];
}

/** Records `voters` for `apex` on first start; afterwards throws if they differ. */
export async function checkFoundingMembers(dataDir: string, apex: string, voters: readonly string[]): Promise<void> {
  const dir = join(dataDir, 'members');
  const path = join(dir, `${apex}.json`);
  const recorded = await readRecord(path);
  const wanted = [...voters].sort();
  if (recorded === undefined) {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(dir, path, Buffer.from(`${JSON.stringify({ apex, voters: wanted })}\n`));
    return;
  }
  const had = [...recorded.voters].sort();
  if (had.join(',') === wanted.join(',')) return;
  throw new ConfigError(
    `segment ${apex}: the configured members (${wanted.join(', ')}) differ from those its data in ${dataDir} was created with (${had.join(', ')}); ` +
      'a group\'s membership cannot be changed by editing the config (or the anchor id): restore the old list, or start this anchor with an empty data directory',
  );
}

async function readRecord(path: string): Promise<Record | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${path}: unreadable membership record: ${(error as Error).message}`, { cause: error });
  }
}
