/**
 * Zone files on disk: one file (`loadZoneFile`) or every `*.zone` of a directory
 * (`loadZoneDirectory`), each becoming one Zone. Files are read as latin1 so every octet
 * of a name or string survives as one char (see types.ts).
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Labels } from './types.js';
import type { Zone } from './zone.js';
import { parseZoneText } from './parse.js';
import { parseName } from './name.js';
import { ZoneSet } from './zone-set.js';

const SUFFIX = '.zone';

/**
 * Loads and validates one zone file. The origin is `origin` if given, else the file name
 * without `.zone` (`clusterset.local.zone` → `clusterset.local.`), else the first $ORIGIN.
 */
export async function loadZoneFile(path: string, origin?: Labels | string): Promise<Zone> {
  const text = await readFile(path, 'latin1');
  return parseZoneText(text, { origin: origin ?? originFromFileName(path), fileName: path, octets: true });
}

/** The origin a zone file's name implies, or undefined when it does not end in `.zone`. */
export function originFromFileName(path: string): Labels | undefined {
  const base = basename(path);
  if (!base.endsWith(SUFFIX) || base.length === SUFFIX.length) return undefined;
  const stem = base.slice(0, -SUFFIX.length);
  return parseName(stem.endsWith('.') ? stem : `${stem}.`);
}

/** Loads every `*.zone` in `dir` (sorted by name) into a ZoneSet. */
export async function loadZoneDirectory(dir: string): Promise<ZoneSet> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(SUFFIX) && n.length > SUFFIX.length).sort();
  const zones = await Promise.all(names.map((n) => loadZoneFile(join(dir, n))));
  return ZoneSet.of(zones);
}
