/**
 * The UDP side of the DNS server, and which implementation serves it.
 *
 * 'batch' (the default where the addon is built) reads and sends with recvmmsg/sendmmsg;
 * 'dgram' uses Node's dgram sockets, one syscall and one JavaScript call per datagram.
 * Both answer identically (test/dns-udp-engines.test.ts runs the same queries through each).
 * Which one an anchor asks for is configuration (`udpEngine`, `--udp-engine` or
 * ANCHORDNS_UDP, read by src/anchor/config.ts); this module reads no environment.
 */
import { BatchUdpListener } from './batch-udp.js';
import type { QueryHandlers } from './handler.js';
import { DgramUdpListener } from './udp.js';
import { udpBatchBinding } from './udp-batch-binding.js';

export interface UdpListener {
  /** Binds to `port` (0 picks one) and resolves with the bound port. */
  bind(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

export const UDP_ENGINES = ['auto', 'batch', 'dgram'] as const;
export type UdpEngine = (typeof UDP_ENGINES)[number];

/** The engine `auto` resolves to here: 'batch' when the addon loads. */
export function resolveUdpEngine(requested: UdpEngine = 'auto'): 'batch' | 'dgram' {
  if (requested === 'dgram') return 'dgram';
  if (udpBatchBinding() !== null) return 'batch';
  if (requested === 'batch') throw new Error('UDP engine "batch" asked for, but build/udp-batch.node is not built (npm run build needs a C compiler)');
  return 'dgram';
}

export function createUdpListener(engine: 'batch' | 'dgram', host: string, handlers: QueryHandlers,
  onError: (err: Error) => void, ipv6Only: boolean): UdpListener {
  // 'batch' comes from resolveUdpEngine, which gives it only when the addon loaded.
  if (engine === 'batch') return new BatchUdpListener(udpBatchBinding()!, host, handlers.answerUdpInto, onError, ipv6Only);
  return new DgramUdpListener(host, handlers.answer, onError, ipv6Only);
}
