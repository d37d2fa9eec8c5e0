#!/usr/bin/env node
/**
 * Raft commit throughput and latency (issue "Raft library", Speed): a 3-process group on
 * 127.0.0.2–4, each the pure core over the real WAL (fdatasync on) and the TCP transport
 * (test/fixtures/raft-node.mjs), with 1, 16 and 64 proposals in flight against the leader.
 * A proposal counts when the leader has committed and applied it.
 *
 *   npm run build && node bench/raft-commit.js [--seconds 5]
 *
 * Group commit is what makes in-flight proposals cheap: the leader's entries of one turn
 * share one fdatasync, and so do each follower's.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { start, stopAll, waitForLine, freePorts, sleep } from './lib/proc.js';
import { REPO, median, percentile, table, writeResults, load1 } from './lib/results.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const SECONDS = Number(values.seconds);
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const IDS = ['n1', 'n2', 'n3'];
const FIXTURE = join(REPO, 'test', 'fixtures', 'raft-node.mjs');

async function startGroup() {
  const [peerPort, controlPort] = await freePorts(HOSTS, 2);
  const peers = IDS.map((id, i) => `${id}=${HOSTS[i]}:${peerPort}`).join(',');
  const procs = [];
  for (const [i, id] of IDS.entries()) {
    const dir = await mkdtemp(join(tmpdir(), `anchordns-raftbench-${id}-`));
    const proc = start(id, process.execPath, [FIXTURE, '--id', id, '--dir', dir, '--listen', `${HOSTS[i]}:${peerPort}`, '--control', `${HOSTS[i]}:${controlPort}`, '--peers', peers]);
    procs.push(proc);
  }
  await Promise.all(procs.map((p) => waitForLine(p, (l) => (l.includes('listening') ? true : undefined), 20_000)));
  const urls = HOSTS.map((h) => `http://${h}:${controlPort}`);
  for (let i = 0; i < 200; i++) {
    for (const url of urls) {
      const s = await (await fetch(`${url}/status`)).json();
      if (s.role === 'leader') return url;
    }
    await sleep(50);
  }
  throw new Error('no leader elected');
}

/** Runs `inFlight` closed loops of proposals for `seconds`; returns commits/s and latencies. */
async function measure(leader, inFlight, seconds) {
  const latencies = [];
  let failed = 0;
  let seq = 0;
  const end = performance.now() + seconds * 1000;
  const loop = async (lane) => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(`${leader}/propose?id=b${inFlight}-${lane}-${seq++}`, { method: 'POST' });
      await res.text();
      if (res.status === 200) latencies.push(performance.now() - t);
      else failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, lane) => loop(lane)));
  const elapsed = (performance.now() - t0) / 1000;
  return { inFlight, commitsPerSec: latencies.length / elapsed, p50: median(latencies), p99: percentile(latencies, 99), failed };
}

try {
  const leader = await startGroup();
  await measure(leader, 4, 1); // warm up the JIT and connections
  const rows = [];
  for (const inFlight of [1, 16, 64]) rows.push({ ...(await measure(leader, inFlight, SECONDS)), load1: load1() });
  console.log(table(['in flight', 'commits/s', 'p50 ms', 'p99 ms', 'failed', 'load1'], rows.map((r) => [r.inFlight, r.commitsPerSec, r.p50, r.p99, r.failed, r.load1])));
  writeResults('raft-commit', { seconds: SECONDS, rows, notes: '3 processes on 127.0.0.2-4, fdatasync on every append, HTTP control round trip included in latency' });
} finally {
  await stopAll();
}
