/**
 * Black-box DNS protocol tests: a real server on a loopback port, queried with dig and
 * kdig over UDP and TCP, IPv4 and IPv6 (DESIGN.md "DNS protocol").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import type { DigTool } from './helpers/dig.js';
import { startTestServer } from './helpers/dns-server.js';
import type { TestServer } from './helpers/dns-server.js';
import { BIG_TXT_COUNT } from './helpers/dns-zone.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});

const q = (args: string[], tool: DigTool = 'dig', server = '127.0.0.1') => dig(tool, server, t.port, args);

describe('authoritative answers over every transport', () => {
  const combos = [
    ['dig', '127.0.0.1', '+notcp'], ['dig', '::1', '+notcp'], ['dig', '127.0.0.1', '+tcp'], ['dig', '::1', '+tcp'],
    ['kdig', '127.0.0.1', '+notcp'], ['kdig', '::1', '+notcp'], ['kdig', '127.0.0.1', '+tcp'], ['kdig', '::1', '+tcp'],
  ] as const;
  for (const [tool, server, proto] of combos) {
    it(`${tool} ${server} ${proto}: A with AA; NXDOMAIN with SOA`, async () => {
      const a = await q([proto, 'host.clusterset.local', 'A'], tool, server);
      expect(a.status).toBe('NOERROR');
      expect(a.flags).toEqual(expect.arrayContaining(['qr', 'aa']));
      expect(a.flags).not.toContain('ra');
      expect(a.answer).toEqual([{ name: 'host.clusterset.local.', ttl: 300, type: 'A', data: '192.0.2.10' }]);
      const nx = await q([proto, 'nope.clusterset.local', 'A'], tool, server);
      expect(nx.status).toBe('NXDOMAIN');
      expect(nx.flags).toContain('aa');
      expect(nx.authority.map((r) => [r.type, r.ttl])).toEqual([['SOA', 5]]);
    });
  }
});

describe('lookup results', () => {
  it('NODATA: NOERROR, AA, empty answer, SOA', async () => {
    const r = await q(['host.clusterset.local', 'MX']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer).toHaveLength(0);
    expect(r.authority[0].type).toBe('SOA');
  });

  it('empty non-terminal: NODATA', async () => {
    const r = await q(['b.ent.clusterset.local', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toHaveLength(0);
  });

  it('referral: AA=0, NS in authority, glue in additional', async () => {
    const r = await q(['+norec', 'www.sub.clusterset.local', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).not.toContain('aa');
    expect(r.authority).toEqual([{ name: 'sub.clusterset.local.', ttl: 3600, type: 'NS', data: 'ns.sub.clusterset.local.' }]);
    expect(r.additional).toEqual([{ name: 'ns.sub.clusterset.local.', ttl: 3600, type: 'A', data: '192.0.2.53' }]);
  });

  it('wildcard: synthesized with the query name', async () => {
    const r = await q(['x.y.wild.clusterset.local', 'A']);
    expect(r.answer).toEqual([{ name: 'x.y.wild.clusterset.local.', ttl: 300, type: 'A', data: '192.0.2.7' }]);
  });

  it('CNAME chain followed in zone', async () => {
    const r = await q(['chain1.clusterset.local', 'A']);
    expect(r.answer.map((x) => x.type)).toEqual(['CNAME', 'CNAME', 'A']);
    expect(r.flags).toContain('aa');
  });

  it('REFUSED, AA=0, out of zone and for the `. NS` health check', async () => {
    for (const args of [['example.org', 'A'], ['.', 'NS'], ['local', 'SOA']]) {
      const r = await q(args);
      expect(r.status).toBe('REFUSED');
      expect(r.flags).not.toContain('aa');
    }
  });

  it('ANY: one RRset (RFC 8482)', async () => {
    const r = await q(['host.clusterset.local', 'ANY']);
    expect(r.status).toBe('NOERROR');
    expect(r.answer.length).toBeGreaterThanOrEqual(1);
    expect(new Set(r.answer.map((x) => x.type)).size).toBe(1);
  });

  it('dns-version TXT', async () => {
    const r = await q(['dns-version.clusterset.local', 'TXT']);
    expect(r.answer).toEqual([{ name: 'dns-version.clusterset.local.', ttl: 28800, type: 'TXT', data: '"1.0.0"' }]);
  });
});

describe('wire details', () => {
  it('echoes 0x20 case in question and answer owner', async () => {
    // dig only: kdig prints names lowercased whatever the wire holds.
    for (const proto of ['+notcp', '+tcp']) {
      const r = await q([proto, 'HoSt.ClUsTeRsEt.LoCaL', 'A']);
      expect(r.question).toBe('HoSt.ClUsTeRsEt.LoCaL.');
      expect(r.answer[0].name).toBe('HoSt.ClUsTeRsEt.LoCaL.');
    }
  });

  it('EDNS: OPT echoed with our size; none without EDNS; DO copied', async () => {
    const withEdns = await q(['+edns=0', 'host.clusterset.local']);
    expect(withEdns.hasEdns).toBe(true);
    expect(withEdns.ednsText).toMatch(/udp: 1232/);
    const without = await q(['+noedns', 'host.clusterset.local']);
    expect(without.hasEdns).toBe(false);
    const dnssecOk = await q(['+dnssec', 'host.clusterset.local']);
    expect(dnssecOk.ednsText).toMatch(/flags: do/);
  });

  it('BADVERS for EDNS version 1, no answer data', async () => {
    const r = await q(['+edns=1', '+noednsneg', 'host.clusterset.local']);
    expect(r.status).toBe('BADVERS');
    expect(r.answer).toHaveLength(0);
    expect(r.ednsText).toMatch(/version: 0/);
  });

  it('small buffer → TC with empty sections; TCP gets the whole answer', async () => {
    const udp = await q(['+ignore', '+bufsize=512', 'big.clusterset.local', 'TXT']);
    expect(udp.flags).toEqual(expect.arrayContaining(['tc', 'aa']));
    expect(udp.answer).toHaveLength(0);
    expect(udp.hasEdns).toBe(true);
    const noEdns = await q(['+ignore', '+noedns', 'big.clusterset.local', 'TXT']);
    expect(noEdns.flags).toContain('tc');
    const tcp = await q(['+tcp', 'big.clusterset.local', 'TXT']);
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.answer).toHaveLength(BIG_TXT_COUNT);
    const retried = await q(['big.clusterset.local', 'TXT']); // dig retries over TCP on TC
    expect(retried.answer).toHaveLength(BIG_TXT_COUNT);
  });

  it('NOTIMP for opcode STATUS, flags cleared', async () => {
    const r = await q(['+opcode=status', 'host.clusterset.local']);
    expect(r.status).toBe('NOTIMP');
    expect(r.opcode).toBe('STATUS');
    expect(r.flags).toEqual(['qr']);
  });

  it('ignores unknown EDNS options and never echoes them', async () => {
    const r = await q(['+ednsopt=100:abcd', 'host.clusterset.local'], 'kdig');
    expect(r.status).toBe('NOERROR');
    expect(r.raw).not.toMatch(/100|abcd/i);
  });

  it('copies RD and CD, never echoes Z, AD or RA', async () => {
    const norec = await q(['+norec', 'host.clusterset.local']);
    expect(norec.flags).toEqual(['qr', 'aa']);
    const odd = await q(['+zflag', '+adflag', '+cdflag', 'host.clusterset.local']);
    expect(odd.flags.sort()).toEqual(['aa', 'cd', 'qr', 'rd']);
  });

  it('NOTIMP for NOTIFY and UPDATE opcodes', async () => {
    for (const opcode of ['notify', 'update']) {
      const r = await q([`+opcode=${opcode}`, 'clusterset.local', 'SOA']);
      expect(r.status).toBe('NOTIMP');
    }
  });

  it('class CH → REFUSED', async () => {
    const r = await q(['-c', 'CH', 'version.bind', 'TXT']);
    expect(r.status).toBe('REFUSED');
  });
});
