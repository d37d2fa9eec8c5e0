/**
 * `scale`: how anchordns grows with the number of exported services, beside Knot DNS.
 *
 * Static path, per size (1k, 10k, 100k, 1M services): the generated zone file is served by a
 * single anchor (--zones) and by knotd, both loaded at once; for each: start-up time (spawn →
 * listening, → /ready or first SOA answer), RSS once loaded, and dnsperf on names drawn from
 * the whole zone: one warm-up run each (discarded: both are measured in the steady state a
 * server spends its life in, not while the anchor's JIT warms up), then R measured rounds in
 * alternation, the median round reported; for the anchor also restart time on the same --data.
 * Each round measures twice: at saturation (dnsperf keeps 100 queries outstanding, so its
 * latency is mostly the queue: Little's law gives 100 / qps), and at a fixed FIXED_RATE qps
 * both servers answer at every size with cores to spare, where latency is the lookup and
 * the sockets, not the queue: the figure the "latency flat in zone size" target is about.
 * Registered path, per size (1k, 10k, and 100k when the measured write rate makes it fit):
 * N PUT registrations through the API into a single anchor (64 connections), then RSS,
 * WAL and snapshot size on disk, restart time from log + snapshot, and dnsperf on the
 * registered names. Registration stops after REGISTER_CAP_S (300 s) whatever the size; the
 * row then says how many were registered (`stoppedAtCap`).
 */
import { mkdtempSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startAnchor, startKnot, waitDns } from './lib/servers.js';
import { dnsperf } from './lib/dnsperf.js';
import { writeZone, writeEmptyZone, sampledQueries, APEX } from './lib/zonegen.js';
import { registration } from './lib/httpload.js';
import { rssKiB, sleep } from './lib/proc.js';
import { load1, median, writeResults, table, resultPath } from './lib/results.js';
import { lineChart } from './lib/svg.js';

const DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000];
const REGISTER_BUDGET_S = 240;
const REGISTER_CAP_S = 300;
/** Queries per second of the fixed-rate runs: under a third of either server's saturation rate at 1M. */
const FIXED_RATE = 20_000;

/** @param {{ sizes?: number[], registerSizes?: number[], seconds?: number, rounds?: number, quick?: boolean, log?: (s: string) => void }} opts */
export async function runScale(opts = {}) {
  const log = opts.log ?? console.error;
  const sizes = opts.sizes ?? (opts.quick ? [1_000, 10_000] : DEFAULT_SIZES);
  const seconds = opts.seconds ?? (opts.quick ? 2 : 8);
  const rounds = opts.rounds ?? (opts.quick ? 1 : 3);
  const staticRuns = [];
  const registeredRuns = [];
  let writeRate;
  for (const n of sizes) {
    staticRuns.push(await staticSize(n, seconds, rounds, log));
  }
  for (const n of opts.registerSizes ?? sizes.filter((s) => s <= 100_000)) {
    if (writeRate !== undefined && n / writeRate > REGISTER_BUDGET_S) {
      registeredRuns.push({ services: n, skipped: `registering ${n} at the measured ${Math.round(writeRate)}/s would take ${Math.round(n / writeRate)} s (budget ${REGISTER_BUDGET_S} s)` });
      log(`registered ${n}: skipped (${registeredRuns.at(-1).skipped})`);
      continue;
    }
    const r = await registeredSize(n, seconds, log);
    writeRate = r.registerPerSec;
    registeredRuns.push(r);
  }
  const body = {
    setup: {
      sizes, seconds, rounds,
      static: `generated zone file (bench/lib/zonegen.js) served by one anchor (--zones, group of one) and by knotd (1 UDP worker), both loaded at once; dnsperf -c 4 -q 100 on 200k names drawn from the zone: a warm-up run each (3 s, discarded), then \`rounds\` rounds in alternation; qps, latency and CPU are the median round (all rounds under \`rounds\`); each round also a run at a fixed ${FIXED_RATE} qps (dnsperf -Q), under \`fixedRate\`; per run, \`runQueueWaitMs\` is the time the server's threads were runnable but waited for a CPU and \`kdamondMs\` the time the kernel's DAMON threads ran (lib/sched.js)`,
      registered: 'PUT /v1/services/bench/reg-N/clusters/east into one anchor (autocannon, 64 connections, fsync on), then restart on the same --data',
      rss: 'VmRSS from /proc/<pid>/status after the dnsperf run',
    },
    static: staticRuns, registered: registeredRuns,
  };
  const file = writeResults('scale', body);
  printTables(staticRuns, registeredRuns);
  charts(staticRuns);
  log(`wrote ${file}`);
  return body;
}

