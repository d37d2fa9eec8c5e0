/**
 * Results: statistics, the machine description, bench/results/<name>.json, the stdout
 * table. Every results file records when, where (machine, load average) and from which
 * commit it was produced, the exact command, every raw run, and the medians.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerVersions } from './peers.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** Smoke runs (--quick) write `<name>-quick.*` so they never replace measured results. */
const QUICK = process.argv.includes('--quick');

/** bench/results/<base><-quick if a smoke run>.<ext> */
export function resultPath(base, ext) {
  return path.join(RESULTS_DIR, `${base}${QUICK ? '-quick' : ''}.${ext}`);
}

/** The compiled server under test: dist/, or the snapshot run.js --snapshot made (ANCHORDNS_DIST). */
export const DIST = process.env.ANCHORDNS_DIST ? path.resolve(process.env.ANCHORDNS_DIST) : path.join(REPO, 'dist');

/** Median of finite numbers (NaN for none). */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile, p in [0,100]. */
export function percentile(xs, p) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

/** The 1-minute load average, as `uptime` shows it. */
export const load1 = () => os.loadavg()[0];

/** What the results depend on: CPU, cores, memory, kernel, Node, load, commit. */
export function machineInfo() {
  const git = (args) => {
    try { return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
  };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'src']).length > 0,
    dist: DIST,
    distBuilt: distBuilt(),
  };
}

/** When the server under test was compiled: the newest mtime under DIST/cli and DIST/dns. */
function distBuilt() {
  let newest = 0;
  for (const sub of ['cli', 'dns', 'anchor', 'segment', 'raft', 'storage']) {
    try {
      for (const f of readdirSync(path.join(DIST, sub))) newest = Math.max(newest, statSync(path.join(DIST, sub, f)).mtimeMs);
    } catch { /* missing */ }
  }
  return newest ? new Date(newest).toISOString() : 'unknown';
}

/**
 * Writes bench/results/<name>.json.
 * @param {string} name
 * @param {Record<string, unknown>} body runs, medians, notes …
 */
export function writeResults(name, body) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = resultPath(name, 'json');
  const doc = {
    benchmark: name,
    date: new Date().toISOString(),
    command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    smokeOnly: QUICK,
    machine: machineInfo(),
    versions: peerVersions(),
    ...body,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/** Formats a number for a table: integers with thousands separators, small ones with 2–3 digits. */
export function fmt(x, digits) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (typeof x !== 'number') return String(x);
  if (digits !== undefined) return x.toFixed(digits);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/**
 * A Markdown table (also readable on a terminal).
 * @param {string[]} head
 * @param {unknown[][]} rows
 */
export function table(head, rows) {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : String(c ?? '–'))));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
