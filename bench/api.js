/**
 * `api`: committed registrations per second through Raft. A local 3-anchor anchordns group
 * and a 3-member etcd 3.4 cluster (both fsync their logs) take autocannon write load at 1,
 * 16 and 64 connections, sent to the current leader of each, in alternation, R rounds.
 * Then propagation: 200 registrations one at a time; from each 200 until every anchor
 * answers the new name over UDP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGroup, startEtcd } from './lib/servers.js';
import { httpLoad, anchorPut, etcdPut, registration } from './lib/httpload.js';
import { UdpClient } from './lib/dnsclient.js';
import { median, percentile, load1, writeResults, table, resultPath } from './lib/results.js';
import { barChart } from './lib/svg.js';
import { sleep } from './lib/proc.js';

const CONNECTIONS = [1, 16, 64];

/** @param {{ rounds?: number, seconds?: number, quick?: boolean, log?: (s: string) => void }} opts */
export async function runApi(opts = {}) {
  const log = opts.log ?? console.error;
  const rounds = opts.rounds ?? (opts.quick ? 1 : 3);
  const seconds = opts.seconds ?? (opts.quick ? 2 : 10);
  const warmupSeconds = opts.quick ? 1 : 5;
  const runWarmupSeconds = opts.quick ? 0 : 3;
  const propagationCount = opts.quick ? 30 : 200;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'anchordns-bench-api-'));
  let group;
  let etcd;
  try {
    group = await startGroup(path.join(tmp, 'anchors'));
    etcd = await startEtcd(path.join(tmp, 'etcd'));
    const anchorLeader = await group.leader();
    const etcdLeader = await etcdLeaderOf(etcd);
    log(`anchordns leader ${anchorLeader.id} (${anchorLeader.url}); etcd leader ${etcdLeader.name} (${etcdLeader.url})`);
    const targets = [
      { name: 'anchordns', url: anchorLeader.url, request: anchorPut('w') },
      { name: 'etcd', url: etcdLeader.url, request: etcdPut('w') },
    ];
    // Warm-up, the same for both: Node's JIT runs the first ~2,000 registrations at half
    // speed, and a 1-s warm-up left anchordns's first measured round its worst (0.74×
    // etcd against 0.96–1.13 later). What each wrote stays in its store (storedBefore).
    const warmup = { anchordns: 0, etcd: 0 };
    for (const t of targets) warmup[t.name] = (await httpLoad({ url: t.url, connections: 16, seconds: warmupSeconds, request: t.request })).ok;
    log(`warm-up ${warmupSeconds} s at 16 connections: anchordns ${warmup.anchordns} writes, etcd ${warmup.etcd}`);

    const runs = [];
    // Each system keeps every write, so later runs write into a bigger store: record how big.
    const stored = { ...warmup };
    for (let round = 1; round <= rounds; round++) {
      for (const c of CONNECTIONS) {
        const order = (round + c) % 2 === 0 ? targets : [...targets].reverse();
        for (const t of order) {
          // Each measured run starts with a short run at its own concurrency, not counted:
          // anchordns's JIT re-tiers when the load's shape changes (1 ↔ 64 connections); at
          // one connection after a 16-connection warm-up the leader spent 1.2–1.6 ms of CPU
          // per write for its first ~3 s and 0.65–0.8 ms after, with 30–50 functions
          // (re)optimised a second and a burst of deoptimisations (bench/README.md, api).
          // Its rate is kept beside the run (`warmupOkPerSec`), for both systems alike.
          const pre = runWarmupSeconds > 0 ? await httpLoad({ url: t.url, connections: c, seconds: runWarmupSeconds, request: t.request }) : undefined;
          if (pre) stored[t.name] += pre.ok;
          const loadBefore = load1();
          const before = await groupHealth(group);
          const r = await httpLoad({ url: t.url, connections: c, seconds, request: t.request });
          // Elections in the anchordns group during this run (either system's): a burst of
          // 503s is then a leader change, not a refusal. And each anchor's longest event-loop
          // stall in the run (prom-client resets the figure at every scrape).
          const after = await groupHealth(group);
          const anchordnsLeaderChanges = after.leaderChanges - before.leaderChanges;
          runs.push({ system: t.name, round, loadBefore, storedBefore: stored[t.name], warmupOkPerSec: pre?.okPerSec, anchordnsLeaderChanges, anchordnsEventLoopLagMaxS: after.eventLoopLagMaxS, ...r });
          stored[t.name] += r.ok;
          log(`round ${round} ${t.name.padEnd(9)} c=${String(c).padEnd(2)} (${runs.at(-1).storedBefore} stored) ${Math.round(r.okPerSec)} writes/s (warm-up ${Math.round(pre?.okPerSec ?? NaN)}) p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms non2xx ${r.non2xx} errors ${r.errors} load ${loadBefore.toFixed(2)} anchor stall max ${Math.max(0, ...Object.values(after.eventLoopLagMaxS)).toFixed(2)} s${anchordnsLeaderChanges > 0 ? ` anchordns leader changes ${anchordnsLeaderChanges}` : ''}`);
          await sleep(500);
        }
      }
    }
    const propagation = await measurePropagation(group, anchorLeader, propagationCount, log);
    const summary = {};
    for (const c of CONNECTIONS) {
      const row = {};
      for (const s of ['anchordns', 'etcd']) {
        const rs = runs.filter((r) => r.system === s && r.connections === c);
        row[s] = { writesPerSec: median(rs.map((r) => r.okPerSec)), p50Ms: median(rs.map((r) => r.p50Ms)), p99Ms: median(rs.map((r) => r.p99Ms)), non2xx: rs.reduce((n, r) => n + r.non2xx, 0) };
      }
      row.ratio = row.anchordns.writesPerSec / row.etcd.writesPerSec;
      summary[c] = row;
    }
    const body = {
      setup: {
        rounds, seconds, connections: CONNECTIONS, warmup: `${warmupSeconds} s at 16 connections per system before round 1, and ${runWarmupSeconds} s at the run's own concurrency before each measured run (not counted; its rate is the run's warmupOkPerSec)`,
        anchordns: '3 anchors a1..a3 on 127.0.0.2-4 (writeLocalGroupConfigs), default timing, WAL fsync on; PUT /v1/services/bench/w-N/clusters/east sent to the leader',
        etcd: 'etcd 3.4 (Debian etcd-server), 3 members on 127.0.0.2-4, default flags (fsync on); POST /v3/kv/put to the leader, same JSON body as value',
        client: 'autocannon 8 JS API in the bench process, one fresh name per request',
        note: 'all 6 server processes and the client share the machine’s cores and disk',
      },
      summary, propagation, runs,
      // The anchors' own account of elections and warnings, for a run with 503s.
      anchorEvents: group.anchors.flatMap((a) => (a.proc?.output ?? [])
        .filter((line) => line.includes('leader changed') || /"level":(40|50|60)/.test(line))
        .map((line) => `${a.id} ${line.slice(0, 400)}`)).slice(-200),
    };
    const file = writeResults('api', body);
    barChart(resultPath('api', 'svg'), {
      title: 'Committed registrations per second, 3-member groups (median)',
      yLabel: 'writes per second',
      groups: CONNECTIONS.map((c) => `${c} conn`),
      series: [
        { name: 'anchordns', values: CONNECTIONS.map((c) => summary[c].anchordns.writesPerSec) },
        { name: 'etcd 3.4', values: CONNECTIONS.map((c) => summary[c].etcd.writesPerSec) },
      ],
    });
    console.log(table(['connections', 'anchordns writes/s', 'etcd writes/s', 'ratio', 'a p50 ms', 'e p50 ms', 'a p99 ms', 'e p99 ms'],
      CONNECTIONS.map((c) => { const s = summary[c]; return [String(c), s.anchordns.writesPerSec, s.etcd.writesPerSec, s.ratio.toFixed(2), s.anchordns.p50Ms, s.etcd.p50Ms, s.anchordns.p99Ms, s.etcd.p99Ms]; })));
    console.log(`propagation (PUT 200 → every anchor answers), n=${propagation.count}: p50 ${propagation.allP50Ms.toFixed(2)} ms, p99 ${propagation.allP99Ms.toFixed(2)} ms, max ${propagation.allMaxMs.toFixed(2)} ms; never seen ${propagation.missing}; PUTs retried after 503: ${propagation.retried503}`);
    log(`wrote ${file}`);
    return body;
  } finally {
    await Promise.all([group?.stop(), etcd?.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The etcd member whose /v3/maintenance/status says it is the leader. */
async function etcdLeaderOf(etcd) {
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const m of etcd.members) {
      try {
        const r = await (await fetch(`${m.url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) })).json();
        if (r.leader && r.leader === r.header?.member_id) return m;
      } catch { /* not yet */ }
    }
    await sleep(100);
  }
  throw new Error('etcd has no leader');
}

/**
 * Registers `count` services one by one on the leader; after each 200, asks every anchor
 * (UDP, RD=0) until it answers the new name with an A record, 1 ms between tries, 3 s cap.
 */
async function measurePropagation(group, leader, count, log) {
  const client = new UdpClient();
  const perAnchor = Object.fromEntries(group.anchors.map((a) => [a.id, []]));
  const all = [];
  let missing = 0;
  let retried503 = 0;
  try {
    for (let i = 0; i < count; i++) {
      const svc = `p-${Date.now().toString(36)}-${i}`;
      // A 503 (no leader: an election after the load runs) is retried as a client would,
      // against whichever anchor leads by then, and counted.
      let status = 0;
      for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
        if (attempt > 0) {
          retried503++;
          await sleep(100);
          leader = await group.leader().catch(() => leader);
        }
        const res = await fetch(`${leader.url}/v1/services/bench/${svc}/clusters/east`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: registration(i) });
        await res.arrayBuffer();
        status = res.status;
        if (status !== 200 && status !== 503) break;
      }
      if (status !== 200) throw new Error(`propagation PUT ${svc}: ${status}`);
      const t0 = performance.now();
      const name = `${svc}.bench.svc.clusterset.local`;
      const seen = await Promise.all(group.anchors.map(async (a) => {
        const deadline = t0 + 3000;
        while (performance.now() < deadline) {
          const r = await client.query(a.host, a.dnsPort, name, 'A', 500);
          if (r !== 'timeout' && r.rcode === 0 && r.answers > 0) return performance.now() - t0;
          await sleep(1);
        }
        return NaN;
      }));
      seen.forEach((ms, k) => perAnchor[group.anchors[k].id].push(ms));
      if (seen.some((ms) => !Number.isFinite(ms))) missing++;
      else all.push(Math.max(...seen));
    }
  } finally { client.close(); }
  const stats = Object.fromEntries(Object.entries(perAnchor).map(([id, xs]) => [id, { p50Ms: percentile(xs, 50), p99Ms: percentile(xs, 99) }]));
  log(`propagation: ${JSON.stringify(stats)}`);
  return { count, missing, retried503, allP50Ms: percentile(all, 50), allP99Ms: percentile(all, 99), allMaxMs: Math.max(...all), perAnchor: stats, note: `leader ${leader.id} took the PUTs; time from its 200 to the first positive UDP answer, polling every ~1 ms` };
}

/**
 * From every anchor's /metrics: the most leader changes any anchor has seen
 * (anchordns_raft_leader_changes_total) and each anchor's longest event-loop stall since
 * the previous scrape (nodejs_eventloop_lag_max_seconds). An anchor that does not answer
 * counts 0 changes and has no lag entry.
 */
async function groupHealth(group) {
  let leaderChanges = 0;
  const eventLoopLagMaxS = {};
  for (const a of group.anchors) {
    try {
      const text = await (await fetch(`${a.url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
      for (const m of text.matchAll(/^anchordns_raft_leader_changes_total\{[^}]*\} (\d+)/gm)) leaderChanges = Math.max(leaderChanges, Number(m[1]));
      const lag = /^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text);
      if (lag) eventLoopLagMaxS[a.id] = Number(Number(lag[1]).toFixed(3));
    } catch { /* busy or down */ }
  }
  return { leaderChanges, eventLoopLagMaxS };
}
