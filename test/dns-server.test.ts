/**
 * The server as a whole: one port for UDP and TCP on both families, view swaps, metrics
 * on a passed-in Registry, the optional query log, and close().
 */
import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { decode, frame, TcpClient, udpExchange } from './helpers/dns-client.js';
import { startTestServer } from './helpers/dns-server.js';
import { buildQuery } from '../src/dns/testing/wire.js';
import { EMPTY_VIEW } from '../src/dns/view-source.js';

const hostQuery = (id = 1) => buildQuery({ id, name: 'host.clusterset.local.' });

describe('DNS server', () => {
  it('listens on one port for UDP and TCP, IPv4 and IPv6', async () => {
    const t = await startTestServer();
    for (const host of ['127.0.0.1', '::1']) {
      const udp = await udpExchange(host, t.port, hostQuery());
      expect(decode(udp!).answers).toHaveLength(1);
      const c = await TcpClient.connect(host, t.port);
      await c.write(frame(hostQuery()));
      expect(decode((await c.waitFor(1))[0]).answers).toHaveLength(1);
      c.destroy();
    }
    await t.server.close();
  });

  it('answers from the new view after a swap (cache cleared)', async () => {
    const t = await startTestServer();
    for (let i = 0; i < 3; i++) await udpExchange('127.0.0.1', t.port, hostQuery()); // cached by now
    expect(t.server.responder.cachedResponses).toBeGreaterThan(0);
    t.source.swap(EMPTY_VIEW);
    const reply = await udpExchange('127.0.0.1', t.port, hostQuery());
    expect(decode(reply!).rcode).toBe('REFUSED');
    await t.server.close();
  });

  it('counts requests, responses, duration and cache use under CoreDNS names', async () => {
    const registry = new Registry();
    const t = await startTestServer({ metrics: registry });
    for (let i = 0; i < 3; i++) await udpExchange('127.0.0.1', t.port, hostQuery(i));
    await udpExchange('::1', t.port, buildQuery({ name: 'nope.clusterset.local.', qtype: 28 }));
    const text = await registry.metrics();
    expect(text).toContain('coredns_dns_requests_total{proto="udp",family="1",type="A"} 3');
    expect(text).toContain('coredns_dns_requests_total{proto="udp",family="2",type="AAAA"} 1');
    expect(text).toContain('coredns_dns_responses_total{rcode="NOERROR"} 3');
    expect(text).toContain('coredns_dns_responses_total{rcode="NXDOMAIN"} 1');
    expect(text).toContain('coredns_dns_request_duration_seconds_count 4');
    expect(text).toContain('coredns_cache_hits_total 1');
    expect(text).toContain('coredns_cache_misses_total 3');
    await t.server.close();
  });

  it('logs queries only when asked', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const quiet = await startTestServer({ logger });
    await udpExchange('127.0.0.1', quiet.port, hostQuery());
    await quiet.server.close();
    expect(lines).toHaveLength(0);
    const loud = await startTestServer({ logger, queryLog: true });
    await udpExchange('127.0.0.1', loud.port, buildQuery({ name: 'HoSt.clusterset.local.' }));
    await loud.server.close();
    expect(JSON.parse(lines[0])).toMatchObject({ proto: 'udp', client: '127.0.0.1', qname: 'host.clusterset.local.', qtype: 1, rcode: 0 });
  });

  it('close() stops answering and ends open TCP connections', async () => {
    const t = await startTestServer();
    const c = await TcpClient.connect('127.0.0.1', t.port);
    await c.write(frame(hostQuery()));
    await c.waitFor(1);
    await t.server.close();
    expect(await c.waitClosed(1000)).toBe(true);
    expect(await udpExchange('127.0.0.1', t.port, hostQuery(), 300)).toBeNull();
  });

  it('binds a fixed port and fails clearly when it is taken', async () => {
    const a = await startTestServer();
    await expect(startTestServer({ port: a.port, host: '127.0.0.1' })).rejects.toThrow(/EADDRINUSE/);
    await a.server.close();
  });

  // A failed bind is the caller's rejection (port 0 retries it), not a socket error to
  // log: a logged line here once broke the quiet query-log test above under parallel runs.
  it('a port taken for TCP or UDP rejects without logging a socket error', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const tcpPort = (tcp.address() as net.AddressInfo).port;
    await expect(startTestServer({ port: tcpPort, host: '127.0.0.1', logger })).rejects.toThrow(/EADDRINUSE/);
    tcp.close();
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind({ address: '127.0.0.1', port: 0 }, resolve));
    await expect(startTestServer({ port: udp.address().port, host: '127.0.0.1', logger, udpEngine: 'dgram' })).rejects.toThrow(/EADDRINUSE/);
    udp.close();
    expect(lines).toEqual([]);
  });
});

describe('DNS server on ::', () => {
  it('a lone :: listener is dual-stack (IPv4 too)', async () => {
    const t = await startTestServer({ host: '::' });
    for (const host of ['127.0.0.1', '::1']) {
      expect(decode((await udpExchange(host, t.port, hostQuery()))!).answers).toHaveLength(1);
      const c = await TcpClient.connect(host, t.port);
      await c.write(frame(hostQuery()));
      expect(await c.waitFor(1)).toHaveLength(1);
      c.destroy();
    }
    await t.server.close();
  });
});