/** Zone-file path for one size: anchordns and Knot side by side. */
async function staticSize(n, seconds, rounds, log) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `anchordns-bench-scale-${n}-`));
  const procs = [];
  try {
    const zone = await writeZone(path.join(tmp, 'zones'), n);
    const qfile = path.join(tmp, 'q.txt');
    writeFileSync(qfile, sampledQueries(n, 200_000, n).join('\n') + '\n');
    const verboseFile = path.join(tmp, 'v.txt');
    const row = { services: n, records: zone.records, zoneBytes: zone.bytes, loadBefore: load1() };
    /** The servers that came up, each with its row entry: measured below in alternation. */
    const targets = [];
    try {
      const a = await startAnchor({ zonesDir: path.dirname(zone.file), dataDir: path.join(tmp, 'data'), timeoutMs: 600_000 });
      procs.push(a.proc);
      await waitDns(a.host, a.dnsPort);
      row.anchordns = { listeningMs: a.listeningMs, readyMs: a.readyMs, rssKiBLoaded: rssKiB(a.proc.pid) };
      targets.push({ name: 'anchordns', host: a.host, port: a.dnsPort, proc: a.proc });
    } catch (err) {
      row.anchordns = { error: String(err.message ?? err).slice(0, 400) };
    }
    try {
      const k = await startKnot({ dir: path.join(tmp, 'knot'), zoneFile: zone.file });
      procs.push(k.proc);
      row.knot = { readyMs: k.readyMs, rssKiBLoaded: rssKiB(k.proc.pid) };
      targets.push({ name: 'knot', host: k.host, port: k.port, proc: k.proc });
    } catch (err) {
      row.knot = { error: String(err.message ?? err).slice(0, 400) };
    }
    for (const t of targets) {
      try {
        await dnsperf({ host: t.host, port: t.port, file: qfile, seconds: Math.min(3, seconds), verboseFile });
        t.runs = [];
        t.fixed = [];
      } catch (err) {
        row[t.name] = { error: `warm-up: ${String(err.message ?? err).slice(0, 400)}` };
      }
    }
    const measured = targets.filter((t) => t.runs !== undefined);
    for (let round = 1; round <= rounds; round++) {
      for (const t of round % 2 === 1 ? measured : [...measured].reverse()) {
        if (t.failed) continue;
        try {
          const d = await dnsperf({ host: t.host, port: t.port, file: qfile, seconds, serverPid: t.proc.pid, verboseFile });
          t.runs.push({ round, ...pickPerf(d) });
          const f = await dnsperf({ host: t.host, port: t.port, file: qfile, seconds, rate: FIXED_RATE, serverPid: t.proc.pid, verboseFile });
          t.fixed.push({ round, ...pickPerf(f) });
          log(`static ${n} round ${round} ${t.name}: ${Math.round(d.qps)} qps p99 ${d.p99Ms.toFixed(2)} ms cpu ${d.serverCpuUsPerQuery.toFixed(1)} µs/q; at ${FIXED_RATE} qps: p50 ${f.p50Ms.toFixed(3)} p99 ${f.p99Ms.toFixed(3)} ms, waited for a CPU ${f.serverRunQueueWaitMs.toFixed(0)} ms, kdamond ran ${f.kdamondMs.toFixed(0)} ms`);
        } catch (err) {
          t.failed = true;
          row[t.name] = { error: `round ${round}: ${String(err.message ?? err).slice(0, 400)}` };
        }
      }
    }
    for (const t of measured) {
      if (t.failed) continue;
      Object.assign(row[t.name], medianRound(t.runs), { rounds: t.runs, rssKiB: rssKiB(t.proc.pid) });
      row[t.name].fixedRate = { rate: FIXED_RATE, ...medianRound(t.fixed), rounds: t.fixed };
      await t.proc.stop();
    }
    if (targets.some((t) => t.name === 'anchordns' && !t.failed && t.runs !== undefined)) {
      try {
        const again = await startAnchor({ zonesDir: path.dirname(zone.file), dataDir: path.join(tmp, 'data'), timeoutMs: 600_000 });
        procs.push(again.proc);
        row.anchordns.restartListeningMs = again.listeningMs;
        row.anchordns.restartReadyMs = again.readyMs;
        await again.proc.stop();
      } catch (err) {
        row.anchordns.restartError = String(err.message ?? err).slice(0, 400);
      }
    }
    const brief = (r) => (r === undefined ? r : { ...r, rounds: undefined, fixedRate: r.fixedRate && { ...r.fixedRate, rounds: undefined } });
    log(`static ${n}: ${JSON.stringify({ ...row, anchordns: brief(row.anchordns), knot: brief(row.knot) })}`);
    return row;
  } finally {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Each figure of the rounds as its median (qps, latency, CPU per query), so one round
 * disturbed by the shared machine does not decide the row.
 */
function medianRound(runs) {
  const out = {};
  for (const key of Object.keys(runs[0])) {
    if (key === 'round') continue;
    const values = runs.map((r) => r[key]);
    out[key] = typeof values[0] === 'number' ? median(values) : values[Math.floor(values.length / 2)];
  }
  return out;
}

/** API path for one size: register n services into a single anchor, then restart it. */
async function registeredSize(n, seconds, log) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `anchordns-bench-reg-${n}-`));
  const zonesDir = path.join(tmp, 'zones');
  writeEmptyZone(zonesDir);
  const dataDir = path.join(tmp, 'data');
  const procs = [];
  try {
    const a = await startAnchor({ zonesDir, dataDir });
    procs.push(a.proc);
    const t0 = performance.now();
    let seq = 0;
    // Registration stops at REGISTER_CAP_S even if n is not reached; the row says how many made it.
    let budgetHit = false;
    const result = await new Promise((resolve, reject) => {
      const instance = autocannon({
        url: a.url, connections: 64, amount: n, timeout: 30,
        headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (req) => { const i = seq++; return { ...req, method: 'PUT', path: `/v1/services/bench/reg-${i}/clusters/east`, body: registration(i) }; } }],
      }, (err, res) => { clearTimeout(cap); if (err) reject(err); else resolve(res); });
      const cap = setTimeout(() => { budgetHit = true; instance.stop(); }, REGISTER_CAP_S * 1000);
    });
    const registerS = (performance.now() - t0) / 1000;
    const ok = Number(result.statusCodeStats?.['200']?.count ?? 0);
    const row = { services: n, registered: ok, registerS, registerPerSec: ok / registerS, non2xx: result.non2xx, stoppedAtCap: budgetHit, loadBefore: load1() };
    const have = Math.max(1, Math.min(ok, seq));
    const qfile = path.join(tmp, 'q.txt');
    writeFileSync(qfile, Array.from({ length: Math.min(have, 200_000) }, (_, i) => `reg-${(i * 7919) % have}.bench.svc.${APEX} A`).join('\n') + '\n');
    const d = await dnsperf({ host: a.host, port: a.dnsPort, file: qfile, seconds, serverPid: a.proc.pid, verboseFile: path.join(tmp, 'v.txt') });
    Object.assign(row, pickPerf(d), { rssKiB: rssKiB(a.proc.pid) });
    await a.proc.stop();
    Object.assign(row, diskUse(dataDir));
    const again = await startAnchor({ zonesDir, dataDir, timeoutMs: 600_000 });
    procs.push(again.proc);
    row.restartListeningMs = again.listeningMs;
    row.restartReadyMs = again.readyMs;
    await sleep(200);
    row.rssKiBAfterRestart = rssKiB(again.proc.pid);
    await again.proc.stop();
    log(`registered ${n}: ${JSON.stringify(row)}`);
    return row;
  } finally {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  }
}

