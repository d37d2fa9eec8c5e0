/**
 * `anchordns demo` (`npm run demo`): three anchors of one group on 127.0.0.2–4, a few
 * registered services, and the dig commands to try. Runs until Ctrl-C, then stops the
 * anchors it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeLocalGroupConfigs, type LocalMember } from '../anchor/group-config.js';
import { callApi } from './api-client.js';

const SERVICES: ReadonlyArray<[string, string, unknown]> = [
  ['default/web', 'east', { type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] }],
  ['default/web', 'west', { type: 'ClusterSetIP', ips: ['10.97.0.10'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] }],
  ['prod/db', 'east', { type: 'Headless', ports: [{ name: 'postgres', protocol: 'TCP', port: 5432 }], endpoints: [{ addresses: ['10.244.1.5'], hostname: 'db-0' }, { addresses: ['10.244.1.6'], hostname: 'db-1' }] }],
  ['prod/db', 'west', { type: 'Headless', ports: [{ name: 'postgres', protocol: 'TCP', port: 5432 }], endpoints: [{ addresses: ['10.245.2.7'], hostname: 'db-2' }] }],
];

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run three anchors on 127.0.0.2-4 with a few services, and print dig commands to try')
    .option('--dns-port <port>', 'DNS port on each anchor', Number, 1053)
    .option('--http-port <port>', 'HTTP port on each anchor', Number, 8053)
    .option('--peer-port <port>', 'Raft peer port on each anchor', Number, 7053)
    .option('--dir <dir>', 'where configs and data go (default: a new temp dir)')
    .action(async (flags: { dnsPort: number; httpPort: number; peerPort: number; dir?: string }) => {
      const dir = flags.dir ?? (await mkdtemp(join(tmpdir(), 'anchordns-demo-')));
      const members = await writeLocalGroupConfigs({ dir, size: 3, dnsPort: flags.dnsPort, httpPort: flags.httpPort, peerPort: flags.peerPort });
      const children = members.map((m) => startChild(m, dir));
      const stop = () => children.forEach((c) => c.kill('SIGTERM'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const api = `http://${members[0]!.host}:${flags.httpPort}`;
      await waitForLeader(api);
      for (const [ref, cluster, body] of SERVICES) await callApi({ api, token: undefined }, 'PUT', `v1/services/${ref}/clusters/${cluster}`, body);
      printTryThis(members, flags.dnsPort, flags.httpPort, dir);
      await Promise.all(children.map((c) => new Promise((done) => c.once('exit', done))));
    });
}

function startChild(member: LocalMember, dir: string): ChildProcess {
  const child = spawn(process.execPath, [process.argv[1]!, 'serve', '--config', member.config, '--log-level', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'], cwd: dir });
  child.once('exit', (code) => process.stderr.write(`anchor ${member.id} exited (${code})\n`));
  return child;
}

async function waitForLeader(api: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = (await callApi({ api, token: undefined, timeoutMs: 1000 }, 'GET', 'v1/segments').catch(() => undefined)) as { segments?: Array<{ leader: string | null }> } | undefined;
    if (status?.segments?.every((s) => s.leader)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the demo group elected no leader within 20 s');
}

function printTryThis(members: readonly LocalMember[], dnsPort: number, httpPort: number, dir: string): void {
  const [a, b, c] = members.map((m) => m.host);
  process.stdout.write(`
anchordns demo: anchors a1, a2, a3 on ${a}, ${b}, ${c} (DNS port ${dnsPort}, HTTP ${httpPort}); data in ${dir}

Try:
  dig @${a} -p ${dnsPort} web.default.svc.clusterset.local A +norec        # ClusterSetIP from two clusters
  dig @${b} -p ${dnsPort} db.prod.svc.clusterset.local A +norec            # headless: every ready endpoint
  dig @${c} -p ${dnsPort} db-2.west.db.prod.svc.clusterset.local A +norec  # one pod, by hostname and cluster
  dig @${a} -p ${dnsPort} _postgres._tcp.db.prod.svc.clusterset.local SRV +norec
  dig @${a} -p ${dnsPort} clusterset.local NS +norec                       # the group's anchors, with glue
  curl -s http://${b}:${httpPort}/v1/segments                              # Raft role, leader, term
  curl -s -XPUT http://${c}:${httpPort}/v1/services/demo/hello/clusters/east \\
       -H 'content-type: application/json' -d '{"type":"ClusterSetIP","ips":["10.96.1.1"]}'

Ctrl-C stops the anchors.
`);
}
