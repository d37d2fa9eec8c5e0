/**
 * The MCS DNS schema (KEP-1645, as CoreDNS's multicluster mode answers), checked with dig
 * against a real anchor after registering through its HTTP API; and the API's answers to
 * bad input, each of which must leave the data unchanged.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import { AnchorGroup, register } from './support/anchor-group.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = `clusters:
  east: ["127.0.0.5/32"]
  west: ["127.0.0.6/32"]
tokens:
  - { name: east-controller, sha256: "${sha('east-secret')}", clusters: [east] }
  - { name: west-controller, sha256: "${sha('west-secret')}", clusters: [west, cluster-a.registry-x] }
  - { name: ops, sha256: "${sha('ops-secret')}", admin: true }`;

let group: AnchorGroup;
let host: string;
const Z = 'svc.clusterset.local';
const q = (name: string, type: string, ...extra: string[]) => dig('dig', host, group.dnsPort, [name, type, '+norec', ...extra]);
const put = (ns: string, svc: string, cluster: string, body: unknown, token = 'ops-secret') =>
  register(group.url(group.members[0]!, `/v1/services/${ns}/${svc}/clusters/${cluster}`), body, token);

beforeAll(async () => {
  group = await AnchorGroup.create(1, TOKENS);
  await group.startAll();
  await group.leader();
  host = group.members[0]!.host;
  const http = [{ name: 'tcp', protocol: 'TCP', port: 42 }, { name: 'udp', protocol: 'UDP', port: 42 }];
  const ok = await Promise.all([
    put('demo', 'hello', 'east', { type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: http }, 'east-secret'),
    put('demo', 'hello', 'west', { type: 'ClusterSetIP', ips: ['10.97.0.10'], ports: http }, 'west-secret'),
    put('demo', 'pets', 'east', { type: 'Headless', ports: http, endpoints: [{ addresses: ['10.244.1.5'], hostname: 'pet-0' }, { addresses: ['10.244.1.6'] }, { addresses: ['10.244.1.7'], hostname: 'sick', ready: false }] }),
    put('demo', 'pets', 'cluster-a.registry-x', { type: 'Headless', ports: http, endpoints: [{ addresses: ['10.245.0.9'], hostname: 'pet-1' }] }),
    put('demo', 'empty', 'east', { type: 'Headless', ports: http, endpoints: [{ addresses: ['10.244.9.9'], ready: false }] }),
    put('demo', 'big', 'east', { type: 'Headless', ports: [], endpoints: Array.from({ length: 300 }, (_, i) => ({ addresses: [`10.250.${i >> 8}.${i & 255}`] })) }),
  ]);
  expect(ok.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
});
afterAll(() => group.destroy());

describe('ClusterSetIP services (specification.md §2.3)', () => {
  it('answers A with every exporting cluster\'s address, AA set, TTL 5', async () => {
    const r = await q(`hello.demo.${Z}`, 'A');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer.map((a) => a.data).sort()).toEqual(['10.96.0.10', '10.97.0.10']);
    expect(r.answer.every((a) => a.ttl === 5)).toBe(true);
  });

  it('puts the querying client\'s own cluster first, and rotates for other clients', async () => {
    const first = async (...extra: string[]) => (await q(`hello.demo.${Z}`, 'A', ...extra)).answer[0]!.data;
    for (let i = 0; i < 3; i++) {
      expect(await first('-b', '127.0.0.5')).toBe('10.96.0.10');
      expect(await first('-b', '127.0.0.6')).toBe('10.97.0.10');
    }
    const leads = new Set([await first(), await first(), await first(), await first()]);
    expect([...leads].sort()).toEqual(['10.96.0.10', '10.97.0.10']);
  });

  it('answers AAAA on a v4-only service with NODATA and the SOA', async () => {
    const r = await q(`hello.demo.${Z}`, 'AAAA');
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toEqual([]);
    expect(r.authority.map((a) => [a.type, a.ttl])).toEqual([['SOA', 5]]);
    expect(r.authority[0]!.data).toMatch(/^ns\.dns\.clusterset\.local\. hostmaster\.clusterset\.local\. \d+ 7200 1800 86400 5$/);
  });

  it('answers SRV on the bare name once per (target, port), with the address in Additional (conformance C2)', async () => {
    const r = await q(`hello.demo.${Z}`, 'SRV');
    expect(r.answer.map((a) => a.data)).toEqual([`0 100 42 hello.demo.${Z}.`]);
    expect(r.additional.filter((a) => a.type === 'A').map((a) => a.data).sort()).toEqual(['10.96.0.10', '10.97.0.10']);
    const named = await q(`_tcp._tcp.hello.demo.${Z}`, 'SRV');
    expect(named.answer.map((a) => a.data)).toEqual([`0 100 42 hello.demo.${Z}.`]);
  });

  it('answers the reserved <clusterid>.<svc> name with NXDOMAIN (specification.md §2.3.4)', async () => {
    expect((await q(`east.hello.demo.${Z}`, 'A')).status).toBe('NXDOMAIN');
  });
});

describe('headless services (specification.md §2.4)', () => {
  it('answers every ready endpoint across clusters', async () => {
    const r = await q(`pets.demo.${Z}`, 'A');
    expect(r.answer.map((a) => a.data).sort()).toEqual(['10.244.1.5', '10.244.1.6', '10.245.0.9']);
  });

  it('answers per-pod names by hostname, by dashed address, and with a two-label cluster id', async () => {
    expect((await q(`pet-0.east.pets.demo.${Z}`, 'A')).answer.map((a) => a.data)).toEqual(['10.244.1.5']);
    expect((await q(`10-244-1-6.east.pets.demo.${Z}`, 'A')).answer.map((a) => a.data)).toEqual(['10.244.1.6']);
    expect((await q(`pet-1.cluster-a.registry-x.pets.demo.${Z}`, 'A')).answer.map((a) => a.data)).toEqual(['10.245.0.9']);
    expect((await q(`sick.east.pets.demo.${Z}`, 'A')).status).toBe('NXDOMAIN');
    expect((await q(`east.pets.demo.${Z}`, 'A')).status).toBe('NXDOMAIN');
  });

  it('answers SRV per ready endpoint with per-pod targets on both name forms (conformance H3)', async () => {
    const expected = [`0 33 42 10-244-1-6.east.pets.demo.${Z}.`, `0 33 42 pet-0.east.pets.demo.${Z}.`, `0 33 42 pet-1.cluster-a.registry-x.pets.demo.${Z}.`];
    expect((await q(`pets.demo.${Z}`, 'SRV')).answer.map((a) => a.data).sort()).toEqual(expected);
    expect((await q(`_udp._udp.pets.demo.${Z}`, 'SRV')).answer.map((a) => a.data).sort()).toEqual(expected);
  });

  it('answers NXDOMAIN for a headless service with no ready endpoint', async () => {
    expect((await q(`empty.demo.${Z}`, 'A')).status).toBe('NXDOMAIN');
  });

  it('truncates 300 endpoints over UDP and answers them whole over TCP', async () => {
    const udp = await q(`big.demo.${Z}`, 'A', '+ignore');
    expect(udp.flags).toContain('tc');
    expect(udp.answer).toEqual([]);
    const tcp = await q(`big.demo.${Z}`, 'A', '+tcp');
    expect(tcp.answer).toHaveLength(300);
  });
});

describe('names around the services', () => {
  it('answers dns-version TXT "1.0.0" with TTL 28800', async () => {
    expect((await q('dns-version.clusterset.local', 'TXT')).answer.map((a) => [a.ttl, a.data])).toEqual([[28800, '"1.0.0"']]);
  });

  it('answers the apex, svc and a namespace with services with NODATA', async () => {
    for (const name of ['clusterset.local', Z, `demo.${Z}`]) {
      const r = await q(name, 'A');
      expect([name, r.status, r.answer.length]).toEqual([name, 'NOERROR', 0]);
    }
    expect((await q(`nons.${Z}`, 'A')).status).toBe('NXDOMAIN');
  });
});

describe('bad registration input gets a clear 4xx and changes nothing', () => {
  const good = { type: 'ClusterSetIP', ips: ['10.96.5.5'] };
  it.each([
    ['malformed JSON', '{"type":', 'ops-secret', 'x', 400, 'not valid JSON'],
    ['an invalid IP', { type: 'ClusterSetIP', ips: ['10.0.0.256'] }, 'ops-secret', 'x', 400, 'body.ips[0]'],
    ['a label over 63 octets', { ...good, ports: [{ name: 'p'.repeat(64), protocol: 'TCP', port: 1 }] }, 'ops-secret', 'x', 400, 'body.ports[0].name'],
    ['an unknown field', { ...good, color: 'red' }, 'ops-secret', 'x', 400, 'color'],
    ['a wrong token', good, 'nope', 'x', 401, 'unknown token'],
    ["another cluster's token", good, 'east-secret', 'west', 403, 'may not write cluster "west"'],
  ])('%s', async (_what, body, token, cluster, status, message) => {
    const res = await put('bad', 'input', cluster === 'x' ? 'east' : cluster, body, token);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect((await q(`input.bad.${Z}`, 'A')).status).toBe('NXDOMAIN');
  });

  it('refuses writes whose records could not be in the zone, and keeps taking writes (no poison entry)', async () => {
    const longName = await put('n'.repeat(63), 's'.repeat(63), `${'c'.repeat(63)}.${'d'.repeat(63)}`, {
      type: 'Headless', endpoints: [{ addresses: ['10.9.9.9'], hostname: 'h'.repeat(63) }],
    });
    expect(longName.status).toBe(400);
    expect(longName.body.error.message).toContain('longer than 255 octets');
    const admin = (path: string, body: unknown) => fetch(group.url(group.members[0]!, path), {
      method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer ops-secret' }, body: JSON.stringify(body),
    });
    const underSvc = await admin('/v1/segments/clusterset.local/rrsets/hello.demo.svc/CNAME', { ttl: 5, rdata: ['elsewhere.example.'] });
    expect(underSvc.status).toBe(400);
    expect(((await underSvc.json()) as { error: { message: string } }).error.message).toContain('belong to service registrations');
    expect((await admin('/v1/segments/clusterset.local/rrsets/alias/CNAME', { ttl: 5, rdata: ['hello.demo.svc'] })).status).toBe(200);
    const clash = await admin('/v1/segments/clusterset.local/rrsets/alias/A', { ttl: 5, rdata: ['192.0.2.1'] });
    expect(clash.status).toBe(400);
    expect(((await clash.json()) as { error: { message: string } }).error.message).toContain('CNAME and A data');
    expect((await put('demo', 'after', 'east', good)).status).toBe(200);
    expect((await q(`after.demo.${Z}`, 'A')).answer.map((a) => a.data)).toEqual(['10.96.5.5']);
  });

  it('answers a name as soon as its registration returns 200, though its NXDOMAIN was cached', async () => {
    // The contract a controller relies on. The anchor builds its view after the reply has
    // left; the in-process order, where this is tight, is tested in segment-group.test.ts.
    for (let i = 0; i < 3; i++) expect((await q(`fresh.demo.${Z}`, 'A')).status).toBe('NXDOMAIN');
    expect((await put('demo', 'fresh', 'east', good)).status).toBe(200);
    expect((await q(`fresh.demo.${Z}`, 'A')).answer.map((a) => a.data)).toEqual(['10.96.5.5']);
  });

  it('rejects a service name over 63 octets in the path', async () => {
    const res = await put('bad', 's'.repeat(64), 'east', good);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('service must be at most 63 octets');
  });
});
