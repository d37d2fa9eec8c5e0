/**
 * Zone files on disk: one file (`loadZoneFile`) or every `*.zone` of a directory
 * (`loadZoneDirectory`), each becoming one Zone. Files are read as latin1 so every octet
 * of a name or string survives as one char (see types.ts).
 */
import { open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Labels } from './types.js';
import type { Zone } from './zone.js';
import { ZoneTextParser } from './parse.js';
import { parseName } from './name.js';
import { ZoneSet } from './zone-set.js';

const SUFFIX = '.zone';

/**
 * Loads and validates one zone file. The origin is `origin` if given, else the file name
 * without `.zone` (`clusterset.local.zone` → `clusterset.local.`), else the first $ORIGIN.
 */
export async function loadZoneFile(path: string, origin?: Labels | string): Promise<Zone> {
  const parser = new ZoneTextParser({ origin: origin ?? originFromFileName(path), fileName: path, octets: true });
  for await (const lines of readLines(path)) parser.feed(lines);
  return parser.finish();
}

/** Bytes read per step: the text of a 150 MB zone is never one string in memory. */
const READ_BYTES = 1 << 20;

/** The file as latin1 text in pieces of whole lines (the last may lack its newline). */
async function* readLines(path: string): AsyncGenerator<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    let carry = '';
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      const text = carry + buffer.toString('latin1', 0, bytesRead);
      const cut = text.lastIndexOf('\n') + 1;
      carry = text.slice(cut);
      if (cut > 0) yield text.slice(0, cut);
    }
    if (carry.length > 0) yield carry;
  } finally {
    await file.close();
  }
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
