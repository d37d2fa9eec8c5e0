/**
 * The servers under test, each started as a child process on loopback ports chosen here:
 * an anchordns anchor (group of one, or a local 3-anchor group), Knot DNS (knotd with its
 * own config in a temp dir, one UDP/TCP/background worker, RRL off — Knot's default), and a
 * 3-member etcd 3.4 cluster. Each `start…` returns handles whose `stop()` ends the
 * processes by PID.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, waitForLine, poll, freePort, freePorts } from './proc.js';
import { UdpClient } from './dnsclient.js';
import { which } from './peers.js';
import { REPO, DIST } from './results.js';

/** The CLI entry point of a compiled tree. */
const cliIn = (dist) => path.join(dist, 'cli', 'main.js');

export const CLI = cliIn(DIST);

/** Parses anchordns's `"msg":"listening"` line into ports. */
function listening(line) {
  if (!line.includes('"msg":"listening"')) return undefined;
  const rec = JSON.parse(line);
  const port = (hp) => Number(hp.slice(hp.lastIndexOf(':') + 1));
  return { dnsPort: port(rec.dns), httpPort: port(rec.http), udpEngine: rec.udp };
}

/**
 * One anchor serving `zonesDir` as a group of one.
 * @param {{ zonesDir: string, dataDir: string, host?: string, dnsPort?: number, httpPort?: number, id?: string, nodeArgs?: string[], timeoutMs?: number }} o
 */
export async function startAnchor(o) {
  const host = o.host ?? '127.0.0.1';
  const dnsPort = o.dnsPort ?? (await freePort([host]));
  const httpPort = o.httpPort ?? (await freePort([host]));
  mkdirSync(o.dataDir, { recursive: true });
  const t0 = performance.now();
  const proc = start(`anchordns ${o.id ?? 'a1'}`, process.execPath, [
    ...(o.nodeArgs ?? []), CLI, 'serve', '--zones', o.zonesDir, '--dns', `${host}:${dnsPort}`, '--http', `${host}:${httpPort}`,
    '--data', o.dataDir, '--id', o.id ?? 'a1',
  ], { cwd: REPO });
  try {
    const ports = await waitForLine(proc, listening, o.timeoutMs ?? 120_000);
    const listeningMs = performance.now() - t0;
    await waitReady(`http://${host}:${ports.httpPort}`, o.timeoutMs ?? 120_000);
    return { proc, host, ...ports, url: `http://${host}:${ports.httpPort}`, listeningMs, readyMs: performance.now() - t0 };
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
}

/** Polls GET /ready until 200. */
export async function waitReady(url, timeoutMs = 30_000) {
  await poll(async () => (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) })).status === 200, { timeoutMs, intervalMs: 50, what: `${url}/ready` });
}

/**
 * A local 3-anchor group a1..a3 on 127.0.0.2–4 from anchordns's own group writer.
 * @param {string} dir temp dir for configs and data
 * @param {number} [size]
 * @param {string[]} [nodeArgs] extra node flags for every anchor, e.g. --cpu-prof
 * @param {string} [dist] the compiled tree to run (an A/B copy of dist/); ANCHORDNS_DIST or dist/ by default
 */
export async function startGroup(dir, size = 3, nodeArgs = [], dist = DIST) {
  mkdirSync(dir, { recursive: true });
  const cli = cliIn(dist);
  const { writeLocalGroupConfigs, localHosts } = await import(pathToFileURL(path.join(dist, 'anchor', 'group-config.js')).href);
  const [dnsPort, httpPort, peerPort] = await freePorts(localHosts(size), 3);
  const members = await writeLocalGroupConfigs({ dir, size, dnsPort, httpPort, peerPort });
  const anchors = members.map((m) => ({ ...m, dnsPort, httpPort, url: `http://${m.host}:${httpPort}`, proc: undefined }));
  const launch = async (a) => {
    a.proc = start(`anchordns ${a.id}`, process.execPath, [...nodeArgs, cli, 'serve', '--config', a.config], { cwd: REPO });
    await waitForLine(a.proc, listening, 60_000);
  };
  const group = {
    anchors, dnsPort, httpPort,
    launch,
    async stop() { await Promise.all(anchors.map((a) => a.proc?.stop())); },
    /** The anchor whose GET /v1/segments says it leads clusterset.local. */
    async leader(timeoutMs = 10_000) {
      return poll(async () => {
        for (const a of anchors) {
          if (!a.proc?.alive()) continue;
          try {
            const r = await fetch(`${a.url}/v1/segments`, { signal: AbortSignal.timeout(1000) });
            const body = await r.json();
            if (body.segments?.some((s) => s.role === 'leader')) return a;
          } catch { /* down or busy */ }
        }
        return undefined;
      }, { timeoutMs, intervalMs: 25, what: 'a leader' });
    },
  };
  try {
    await Promise.all(anchors.map(launch));
    await Promise.all(anchors.map((a) => waitReady(a.url, 30_000)));
    return group;
  } catch (err) {
    await group.stop();
    throw err;
  }
}

