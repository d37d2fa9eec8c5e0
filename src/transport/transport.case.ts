/**
 * The conformance suite every Transport must pass (run by memory.test.ts and tcp.test.ts).
 * Black-box: it drives transports through the Transport interface and a raw Link for
 * hostile input, and waits on observable effects with deadlines rather than sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_CONF_STATE, makeMessage, MessageType, type Message } from '../raft/types.js';
import { encodeHello, encodeMessageFrames, PROTOCOL_VERSION } from './frame.js';
import type { Link } from './link.js';
import type { Transport, TransportOptions } from './transport.js';

export interface TransportHarness {
  /** A listen address that binds a fresh port/name ("127.0.0.1:0", "mem:0"). */
  readonly anyAddress: string;
  make(opts: TransportOptions): Transport;
  /** A raw byte link to `address`, for sending garbage. */
  dial(address: string): Promise<Link>;
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function app(from: string, to: string, index: number, data?: Uint8Array): Message {
  const entries = data === undefined ? [] : [{ term: 1, index, type: 0 as const, data }];
  return makeMessage({ type: MessageType.MsgApp, from, to, term: 1, index, entries });
}

interface Received {
  group: string;
  msg: Message;
}

export function describeTransportConformance(name: string, harness: () => TransportHarness): void {
  describe(`transport conformance: ${name}`, () => {
    const live: Transport[] = [];
    afterEach(async () => {
      for (const t of live.splice(0)) await t.close();
    });

    async function node(h: TransportHarness, id: string, extra: Partial<TransportOptions> = {}, at?: string) {
      const t = h.make({ id, listen: at ?? h.anyAddress, backoff: { baseMs: 5, maxMs: 50 }, ...extra });
      live.push(t);
      await t.start();
      const got: Received[] = [];
      t.onMessage((group, msg) => got.push({ group, msg }));
      return { t, got };
    }

    async function pair(extraA: Partial<TransportOptions> = {}, extraB: Partial<TransportOptions> = {}) {
      const h = harness();
      const a = await node(h, 'a', extraA);
      const b = await node(h, 'b', extraB);
      a.t.addPeer('b', b.t.address);
      b.t.addPeer('a', a.t.address);
      return { h, a, b };
    }

    it('delivers a message with its group id, intact', async () => {
      const { a, b } = await pair();
      const m = makeMessage({ type: MessageType.MsgVote, from: 'a', to: 'b', term: 7, logTerm: 3, index: 12, context: new Uint8Array([1]) });
      a.t.send('zone-1', [m]);
      await until(() => b.got.length === 1, 'delivery');
      expect(b.got[0]).toEqual({ group: 'zone-1', msg: m });
    });

    it('keeps order per peer across ticks and groups', async () => {
      const { a, b } = await pair();
      for (let i = 0; i < 300; i++) {
        a.t.send(`g${i % 3}`, [app('a', 'b', i)]);
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      await until(() => b.got.length === 300, '300 messages');
      expect(b.got.map((r) => r.msg.index)).toEqual([...Array(300).keys()]);
    });

    it('coalesces messages queued in one tick into one write', async () => {
      const { a, b } = await pair();
      a.t.send('g', [app('a', 'b', 0)]);
      await until(() => b.got.length === 1, 'warm-up');
      const before = a.t.stats.writes;
      for (let i = 1; i <= 100; i++) a.t.send(`g${i % 7}`, [app('a', 'b', i)]);
      await until(() => b.got.length === 101, 'batch');
      expect(a.t.stats.writes - before).toBe(1);
    });

    it('flush() writes what is queued before the turn ends', async () => {
      const { a, b } = await pair();
      a.t.send('g', [app('a', 'b', 0)]);
      await until(() => b.got.length === 1, 'warm-up');
      const before = a.t.stats.writes;
      a.t.send('g', [app('a', 'b', 1), app('a', 'b', 2)]);
      a.t.flush();
      // Synchronously written: the count moved before any timer or immediate could run.
      expect(a.t.stats.writes - before).toBe(1);
      a.t.send('g', [app('a', 'b', 3)]);
      await until(() => b.got.length === 4, 'both writes');
      expect(b.got.map((r) => r.msg.index)).toEqual([0, 1, 2, 3]);
      expect(a.t.stats.writes - before).toBe(2);
    });

    it('delivers multi-megabyte messages (snapshots)', async () => {
      const { a, b } = await pair();
      const data = new Uint8Array(8 * 1024 * 1024);
      for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
      const snap = { metadata: { index: 100, term: 2, confState: { ...EMPTY_CONF_STATE, voters: ['a', 'b'] } }, data };
      const status: string[] = [];
      a.t.onSnapshotStatus((g, p, ok) => status.push(`${g} ${p} ${ok}`));
      a.t.send('g', [makeMessage({ type: MessageType.MsgSnap, from: 'a', to: 'b', term: 2, snapshot: snap })]);
      await until(() => b.got.length === 1, 'snapshot', 30_000);
      await until(() => status.length === 1, 'snapshot status');
      expect(status).toEqual(['g b true']);
      const got = b.got[0].msg.snapshot?.data ?? new Uint8Array(0);
      // Buffer#equals, not toEqual: a deep-equal walk over 8 MiB takes minutes.
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(data)).toBe(true);
    });

    it('reports an unreachable peer and reconnects after it restarts', async () => {
      const h = harness();
      const a = await node(h, 'a');
      const b1 = await node(h, 'b');
      const addr = b1.t.address;
      a.t.addPeer('b', addr);
      const down: string[] = [];
      a.t.onUnreachable((p) => down.push(p));
      a.t.send('g', [app('a', 'b', 1)]);
      await until(() => b1.got.length === 1, 'first delivery');
      await b1.t.close();
      a.t.send('g', [app('a', 'b', 2)]);
      await until(() => down.includes('b'), 'unreachable report');
      const b2 = await node(h, 'b', {}, addr);
      let i = 3;
      await until(() => {
        a.t.send('g', [app('a', 'b', i++)]);
        return b2.got.length > 0;
      }, 'delivery after restart');
      const idx = b2.got.map((r) => r.msg.index);
      expect([...idx].sort((x, y) => x - y)).toEqual(idx);
    });

    it('drops the oldest messages when a down peer\'s queue is full', async () => {
      const h = harness();
      const b = await node(h, 'b');
      const addr = b.t.address;
      await b.t.close();
      const errors: Error[] = [];
      const a = await node(h, 'a', { maxQueue: 10, onError: (e) => errors.push(e) });
      a.t.addPeer('b', addr);
      for (let i = 0; i < 100; i++) a.t.send('g', [app('a', 'b', i)]);
      expect(a.t.stats.messagesDropped).toBe(90);
      expect(errors.some((e) => /queue full/.test(e.message))).toBe(true);
      const b2 = await node(h, 'b', {}, addr);
      await until(() => b2.got.length === 10, 'queued newest ten');
      expect(b2.got.map((r) => r.msg.index)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    });

    it('closes a link that sends an oversized frame; other peers keep working', async () => {
      const errors: Error[] = [];
      const { h, a, b } = await pair({}, { maxFrameBytes: 1024, onError: (e) => errors.push(e) });
      const raw = await h.dial(b.t.address);
      const closed = new Promise<void>((r) => raw.onClose(r));
      raw.write(new Uint8Array([0, 0, 0x10, 0, 2])); // 4096-byte frame announced
      await closed;
      expect(errors[0]?.message).toMatch(/exceeds limit 1024/);
      a.t.send('g', [app('a', 'b', 1)]);
      await until(() => b.got.length === 1, 'delivery after the bad link');
    });

    it('does not send a message larger than its own frame limit', async () => {
      const errors: Error[] = [];
      const { a, b } = await pair({ maxFrameBytes: 1024, onError: (e) => errors.push(e) });
      const status: boolean[] = [];
      a.t.onSnapshotStatus((_g, _p, ok) => status.push(ok));
      const snap = { metadata: { index: 9, term: 1, confState: EMPTY_CONF_STATE }, data: new Uint8Array(4096) };
      a.t.send('g', [
        app('a', 'b', 1, new Uint8Array(4096)),
        makeMessage({ type: MessageType.MsgSnap, from: 'a', to: 'b', snapshot: snap }),
        app('a', 'b', 2),
      ]);
      await until(() => b.got.length === 1, 'the small message');
      expect(status).toEqual([false]);
      expect(b.got[0].msg.index).toBe(2);
      expect(errors.some((e) => /larger than the frame limit/.test(e.message))).toBe(true);
    });

    it('closes a link that sends garbage; other peers keep working', async () => {
      const errors: Error[] = [];
      const { h, a, b } = await pair({}, { onError: (e) => errors.push(e) });
      const spoof = encodeMessageFrames([{ group: 'g', message: app('c', 'b', 1) }], 1 << 20).bytes;
      for (const junk of [
        new Uint8Array([0, 0, 0, 3, 99, 1, 2]), // unknown frame type
        new Uint8Array([0, 0, 0, 3, 2, 0, 0]), // messages before hello
        new Uint8Array([0, 0, 0, 4, 1, 0xff, 0xff, 0xff]), // malformed hello
        new Uint8Array([...encodeHello({ version: PROTOCOL_VERSION, from: 'x', to: 'b' }), ...spoof]), // from ≠ hello
      ]) {
        const raw = await h.dial(b.t.address);
        const closed = new Promise<void>((r) => raw.onClose(r));
        raw.write(junk);
        await closed;
      }
      expect(b.t.stats.protocolErrors).toBe(4);
      expect(b.got).toHaveLength(0);
      a.t.send('g', [app('a', 'b', 1)]);
      await until(() => b.got.length === 1, 'delivery after garbage');
    });

    it('survives a throwing message handler', async () => {
      const errors: Error[] = [];
      const { a, b } = await pair({}, { onError: (e) => errors.push(e) });
      let calls = 0;
      b.t.onMessage(() => {
        calls++;
        throw new Error('boom');
      });
      a.t.send('g', [app('a', 'b', 1), app('a', 'b', 2)]);
      await until(() => calls === 2, 'both handler calls');
      expect(errors).toHaveLength(2);
    });
  });
}
