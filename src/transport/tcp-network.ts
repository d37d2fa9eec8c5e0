/**
 * The TCP Network: `host:port` addresses (IPv6 as `[::1]:7053`), Nagle off (Raft messages
 * are small and latency-bound; batching happens above, per tick), and a dial timeout so a
 * black-holed peer counts as unreachable instead of hanging.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { Link, Listener, Network } from './link.js';

export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (m === null) throw new Error(`bad address "${address}" (want host:port)`);
  return { host: m[1], port: Number(m[2]) };
}

function socketLink(s: Socket): Link {
  s.setNoDelay(true);
  // Detects a peer host that vanished without FIN, so the link breaks and Raft hears of it.
  s.setKeepAlive(true, 5000);
  let closeCb: (() => void) | undefined;
  s.on('error', () => s.destroy());
  s.on('close', () => closeCb?.());
  return {
    remote: `${s.remoteAddress}:${s.remotePort}`,
    write: (b, done) => {
      if (s.destroyed) {
        done?.(new Error('socket closed'));
        return false;
      }
      return s.write(b, (err) => done?.(err ?? undefined));
    },
    onData: (cb) => void s.on('data', cb),
    onClose: (cb) => void (closeCb = cb),
    onDrain: (cb) => void s.on('drain', cb),
    close: () => void s.destroy(),
  };
}

export class TcpNetwork implements Network {
  readonly #dialTimeoutMs: number;

  constructor(opts: { dialTimeoutMs?: number } = {}) {
    this.#dialTimeoutMs = opts.dialTimeoutMs ?? 3000;
  }

  listen(address: string, onLink: (link: Link) => void): Promise<Listener> {
    const { host, port } = splitHostPort(address);
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      onLink(socketLink(s));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const a = server.address();
        const bound = typeof a === 'object' && a !== null ? a.port : port;
        const shown = host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`;
        resolve({
          address: shown,
          close: () =>
            new Promise<void>((done) => {
              for (const s of sockets) s.destroy();
              server.close(() => done());
            }),
        });
      });
    });
  }

  dial(address: string): Promise<Link> {
    const { host, port } = splitHostPort(address);
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => s.destroy(new Error(`dial ${address}: timed out`)), this.#dialTimeoutMs);
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(socketLink(s));
      });
    });
  }
}
