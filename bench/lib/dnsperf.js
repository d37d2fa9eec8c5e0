/**
 * Runs DNS-OARC dnsperf 2.10 and reads its results.
 *
 * dnsperf prints queries per second and average latency but no percentiles, so every run
 * is made with `-v` (one line per answered query: `> RCODE name TYPE seconds`) written to a
 * file; the file is then read back into a histogram of 1 µs buckets for p50/p99/p99.9.
 * -v costs dnsperf some CPU per query, the same for whichever server is measured.
 * The server's own CPU time over the run (utime+stime from /proc/<pid>/stat, all threads)
 * gives server CPU per answered query, which is steadier than qps on a shared machine.
 */
import { spawn } from 'node:child_process';
import { createReadStream, openSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runQueueWaitNs, kdamondRunNs } from './sched.js';

const TICK_US = 1e6 / 100; // USER_HZ = 100 on Linux

/** CPU time (user+system, µs) used so far by process `pid`, all threads. */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US; // fields 14 and 15 (utime, stime)
  } catch { return NaN; }
}

/**
 * @param {{ host: string, port: number, file: string, seconds: number, tcp?: boolean, clients?: number, outstanding?: number, rate?: number, serverPid?: number, verboseFile: string }} o
 *   `rate`: queries per second dnsperf sends at most (-Q); without it, as fast as answers return.
 * @returns {Promise<{ args: string[], qps: number, avgMs: number, p50Ms: number, p99Ms: number, p999Ms: number, sent: number, completed: number, lost: number, rcodes: Record<string, number>, serverCpuUsPerQuery: number, serverRunQueueWaitMs: number, kdamondMs: number }>}
 *   `serverRunQueueWaitMs`: time the server's threads were runnable but waited for a CPU
 *   during the run; `kdamondMs`: on-CPU time of the kernel's DAMON threads (lib/sched.js).
 */
export async function dnsperf(o) {
  const args = ['-s', o.host, '-p', String(o.port), '-d', o.file, '-l', String(o.seconds),
    '-c', String(o.clients ?? 4), '-q', String(o.outstanding ?? 100), '-t', '2', '-v'];
  if (o.tcp) args.push('-m', 'tcp');
  if (o.rate !== undefined) args.push('-Q', String(o.rate));
  const fd = openSync(o.verboseFile, 'w');
  const cpu0 = o.serverPid ? cpuMicros(o.serverPid) : NaN;
  const wait0 = o.serverPid ? runQueueWaitNs(o.serverPid) : NaN;
  const kdamond0 = kdamondRunNs();
  let stderr = '';
  const code = await new Promise((resolve) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', fd, 'pipe'] });
    child.stderr.on('data', (d) => { stderr += d; });
    const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 30) * 1000);
    child.once('exit', (c) => { clearTimeout(killer); resolve(c); });
  });
  const cpu1 = o.serverPid ? cpuMicros(o.serverPid) : NaN;
  const serverRunQueueWaitMs = o.serverPid ? (runQueueWaitNs(o.serverPid) - wait0) / 1e6 : NaN;
  const kdamondMs = (kdamondRunNs() - kdamond0) / 1e6;
  closeSync(fd);
  try {
    const r = await readVerbose(o.verboseFile);
    if (code !== 0 || !Number.isFinite(r.qps)) throw new Error(`dnsperf ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`);
    return { args, ...r, serverCpuUsPerQuery: (cpu1 - cpu0) / r.completed, serverRunQueueWaitMs, kdamondMs };
  } finally {
    try { unlinkSync(o.verboseFile); } catch { /* gone */ }
  }
}

/** Reads dnsperf -v output: per-query latencies into a histogram, plus the summary. */
async function readVerbose(file) {
  const buckets = new Map(); // µs → count
  const summary = [];
  let n = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.startsWith('> ')) {
      const us = Math.round(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1e6);
      if (Number.isFinite(us)) { buckets.set(us, (buckets.get(us) ?? 0) + 1); n++; }
    } else summary.push(line);
  }
  const text = summary.join('\n');
  const num = (re) => { const m = re.exec(text); return m ? Number(m[1]) : NaN; };
  const rcodes = {};
  const rc = /Response codes:\s+(.*)/.exec(text);
  if (rc) for (const m of rc[1].matchAll(/([A-Z]+) (\d+)/g)) rcodes[m[1]] = Number(m[2]);
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const pct = (p) => {
    const want = Math.ceil((p / 100) * n);
    let seen = 0;
    for (const [us, c] of sorted) { seen += c; if (seen >= want) return us / 1000; }
    return NaN;
  };
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    p50Ms: pct(50), p99Ms: pct(99), p999Ms: pct(99.9),
    rcodes,
  };
}
