/**
 * The dgram UDP listener (the fallback engine, see udp-listener.ts): one socket per address. A datagram is answered synchronously
 * from the socket's message handler and the reply goes out through the same socket, so
 * it comes from the address the query was sent to (CoreDNS forward uses connected UDP
 * sockets, mcs-dns §3.2). dgram keeps the buffer until the send completes, so each reply
 * is its own buffer (the responder's copy) and nothing is reused under it.
 */
import dgram from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { UDP_RECEIVE_BUFFER_BYTES } from './constants.js';
import type { QueryHandler } from './handler.js';
import type { UdpListener } from './udp-listener.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

function literalLookup(address: string, options: unknown, callback: LookupCallback): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

/**
 * A larger kernel receive buffer absorbs bursts while the event loop is busy. Best effort:
 * the kernel caps it at net.core.rmem_max, and a refusal must not stop the server.
 */
function growReceiveBuffer(socket: dgram.Socket): void {
  try {
    socket.setRecvBufferSize(UDP_RECEIVE_BUFFER_BYTES);
  } catch {
    // keep the default
  }
}

export class DgramUdpListener implements UdpListener {
  readonly #socket: dgram.Socket;
  readonly #handler: QueryHandler;
  readonly #family: 4 | 6;
  readonly #onError: (err: Error) => void;

  /** `ipv6Only`: an IPv6 socket leaves IPv4 to another socket (else `::` is dual-stack). */
  constructor(host: string, handler: QueryHandler, onError: (err: Error) => void, ipv6Only: boolean) {
    this.#family = host.includes(':') ? 6 : 4;
    this.#socket = dgram.createSocket({
      type: this.#family === 6 ? 'udp6' : 'udp4',
      ipv6Only: this.#family === 6 && ipv6Only,
      // Replies go to the literal address the query came from: resolve it synchronously
      // instead of through dns.lookup, which defers every send by a tick.
      lookup: literalLookup,
    });
    this.#handler = handler;
    this.#socket.on('message', this.#onMessage);
    this.#onError = onError;
  }

  /**
   * Binds to `port` (0 picks one) and resolves with the bound port. A failed bind only
   * rejects (the server retries EADDRINUSE on port 0); errors are logged once bound.
   */
  bind(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => reject(err);
      this.#socket.once('error', fail);
      this.#socket.bind({ address: host, port, exclusive: true }, () => {
        this.#socket.off('error', fail);
        this.#socket.on('error', this.#onError);
        growReceiveBuffer(this.#socket);
        resolve(this.#socket.address().port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // never bound or already closed
      }
    });
  }

  // An arrow property: bound once per socket, not a closure per datagram.
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    const reply = this.#handler(msg, 'udp', this.#family, rinfo.address);
    if (reply !== null) this.#socket.send(reply, rinfo.port, rinfo.address);
  };
}
