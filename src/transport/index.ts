/**
 * Public entry of the transport: TCP between anchors, and an in-process equivalent for
 * tests and harnesses. Both are NetworkTransport; only the byte stream differs.
 */
import { MemoryNetwork } from './memory-network.js';
import { TcpNetwork } from './tcp-network.js';
import { NetworkTransport, type Transport, type TransportOptions } from './transport.js';

export type { MessageHandler, SnapshotStatusHandler, Transport, TransportOptions, TransportStats, UnreachableHandler } from './transport.js';
export { NetworkTransport } from './transport.js';
export { MemoryNetwork } from './memory-network.js';
export { TcpNetwork } from './tcp-network.js';
export type { Link, Listener, Network } from './link.js';
export { DEFAULT_MAX_FRAME_BYTES, FrameType, PROTOCOL_VERSION } from './frame.js';

/**
 * @example const t = createTcpTransport({ id: 'east-1', listen: '10.0.0.1:7053' });
 *          t.addPeer('west-1', '10.1.0.1:7053'); await t.start();
 */
export function createTcpTransport(opts: TransportOptions & { dialTimeoutMs?: number }): Transport {
  return new NetworkTransport(new TcpNetwork({ dialTimeoutMs: opts.dialTimeoutMs }), opts);
}

/** Anchors created on the same MemoryNetwork reach each other by address. */
export function createMemoryTransport(network: MemoryNetwork, opts: TransportOptions): Transport {
  return new NetworkTransport(network, opts);
}
