/**
 * SegmentGroup, three members in one process over real WALs in temp directories, their
 * messages routed between them on later turns as a network would: writes commit and
 * every member applies them, and a leader hands its own write to the disk before the
 * appends that carry it leave (segment-group.ts #handle; the write itself leaves at the
 * next microtask, group-commit.test.ts). Each member publishes its views to a DNS source
 * as an anchor does (published-views.ts), and a real Responder answers from it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { Responder } from '../dns/responder.js';
import { buildQuery } from '../dns/testing/wire.js';
import { Rcode } from '../dns/constants.js';
import { MessageType, type Message } from '../raft/types.js';
import { openWal, type Wal } from '../storage/wal.js';
import { createLogger } from './logger.js';
import { SegmentGroup } from './segment-group.js';
import { PublishedViews } from './published-views.js';

const APEX = ['clusterset', 'local'];
const VOTERS = ['a1', 'a2', 'a3'];

interface Member {
  readonly id: string;
  readonly wal: Wal;
  readonly group: SegmentGroup;
  /** What this member did, in order: `save N` (entries up to N), `send N` (appends up to N), `stale`, `view`. */
  readonly events: string[];
  /** Answers from this member's published views. */
  readonly dns: Responder;
  /** Appends without entries this member sent (the commit broadcast, or probes). */
  emptyAppends: number;
}

