/**
 * `dns`: anchordns (one anchor, group of one) and Knot DNS (one UDP worker) serve the same
 * 10,000-service clusterset.local zone file; dnsperf drives each in alternation, R rounds per
 * query mix (repeat, uniform, nx50, tcp). Medians of qps, average and p99 latency and server
 * CPU per query; the ratio anchordns / Knot per mix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAnchor, startKnot } from './lib/servers.js';
import { rssKiB } from './lib/proc.js';
import { dnsperf } from './lib/dnsperf.js';
import { writeZone, writeQueryFiles } from './lib/zonegen.js';
import { summariseProfile } from './lib/profile.js';
import { median, load1, writeResults, table, resultPath } from './lib/results.js';
import { barChart } from './lib/svg.js';

export const MIXES = ['repeat', 'uniform', 'nx50', 'tcp'];

/**
 * @param {{ services?: number, rounds?: number, seconds?: number, profile?: boolean, quick?: boolean, log?: (s: string) => void }} opts
 */
export async function runDns(opts = {}) {
  const log = opts.log ?? console.error;
  const services = opts.services ?? 10_000;
  const rounds = opts.rounds ?? (opts.quick ? 1 : 3);
  const seconds = opts.seconds ?? (opts.quick ? 2 : 10);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'anchordns-bench-dns-'));
  const profDir = path.join(tmp, 'prof');
  const servers = [];
  try {
    const zone = await writeZone(path.join(tmp, 'zones'), services);
    log(`zone: ${services} services, ${zone.records} records, ${zone.bytes} bytes → ${zone.file}`);
    const anchor = await startAnchor({ zonesDir: path.dirname(zone.file), dataDir: path.join(tmp, 'data'), nodeArgs: opts.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [] });
    servers.push(anchor.proc);
    log(`anchordns UDP engine: ${anchor.udpEngine}`);
    const knot = await startKnot({ dir: path.join(tmp, 'knot'), zoneFile: zone.file });
    servers.push(knot.proc);
    const targets = [
      { name: 'anchordns', host: anchor.host, port: anchor.dnsPort, pid: anchor.proc.pid },
      { name: 'knot', host: knot.host, port: knot.port, pid: knot.proc.pid },
    ];
    const verboseFile = path.join(tmp, 'dnsperf-v.txt');
    const warm = writeQueryFiles(path.join(tmp, 'q'), services, 999, 10_000);
    for (const t of targets) await dnsperf({ host: t.host, port: t.port, file: warm.uniform, seconds: 2, verboseFile });

    /** @type {any[]} */
    const runs = [];
    for (let round = 1; round <= rounds; round++) {
      const files = writeQueryFiles(path.join(tmp, 'q'), services, round);
      for (const mix of MIXES) {
        // Alternate which server goes first, so drift in machine load hits both alike.
        const order = (round + MIXES.indexOf(mix)) % 2 === 0 ? targets : [...targets].reverse();
        for (const t of order) {
          const loadBefore = load1();
          const r = await dnsperf({
            host: t.host, port: t.port, seconds, serverPid: t.pid, verboseFile,
            file: mix === 'tcp' ? files.uniform : files[mix], tcp: mix === 'tcp',
          });
          runs.push({ server: t.name, mix, round, loadBefore, ...r });
          log(`round ${round} ${mix.padEnd(7)} ${t.name.padEnd(9)} ${Math.round(r.qps)} qps avg ${r.avgMs.toFixed(3)} ms p99 ${r.p99Ms.toFixed(3)} ms cpu ${r.serverCpuUsPerQuery.toFixed(1)} µs/q lost ${r.lost} load ${loadBefore.toFixed(2)}`);
        }
      }
    }
    const summary = summarise(runs);
    const rss = { anchordns: rssKiB(anchor.proc.pid), knot: rssKiB(knot.proc.pid) };
    await Promise.all(servers.map((p) => p.stop()));
    const profile = opts.profile ? summariseProfile(profDir, 20) : undefined;
    const body = {
      setup: {
        services, records: zone.records, zoneBytes: zone.bytes, rounds, seconds,
        dnsperf: 'dnsperf -c 4 -q 100 -t 2 -v (one thread); p50/p99 from the per-query -v lines',
        knot: 'knotd 3.2.6, udp-workers 1, tcp-workers 1, background-workers 1, RRL off (module not loaded)',
        anchordns: `node dist/cli/main.js serve --zones DIR (group of one, one process), UDP engine ${anchor.udpEngine}`,
        anchordnsUdpEngine: anchor.udpEngine,
        cores: os.cpus().length, note: 'dnsperf, the server under test and any other load share the same cores; nothing pinned',
      },
      rssKiB: rss, summary, runs, profile,
    };
    const file = writeResults('dns', body);
    chart(summary);
    printTable(summary);
    if (profile) console.log(`\nanchordns CPU profile, top self time (${profile.busyMs.toFixed(0)} ms busy of ${profile.totalMs.toFixed(0)} ms sampled):\n${table(['function', 'where', 'self ms', '% of busy'], profile.top.map((r) => [r.fn, r.where, r.selfMs, r.pctOfBusy]))}`);
    log(`wrote ${file}`);
    return body;
  } finally {
    await Promise.all(servers.map((p) => p.stop('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summarise(runs) {
  const out = {};
  for (const mix of MIXES) {
    const pick = (server, key) => median(runs.filter((r) => r.mix === mix && r.server === server).map((r) => r[key]));
    const row = {};
    for (const server of ['anchordns', 'knot']) {
      row[server] = { qps: pick(server, 'qps'), avgMs: pick(server, 'avgMs'), p99Ms: pick(server, 'p99Ms'), cpuUsPerQuery: pick(server, 'serverCpuUsPerQuery'), lost: pick(server, 'lost') };
    }
    row.ratioQps = row.anchordns.qps / row.knot.qps;
    row.ratioCpu = row.knot.cpuUsPerQuery / row.anchordns.cpuUsPerQuery;
    out[mix] = row;
  }
  return out;
}

function printTable(summary) {
  const rows = MIXES.map((m) => {
    const s = summary[m];
    return [m, s.anchordns.qps, s.knot.qps, s.ratioQps.toFixed(2), s.anchordns.avgMs.toFixed(3), s.knot.avgMs.toFixed(3), s.anchordns.p99Ms.toFixed(3), s.knot.p99Ms.toFixed(3), s.anchordns.cpuUsPerQuery.toFixed(1), s.knot.cpuUsPerQuery.toFixed(1), s.ratioCpu.toFixed(2)];
  });
  console.log(table(['mix', 'anchordns qps', 'knot qps', 'ratio', 'a avg ms', 'k avg ms', 'a p99 ms', 'k p99 ms', 'a µs/q', 'k µs/q', 'cpu ratio'], rows));
}

function chart(summary) {
  barChart(resultPath('dns', 'svg'), {
    title: 'DNS answers per second, 10k-service zone (median of rounds)',
    yLabel: 'queries per second',
    groups: MIXES,
    series: [
      { name: 'anchordns', values: MIXES.map((m) => summary[m].anchordns.qps) },
      { name: 'Knot DNS (1 UDP worker)', values: MIXES.map((m) => summary[m].knot.qps) },
    ],
  });
}