function pickPerf(d) {
  return {
    qps: d.qps, avgMs: d.avgMs, p50Ms: d.p50Ms, p99Ms: d.p99Ms, lost: d.lost, rcodes: d.rcodes, cpuUsPerQuery: d.serverCpuUsPerQuery,
    runQueueWaitMs: d.serverRunQueueWaitMs, kdamondMs: d.kdamondMs,
  };
}

/** Bytes under data/snap and everything else (the WAL) under data/. */
function diskUse(dataDir) {
  const walk = (dir) => {
    let total = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      total += e.isDirectory() ? walk(p) : statSync(p).size;
    }
    return total;
  };
  let snapBytes = 0;
  try { snapBytes = walk(path.join(dataDir, 'snap')); } catch { /* none */ }
  return { snapBytes, walBytes: walk(dataDir) - snapBytes };
}

const mb = (kib) => (kib === undefined ? undefined : kib / 1024);

function printTables(staticRuns, registeredRuns) {
  console.log(table(['services', 'records', 'a start→ready ms', 'a restart ms', 'a RSS MiB', 'k RSS MiB', 'a qps', 'k qps', 'a p99 ms', 'k p99 ms', 'k ready ms'],
    staticRuns.map((r) => [r.services.toLocaleString('en-US'), r.records, r.anchordns?.readyMs, r.anchordns?.restartReadyMs, mb(r.anchordns?.rssKiB), mb(r.knot?.rssKiB), r.anchordns?.qps, r.knot?.qps, r.anchordns?.p99Ms, r.knot?.p99Ms, r.knot?.readyMs])));
  console.log(table(['services', `a p50 ms at ${FIXED_RATE} qps`, 'k p50 ms', 'a p99 ms', 'k p99 ms', 'a CPU µs/q', 'k CPU µs/q', 'a waited ms', 'k waited ms', 'kdamond ms (a run)'],
    staticRuns.map((r) => [r.services.toLocaleString('en-US'), r.anchordns?.fixedRate?.p50Ms, r.knot?.fixedRate?.p50Ms, r.anchordns?.fixedRate?.p99Ms, r.knot?.fixedRate?.p99Ms, r.anchordns?.fixedRate?.cpuUsPerQuery, r.knot?.fixedRate?.cpuUsPerQuery,
      r.anchordns?.fixedRate?.runQueueWaitMs, r.knot?.fixedRate?.runQueueWaitMs, r.anchordns?.fixedRate?.kdamondMs])));
  console.log(table(['registered', 'writes/s', 'RSS MiB', 'WAL MiB', 'snap MiB', 'restart→ready ms', 'qps', 'p99 ms'],
    registeredRuns.map((r) => (r.skipped ? [r.services.toLocaleString('en-US'), 'skipped', '', '', '', '', '', ''] : [r.services.toLocaleString('en-US'), r.registerPerSec, mb(r.rssKiB), r.walBytes / 2 ** 20, r.snapBytes / 2 ** 20, r.restartReadyMs, r.qps, r.p99Ms]))));
}

