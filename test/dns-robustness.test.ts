/**
 * Hostile input (dns-checklist §1.10, Knot tests-extra security/dnsheader): runs of 0x00,
 * random bytes, QR=1 and truncated headers over UDP and TCP; after each, a normal query
 * must still be answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, frame, TcpClient, udpExchange } from './helpers/dns-client.js';
import { startTestServer } from './helpers/dns-server.js';
import type { TestServer } from './helpers/dns-server.js';
import { buildQuery } from '../src/dns/testing/wire.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});

function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(Math.random() * 256);
  return b;
}

function garbage(): Buffer[] {
  const out: Buffer[] = [];
  for (let n = 1; n <= 16; n++) out.push(Buffer.alloc(n));
  for (let i = 0; i < 40; i++) out.push(randomBytes(1 + Math.floor(Math.random() * 100)));
  out.push(buildQuery({ flags: 0x8100 })); // QR=1
  for (let n = 1; n < 12; n++) out.push(buildQuery().subarray(0, n));
  const pointerLoop = buildQuery();
  pointerLoop.writeUInt16BE(1, 6);
  out.push(Buffer.concat([pointerLoop, Buffer.from([0xc0, 29, 0xc0, 29])]));
  return out;
}

const soaQuery = (id: number) => buildQuery({ id, name: 'clusterset.local.', qtype: 6 });

describe('robustness', () => {
  it('UDP: keeps answering after each garbage datagram', async () => {
    let id = 1;
    for (const junk of garbage()) {
      const reply = await udpExchange('127.0.0.1', t.port, junk, 100);
      if (reply !== null) expect(reply.length).toBeGreaterThanOrEqual(12);
      const ok = await udpExchange('127.0.0.1', t.port, soaQuery(++id));
      expect(ok, `after ${junk.toString('hex')}`).not.toBeNull();
      const packet = decode(ok!);
      expect(packet.id).toBe(id);
      expect(packet.rcode).toBe('NOERROR');
    }
  });

  it('UDP: QR=1 and short packets get no reply; QDCOUNT=0 gets FORMERR', async () => {
    expect(await udpExchange('127.0.0.1', t.port, buildQuery({ flags: 0x8000 }), 200)).toBeNull();
    expect(await udpExchange('127.0.0.1', t.port, Buffer.alloc(5), 200)).toBeNull();
    const formerr = await udpExchange('::1', t.port, buildQuery({ qdcount: 0 }));
    expect(formerr![3] & 0xf).toBe(1);
  });

  it('TCP: each garbage message either closes the connection or is answered; the server keeps serving', async () => {
    let id = 1;
    for (const junk of garbage()) {
      const c = await TcpClient.connect('127.0.0.1', t.port);
      await c.write(junk.length >= 12 ? frame(junk) : junk);
      await c.waitFor(1, 50);
      c.destroy();
      const fresh = await TcpClient.connect('127.0.0.1', t.port);
      await fresh.write(frame(soaQuery(++id)));
      const [reply] = await fresh.waitFor(1);
      expect(decode(reply).id).toBe(id);
      fresh.destroy();
    }
  });
});
