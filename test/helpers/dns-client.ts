/**
 * Raw DNS clients for black-box tests: send exact bytes over UDP or TCP and collect what
 * comes back, so malformed input and framing can be tested byte by byte.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/** Sends `msg` over UDP; resolves with the reply, or null after `timeoutMs`. */
export function udpExchange(host: string, port: number, msg: Uint8Array, timeoutMs = 1000): Promise<Buffer | null> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(reply: Buffer | null): void {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    }
    socket.on('message', (reply) => finish(reply));
    socket.on('error', () => finish(null));
    socket.send(msg, port, host);
  });
}

/** Frames a message with its RFC 1035 §4.2.2 length. */
export function frame(msg: Uint8Array): Buffer {
  const out = Buffer.alloc(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  out.set(msg, 2);
  return out;
}

/** A TCP connection that splits the byte stream back into messages. */
export class TcpClient {
  readonly socket: net.Socket;
  readonly messages: Buffer[] = [];
  #buf = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 2 && this.#buf.length >= 2 + this.#buf.readUInt16BE(0)) {
        const len = this.#buf.readUInt16BE(0);
        this.messages.push(this.#buf.subarray(2, 2 + len));
        this.#buf = this.#buf.subarray(2 + len);
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new TcpClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Waits until `count` messages arrived or the connection closed, up to `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 3000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  /** Resolves true when the server closes the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    await this.waitFor(Number.MAX_SAFE_INTEGER, timeoutMs);
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** dns-packet's decode with the `rcode` its types leave out. */
export function decode(bytes: Buffer): dnsPacket.DecodedPacket & { rcode: string } {
  return dnsPacket.decode(bytes) as dnsPacket.DecodedPacket & { rcode: string };
}
