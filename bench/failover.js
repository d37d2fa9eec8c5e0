/**
 * `failover`: a local 3-anchor group under steady registration load (4 writers, each PUT
 * sent to a surviving anchor, which forwards to the leader) and DNS load (UDP queries for
 * an existing service to both survivors). SIGKILL the leader; measure the time from the
 * kill until a PUT sent after the kill returns 200, and count DNS queries to the survivors
 * that fail (timeout or not a positive answer) from the kill until writes work again + 1 s.
 * The killed anchor is restarted on its data before the next trial. Median over trials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGroup, waitReady } from './lib/servers.js';
import { registration } from './lib/httpload.js';
import { UdpClient } from './lib/dnsclient.js';
import { median, load1, writeResults, table, resultPath } from './lib/results.js';
import { barChart } from './lib/svg.js';
import { sleep } from './lib/proc.js';

const WRITERS = 4;
const DNS_LOOPS = 8; // per survivor
const DNS_PAUSE_MS = 2; // between one loop's queries
const PROBE_MS = 20;

/** @param {{ trials?: number, quick?: boolean, log?: (s: string) => void }} opts */
export async function runFailover(opts = {}) {
  const log = opts.log ?? console.error;
  const trials = opts.trials ?? (opts.quick ? 1 : 5);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'anchordns-bench-failover-'));
  let group;
  try {
    group = await startGroup(path.join(tmp, 'anchors'));
    const runs = [];
    for (let trial = 1; trial <= trials; trial++) {
      const r = await oneTrial(group, trial, log);
      runs.push(r);
      log(`trial ${trial}: killed ${r.killed}, new leader ${r.newLeader}, writes back after ${r.recoveryMs.toFixed(0)} ms, DNS failed ${r.dnsFailedInWindow}/${r.dnsInWindow} in window (${r.dnsFailedTotal}/${r.dnsTotal} overall), writer PUTs failed ${JSON.stringify(r.writeFailures)}, load ${r.loadBefore.toFixed(2)}`);
    }
    const summary = {
      trials,
      recoveryMsMedian: median(runs.map((r) => r.recoveryMs)),
      recoveryMsMax: Math.max(...runs.map((r) => r.recoveryMs)),
      dnsFailedMedian: median(runs.map((r) => r.dnsFailedInWindow)),
      dnsFailedTotal: runs.reduce((n, r) => n + r.dnsFailedTotal, 0),
      dnsQueriesTotal: runs.reduce((n, r) => n + r.dnsTotal, 0),
    };
    const body = {
      setup: {
        anchordns: '3 anchors a1..a3 on 127.0.0.2-4, default timing (50 ms tick, election 10-20 ticks)',
        writers: `${WRITERS} closed-loop PUT writers, each request to a survivor in turn, 2 s timeout`,
        dns: `${DNS_LOOPS} UDP query loops per survivor, ${DNS_PAUSE_MS} ms pause, 1 s timeout, RD=0, an existing ClusterSetIP name`,
      },
      summary, runs,
    };
    const file = writeResults('failover', body);
    barChart(resultPath('failover', 'svg'), {
      title: 'Leader SIGKILL: time until writes succeed again, per trial',
      yLabel: 'milliseconds',
      groups: runs.map((r) => `trial ${r.trial}`),
      series: [{ name: 'kill → first 200', values: runs.map((r) => r.recoveryMs) }],
    });
    console.log(table(['trial', 'killed', 'new leader', 'writes back after ms', 'DNS failed / queries in window', 'DNS failed / queries overall', 'PUTs failed'],
      runs.map((r) => [String(r.trial), r.killed, r.newLeader, r.recoveryMs, `${r.dnsFailedInWindow} / ${r.dnsInWindow}`, `${r.dnsFailedTotal} / ${r.dnsTotal}`, String(r.writesFailed)])));
    console.log(`median writes back after ${summary.recoveryMsMedian.toFixed(0)} ms (max ${summary.recoveryMsMax.toFixed(0)} ms); DNS failures to survivors: ${summary.dnsFailedTotal} of ${summary.dnsQueriesTotal}`);
    log(`wrote ${file}`);
    return body;
  } finally {
    await group?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function countBy(xs) {
  const out = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

async function oneTrial(group, trial, log) {
  const leader = await group.leader(15_000);
  const survivors = group.anchors.filter((a) => a !== leader);
  const base = `fo-${trial}`;
  const put = async (url, svc, n, timeoutMs) => {
    const res = await fetch(`${url}/v1/services/bench/${svc}/clusters/east`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: registration(n), signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  };
  if ((await put(leader.url, base, trial, 5000)) !== 200) throw new Error(`trial ${trial}: base registration failed`);
  await sleep(300); // let followers apply it
  const loadBefore = load1();
  let stopping = false;
  const writes = [];
  const dns = [];
  let n = 0;
  const writer = async (w) => {
    for (let i = 0; !stopping && i < 100_000; i++) {
      const target = survivors[(w + i) % survivors.length];
      const start = performance.now();
      let status;
      try { status = await put(target.url, `${base}-w${n}`, n++, 2000); } catch { status = 'error'; }
      writes.push({ start, end: performance.now(), status });
      if (status !== 200) await sleep(10);
    }
  };
  const client = new UdpClient();
  const name = `${base}.bench.svc.clusterset.local`;
  const querier = async (a) => {
    for (let i = 0; !stopping && i < 1_000_000; i++) {
      const at = performance.now();
      const r = await client.query(a.host, a.dnsPort, name, 'A', 1000);
      dns.push({ at, ok: r !== 'timeout' && r.rcode === 0 && r.answers > 0 });
      await sleep(DNS_PAUSE_MS);
    }
  };
  const loops = [
    ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
    ...survivors.flatMap((a) => Array.from({ length: DNS_LOOPS }, () => querier(a))),
  ];
  let killAt;
  let recoveredAt;
  const probes = [];
  try {
    await sleep(2000);
    killAt = performance.now();
    leader.proc.child.kill('SIGKILL');
    // Probes: one PUT every PROBE_MS to a survivor, not waiting for the previous one, so a
    // request that hangs on the dead leader cannot hide the moment writes work again.
    for (let i = 0; i < 20_000 / PROBE_MS && recoveredAt === undefined; i++) {
      const start = performance.now();
      const target = survivors[i % survivors.length];
      probes.push(put(target.url, `${base}-p${i}`, i, 3000).then(
        (status) => { if (status === 200 && recoveredAt === undefined) recoveredAt = performance.now(); return status; },
        () => 'error',
      ).then((status) => ({ start, status })));
      await sleep(PROBE_MS);
    }
    await Promise.all(probes);
    await sleep(1000);
  } finally {
    stopping = true;
    await Promise.all(loops);
    client.close();
  }
  await leader.proc.exited;
  const windowEnd = (recoveredAt ?? killAt + 20_000) + 1000;
  const inWindow = dns.filter((d) => d.at >= killAt && d.at <= windowEnd);
  const newLeader = (await group.leader(15_000)).id;
  // Bring the killed anchor back on its own data before the next trial.
  await group.launch(leader);
  await waitReady(leader.url, 60_000);
  log(`trial ${trial}: ${leader.id} restarted`);
  return {
    trial, killed: leader.id, newLeader, loadBefore,
    recoveryMs: recoveredAt === undefined ? NaN : recoveredAt - killAt,
    dnsInWindow: inWindow.length, dnsFailedInWindow: inWindow.filter((d) => !d.ok).length,
    dnsTotal: dns.length, dnsFailedTotal: dns.filter((d) => !d.ok).length,
    writesTotal: writes.length, writesFailed: writes.filter((w) => w.status !== 200).length,
    writeFailures: countBy(writes.filter((w) => w.status !== 200).map((w) => String(w.status))),
    probes: (await Promise.all(probes)).length,
  };
}
