#!/usr/bin/env node
/**
 * anchordns benchmarks against the peers a user would pick instead (issue 5).
 *
 *   npm run bench -- dns|api|failover|scale|all [--quick] [--rounds N] [--seconds N] [--profile]
 *                                                [--sizes 1000,10000,100000] [--trials N]
 *
 * `npm run bench` builds dist/ first; this file then installs the peers from Debian when
 * missing (knot, dnsperf, etcd-server), runs the benchmark(s), prints a table per benchmark
 * and writes bench/results/<name>.json and bench/results/<name>.svg. `--quick` makes every
 * run a few seconds long: a smoke test of the harness, not a measurement.
 * Every child process is stopped by PID when the run ends, fails or is interrupted.
 * The server is run from a copy of dist/ taken at start (bench/.dist-<pid>, removed at the
 * end), so a rebuild of dist/ during a long run does not change what is measured;
 * `--live-dist` runs dist/ itself.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node bench/run.js dns|api|failover|scale|all [--quick] [--rounds N] [--seconds N] [--profile] [--sizes LIST] [--register-sizes LIST] [--trials N] [--quiet-load X --quiet-wait S] [--live-dist]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    sizes: { type: 'string' },
    'register-sizes': { type: 'string' },
    trials: { type: 'string' },
    'quiet-load': { type: 'string' },
    'live-dist': { type: 'boolean', default: false },
    'quiet-wait': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const snapshot = path.join(here, `.dist-${process.pid}`);
if (!values['live-dist'] && !process.env.ANCHORDNS_DIST && positionals[0] && !values.help) {
  const dist = path.join(here, '..', 'dist');
  if (!existsSync(path.join(dist, 'cli', 'main.js'))) throw new Error(`${dist} is missing: run "npm run build" (npm run bench does)`);
  cpSync(dist, snapshot, { recursive: true, preserveTimestamps: true });
  process.env.ANCHORDNS_DIST = snapshot;
}
// Imported only now: they read ANCHORDNS_DIST when loaded.
const { ensurePeers, peerVersions } = await import('./lib/peers.js');
const { stopAll } = await import('./lib/proc.js');
const { load1 } = await import('./lib/results.js');
const { CLI } = await import('./lib/servers.js');

const BENCHES = {
  dns: async (o) => (await import('./dns.js')).runDns(o),
  api: async (o) => (await import('./api.js')).runApi(o),
  failover: async (o) => (await import('./failover.js')).runFailover(o),
  scale: async (o) => (await import('./scale.js')).runScale(o),
};

async function main() {
  const which = positionals[0];
  if (values.help || !which || !(which === 'all' || which in BENCHES)) {
    console.error(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm run bench does)`);
  ensurePeers();
  const num = (s) => (s === undefined ? undefined : Number(s));
  const opts = {
    quick: values.quick, profile: values.profile,
    rounds: num(values.rounds), seconds: num(values.seconds), trials: num(values.trials),
    sizes: values.sizes?.split(',').map(Number),
    // `--register-sizes 0`: static sizes only.
    registerSizes: values['register-sizes']?.split(',').map(Number).filter((n) => n > 0),
    log: (s) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`),
  };
  opts.log(`peers: ${JSON.stringify(peerVersions())}; load average ${load1().toFixed(2)}${load1() > 2.5 ? ' (machine busy: figures are noisy)' : ''}`);
  for (const name of which === 'all' ? Object.keys(BENCHES) : [which]) {
    await waitQuiet(Number(values['quiet-load'] ?? Infinity), Number(values['quiet-wait'] ?? 0), opts.log);
    opts.log(`── ${name} ── load average ${load1().toFixed(2)}`);
    await BENCHES[name](opts);
  }
}

/** Waits until the 1-minute load average is under `max`, at most `seconds`. */
async function waitQuiet(max, seconds, log) {
  if (!(load1() >= max)) return;
  log(`load average ${load1().toFixed(2)} ≥ ${max}: waiting up to ${seconds} s for a quieter machine`);
  const deadline = Date.now() + seconds * 1000;
  while (load1() >= max && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000));
  if (load1() >= max) log(`still ${load1().toFixed(2)}: running anyway, figures taken under load`);
}

const interrupted = (signal) => {
  console.error(`\n${signal}: stopping children`);
  void stopAll().finally(() => {
    rmSync(snapshot, { recursive: true, force: true });
    process.exit(130);
  });
};
process.once('SIGINT', () => interrupted('SIGINT'));
process.once('SIGTERM', () => interrupted('SIGTERM'));

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(snapshot, { recursive: true, force: true });
}
