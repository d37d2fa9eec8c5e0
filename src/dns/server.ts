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
import { createQueryHandlers } from './handler.js';
import type { QueryHandlers } from './handler.js';
import { PromDnsMetrics } from './metrics.js';
import type { DnsMetrics } from './metrics.js';
import { Responder, type AnswerShaper } from './responder.js';
import { TcpListener } from './tcp.js';
import type { TcpOptions } from './tcp.js';
import { createUdpListener, resolveUdpEngine } from './udp-listener.js';
import type { UdpEngine, UdpListener } from './udp-listener.js';
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
  /** Response cache entries; 0 disables the cache. Default DEFAULT_CACHE_SIZE (262,144). */
  cacheSize?: number;
  /** Per-client answer order (MCS locality and rotation); see AnswerShaper. */
  shaper?: AnswerShaper;
  /** UDP I/O: 'batch' (recvmmsg/sendmmsg addon), 'dgram', or 'auto' (batch when built). */
  udpEngine?: UdpEngine;
}

export interface DnsServer {
  listen(): Promise<{ udpPort: number; tcpPort: number }>;
  /** Stops accepting, closes UDP, ends TCP connections after their queued replies. */
  close(): Promise<void>;
  readonly responder: Responder;
  /** The UDP implementation in use. */
  readonly udpEngine: 'batch' | 'dgram';
}

/** How often to retry when a port picked for UDP is taken for TCP (or another address). */
const BIND_ATTEMPTS = 20;

export function createDnsServer(options: DnsServerOptions): DnsServer {
  return new UdpTcpServer(options);
}

class UdpTcpServer implements DnsServer {
  readonly responder: Responder;
  readonly udpEngine: 'batch' | 'dgram';
  readonly #options: DnsServerOptions;
  readonly #handlers: QueryHandlers;
  readonly #hosts: readonly string[];
  /** With addresses of both families, IPv6 sockets serve IPv6 only; a lone `::` is dual-stack. */
  readonly #ipv6Only: boolean;
  readonly #onError: (err: Error) => void;
  #udp: UdpListener[] = [];
  #tcp: TcpListener[] = [];

  constructor(options: DnsServerOptions) {
    const metrics = toMetrics(options.metrics);
    const { logger } = options;
    this.#options = options;
    this.udpEngine = resolveUdpEngine(options.udpEngine);
    this.responder = new Responder({ source: options.source, cacheSize: options.cacheSize, metrics, shaper: options.shaper });
    const queryLog = options.queryLog === true ? logger : options.queryLog || undefined;
    this.#handlers = createQueryHandlers({ responder: this.responder, metrics, queryLog, logger });
    this.#hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
    this.#ipv6Only = this.#hosts.some((h) => h.includes(':')) && this.#hosts.some((h) => !h.includes(':'));
    this.#onError = (err) => logger?.error({ err }, 'dns: socket error');
  }

  async listen(): Promise<{ udpPort: number; tcpPort: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const port = await this.#bindAll(this.#options.port);
        return { udpPort: port, tcpPort: port };
      } catch (err) {
        await this.close();
        // Port 0: UDP picked a port that TCP (or another address) cannot have; pick again.
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (this.#options.port !== 0 || !inUse || attempt >= BIND_ATTEMPTS) throw err;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#udp.map((u) => u.close()), ...this.#tcp.map((t) => t.close())]);
  }

  /** Binds UDP on the first address (port 0 picks), then TCP and the other addresses on that port. */
  async #bindAll(port: number): Promise<number> {
    const hosts = this.#hosts;
    this.#udp = hosts.map((h) => createUdpListener(this.udpEngine, h, this.#handlers, this.#onError, this.#ipv6Only));
    this.#tcp = hosts.map(() => new TcpListener(this.#handlers.answer, this.#options, this.#onError));
    const bound = await this.#udp[0].bind(hosts[0], port);
    await this.#tcp[0].listen(hosts[0], bound, this.#ipv6Only);
    for (let i = 1; i < hosts.length; i++) {
      await this.#udp[i].bind(hosts[i], bound);
      await this.#tcp[i].listen(hosts[i], bound, this.#ipv6Only);
    }
    return bound;
  }
}

function toMetrics(metrics: Registry | DnsMetrics | undefined): DnsMetrics | undefined {
  if (metrics === undefined) return undefined;
  if ('request' in metrics && typeof metrics.request === 'function') return metrics as DnsMetrics;
  return new PromDnsMetrics(metrics as Registry);
}
