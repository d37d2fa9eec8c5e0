/**
 * The Raft library end to end (issue "Raft library", "A host to prove it"): three real
 * processes, each the pure core over the real WAL and TCP transport, take a stream of
 * proposals; the leader is SIGKILLed mid-stream and restarted. Every acknowledged
 * proposal must then be applied exactly once, in the same order, on all three.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support/anchor-process.js';
import { TempDirs } from './support/temp-dirs.js';
import { freePortsOn } from './support/ports.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'raft-node.mjs');
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const IDS = ['n1', 'n2', 'n3'];

interface Node { id: string; host: string; dir: string; child?: ChildProcess }
const nodes: Node[] = [];
let peerPort = 0;
let controlPort = 0;

async function start(node: Node): Promise<void> {
  const peers = IDS.map((id, i) => `${id}=${HOSTS[i]}:${peerPort}`).join(',');
  const child = spawn(process.execPath, [FIXTURE, '--id', node.id, '--dir', node.dir, '--listen', `${node.host}:${peerPort}`, '--control', `${node.host}:${controlPort}`, '--peers', peers], { stdio: ['ignore', 'pipe', 'inherit'] });
  node.child = child;
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && done());
    child.once('exit', (code) => fail(new Error(`raft node ${node.id} exited ${code}`)));
  });
}

async function kill(node: Node): Promise<void> {
  const child = node.child!;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  node.child = undefined;
}

const control = (node: Node, path: string, method = 'GET') => fetch(`http://${node.host}:${controlPort}${path}`, { method, signal: AbortSignal.timeout(5000) });
const status = async (node: Node) => (await (await control(node, '/status')).json()) as { role: string; lead: string; applied: number };
const appliedIds = async (node: Node) => (await (await control(node, '/applied')).text()).split('\n').filter(Boolean);

async function leader(): Promise<Node> {
  for (let i = 0; i < 200; i++) {
    for (const n of nodes.filter((x) => x.child)) if ((await status(n).catch(() => undefined))?.role === 'leader') return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no leader');
}

const temp = new TempDirs();

afterAll(async () => {
  await Promise.all(nodes.filter((n) => n.child).map(kill));
  await temp.removeAll();
});

describe('three Raft processes over the real WAL and TCP', () => {
  it('apply every acknowledged proposal exactly once, in one order, across a leader SIGKILL', async () => {
    [peerPort, controlPort] = (await freePortsOn(HOSTS, 2)) as [number, number];
    for (const [i, id] of IDS.entries()) nodes.push({ id, host: HOSTS[i]!, dir: await temp.make(`anchordns-raft-${id}-`) });
    await Promise.all(nodes.map(start));
    const first = await leader();

    const acked: string[] = [];
    let stop = false;
    const client = async (lane: number) => {
      for (let k = 0; !stop; k++) {
        const live = nodes.filter((n) => n.child);
        const target = live[(lane + k) % live.length]!;
        const id = `p${lane}-${k}`;
        const res = await control(target, `/propose?id=${id}`, 'POST').catch(() => undefined);
        if (res?.status === 200) acked.push(id);
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await new Promise((r) => setTimeout(r, 800));
    await kill(first);
    await new Promise((r) => setTimeout(r, 2000));
    await start(first);
    await new Promise((r) => setTimeout(r, 800));
    stop = true;
    await Promise.all(clients);

    // Let the restarted node catch up, then compare what each applied.
    const target = Math.max(...(await Promise.all(nodes.map(status))).map((s) => s.applied));
    await expect.poll(async () => Math.min(...(await Promise.all(nodes.map(status))).map((s) => s.applied)), { timeout: 10_000 }).toBeGreaterThanOrEqual(target);
    const [one, two, three] = await Promise.all(nodes.map(appliedIds));
    expect(acked.length).toBeGreaterThan(20);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(new Set(one).size).toBe(one!.length);
    const appliedSet = new Set(one);
    expect(acked.filter((id) => !appliedSet.has(id))).toEqual([]);
  });
});
