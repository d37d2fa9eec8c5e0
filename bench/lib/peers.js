/**
 * The peers anchordns is measured against, installed from Debian when missing: Knot DNS
 * (`knotd`), DNS-OARC `dnsperf` and `etcd`. Services never auto-start: when no
 * /usr/sbin/policy-rc.d exists we write one that denies every start for the install and
 * remove it after, so the Debian knot/etcd units cannot squat ports; the benchmarks run
 * their own knotd/etcd children with their own config on loopback ports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';

/** Binary → Debian package that provides it. */
const NEEDED = [
  ['knotd', 'knot'],
  ['dnsperf', 'dnsperf'],
  ['etcd', 'etcd-server'],
  ['dig', 'bind9-dnsutils'],
];

const POLICY = '/usr/sbin/policy-rc.d';

/** Absolute path of `bin` on PATH (or /usr/sbin), or undefined. */
export function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin} || ls /usr/sbin/${bin} 2>/dev/null`], { encoding: 'utf8' });
  const path = r.stdout.trim().split('\n')[0];
  return path ? path : undefined;
}

/**
 * Installs whatever of NEEDED is missing: one `apt-get update`, then one `apt-get install -y`.
 * @returns {string[]} the packages installed (empty when all were present)
 */
export function ensurePeers(log = console.error) {
  const missing = NEEDED.filter(([bin]) => !which(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return [];
  log(`installing from Debian: ${missing.join(' ')}`);
  const wrotePolicy = !existsSync(POLICY);
  if (wrotePolicy) {
    writeFileSync(POLICY, '#!/bin/sh\n# written by anchordns bench: no service starts during install\nexit 101\n');
    chmodSync(POLICY, 0o755);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 600_000 });
  } finally {
    if (wrotePolicy) unlinkSync(POLICY);
  }
  const still = NEEDED.filter(([bin]) => !which(bin)).map(([bin]) => bin);
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
  return missing;
}

/** Version lines of the peers, for the results file. */
export function peerVersions() {
  const v = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? 'unknown';
  };
  return {
    knotd: v(which('knotd') ?? 'knotd', ['--version']),
    dnsperf: `dnsperf ${/Version (\S+)/.exec(spawnSync('dnsperf', ['-h'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '')?.[1] ?? 'unknown'}`,
    etcd: v(which('etcd') ?? 'etcd', ['--version']),
    node: process.version,
  };
}
