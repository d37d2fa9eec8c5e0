/**
 * The two UDP engines (udp-listener.ts) give byte-identical answers: the same dig queries
 * against a server on each, plus what only batching can get wrong — many queries from
 * several clients read in one recvmmsg, each reply going back to its own sender — and a
 * datagram longer than the addon's 4 KiB input slot, which is dropped without harm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { dig } from './helpers/dig.js';
import { decode, udpExchange } from './helpers/dns-client.js';
import { startTestServer } from './helpers/dns-server.js';
import type { TestServer } from './helpers/dns-server.js';
import { buildQuery } from '../src/dns/testing/wire.js';

const engines = ['batch', 'dgram'] as const;
const servers = new Map<string, TestServer>();

beforeAll(async () => {
  for (const engine of engines) servers.set(engine, await startTestServer({ udpEngine: engine }));
});
afterAll(async () => {
  for (const t of servers.values()) await t.server.close();
});

const QUERIES: string[][] = [
  ['host.clusterset.local', 'A'],
  ['HoSt.ClusterSet.Local', 'AAAA', '+noedns'],
  ['www.clusterset.local', 'A', '+dnssec'],
  ['x.wild.clusterset.local', 'A'],
  ['missing.clusterset.local', 'TXT'],
  ['big.clusterset.local', 'TXT', '+ignore', '+bufsize=1232'],
  ['big.clusterset.local', 'TXT', '+ignore', '+noedns'],
  ['a.sub.clusterset.local', 'A', '+norec'],
  ['elsewhere.example', 'A'],
  ['clusterset.local', 'SOA', '+edns=1'],
];

describe('UDP engines', () => {
  it('the addon is built here, so the default engine is batch', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.udpEngine).toBe('batch');
    } finally {
      await t.server.close();
    }
  });

  it.each(['127.0.0.1', '::1'])('answer every query alike over %s', async (address) => {
    for (const query of QUERIES) {
      const [batch, plain] = await Promise.all(engines.map((e) => dig('dig', address, servers.get(e)!.port, query)));
      const strip = (r: typeof batch) => ({ ...r, raw: undefined });
      expect(strip(batch), query.join(' ')).toEqual(strip(plain));
      expect(batch.status).not.toBe('');
    }
  });

  it('send each reply of a burst from several clients to its own sender', async () => {
    const port = servers.get('batch')!.port;
    const clients = await Promise.all([4, 4, 6, 6].map((family) => openClient(family === 4 ? 'udp4' : 'udp6')));
    try {
      // Waves of 25 queries per client: enough to fill several recvmmsg batches at once,
      // few enough that no socket buffer overflows (rmem_max is ~200 KB by default).
      const perClient = 300;
      const wave = 25;
      const done = clients.map((c, k) => collect(c.socket, perClient, k));
      for (let first = 0; first < perClient; first += wave) {
        const waveDone = clients.map((c) => replies(c.socket, wave));
        for (let i = first; i < first + wave; i++) {
          clients.forEach((c, k) => {
            const query = buildQuery({ id: (k << 12) | i, name: i % 2 === 0 ? 'host.clusterset.local.' : `n${i}.clusterset.local.` });
            c.socket.send(query, port, c.family === 'udp4' ? '127.0.0.1' : '::1');
          });
        }
        await Promise.all(waveDone);
      }
      const received = await Promise.all(done);
      received.forEach((ids, k) => {
        expect(ids.size, `client ${k}`).toBe(perClient);
        for (const id of ids) expect(id >> 12, 'a reply reached the wrong client').toBe(k);
      });
    } finally {
      for (const c of clients) c.socket.close();
    }
  });

  it('drops a datagram longer than any query and keeps answering', async () => {
    for (const engine of engines) {
      const port = servers.get(engine)!.port;
      const huge = Buffer.concat([buildQuery({ id: 7 }), Buffer.alloc(6000, 0x41)]);
      const reply = await udpExchange('127.0.0.1', port, huge, 300);
      // dgram hands the whole datagram over (the question parses: REFUSED for a name out
      // of zone); the addon cuts it at 4 KiB and drops it. Either way, nothing breaks.
      if (reply !== null) expect(decode(reply).id, engine).toBe(7);
      const ok = await udpExchange('127.0.0.1', port, buildQuery({ id: 8, name: 'host.clusterset.local.' }));
      expect((decode(ok!).answers?.[0] as { data?: unknown } | undefined)?.data, engine).toBe('192.0.2.10');
    }
  });
});

async function openClient(family: 'udp4' | 'udp6'): Promise<{ socket: dgram.Socket; family: 'udp4' | 'udp6' }> {
  const socket = dgram.createSocket(family);
  await new Promise<void>((resolve) => socket.bind(0, family === 'udp4' ? '127.0.0.1' : '::1', resolve));
  return { socket, family };
}

/** Resolves once `count` more replies arrived on `socket` (or after 2 s: `collect` reports losses). */
function replies(socket: dgram.Socket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const timer = setTimeout(done, 2000);
    function onMessage(): void { if (++seen === count) done(); }
    function done(): void { clearTimeout(timer); socket.off('message', onMessage); resolve(); }
    socket.on('message', onMessage);
  });
}

/** The IDs of the first `count` replies on `socket`, or a failure after 10 s. */
function collect(socket: dgram.Socket, count: number, client: number): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const ids = new Set<number>();
    const timer = setTimeout(() => reject(new Error(`client ${client}: ${ids.size} of ${count} replies`)), 10_000);
    socket.on('message', (msg) => {
      ids.add(msg.readUInt16BE(0));
      if (ids.size === count) { clearTimeout(timer); resolve(ids); }
    });
  });
}
