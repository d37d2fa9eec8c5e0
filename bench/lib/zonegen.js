/**
 * The benchmark zone: an MCS-shaped clusterset.local with N exported services, and the
 * dnsperf query files drawn from it.
 *
 * Service i lives at svc-i.ns-(i % 100).svc.clusterset.local:
 *   - ClusterSetIP (9 in 10): one A, and SRV at _http._tcp.<svc>;
 *   - Headless (1 in 10): two A (one per pod) at the service name, the per-pod names
 *     pod-0.east.<svc> and pod-1.west.<svc>, and SRV at _http._tcp.<svc> naming both pods.
 * The text is generated here, then parsed and printed by anchordns's own zone printer
 * (dist/zone), so the file both servers load is anchordns's master-file export.
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './results.js';

export const APEX = 'clusterset.local';
const NAMESPACES = 100;

const ip = (i, base = 10) => `${base}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const svcName = (i) => `svc-${i}.ns-${i % NAMESPACES}.svc`;
const isHeadless = (i) => i % 10 === 9;

/** Lines of the raw master file for `n` services (relative owners, $ORIGIN clusterset.local.). */
function* zoneLines(n) {
  yield `$ORIGIN ${APEX}.`;
  yield '$TTL 5';
  yield `@ IN SOA ns.dns.${APEX}. hostmaster.${APEX}. 1 7200 1800 86400 5`;
  yield `@ IN NS ns.dns.${APEX}.`;
  yield 'ns.dns IN A 127.0.0.1';
  yield 'dns-version 28800 IN TXT "1.0.0"';
  for (let i = 0; i < n; i++) {
    const s = svcName(i);
    if (isHeadless(i)) {
      yield `${s} IN A ${ip(i, 10)}`;
      yield `${s} IN A ${ip(i, 11)}`;
      yield `pod-0.east.${s} IN A ${ip(i, 10)}`;
      yield `pod-1.west.${s} IN A ${ip(i, 11)}`;
      yield `_http._tcp.${s} IN SRV 0 50 80 pod-0.east.${s}.${APEX}.`;
      yield `_http._tcp.${s} IN SRV 0 50 80 pod-1.west.${s}.${APEX}.`;
    } else {
      yield `${s} IN A ${ip(i, 12)}`;
      yield `_http._tcp.${s} IN SRV 0 100 80 ${s}.${APEX}.`;
    }
  }
}

/** Every existing (name, type) pair of the zone, as dnsperf lines `name TYPE`. */
export function existingQueries(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = `${svcName(i)}.${APEX}`;
    out.push(`${s} A`, `_http._tcp.${s} SRV`);
    if (isHeadless(i)) out.push(`pod-0.east.${s} A`, `pod-1.west.${s} A`);
  }
  return out;
}

/**
 * Writes `<dir>/clusterset.local.zone` for `n` services through anchordns's parser and
 * printer; for very large n (≥ 200k) the raw text is written directly (same records).
 * @returns {Promise<{ file: string, records: number, bytes: number }>}
 */
export async function writeZone(dir, n) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${APEX}.zone`);
  if (n >= 200_000) return writeRawZone(file, n);
  const zone = await import(pathToFileURL(path.join(DIST, 'zone', 'index.js')).href);
  const parsed = zone.parseZoneText([...zoneLines(n)].join('\n') + '\n', { origin: `${APEX}.` });
  const text = zone.printZone(parsed);
  writeFileSync(file, text);
  return { file, records: text.split('\n').filter((l) => l && !l.startsWith(';')).length, bytes: Buffer.byteLength(text) };
}

/** Streams the raw zone text (relative owners) to `file`. */
function writeRawZone(file, n) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let records = 0;
    let bytes = 0;
    out.on('error', reject);
    const lines = zoneLines(n);
    const pump = () => {
      for (;;) {
        const next = lines.next();
        if (next.done) { out.end(() => resolve({ file, records, bytes })); return; }
        if (!next.value.startsWith('$')) records++;
        bytes += next.value.length + 1;
        if (!out.write(`${next.value}\n`)) { out.once('drain', pump); return; }
      }
    };
    pump();
  });
}

/** A seeded PRNG, so query files are reproducible: the same mulberry32 the Raft simulator uses. */
const { mulberry32 } = await import(pathToFileURL(path.join(DIST, 'raft', 'rand.js')).href);
export const prng = mulberry32;

/**
 * dnsperf query files for the mixes:
 *   repeat   100 service A names, over and over (a response cache serves them)
 *   uniform  every existing (name, type) of the zone, shuffled
 *   nx50     half uniform names, half fresh random labels under existing namespaces
 *            (the random-subdomain attack: every one is NXDOMAIN and never repeats within the file)
 * @param {string} dir
 * @param {number} n services
 * @param {number} seed distinct per round, so nx50 names differ between rounds
 * @param {number} nxCount how many nonexistent names
 * @returns {{ repeat: string, uniform: string, nx50: string }} file paths
 */
export function writeQueryFiles(dir, n, seed, nxCount = 300_000) {
  mkdirSync(dir, { recursive: true });
  const rand = prng(seed);
  const all = existingQueries(n);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const repeat = Array.from({ length: 100 }, (_, i) => `${svcName(i)}.${APEX} A`);
  const nx = [];
  for (let i = 0; i < nxCount; i++) {
    const label = `r${Math.floor(rand() * 2 ** 32).toString(36)}${i.toString(36)}`;
    nx.push(`${label}.ns-${i % NAMESPACES}.svc.${APEX} A`);
    nx.push(all[i % all.length]);
  }
  const files = { repeat: path.join(dir, `repeat-${seed}.txt`), uniform: path.join(dir, `uniform-${seed}.txt`), nx50: path.join(dir, `nx50-${seed}.txt`) };
  writeFileSync(files.repeat, `${repeat.join('\n')}\n`);
  writeFileSync(files.uniform, `${all.join('\n')}\n`);
  writeFileSync(files.nx50, `${nx.join('\n')}\n`);
  return files;
}

/**
 * `count` queries drawn at random (seeded) from the existing names of an n-service zone,
 * without building the whole list (for zones of a million services).
 */
export function sampledQueries(n, count, seed) {
  const rand = prng(seed);
  const out = [];
  for (let k = 0; k < count; k++) {
    const i = Math.floor(rand() * n);
    const s = `${svcName(i)}.${APEX}`;
    const pick = Math.floor(rand() * (isHeadless(i) ? 4 : 2));
    out.push([`${s} A`, `_http._tcp.${s} SRV`, `pod-0.east.${s} A`, `pod-1.west.${s} A`][pick]);
  }
  return out;
}

/** A zone with only SOA, NS and glue: the start of a segment that is filled through the API. */
export function writeEmptyZone(dir) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${APEX}.zone`);
  writeFileSync(file, [...zoneLines(0)].join('\n') + '\n');
  return file;
}
