/**
 * TCP behaviour (RFC 7766): pipelining, split reads, framing errors, idle and per-message
 * timeouts, many connections, the connection cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, frame, TcpClient } from './helpers/dns-client.js';
import { startTestServer } from './helpers/dns-server.js';
import type { TestServer } from './helpers/dns-server.js';
import { buildQuery } from '../src/dns/testing/wire.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ idleTimeoutMs: 600, ioTimeoutMs: 300, maxConnections: 50 });
});
afterAll(async () => {
  await t.server.close();
});

const query = (id: number, name: string, qtype = 1) => frame(buildQuery({ id, name, qtype }));
const connect = (host = '127.0.0.1') => TcpClient.connect(host, t.port);

describe('TCP framing', () => {
  it('answers three pipelined queries sent in one write', async () => {
    const c = await connect();
    await c.write(Buffer.concat([query(1, 'host.clusterset.local.'), query(2, 'nope.clusterset.local.'), query(3, 'www.clusterset.local.')]));
    const replies = (await c.waitFor(3)).map((m) => decode(m));
    expect(replies.map((r) => [r.id, r.rcode])).toEqual([[1, 'NOERROR'], [2, 'NXDOMAIN'], [3, 'NOERROR']]);
    c.destroy();
  });

  it('reassembles a query sent one byte at a time', async () => {
    const c = await connect('::1');
    const bytes = query(7, 'HoSt.clusterset.local.');
    for (const byte of bytes) {
      await c.write(Uint8Array.of(byte));
      await new Promise((r) => setTimeout(r, 5));
    }
    const [reply] = await c.waitFor(1);
    const packet = decode(reply);
    expect(packet.id).toBe(7);
    expect(packet.answers?.[0].name).toBe('HoSt.clusterset.local');
    c.destroy();
  });

  it('AXFR is REFUSED over TCP and the connection stays usable', async () => {
    const c = await connect();
    await c.write(Buffer.concat([query(1, 'clusterset.local.', 252), query(2, 'host.clusterset.local.')]));
    const replies = (await c.waitFor(2)).map((m) => decode(m));
    expect(replies.map((r) => r.rcode)).toEqual(['REFUSED', 'NOERROR']);
    c.destroy();
  });

  it('closes on a zero or short length prefix', async () => {
    for (const bytes of [Uint8Array.of(0, 0), Uint8Array.of(0, 2, 0x41, 0x42)]) {
      const c = await connect();
      await c.write(bytes);
      expect(await c.waitClosed(1000)).toBe(true);
    }
  });

  it('sends a large answer whole (4 kB TXT)', async () => {
    const c = await connect();
    await c.write(query(9, 'big.clusterset.local.', 16));
    const [reply] = await c.waitFor(1);
    expect(decode(reply).answers).toHaveLength(40);
    c.destroy();
  });
});

describe('TCP timeouts and limits', () => {
  it('closes an idle connection after the idle timeout, not before', async () => {
    const c = await connect();
    await c.write(query(1, 'host.clusterset.local.'));
    await c.waitFor(1);
    const started = Date.now();
    expect(await c.waitClosed(3000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('closes a connection that stalls inside a message (per-message deadline)', async () => {
    const c = await connect();
    await c.write(query(1, 'host.clusterset.local.').subarray(0, 5));
    const started = Date.now();
    expect(await c.waitClosed(3000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('serves many concurrent connections', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => connect()));
    await Promise.all(clients.map((c, i) => c.write(query(i, 'host.clusterset.local.'))));
    const replies = await Promise.all(clients.map((c) => c.waitFor(1)));
    expect(replies.every((m) => m.length === 1)).toBe(true);
    clients.forEach((c) => c.destroy());
  });

  it('closes connections over the cap', async () => {
    const clients = await Promise.all(Array.from({ length: 60 }, () => connect()));
    await new Promise((r) => setTimeout(r, 100));
    expect(clients.filter((c) => c.closed).length).toBeGreaterThanOrEqual(10);
    clients.forEach((c) => c.destroy());
  });

  it('a slow reader does not stall other connections', async () => {
    const slow = await connect();
    slow.socket.pause();
    const burst = Buffer.concat(Array.from({ length: 2000 }, (_, i) => query(i, 'big.clusterset.local.', 16)));
    slow.socket.write(burst);
    const fast = await connect();
    await fast.write(query(1, 'host.clusterset.local.'));
    const started = Date.now();
    expect(await fast.waitFor(1, 2000)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
    slow.destroy();
    fast.destroy();
  });
});