/** Waits until `host:port` answers SOA for the apex authoritatively. */
export async function waitDns(host, port, apex = 'clusterset.local', timeoutMs = 120_000) {
  const c = new UdpClient();
  try {
    await poll(async () => {
      const r = await c.query(host, port, apex, 'SOA', 500);
      return r !== 'timeout' && r.rcode === 0 && r.aa;
    }, { timeoutMs, intervalMs: 50, what: `DNS on ${host}:${port}` });
  } finally { c.close(); }
}

/**
 * Knot DNS serving `zoneFile` for clusterset.local: one UDP, one TCP and one background
 * worker, no journal, no zone-file sync, RRL not loaded (Knot's default), info log to stderr.
 * @param {{ dir: string, zoneFile: string, host?: string, port?: number, udpWorkers?: number }} o
 */
export async function startKnot(o) {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort([host]));
  mkdirSync(path.join(o.dir, 'db'), { recursive: true });
  const conf = path.join(o.dir, 'knot.conf');
  writeFileSync(conf, [
    'server:',
    `  listen: ${host}@${port}`,
    `  rundir: "${o.dir}"`,
    `  udp-workers: ${o.udpWorkers ?? 1}`,
    `  tcp-workers: ${o.udpWorkers ?? 1}`,
    '  background-workers: 1',
    'database:',
    `  storage: "${path.join(o.dir, 'db')}"`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'template:',
    '  - id: default',
    `    storage: "${o.dir}"`,
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    'zone:',
    '  - domain: clusterset.local',
    `    file: "${o.zoneFile}"`,
    '',
  ].join('\n'));
  const t0 = performance.now();
  const proc = start('knotd', which('knotd') ?? '/usr/sbin/knotd', ['-c', conf]);
  try {
    await waitDns(host, port);
    return { proc, host, port, readyMs: performance.now() - t0 };
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
}

/**
 * A 3-member etcd 3.4 cluster on 127.0.0.2–4 (distinct client and peer ports per member,
 * data in `dir`), fsync on (etcd always syncs its WAL), default timings.
 * @param {string} dir
 */
export async function startEtcd(dir) {
  const hosts = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const [clientPort, peerPort] = await freePorts(hosts, 2);
  const names = hosts.map((_, i) => `e${i + 1}`);
  const initial = names.map((n, i) => `${n}=http://${hosts[i]}:${peerPort}`).join(',');
  const members = names.map((name, i) => ({ name, host: hosts[i], url: `http://${hosts[i]}:${clientPort}`, proc: undefined }));
  const bin = which('etcd') ?? '/usr/bin/etcd';
  for (const [i, m] of members.entries()) {
    const data = path.join(dir, m.name);
    mkdirSync(data, { recursive: true });
    m.proc = start(`etcd ${m.name}`, bin, [
      '--name', m.name, '--data-dir', data,
      '--listen-client-urls', m.url, '--advertise-client-urls', m.url,
      '--listen-peer-urls', `http://${hosts[i]}:${peerPort}`, '--initial-advertise-peer-urls', `http://${hosts[i]}:${peerPort}`,
      '--initial-cluster', initial, '--initial-cluster-state', 'new', '--initial-cluster-token', 'anchordns-bench',
      '--log-outputs', 'stderr', '--logger', 'zap', '--log-level', 'warn',
    ], { env: { ETCD_UNSUPPORTED_ARCH: '' } });
  }
  const cluster = { members, async stop() { await Promise.all(members.map((m) => m.proc?.stop())); } };
  try {
    for (const m of members) {
      await poll(async () => (await fetch(`${m.url}/health`, { signal: AbortSignal.timeout(1000) })).ok, { timeoutMs: 60_000, intervalMs: 100, what: `etcd ${m.name} health` });
    }
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
