/**
 * The byte-stream abstraction under the transport. TCP (tcp-network.ts) and the in-process
 * network (memory-network.ts) both provide it, so framing, batching, reconnects and
 * protocol-error handling are one code path tested against both.
 */

/** One connected, ordered, reliable byte stream (until it closes). */
export interface Link {
  /**
   * Queues bytes; false means the peer is slow and the caller should wait for drain.
   * `done` runs once the bytes are handed to the OS (or with an error if the link died first).
   */
  write(bytes: Uint8Array, done?: (err?: Error) => void): boolean;
  onData(cb: (chunk: Uint8Array) => void): void;
  /** Called once, when either side closes or the stream fails. */
  onClose(cb: () => void): void;
  onDrain(cb: () => void): void;
  close(): void;
  /** A printable description of the remote end, for logs. */
  readonly remote: string;
}

export interface Listener {
  /** The address actually bound (port 0 resolved). */
  readonly address: string;
  close(): Promise<void>;
}

export interface Network {
  listen(address: string, onLink: (link: Link) => void): Promise<Listener>;
  /** Resolves with a connected link or rejects (refused, unreachable, timed out). */
  dial(address: string): Promise<Link>;
}
