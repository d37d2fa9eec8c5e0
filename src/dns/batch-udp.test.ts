/**
 * The batched UDP listener's socket life cycle, on real sockets: a reply comes back from
 * the port asked, and close() resolves only once the port is free again.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BatchUdpListener } from './batch-udp.js';
import { udpBatchBinding } from './udp-batch-binding.js';

const echo = (msg: Buffer, _family: 4 | 6, _client: string, out: Buffer, at: number): number => {
  out.set(Buffer.from(msg).reverse(), at);
  return msg.length;
};
const failOnError = (err: Error): never => {
  throw err;
};

describe('BatchUdpListener', () => {
  it('answers from the port it bound, and frees it by the time close() resolves', async () => {
    const native = udpBatchBinding()!;
    const first = new BatchUdpListener(native, '127.0.0.1', echo, failOnError, false);
    const port = await first.bind('127.0.0.1', 0);

    const client = dgram.createSocket('udp4');
    try {
      const reply = once(client, 'message');
      client.send(Buffer.from([1, 2, 3]), port, '127.0.0.1');
      const [msg, rinfo] = (await reply) as [Buffer, dgram.RemoteInfo];
      expect([...msg]).toEqual([3, 2, 1]);
      expect(rinfo.port).toBe(port);
    } finally {
      client.close();
    }

    await first.close();
    // Bound again in the same turn: this fails with EADDRINUSE if close() resolved before
    // the addon closed the descriptor.
    const second = new BatchUdpListener(native, '127.0.0.1', echo, failOnError, false);
    expect(await second.bind('127.0.0.1', port)).toBe(port);
    await second.close();
    await second.close(); // a second close is a no-op
  });
});
