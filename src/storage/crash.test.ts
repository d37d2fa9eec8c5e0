/**
 * Crash tests with real processes (Raft report §4.4 items 16–17: nothing acknowledged may
 * be lost). The child (testing/crash-child.ts) is compiled by tsc into a temp dir — Node 20
 * cannot run TypeScript directly — and run with plain `node`; it appends to six groups of
 * one WAL and prints every save it starts and every save that resolved. We SIGKILL it at
 * a random moment, recover the WAL here, and check that every acknowledged entry is
 * present byte for byte and that at most the one save in flight per group shows up,
 * whole. Several kills reuse the same directory, so recovery of recovered logs, segment
 * rotation, snapshots and compaction are all crossed by crashes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskStorage } from './disk-storage.js';
import { CRASH_GROUPS, crashEntryData, parseLine, type Save } from './testing/crash-model.js';
import { captureLog, tempDir } from './testing/fixtures.js';
import { openWal } from './wal.js';

const SEGMENT_BYTES = 256 * 1024;
let build: { dir: string; cleanup: () => Promise<void> };
let childJs: string;

beforeAll(async () => {
  build = await tempDir('anchordns-crash-build-');
  const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc');
  const src = join(process.cwd(), 'src/storage/testing/crash-child.ts');
  // Only this file and what it imports are compiled, with the project's module settings.
  spawnSync(process.execPath, [tsc, '--outDir', build.dir, '--rootDir', 'src', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
    '--target', 'ES2022', '--types', 'node', '--skipLibCheck', src], { stdio: 'inherit' });
  await writeFile(join(build.dir, 'package.json'), '{"type":"module"}');
  childJs = join(build.dir, 'storage/testing/crash-child.js');
  expect(existsSync(childJs)).toBe(true);
});
afterAll(async () => build.cleanup());

/** Runs the child until `acks` saves were acknowledged, then kills it; returns its stdout lines. */
function runAndKill(dir: string, acks: number, extraMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, dir, String(SEGMENT_BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let seen = 0;
    let killing = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      seen += chunk.split('\nack ').length - 1;
      if (!killing && seen >= acks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('error', reject);
    // 'close', not 'exit': exit can fire before the last stdout bytes have been read.
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early: code ${code} signal ${signal}`));
      // A line cut by the kill has no newline and is dropped.
      else resolve(out.split('\n').slice(0, -1));
    });
  });
}

/** The acknowledged log of one group: terms[k] is the term of index base + 1 + k. */
interface Model {
  base: number;
  terms: number[];
  commit: number;
  pending?: Save;
}

function applySave(m: Model, s: Save): Model {
  const keep = m.terms.slice(0, Math.max(0, s.first - m.base - 1));
  for (let i = s.first; i <= s.last; i++) keep.push(s.term);
  return { base: m.base, terms: keep, commit: s.last };
}

function last(m: Model): number {
  return m.base + m.terms.length;
}

function termAt(m: Model, i: number): number | undefined {
  return i > m.base && i <= last(m) ? m.terms[i - m.base - 1] : undefined;
}

/** Why the recovered group does not equal candidate log `c`, or undefined when it does. */
function mismatch(g: string, s: DiskStorage, c: Model): string | undefined {
  if (s.lastIndex() !== last(c)) {
    const tail = s.entries(Math.max(s.firstIndex(), s.lastIndex() - 2), s.lastIndex() + 1, Infinity);
    const shown = tail.map((e) => new TextDecoder().decode(e.data).slice(0, 24)).join(',');
    return `last index ${s.lastIndex()} (${s.firstIndex()}.. ending ${shown}), want ${last(c)}`;
  }
  if (s.firstIndex() - 1 > last(c)) return `compacted past ${last(c)}`;
  const dec = new TextDecoder();
  for (const e of s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity)) {
    const want = crashEntryData(g, e.index, termAt(c, e.index) ?? -1);
    if (dec.decode(e.data) !== want) return `entry ${e.index} is "${dec.decode(e.data).slice(0, 24)}", want "${want.slice(0, 24)}"`;
  }
  return undefined;
}

/** The recovered group must equal the acked log, or the acked log plus its one in-flight save. */
function check(g: string, s: DiskStorage, m: Model): void {
  const candidates = m.pending === undefined ? [m] : [m, applySave(m, m.pending)];
  const why = candidates.map((c) => mismatch(g, s, c));
  expect(why.some((w) => w === undefined), `${g}: ${why.join(' / ')}`).toBe(true);
  // The hard state is the acked one, or the in-flight save's if that reached the disk.
  expect([m.commit, m.pending?.last], `${g} commit`).toContain(s.initialState().hardState.commit);
  const snap = s.snapshot();
  if (snap.metadata.index > 0) expect(new TextDecoder().decode(snap.data)).toBe(`snap@${snap.metadata.index}`);
}

function modelOf(s: DiskStorage): Model {
  const base = s.firstIndex() - 1;
  const terms: number[] = [];
  for (let i = base + 1; i <= s.lastIndex(); i++) terms.push(s.term(i));
  return { base, terms, commit: s.initialState().hardState.commit };
}

/**
 * Simulates losing the page cache with the process: every segment keeps only what its last
 * reported fdatasync covered, and random bytes stand in for a partially persisted unsynced
 * write (Raft report §4.4 item 17, a "lazy filesystem"). A segment keeps its length, as
 * the open one's preallocated length was made durable before any write depended on it,
 * so the lost bytes read back as zeros after the random ones: records, torn bytes, zeros.
 */
async function loseUnsynced(dir: string, lines: readonly string[]): Promise<void> {
  const synced = new Map<string, number>();
  for (const l of lines) {
    const m = /^synced (\S+) (\d+)$/.exec(l);
    if (m !== null) synced.set(m[1], Number(m[2]));
  }
  const files = (await readdir(join(dir, 'wal'))).filter((n) => n.endsWith('.wal')).sort().map((n) => join(dir, 'wal', n));
  const newestSynced = [...synced.keys()].sort().pop() ?? '';
  for (const f of files) {
    const keep = synced.get(f);
    const size = (await stat(f)).size;
    // Files older than the newest synced one and not synced this round were sealed earlier.
    if (f > newestSynced) await truncate(f, 0); // created, never synced: its bytes are lost
    else if (keep !== undefined && size > keep) {
      await truncate(f, keep);
      await truncate(f, size); // the same length, zeros past what was synced
    }
  }
  const tail = synced.get(newestSynced);
  if (files[files.length - 1] === newestSynced && tail !== undefined) {
    const fh = await open(newestSynced, 'r+');
    try {
      await fh.write(randomBytes(1 + Math.floor(Math.random() * 300)), 0, undefined, tail);
    } finally {
      await fh.close();
    }
  }
}

/** Runs `rounds` kill/recover/check rounds in one directory; counts acks checked and tails cut. */
async function crashRounds(dir: string, rounds: number, afterKill: (lines: string[]) => Promise<void>) {
  let models = new Map<string, Model>(CRASH_GROUPS.map((g) => [g, { base: 0, terms: [], commit: 0 }]));
  let totalAcks = 0;
  let truncations = 0;
  for (let round = 0; round < rounds; round++) {
    const lines = await runAndKill(dir, 50 + Math.floor(Math.random() * 400), Math.floor(Math.random() * 30));
    await afterKill(lines);
    for (const line of lines) {
      const s = parseLine(line);
      if (s === undefined) continue;
      const m = models.get(s.group)!;
      if (s.kind === 'try') m.pending = s;
      else {
        models.set(s.group, applySave(m, s));
        totalAcks++;
      }
    }
    const log = captureLog();
    const wal = await openWal(dir, { segmentBytes: SEGMENT_BYTES, log: log.log });
    try {
      for (const g of CRASH_GROUPS) check(g, wal.group(g), models.get(g)!);
    } finally {
      await wal.close();
    }
    // A kill leaves the open segment's preallocated space (one line) and maybe a torn
    // record before it (one line each): nothing else may be said.
    for (const line of log.lines) expect(line).toMatch(/^wal: .*: (record at offset \d+: .*; truncated|\d+ bytes of preallocated space after the last record .*; cut)$/);
    truncations += log.lines.filter((line) => line.includes('; truncated')).length;
    models = new Map(CRASH_GROUPS.map((g) => [g, modelOf(wal.group(g))]));
  }
  return { totalAcks, truncations };
}

describe('wal: crash with SIGKILL', () => {
  it('keeps every acknowledged entry over repeated kills', async () => {
    const { dir, cleanup } = await tempDir('anchordns-crash-');
    try {
      const r = await crashRounds(dir, 6, async () => undefined);
      expect(r.totalAcks).toBeGreaterThan(300);
    } finally {
      await cleanup();
    }
  });

  it('keeps every acknowledged entry when unsynced writes are lost too (power loss)', async () => {
    const { dir, cleanup } = await tempDir('anchordns-powerloss-');
    try {
      const r = await crashRounds(dir, 6, (lines) => loseUnsynced(dir, lines));
      expect(r.totalAcks).toBeGreaterThan(300);
      expect(r.truncations).toBeGreaterThan(0); // the garbage tails were found and cut
    } finally {
      await cleanup();
    }
  });
});