const dirs: string[] = [];
const walsToClose: Wal[] = [];
afterEach(async () => {
  await Promise.all(walsToClose.splice(0).map((w) => w.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function startGroup(commitHoldMs?: number): Promise<Member[]> {
  const members: Member[] = [];
  const deliver = (messages: readonly Message[]) => {
    for (const m of messages) setImmediate(() => members.find((x) => x.id === m.to)?.group.step(m));
  };
  for (const id of VOTERS) {
    const dir = await mkdtemp(join(tmpdir(), `anchordns-segment-group-${id}-`));
    dirs.push(dir);
    const wal = await openWal(dir);
    walsToClose.push(wal);
    const events: string[] = [];
    const storage = wal.group('clusterset.local');
    const save = storage.save.bind(storage);
    storage.save = (batch) => {
      if (batch.entries !== undefined && batch.entries.length > 0) events.push(`save ${batch.entries.at(-1)!.index}`);
      return save(batch);
    };
    const views = new PublishedViews(() => [group]);
    const group: SegmentGroup = new SegmentGroup({
      apex: 'clusterset.local',
      anchorId: id,
      voters: VOTERS,
      base: { apex: APEX, domain: APEX, fileRRsets: [], members: [] },
      baseSerial: 1,
      storage,
      timing: { tickMs: 10, electionTicks: 10, heartbeatTicks: 1 },
      commitHoldMs,
      send: (messages) => {
        member.emptyAppends += messages.filter((m) => m.type === MessageType.MsgApp && m.entries.length === 0).length;
        const last = Math.max(0, ...messages.filter((m) => m.type === MessageType.MsgApp).flatMap((m) => (m.entries ?? []).map((e) => e.index)));
        if (last > 0) events.push(`send ${last}`);
        deliver(messages);
      },
      onView: () => {
        events.push('view');
        views.publish();
      },
      onViewStale: () => {
        events.push('stale');
        views.stale();
      },
      logger: createLogger('silent'),
      random: Math.random,
    });
    const member: Member = { id, wal, group, events, dns: new Responder({ source: views.source }), emptyAppends: 0 };
    members.push(member);
  }
  return members;
}

/** A leader that has applied its term's first entry (its first view is built). */
async function readyLeader(members: Member[]): Promise<Member> {
  const leader = await electLeader(members);
  await expect.poll(() => leader.group.isReady(), { timeout: 5000 }).toBe(true);
  await new Promise((resolve) => setImmediate(resolve));
  leader.events.length = 0;
  return leader;
}

/** The rcode and answer addresses `member` gives for `name` A. */
function ask(member: Member, name: string): { rcode: number; addresses: string[] } {
  const bytes = member.dns.respond(buildQuery({ name: `${name}.`, flags: 0 }), 'udp', 4)!;
  const addresses = (dnsPacket.decode(bytes).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
  return { rcode: bytes[3]! & 0xf, addresses };
}

async function electLeader(members: Member[]): Promise<Member> {
  for (let tick = 0; tick < 500; tick++) {
    for (const m of members) m.group.tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const leader = members.find((m) => m.group.status().role === 'leader');
    if (leader && members.every((m) => m.group.status().leader === leader.id)) return leader;
  }
  throw new Error('no leader elected');
}

const register = (n: number) => ({
  op: 'upsertExport' as const, namespace: 'demo', service: `s${n}`,
  export: { cluster: 'east', type: 'ClusterSetIP' as const, ips: [`10.0.0.${n}`], ports: [] },
});

/** True when no append left before this member had handed the entries it carries to its disk. */
function appendsFollowTheirSave(events: readonly string[]): boolean {
  let saved = 0;
  for (const e of events) {
    const [what, index] = e.split(' ');
    if (what === 'save') saved = Math.max(saved, Number(index));
    if (what === 'send' && Number(index) > saved) return false;
  }
  return true;
}

/** Every member has applied the write of service `s<n>`. */
const everyoneHas = (members: Member[], n: number) => members.every((m) => m.group.state.service(`demo/s${n}`) !== undefined);

describe('SegmentGroup, three members in one process', () => {
  it('commits one write at a time on every member, the leader handing its own write to the disk before its appends leave', async () => {
    const members = await startGroup();
    const leader = await electLeader(members);
    for (const m of members) m.events.length = 0;
    for (let n = 1; n <= 5; n++) {
      const applied = await leader.group.propose(register(n));
      expect(applied.index).toBeGreaterThan(0);
    }
    await expect.poll(() => members.every((m) => m.group.state.service('demo/s5') !== undefined), { timeout: 5000 }).toBe(true);
    expect(leader.events.filter((e) => e.startsWith('send')).length).toBeGreaterThanOrEqual(5);
    expect(appendsFollowTheirSave(leader.events), leader.events.join(', ')).toBe(true);
  });

  it('keeps that order with many writes in flight, and every member applies them all', async () => {
    const members = await startGroup();
    const leader = await electLeader(members);
    for (const m of members) m.events.length = 0;
    // Waves of writes while earlier ones are still in flight: the leader's passes then carry
    // new entries and a commit together.
    const waves: Promise<unknown>[] = [];
    for (let wave = 0; wave < 5; wave++) {
      waves.push(...Array.from({ length: 10 }, (_, i) => leader.group.propose(register(wave * 10 + i + 1))));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waves);
    await expect.poll(() => members.every((m) => m.group.state.serviceCount === 50), { timeout: 5000 }).toBe(true);
    expect(appendsFollowTheirSave(leader.events), leader.events.join(', ')).toBe(true);
    for (const m of members) expect(m.events).toContain('view');
  });

  it('settles a write before rebuilding the view, which a read in between builds at once', async () => {
    const leader = await readyLeader(await startGroup());
    await leader.group.propose(register(7));
    // The reply may leave now: the write is applied, its view not built yet.
    expect(leader.events.filter((e) => e === 'stale' || e === 'view')).toEqual(['stale']);
    const name = ['s7', 'demo', 'svc', ...APEX];
    expect(leader.group.view.lookup(name, 1).kind).toBe('Success');
    expect(leader.events.filter((e) => e === 'stale' || e === 'view')).toEqual(['stale', 'view']);
    // The rebuild scheduled for later finds nothing left to do.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(leader.events.filter((e) => e === 'view')).toHaveLength(1);
  });

  it('rebuilds the view soon after when nothing reads it first', async () => {
    const leader = await readyLeader(await startGroup());
    await leader.group.propose(register(8));
    await expect.poll(() => leader.events.includes('view'), { timeout: 1000 }).toBe(true);
    expect(leader.events.filter((e) => e === 'stale' || e === 'view')).toEqual(['stale', 'view']);
  });

  it('answers DNS from the new view once a write settles, though the name\'s NXDOMAIN was cached and the view not rebuilt yet', async () => {
    const leader = await readyLeader(await startGroup());
    const name = 's9.demo.svc.clusterset.local';
    for (let i = 0; i < 3; i++) expect(ask(leader, name).rcode).toBe(Rcode.NXDOMAIN);
    expect(leader.dns.cachedResponses).toBeGreaterThan(0);
    await leader.group.propose(register(9));
    expect(leader.events.at(-1)).toBe('stale'); // what the reply would overtake
    expect(ask(leader, name)).toEqual({ rcode: Rcode.NOERROR, addresses: ['10.0.0.9'] });
  });

  it('while writes stream, lets the next write\'s append carry each commit, and sends the last one after the hold', async () => {
    const holdMs = 1000; // long, so that no write of the stream outlasts it on a slow disk
    const members = await startGroup(holdMs);
    const leader = await readyLeader(members);
    leader.emptyAppends = 0;
    for (let n = 1; n <= 8; n++) await leader.group.propose(register(n));
    // The first write is not part of a stream: its commit went to both followers at once.
    // The next six rode on the appends of the writes after them; the last one's is held.
    expect(leader.emptyAppends).toBe(2);
    expect(everyoneHas(members, 8)).toBe(false);
    // No ticks run here, so no heartbeat carries it: the hold's own timer sends it.
    await expect.poll(() => everyoneHas(members, 8), { timeout: 10_000, interval: 20 }).toBe(true);
    expect(leader.emptyAppends).toBe(4);
  });

  it('broadcasts every commit at once with no hold', async () => {
    const members = await startGroup(0);
    const leader = await readyLeader(members);
    leader.emptyAppends = 0;
    for (let n = 1; n <= 8; n++) await leader.group.propose(register(n));
    expect(leader.emptyAppends).toBe(16);
    await expect.poll(() => everyoneHas(members, 8), { timeout: 5000, interval: 5 }).toBe(true);
  });

  it('sends each commit at once to a writer that waits between writes', async () => {
    // Turn-around over half the hold: the api benchmark's propagation run, which writes again
    // only once every anchor answers the last write.
    const holdMs = 200;
    const members = await startGroup(holdMs);
    const leader = await readyLeader(members);
    await leader.group.propose(register(1));
    for (let n = 2; n <= 4; n++) {
      await new Promise((resolve) => setTimeout(resolve, holdMs * 0.75));
      const before = leader.emptyAppends;
      await leader.group.propose(register(n));
      expect(leader.emptyAppends - before).toBe(2);
    }
  });

  it('sends the commit at once for a write a follower forwarded, though the leader\'s own writes stream', async () => {
    const holdMs = 10_000;
    const members = await startGroup(holdMs);
    const leader = await readyLeader(members);
    for (let n = 1; n <= 4; n++) await leader.group.propose(register(n));
    const follower = members.find((m) => m !== leader)!;
    const started = performance.now();
    await follower.group.propose(register(5));
    // The follower answers once it applies the write, which needs the commit index.
    expect(performance.now() - started).toBeLessThan(holdMs / 2);
  }, 30_000);

  it('sends a lone write\'s commit at once, however long the hold', async () => {
    const members = await startGroup(60_000);
    const leader = await readyLeader(members);
    await leader.group.propose(register(3));
    await expect.poll(() => everyoneHas(members, 3), { timeout: 5000, interval: 5 }).toBe(true);
  });
});
