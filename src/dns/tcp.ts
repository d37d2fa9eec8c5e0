/**
 * The TCP listener (RFC 1035 §4.2.2, RFC 7766): 2-byte length framing, any number of
 * pipelined queries per connection, reads split anywhere (down to one byte), each reply
 * written as one unit (RFC 7766 §8), an idle timeout between queries (§6.2.3, Knot's 10 s),
 * a per-message deadline against half-sent messages (Slowloris), a cap on connections, and
 * backpressure: a connection whose peer stops reading is paused, not buffered without end.
 */
import net from 'node:net';
import type { QueryHandler } from './handler.js';
import { HEADER_SIZE } from './constants.js';

export interface TcpOptions {
  /** Close a connection idle this long between queries. Default 10 000 ms (Knot). */
  idleTimeoutMs?: number;
  /** Close a connection that has not completed a started message within this. Default 2 000 ms. */
  ioTimeoutMs?: number;
  /** Connections over this are closed on accept. Default 1000. */
  maxConnections?: number;
}

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

export class TcpListener {
  readonly #server: net.Server;
  readonly #connections = new Set<TcpConnection>();
  readonly #handler: QueryHandler;
  readonly #idleMs: number;
  readonly #ioMs: number;
  readonly #onError: (err: Error) => void;

  constructor(handler: QueryHandler, options: TcpOptions, onError: (err: Error) => void) {
    this.#handler = handler;
    this.#idleMs = options.idleTimeoutMs ?? 10_000;
    this.#ioMs = options.ioTimeoutMs ?? 2_000;
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
    this.#server.maxConnections = options.maxConnections ?? 1000;
    this.#onError = onError;
  }

  /**
   * `ipv6Only` as for UDP: set when another listener takes IPv4. A failed listen only
   * rejects: the server retries EADDRINUSE on port 0, so it is no error to log. The
   * operational error log is attached once the socket listens.
   */
  listen(host: string, port: number, ipv6Only: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => reject(err);
      this.#server.once('error', fail);
      this.#server.listen({ host, port, exclusive: true, ipv6Only: host.includes(':') && ipv6Only }, () => {
        this.#server.off('error', fail);
        this.#server.on('error', this.#onError);
        resolve((this.#server.address() as net.AddressInfo).port);
      });
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Stops accepting, ends every connection after its queued replies, and waits for them. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
    for (const conn of this.#connections) conn.end();
    await closed;
  }

  #accept(socket: net.Socket): void {
    const family = socket.remoteFamily === 'IPv6' ? 6 : 4;
    const conn = new TcpConnection(socket, this.#handler, family, this.#idleMs, this.#ioMs);
    this.#connections.add(conn);
    socket.once('close', () => this.#connections.delete(conn));
  }
}

/** One client connection: reassembles length-prefixed messages and answers them in order. */
class TcpConnection {
  readonly #socket: net.Socket;
  readonly #handler: QueryHandler;
  readonly #family: 4 | 6;
  readonly #client: string;
  readonly #ioMs: number;
  /** Bytes of an incomplete message (its prefix included), or null between messages. */
  #pending: Buffer | null = null;
  #ioTimer: NodeJS.Timeout | null = null;
  #ending = false;

  constructor(socket: net.Socket, handler: QueryHandler, family: 4 | 6, idleMs: number, ioMs: number) {
    this.#socket = socket;
    this.#handler = handler;
    this.#family = family;
    this.#client = socket.remoteAddress ?? '';
    this.#ioMs = ioMs;
    socket.setTimeout(idleMs);
    socket.on('timeout', () => this.end());
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', () => socket.destroy()); // resets and the like: nothing to answer
    socket.on('close', () => this.#clearIoTimer());
  }

  /** Half-closes with FIN once queued replies are written (dns-checklist §1.7: FIN, not RST). */
  end(): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#clearIoTimer();
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  #onData(chunk: Buffer): void {
    if (this.#ending) return;
    const buf = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk]);
    let pos = 0;
    let corked = false;
    while (buf.length - pos >= 2) {
      const len = (buf[pos] << 8) | buf[pos + 1];
      // A prefix shorter than a header can never frame a query (NSD's tcp_underrun).
      if (len < HEADER_SIZE) {
        if (corked) this.#socket.uncork();
        return this.end();
      }
      if (buf.length - pos - 2 < len) break;
      // Pipelined queries: gather their replies into one write (each stays whole, §8).
      if (!corked && buf.length - pos - 2 - len >= 2) {
        this.#socket.cork();
        corked = true;
      }
      this.#answer(buf.subarray(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    if (corked) this.#socket.uncork();
    this.#setPending(pos < buf.length ? buf.subarray(pos) : null, pos > 0);
  }

  #answer(msg: Buffer): void {
    const reply = this.#handler(msg, 'tcp', this.#family, this.#client);
    // The socket buffers what the kernel will not take yet; stop reading until it drains.
    if (reply !== null && !this.#socket.write(reply)) this.#socket.pause();
  }

  /** Arms the per-message deadline when a message is started, disarms it when none is. */
  #setPending(rest: Buffer | null, completedOne: boolean): void {
    const started = rest !== null && (this.#pending === null || completedOne);
    // Copied so an incomplete message does not pin the socket's whole read buffer.
    this.#pending = rest === null ? null : Buffer.from(rest);
    if (rest === null || started) this.#clearIoTimer();
    if (started) this.#ioTimer = setTimeout(() => this.end(), this.#ioMs);
  }

  #clearIoTimer(): void {
    if (this.#ioTimer === null) return;
    clearTimeout(this.#ioTimer);
    this.#ioTimer = null;
  }
}
