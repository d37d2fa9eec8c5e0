/**
 * An in-process Network: addresses are plain strings, dialing an address nobody listens on
 * is refused, and bytes travel between the two ends of a link in order, delivered on a
 * later macrotask as a socket would deliver them (so no handler re-enters its sender).
 * Tests can cut every link of an address to simulate a crash.
 */
import type { Link, Listener, Network } from './link.js';

class MemoryLink implements Link {
  peer: MemoryLink | undefined;
  readonly remote: string;
  #data: ((c: Uint8Array) => void) | undefined;
  #close: (() => void) | undefined;
  #closed = false;
  #inbox: Uint8Array[] = [];

  constructor(remote: string) {
    this.remote = remote;
  }

  write(bytes: Uint8Array, done?: (err?: Error) => void): boolean {
    const p = this.peer;
    if (this.#closed || p === undefined) {
      if (done !== undefined) setImmediate(() => done(new Error('link closed')));
      return false;
    }
    p.#deliver(bytes.slice());
    if (done !== undefined) setImmediate(() => done());
    return true;
  }

  #deliver(bytes: Uint8Array): void {
    this.#inbox.push(bytes);
    if (this.#inbox.length === 1) setImmediate(() => this.#drainInbox());
  }

  #drainInbox(): void {
    const chunks = this.#inbox;
    this.#inbox = [];
    for (const c of chunks) if (!this.#closed) this.#data?.(c);
  }

  onData(cb: (chunk: Uint8Array) => void): void {
    this.#data = cb;
  }
  onClose(cb: () => void): void {
    this.#close = cb;
  }
  onDrain(): void {
    // Memory links never apply backpressure.
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    setImmediate(() => this.#close?.());
    const p = this.peer;
    // The peer sees the close after the bytes already sent to it, as with TCP FIN.
    if (p !== undefined) setImmediate(() => setImmediate(() => p.close()));
  }
}

export class MemoryNetwork implements Network {
  readonly #listeners = new Map<string, (link: Link) => void>();
  readonly #links = new Map<string, Set<MemoryLink>>();
  #nextPort = 1;

  async listen(address: string, onLink: (link: Link) => void): Promise<Listener> {
    const addr = address.endsWith(':0') ? `${address.slice(0, -2)}:${this.#nextPort++}` : address;
    if (this.#listeners.has(addr)) throw new Error(`memory network: ${addr} already in use`);
    this.#listeners.set(addr, onLink);
    return {
      address: addr,
      close: async () => {
        if (this.#listeners.get(addr) === onLink) this.#listeners.delete(addr);
      },
    };
  }

  async dial(address: string): Promise<Link> {
    await new Promise<void>((r) => setImmediate(r));
    const accept = this.#listeners.get(address);
    if (accept === undefined) throw new Error(`memory network: connection refused by ${address}`);
    const near = new MemoryLink(address);
    const far = new MemoryLink('memory-client');
    near.peer = far;
    far.peer = near;
    this.#track(address, far);
    accept(far);
    return near;
  }

  /** Closes every accepted link at `address` (the listener's side), as a crash would. */
  cut(address: string): void {
    for (const l of this.#links.get(address) ?? []) l.close();
    this.#links.delete(address);
  }

  #track(address: string, link: MemoryLink): void {
    let set = this.#links.get(address);
    if (set === undefined) this.#links.set(address, (set = new Set()));
    set.add(link);
  }
}
