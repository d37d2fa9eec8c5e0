/**
 * Three real anchors replicating clusterset.local through Raft over TCP, queried with
 * dig: a write to any anchor is answered by all; the leader is SIGKILLed under a stream
 * of registrations; the whole group restarts from disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import { AnchorGroup, register } from './support/anchor-group.js';

const svcUrl = (ns: string, svc: string, cluster: string) => `/v1/services/${ns}/${svc}/clusters/${cluster}`;
const clusterSetIp = (ip: string, extra: object = {}) => ({ type: 'ClusterSetIP', ips: [ip], ports: [{ name: 'http', protocol: 'TCP', port: 80 }], ...extra });

async function answers(group: AnchorGroup, host: string, name: string): Promise<string[]> {
  const result = await dig('dig', host, group.dnsPort, [name, 'A', '+norec']);
  return result.answer.map((r) => r.data).sort();
}

describe('a three-anchor group', () => {
  let group: AnchorGroup;
  const acknowledged: string[] = [];
  beforeAll(async () => {
    group = await AnchorGroup.create(3);
    await group.startAll();
    await group.leader();
  });
  afterAll(() => group.destroy());

  it('answers a registration sent to a follower on every anchor within a second', async () => {
    const leader = await group.leader();
    const follower = group.members.find((m) => m !== leader)!;
    const res = await register(group.url(follower, svcUrl('demo', 'web', 'east')), clusterSetIp('10.96.0.10'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ index: expect.any(Number), serial: expect.any(Number) });
    expect(await answers(group, follower.host, 'web.demo.svc.clusterset.local')).toEqual(['10.96.0.10']);
    for (const m of group.members) {
      await expect.poll(() => answers(group, m.host, 'web.demo.svc.clusterset.local'), { timeout: 1000, interval: 50 }).toEqual(['10.96.0.10']);
    }
  });

  it('removes a deleted export everywhere', async () => {
    const [first] = group.members;
    expect((await register(group.url(first!, svcUrl('demo', 'gone', 'east')), clusterSetIp('10.96.0.11'))).status).toBe(200);
    const del = await fetch(group.url(first!, svcUrl('demo', 'gone', 'east')), { method: 'DELETE' });
    expect(del.status).toBe(200);
    for (const m of group.members) {
      await expect.poll(async () => (await dig('dig', m.host, group.dnsPort, ['gone.demo.svc.clusterset.local', 'A'])).status, { timeout: 1000, interval: 50 }).toBe('NXDOMAIN');
    }
  });

  it('expires an export whose cluster stops renewing its lease, everywhere', async () => {
    const [, second] = group.members;
    expect((await register(group.url(second!, svcUrl('demo', 'leased', 'west')), clusterSetIp('10.96.0.12', { leaseSeconds: 1 }))).status).toBe(200);
    expect(await answers(group, second!.host, 'leased.demo.svc.clusterset.local')).toEqual(['10.96.0.12']);
    for (const m of group.members) {
      await expect.poll(async () => (await dig('dig', m.host, group.dnsPort, ['leased.demo.svc.clusterset.local', 'A'])).status, { timeout: 5000, interval: 100 }).toBe('NXDOMAIN');
    }
  });

  it('keeps an export while its cluster heartbeats, and expires it everywhere once they stop', async () => {
    const [first, second] = group.members;
    expect((await register(group.url(first!, svcUrl('demo', 'beating', 'north')), clusterSetIp('10.96.0.13', { leaseSeconds: 1 }))).status).toBe(200);
    // Heartbeats every 300 ms for 3 s: three lease periods, each renewed in time.
    for (let i = 0; i < 10; i++) {
      expect((await fetch(group.url(second!, '/v1/clusters/north/heartbeat'), { method: 'POST' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    for (const m of group.members) expect(await answers(group, m.host, 'beating.demo.svc.clusterset.local')).toEqual(['10.96.0.13']);
    for (const m of group.members) {
      await expect.poll(async () => (await dig('dig', m.host, group.dnsPort, ['beating.demo.svc.clusterset.local', 'A'])).status, { timeout: 5000, interval: 100 }).toBe('NXDOMAIN');
    }
  });

  it('keeps every acknowledged registration through a leader SIGKILL, and keeps answering DNS', async () => {
    const leader = await group.leader();
    const survivors = group.members.filter((m) => m !== leader);
    let dnsFailures = 0;
    let dnsQueries = 0;
    let stop = false;

    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const target = survivors[i % survivors.length]!;
        const res = await register(group.url(target, svcUrl('stream', `s${i}`, 'east')), clusterSetIp(`10.97.${i >> 8}.${i & 255}`)).catch(() => ({ status: 0 }));
        if (res.status === 200) acknowledged.push(`s${i}`);
      }
    })();
    const prober = (async () => {
      while (!stop) {
        for (const m of survivors) {
          dnsQueries++;
          const r = await dig('dig', m.host, group.dnsPort, ['web.demo.svc.clusterset.local', 'A', '+norec']).catch(() => undefined);
          if (r?.status !== 'NOERROR') dnsFailures++;
        }
      }
    })();

    await new Promise((r) => setTimeout(r, 700));
    await group.kill(leader, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await Promise.all([writer, prober]);
    expect(acknowledged.length).toBeGreaterThan(5);
    expect(dnsQueries).toBeGreaterThan(10);
    expect(dnsFailures).toBe(0);

    await group.start(leader);
    for (const m of group.members) {
      for (const name of acknowledged) {
        await expect.poll(() => answers(group, m.host, `${name}.stream.svc.clusterset.local`), { timeout: 5000, interval: 50 }).toHaveLength(1);
      }
    }
  });

  it('keeps every registration when all anchors stop and start again', async () => {
    await group.stopAll('SIGKILL');
    await group.startAll();
    await group.leader();
    for (const m of group.members) {
      await expect.poll(() => answers(group, m.host, 'web.demo.svc.clusterset.local'), { timeout: 5000, interval: 50 }).toEqual(['10.96.0.10']);
      for (const name of acknowledged) expect(await answers(group, m.host, `${name}.stream.svc.clusterset.local`)).toHaveLength(1);
    }
  });
});

describe('a follower that missed compacted entries', () => {
  let group: AnchorGroup;
  beforeAll(async () => {
    group = await AnchorGroup.create(3, 'raft: { snapshotEntries: 20 }');
    await group.startAll();
  });
  afterAll(() => group.destroy());

  it('catches up from a snapshot (InstallSnapshot) and answers everything', async () => {
    const leader = await group.leader();
    const lagging = group.members.find((m) => m !== leader)!;
    await group.kill(lagging, 'SIGKILL');
    // 60 writes to 6 services: a segment snapshots after max(snapshotEntries, services / 2)
    // entries, so few services keep the interval at 20 and the log is compacted past
    // what the lagging member holds.
    for (let i = 0; i < 60; i++) {
      expect((await register(group.url(leader, svcUrl('snap', `s${i % 6}`, 'east')), clusterSetIp(`10.98.0.${i}`))).status).toBe(200);
    }
    await group.start(lagging);
    for (const k of [0, 3, 5]) {
      await expect.poll(() => answers(group, lagging.host, `s${k}.snap.svc.clusterset.local`), { timeout: 10_000, interval: 100 }).toEqual([`10.98.0.${54 + k}`]);
    }
    const { readdir } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const snaps = await readdir(join(dirname(lagging.config), `data-${lagging.id}`, 'snap'));
    expect(snaps.length).toBeGreaterThan(0);
  });
});

describe('a quiet segment', () => {
  let group: AnchorGroup;
  beforeAll(async () => {
    group = await AnchorGroup.create(1, 'raft: { snapshotSeconds: 1 }');
    await group.startAll();
  });
  afterAll(() => group.destroy());

  it('snapshots after snapshotSeconds, so it never pins the shared WAL', async () => {
    const [only] = group.members;
    expect((await register(group.url(only!, svcUrl('quiet', 'one', 'east')), clusterSetIp('10.99.0.1'))).status).toBe(200);
    const { readdir } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const snapDir = join(dirname(only!.config), `data-${only!.id}`, 'snap');
    await expect.poll(async () => (await readdir(snapDir)).length, { timeout: 5000, interval: 200 }).toBeGreaterThan(0);
    // …and says so on /metrics: the snapshot's size and how long it took.
    const metrics = await (await fetch(group.url(only!, '/metrics'))).text();
    expect(metrics).toMatch(/^anchordns_snapshot_size_bytes\{segment="clusterset.local"\} [1-9]/m);
    expect(metrics).toMatch(/^anchordns_snapshot_duration_seconds_count\{segment="clusterset.local"\} [1-9]/m);
  });
});
