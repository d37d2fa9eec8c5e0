#!/usr/bin/env node
/**
 * The responder alone (no sockets) on the scale benchmark's zone: CPU per query and cache
 * hit rate by zone size, the same 200,000 random names the scale benchmark asks, replayed
 * in order as dnsperf replays its file. Separates the cost of answering from everything a
 * socket run adds (kernel, dnsperf, the other core), so a change to the lookup or the
 * response cache can be judged in seconds; the scale benchmark remains the figure of record.
 *
 * Usage: npm run build && node --expose-gc bench/responder-scale.js [--sizes 10000,100000]
 *          [--seconds 5] [--cache N (default: the responder's own)] [--rounds 3]
 * Prints, per size: ns per query (median of the rounds), cache hit rate, scavenges per
 * million queries (from a PerformanceObserver on 'gc').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeQuery } from './lib/dnsclient.js';
import { sampledQueries, writeZone } from './lib/zonegen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.ANCHORDNS_DIST ?? path.join(here, '..', 'dist');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    seconds: { type: 'string', default: '5' },
    cache: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});

const dns = await import(pathToFileURL(path.join(dist, 'dns', 'index.js')).href);
const zone = await import(pathToFileURL(path.join(dist, 'zone', 'index.js')).href);

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
}).observe({ entryTypes: ['gc'] });

for (const size of values.sizes.split(',').map(Number)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'anchordns-rs-'));
  try {
    await writeZone(dir, size);
    const source = new dns.SwappableViewSource(await zone.loadZoneDirectory(dir));
    globalThis.gc?.();
    let hits = 0;
    let misses = 0;
    const metrics = { request() {}, response() {}, cacheHit() { hits++; }, cacheMiss() { misses++; } };
    const responder = new dns.Responder({ source, metrics, cacheSize: values.cache === undefined ? undefined : Number(values.cache) });
    const queries = sampledQueries(size, 200_000, 7).map((line, i) => {
      const [name, type] = line.split(' ');
      return encodeQuery(i & 0xffff, name, type);
    });
    const out = Buffer.alloc(1232);
    const perRound = [];
    let next = 0;
    for (let round = 0; round < Number(values.rounds) + 1; round++) {
      // GC entries reach the observer between event-loop turns: yield before counting and before reading.
      await new Promise((resolve) => setImmediate(resolve));
      hits = misses = scavenges = 0;
      const until = performance.now() + Number(values.seconds) * 1000;
      const start = process.cpuUsage();
      let answered = 0;
      while (performance.now() < until) {
        for (let i = 0; i < 1000; i++) {
          responder.respondInto(queries[next], 4, '127.0.0.1', out, 0);
          next = next + 1 === queries.length ? 0 : next + 1;
        }
        answered += 1000;
      }
      const cpu = process.cpuUsage(start);
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Round 0 warms the JIT and fills the cache; it is not reported.
      if (round > 0) perRound.push({ nsPerQuery: ((cpu.user + cpu.system) * 1000) / answered, hitRate: hits / (hits + misses), scavengesPerM: (scavenges * 1e6) / answered });
    }
    perRound.sort((a, b) => a.nsPerQuery - b.nsPerQuery);
    const median = perRound[Math.floor(perRound.length / 2)];
    console.log(
      `${size} services: ${median.nsPerQuery.toFixed(0)} ns/query (rounds ${perRound.map((r) => r.nsPerQuery.toFixed(0)).join(', ')}), ` +
        `cache hits ${(median.hitRate * 100).toFixed(1)} %, ${median.scavengesPerM.toFixed(1)} scavenges per M queries`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
