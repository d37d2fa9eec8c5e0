/**
 * The batched UDP listener: the addon (udp-batch-binding.ts) reads up to BATCH datagrams
 * with one recvmmsg, this answers them all in one call from C, and the addon sends the
 * replies with one sendmmsg. Replies go out through the socket the queries came in on, so
 * they come from the address the client asked (mcs-dns §3.2), as with dgram.
 *
 * The three buffers are shared with the addon for the socket's life: queries are read in
 * place (the handler must not keep `msg` past its return, and none of ours does), and
 * the handler writes each reply into its slot, so no Buffer is made per reply and the
 * responder's own buffers are never held by a send.
 */
import { getSystemErrorName } from 'node:util';
import { SERVER_UDP_SIZE, UDP_RECEIVE_BUFFER_BYTES } from './constants.js';
import { ipv6Text } from './ip-text.js';
import { ipv4ToText } from '../zone/address.js';
import { copyBytes } from './byte-copy.js';
import type { UdpIntoHandler } from './handler.js';
import type { UdpBatchBinding, UdpBatchHandle } from './udp-batch-binding.js';
import type { UdpListener } from './udp-listener.js';

export class BatchUdpListener implements UdpListener {
  readonly #native: UdpBatchBinding;
  readonly #handler: UdpIntoHandler;
  readonly #family: 4 | 6;
  readonly #ipv6Only: boolean;
  readonly #input: Buffer;
  readonly #output: Buffer;
  readonly #metaBytes: Buffer;
  readonly #meta: Int32Array;
  /**
   * The query being answered, copied out of its input slot, and one view of it per length
   * seen (made once): a subarray of the input per datagram was ~100 bytes of garbage per
   * query, and garbage per query is what makes the young-generation GC pause answering.
   */
  readonly #query: Buffer;
  readonly #queryViews: Buffer[] = [];
  /** DataViews of #input and #query for the copy between them (byte-copy.ts). */
  readonly #inputView: DataView;
  readonly #queryView: DataView;
  #handle: UdpBatchHandle | null = null;
  /** The last client seen and its text form: a load generator or resolver sends from few addresses. */
  readonly #lastAddress = new Int32Array(4);
  #lastFamily = 0;
  #lastText = '';

  readonly #onError: (err: Error) => void;

  constructor(native: UdpBatchBinding, host: string, handler: UdpIntoHandler, onError: (err: Error) => void, ipv6Only: boolean) {
    // A UDP reply never exceeds SERVER_UDP_SIZE (RFC 6891 §6.2.5 as the responder applies it).
    if (native.OUT_SLOT < SERVER_UDP_SIZE) throw new Error(`udp-batch: output slots of ${native.OUT_SLOT} bytes cannot hold a ${SERVER_UDP_SIZE}-byte reply`);
    this.#native = native;
    this.#handler = handler;
    this.#onError = onError;
    this.#family = host.includes(':') ? 6 : 4;
    this.#ipv6Only = this.#family === 6 && ipv6Only;
    this.#input = Buffer.alloc(native.BATCH * native.IN_SLOT);
    this.#output = Buffer.alloc(native.BATCH * native.OUT_SLOT);
    this.#metaBytes = Buffer.alloc(native.BATCH * native.META_WORDS * 4);
    this.#meta = new Int32Array(this.#metaBytes.buffer, this.#metaBytes.byteOffset, native.BATCH * native.META_WORDS);
    this.#query = Buffer.alloc(native.IN_SLOT);
    this.#inputView = new DataView(this.#input.buffer);
    this.#queryView = new DataView(this.#query.buffer);
  }

  bind(host: string, port: number): Promise<number> {
    try {
      this.#handle = this.#native.open(this.#family, host, port, this.#ipv6Only, UDP_RECEIVE_BUFFER_BYTES,
        this.#input, this.#output, this.#metaBytes, this.#onBatch, this.#onPollError);
      return Promise.resolve(this.#native.port(this.#handle));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Resolves once the socket is closed, so its port can be bound again at once. */
  close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle === null) return Promise.resolve();
    return new Promise((resolve) => this.#native.close(handle, resolve));
  }

  readonly #onPollError = (code: number, resumed: boolean): void => {
    const name = getSystemErrorName(code);
    const err = Object.assign(new Error(resumed
      ? `udp-batch: the socket reported ${name}; reading goes on`
      : `udp-batch: the socket reported ${name} and cannot be read any more; UDP on this address is down until a restart`), { code: name });
    this.#onError(err);
  };

  readonly #onBatch = (count: number): void => {
    const { META_WORDS, META_REPLY, IN_SLOT, OUT_SLOT } = this.#native;
    const meta = this.#meta;
    for (let slot = 0; slot < count; slot++) {
      const m = slot * META_WORDS;
      const length = meta[m];
      // A datagram longer than IN_SLOT (4 KiB) was cut by the kernel: no query is that
      // long, so it is dropped like any other message that cannot be parsed. (A length
      // beyond the slot cannot come from the addon; the check keeps the copy in bounds.)
      if (length < 0 || length > IN_SLOT) continue;
      const start = slot * IN_SLOT;
      // The reply is written straight into its slot (OUT_SLOT 4 KiB ≥ SERVER_UDP_SIZE).
      const replyLength = this.#handler(this.#queryAt(start, length), this.#family, this.#client(m), this.#output, slot * OUT_SLOT);
      if (replyLength < 0 || this.#handle === null) continue;
      meta[m + META_REPLY] = replyLength;
    }
  };

  /** The datagram at `start` in the input, copied into #query. */
  #queryAt(start: number, length: number): Buffer {
    copyBytes(this.#inputView, this.#input.byteOffset + start, this.#queryView, this.#query.byteOffset, length);
    return (this.#queryViews[length] ??= this.#query.subarray(0, length));
  }

  /** The client address of the record at `m` as text, reusing the last one when it repeats. */
  #client(m: number): string {
    const meta = this.#meta;
    const last = this.#lastAddress;
    const family = meta[m + 2];
    if (family === this.#lastFamily && meta[m + 3] === last[0] && meta[m + 4] === last[1] && meta[m + 5] === last[2] && meta[m + 6] === last[3]) {
      return this.#lastText;
    }
    last[0] = meta[m + 3]; last[1] = meta[m + 4]; last[2] = meta[m + 5]; last[3] = meta[m + 6];
    this.#lastFamily = family;
    const at = (m + 3) * 4;
    this.#lastText = family === 6 ? ipv6Text(this.#metaBytes, at) : ipv4ToText(this.#metaBytes, at);
    return this.#lastText;
  }
}
