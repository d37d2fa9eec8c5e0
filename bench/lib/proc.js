/**
 * Child processes for the benchmarks: start, wait for readiness, stop by PID.
 *
 * Every process started here is remembered; `stopAll()` (called from run.js's `finally`
 * and on SIGINT/SIGTERM) stops each one by its own PID, SIGTERM then SIGKILL after a grace
 * period. Nothing here kills by name.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, pid: number, output: string[], exited: Promise<number|string>, alive: () => boolean, stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<number|string> }} Proc */

/** @type {Set<Proc>} */
const running = new Set();
const MAX_OUTPUT_LINES = 2000;

/**
 * Spawns `cmd args` with stdout/stderr captured line by line (the last MAX_OUTPUT_LINES kept).
 * @param {string} name label for messages
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string,string>, onLine?: (line: string) => void }} [opts]
 * @returns {Proc}
 */
export function start(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  child.once('error', (err) => output.push(`spawn error: ${err.message}`));
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > MAX_OUTPUT_LINES) output.shift();
        opts.onLine?.(line);
      }
    });
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  /** @type {Proc} */
  const proc = {
    name, child, pid: child.pid ?? -1, output, exited, alive,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (alive() && proc.pid > 0) {
        try { process.kill(proc.pid, signal); } catch { /* already gone */ }
        const timer = setTimeout(() => { if (alive()) try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(proc);
      return exited;
    },
  };
  void exited.then(() => running.delete(proc));
  running.add(proc);
  return proc;
}

/** Stops every process still running, each by its PID. */
export async function stopAll() {
  await Promise.all([...running].map((p) => p.stop('SIGTERM', 3000)));
}

/**
 * Resolves with the first output line for which `match` returns a value; rejects on exit or timeout.
 * @template T
 * @param {Proc} proc
 * @param {(line: string) => T | undefined} match
 * @param {number} timeoutMs
 * @returns {Promise<T>}
 */
export function waitForLine(proc, match, timeoutMs) {
  for (const line of proc.output) {
    const v = match(line);
    if (v !== undefined) return Promise.resolve(v);
  }
  return new Promise((resolve, reject) => {
    const onData = () => {
      for (const line of proc.output.slice(-50)) {
        const v = match(line);
        if (v !== undefined) { finish(); resolve(v); return; }
      }
    };
    const timer = setTimeout(() => { finish(); reject(new Error(`${proc.name}: not ready after ${timeoutMs} ms:\n${proc.output.slice(-20).join('\n')}`)); }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', onData);
      proc.child.stderr?.off('data', onData);
    };
    proc.child.stdout?.on('data', onData);
    proc.child.stderr?.on('data', onData);
    void proc.exited.then((code) => { finish(); reject(new Error(`${proc.name} exited (${code}) before ready:\n${proc.output.slice(-20).join('\n')}`)); });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value, at most `timeoutMs`.
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {{ timeoutMs: number, intervalMs?: number, what?: string }} o
 * @returns {Promise<T>}
 */
export async function poll(check, o) {
  const deadline = Date.now() + o.timeoutMs;
  const interval = o.intervalMs ?? 50;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) { last = err; }
    await sleep(interval);
  }
  throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.what ?? 'condition'}${last ? `: ${last.message}` : ''}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmRSS of `pid` in KiB (from /proc/<pid>/status), or undefined when gone. */
export function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}

/** A port in 20000–59999 free for TCP and UDP on every address of `hosts`, excluding `avoid`. */
export async function freePort(hosts = ['127.0.0.1'], avoid = new Set()) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (avoid.has(port)) continue;
    let ok = true;
    for (const h of hosts) if (!(await tcpFree(h, port)) || !(await udpFree(h, port))) { ok = false; break; }
    if (ok) { avoid.add(port); return port; }
  }
  throw new Error(`no free port on ${hosts.join(', ')}`);
}

/** `n` distinct free ports on `hosts`. */
export async function freePorts(hosts, n) {
  const avoid = new Set();
  const out = [];
  for (let i = 0; i < n; i++) out.push(await freePort(hosts, avoid));
  return out;
}

function tcpFree(host, port) {
  return new Promise((done) => {
    const s = createServer();
    s.once('error', () => done(false));
    s.listen(port, host, () => s.close(() => done(true)));
  });
}

function udpFree(host, port) {
  return new Promise((done) => {
    const s = createSocket('udp4');
    s.once('error', () => done(false));
    s.bind(port, host, () => s.close(() => done(true)));
  });
}
