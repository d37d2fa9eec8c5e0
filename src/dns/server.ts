/**
 * The DNS server: UDP and TCP listeners on the same port for each address, sharing one
 * responder (and so one response cache) fed by a ViewSource.
 *
 * @example
 * const server = createDnsServer({ host: ['127.0.0.1', '::1'], port: 0, source });
 * const { udpPort, tcpPort } = await server.listen(); // the same number
 * await server.close();
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createQueryHandler } from './handler.js';
import { PromDnsMetrics } from './metrics.js';
import type { DnsMetrics } from './metrics.js';
import { Responder } from './responder.js';
import { TcpListener } from './tcp.js';
import type { TcpOptions } from './tcp.js';
import { UdpListener } from './udp.js';
import type { ViewSource } from './view-source.js';

export interface DnsServerOptions extends TcpOptions {
  /** One address or several (e.g. ['127.0.0.1', '::1']); all share one port. */
  host: string | readonly string[];
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
  source: ViewSource;
  /** Operational log (errors). */
  logger?: Logger;
  /** A Registry to register the coredns_* metrics on, or a DnsMetrics sink. */
  metrics?: Registry | DnsMetrics;
  /** Log every query: `true` logs through `logger`. Off by default. */
  queryLog?: Logger | boolean;
  /** Response cache entries; 0 disables the cache. Default 10000. */
  cacheSize?: number;
}

export interface DnsServer {
  listen(): Promise<{ udpPort: number; tcpPort: number }>;
  /** Stops accepting, closes UDP, ends TCP connections after their queued replies. */
  close(): Promise<void>;
  readonly responder: Responder;
}

/** How often to retry when a port picked for UDP is taken for TCP (or another address). */
const BIND_ATTEMPTS = 20;

export function createDnsServer(options: DnsServerOptions): DnsServer {
  const metrics = toMetrics(options.metrics);
  const responder = new Responder({ source: options.source, cacheSize: options.cacheSize, metrics });
  const queryLog = options.queryLog === true ? options.logger : options.queryLog || undefined;
  const handler = createQueryHandler({ responder, metrics, queryLog, logger: options.logger });
  const hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
  const onError = (err: Error): void => options.logger?.error({ err }, 'dns: socket error');
  // With addresses of both families, each IPv6 socket serves IPv6 only; a lone `::` is dual-stack.
  const bothFamilies = hosts.some((h) => h.includes(':')) && hosts.some((h) => !h.includes(':'));
  let udp: UdpListener[] = [];
  let tcp: TcpListener[] = [];

  async function bindAll(port: number): Promise<number> {
    udp = hosts.map((h) => new UdpListener(h, handler, onError, bothFamilies));
    tcp = hosts.map(() => new TcpListener(handler, options, onError));
    const bound = await udp[0].bind(hosts[0], port);
    await tcp[0].listen(hosts[0], bound, bothFamilies);
    for (let i = 1; i < hosts.length; i++) {
      await udp[i].bind(hosts[i], bound);
      await tcp[i].listen(hosts[i], bound, bothFamilies);
    }
    return bound;
  }

  async function closeAll(): Promise<void> {
    await Promise.all([...udp.map((u) => u.close()), ...tcp.map((t) => t.close())]);
  }

  return {
    responder,
    async listen() {
      for (let attempt = 1; ; attempt++) {
        try {
          const port = await bindAll(options.port);
          return { udpPort: port, tcpPort: port };
        } catch (err) {
          await closeAll();
          const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
          if (options.port !== 0 || !inUse || attempt >= BIND_ATTEMPTS) throw err;
        }
      }
    },
    close: closeAll,
  };
}

function toMetrics(metrics: Registry | DnsMetrics | undefined): DnsMetrics | undefined {
  if (metrics === undefined) return undefined;
  if ('request' in metrics && typeof metrics.request === 'function') return metrics as DnsMetrics;
  return new PromDnsMetrics(metrics as Registry);
}
