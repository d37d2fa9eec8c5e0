/**
 * Black-box check that the pieces fit the Raft host contract (src/raft/README.md): three
 * anchors, each with one shared WAL (src/storage) and a transport (src/transport), host two
 * Raft groups and run the persist → send → apply → advance loop. Commands committed before a
 * full restart of every anchor must be applied again, in order, from disk afterwards, and the
 * restarted cluster must keep committing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, mulberry32, RawNode, type Message, type Ready } from '../src/raft/index.js';
import { openWal, type DiskStorage, type Wal } from '../src/storage/index.js';
import { createServer } from 'node:net';
import { createMemoryTransport, createTcpTransport, MemoryNetwork, type Transport, type TransportOptions } from '../src/transport/index.js';

/** Builds this anchor's transport and says where each anchor listens. */
interface Wiring {
  make(opts: TransportOptions): Transport;
  address(id: string): string;
}

function memoryWiring(): Wiring {
  const net = new MemoryNetwork();
  return { make: (o) => createMemoryTransport(net, o), address: (id) => `mem-${id}` };
}

/** TCP on loopback, with ports picked once so restarted anchors listen where peers expect them. */
async function tcpWiring(): Promise<Wiring> {
  const ports = new Map<string, number>();
  for (const id of IDS) {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    ports.set(id, (srv.address() as { port: number }).port);
    await new Promise((r) => srv.close(r));
  }
  return { make: (o) => createTcpTransport(o), address: (id) => `127.0.0.1:${ports.get(id)}` };
}

const IDS = ['a', 'b', 'c'] as const;
const GROUPS = ['zone-1', 'zone-2'] as const;

interface Group {
  node: RawNode;
  storage: DiskStorage;
  applied: string[];
  busy: boolean;
  inbox: Message[];
}

/** A minimal anchor host: the Ready loop of every group, ticking every few milliseconds. */
class MiniAnchor {
  readonly groups = new Map<string, Group>();
  #timer: NodeJS.Timeout | undefined;

  private constructor(readonly id: string, readonly wal: Wal, readonly transport: Transport) {}

  static async start(id: string, dir: string, wiring: Wiring, seed: number): Promise<MiniAnchor> {
    const wal = await openWal(dir, { segmentBytes: 4096, log: () => undefined });
    const transport = wiring.make({ id, listen: wiring.address(id), backoff: { baseMs: 5, maxMs: 20 } });
    const a = new MiniAnchor(id, wal, transport);
    for (const g of GROUPS) {
      const storage = wal.group(g);
      const node = new RawNode({ id, storage, random: mulberry32(seed + g.length), bootstrap: { voters: [...IDS] } });
      a.groups.set(g, { node, storage, applied: [], busy: false, inbox: [] });
    }
    transport.onMessage((g, m) => a.#receive(g, m));
    transport.onUnreachable((p) => a.groups.forEach((gr) => !gr.busy && gr.node.reportUnreachable(p)));
    for (const p of IDS) if (p !== id) transport.addPeer(p, wiring.address(p));
    await transport.start();
    a.#timer = setInterval(() => a.#tick(), 3);
    return a;
  }

  #receive(g: string, m: Message): void {
    const gr = this.groups.get(g);
    if (gr === undefined) return;
    gr.inbox.push(m);
    void this.#drive(g, gr);
  }

  #tick(): void {
    for (const [g, gr] of this.groups) {
      if (!gr.busy) gr.node.tick();
      void this.#drive(g, gr);
    }
  }

  /** Steps queued messages, then runs Ready rounds until there is no more work. */
  async #drive(g: string, gr: Group): Promise<void> {
    if (gr.busy) return;
    gr.busy = true;
    try {
      for (const m of gr.inbox.splice(0)) gr.node.step(m);
      while (gr.node.hasReady()) {
        const rd: Ready = gr.node.ready();
        await gr.storage.save(rd);
        this.transport.send(g, rd.messages);
        for (const e of rd.committedEntries) {
          if (e.type === EntryType.Normal && e.data.length > 0) gr.applied.push(new TextDecoder().decode(e.data));
        }
        gr.node.advance();
        for (const m of gr.inbox.splice(0)) gr.node.step(m);
      }
    } finally {
      gr.busy = false;
    }
  }

  leaderOf(g: string): boolean {
    return this.groups.get(g)!.node.status().softState.role === 'leader';
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.transport.close();
    while ([...this.groups.values()].some((gr) => gr.busy)) await new Promise((r) => setTimeout(r, 2));
    await this.wal.close();
  }
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Proposes `cmds` on the leader of `g` (retrying until each lands) and waits for all replicas. */
async function commitAll(anchors: MiniAnchor[], g: string, cmds: string[]): Promise<void> {
  for (const c of cmds) {
    await until(() => anchors.some((a) => a.leaderOf(g)), `leader of ${g}`);
    const leader = anchors.find((a) => a.leaderOf(g))!;
    leader.groups.get(g)!.node.propose(new TextEncoder().encode(c));
  }
  await until(() => anchors.every((a) => cmds.every((c) => a.groups.get(g)!.applied.includes(c))), `${g} applied everywhere`);
}

describe.each([
  ['in-process', async () => memoryWiring()],
  ['tcp', tcpWiring],
] as const)('three anchors, two groups, WAL + %s transport', (_name, wire) => {
  const dirs: string[] = [];
  let anchors: MiniAnchor[] = [];
  afterEach(async () => {
    for (const a of anchors) await a.stop();
    anchors = [];
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('commits, survives a full restart from disk, and keeps committing', async () => {
    for (const _ of IDS) dirs.push(await mkdtemp(join(tmpdir(), 'anchordns-cluster-')));
    const wiring = await wire();
    anchors = await Promise.all(IDS.map((id, i) => MiniAnchor.start(id, dirs[i], wiring, 7 * i + 1)));
    const first = Array.from({ length: 20 }, (_, i) => `cmd-${i}`);
    for (const g of GROUPS) await commitAll(anchors, g, first.map((c) => `${g}/${c}`));
    const before = anchors.map((a) => GROUPS.map((g) => a.groups.get(g)!.applied.join(',')));
    for (const a of anchors) await a.stop();

    anchors = await Promise.all(IDS.map((id, i) => MiniAnchor.start(id, dirs[i], wiring, 7 * i + 100)));
    for (const g of GROUPS) await commitAll(anchors, g, [`${g}/after-restart`]);
    anchors.forEach((a, i) => {
      GROUPS.forEach((g, j) => {
        const applied = a.groups.get(g)!.applied;
        // Everything committed before the restart is applied again first, in the same order.
        expect(applied.slice(0, first.length).join(',')).toBe(before[i][j]);
        expect(applied).toContain(`${g}/after-restart`);
      });
    });
  });
});
