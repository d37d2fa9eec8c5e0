/**
 * The UDP side of the DNS server, and which implementation serves it.
 *
 * 'batch' (the default where the addon is built) reads and sends with recvmmsg/sendmmsg;
 * 'dgram' uses Node's dgram sockets, one syscall and one JavaScript call per datagram.
 * Both answer identically (test/dns-udp-engines.test.ts runs the same queries through each).
 * ANCHORDNS_UDP=dgram forces the fallback without a code change, e.g. to rule the addon
 * out while debugging.
 */
import { BatchUdpListener } from './batch-udp.js';
import type { QueryHandler } from './handler.js';
import { DgramUdpListener } from './udp.js';
import { udpBatchBinding } from './udp-batch-binding.js';

export interface UdpListener {
  /** Binds to `port` (0 picks one) and resolves with the bound port. */
  bind(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

export type UdpEngine = 'auto' | 'batch' | 'dgram';

/** The engine `auto` resolves to here: 'batch' when the addon loads. */
export function resolveUdpEngine(requested: UdpEngine = 'auto'): 'batch' | 'dgram' {
  const wanted = requested === 'auto' ? udpEngineFromEnv() : requested;
  if (wanted === 'dgram') return 'dgram';
  if (udpBatchBinding() !== null) return 'batch';
  if (wanted === 'batch') throw new Error('UDP engine "batch" asked for, but build/udp-batch.node is not built (npm run build needs a C compiler)');
  return 'dgram';
}

function udpEngineFromEnv(): UdpEngine {
  const value = process.env.ANCHORDNS_UDP;
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'batch' || value === 'dgram') return value;
  throw new Error(`ANCHORDNS_UDP must be auto, batch or dgram, not ${JSON.stringify(value)}`);
}

export function createUdpListener(engine: 'batch' | 'dgram', host: string, handler: QueryHandler,
  onError: (err: Error) => void, ipv6Only: boolean): UdpListener {
  // 'batch' comes from resolveUdpEngine, which gives it only when the addon loaded.
  if (engine === 'batch') return new BatchUdpListener(udpBatchBinding()!, host, handler, onError, ipv6Only);
  return new DgramUdpListener(host, handler, onError, ipv6Only);
}