function charts(staticRuns) {
  const xs = staticRuns.map((r) => r.services.toLocaleString('en-US'));
  lineChart(resultPath('scale', 'svg'), {
    title: 'RSS after load and query run, by zone size (static zone file)',
    yLabel: 'MiB', xs,
    series: [
      { name: 'anchordns RSS', values: staticRuns.map((r) => mb(r.anchordns?.rssKiB)) },
      { name: 'Knot RSS', values: staticRuns.map((r) => mb(r.knot?.rssKiB)) },
    ],
  });
  lineChart(resultPath('scale-latency', 'svg'), {
    title: `p99 latency by zone size (ms): at saturation, and at ${FIXED_RATE} qps`,
    yLabel: 'ms', xs,
    series: [
      { name: 'anchordns p99, saturated', values: staticRuns.map((r) => r.anchordns?.p99Ms) },
      { name: 'Knot p99, saturated', values: staticRuns.map((r) => r.knot?.p99Ms) },
      { name: `anchordns p99, ${FIXED_RATE / 1000}k qps`, values: staticRuns.map((r) => r.anchordns?.fixedRate?.p99Ms) },
      { name: `Knot p99, ${FIXED_RATE / 1000}k qps`, values: staticRuns.map((r) => r.knot?.fixedRate?.p99Ms) },
    ],
  });
}
