/**
 * Loads the batched-UDP addon (native/udp-batch.c, built into build/udp-batch.node and
 * copied to dist/native/ by `npm run build`). Without it (no C compiler where the package was built, or another
 * platform) the server falls back to Node's dgram sockets, which answer the same but cost
 * about twice the CPU per query (bench/HISTORY.md, DNS answering).
 */
import { loadNativeAddon } from './native-addon.js';

export interface UdpBatchBinding {
  /**
   * Binds a socket and starts reading; `onBatch(n)` runs for every n (1…BATCH) datagrams
   * read. `onError(code, resumed)` reports a poll error (a libuv error code, negative) and
   * whether reading went on after it.
   */
  open(family: 4 | 6, host: string, port: number, ipv6Only: boolean, receiveBufferBytes: number,
    input: Buffer, output: Buffer, meta: Buffer, onBatch: (count: number) => void,
    onError: (code: number, resumed: boolean) => void): UdpBatchHandle;
  port(handle: UdpBatchHandle): number;
  /** Stops reading; `onClosed` runs once the socket is closed and its port free again. */
  close(handle: UdpBatchHandle, onClosed?: () => void): void;
  readonly BATCH: number;
  readonly IN_SLOT: number;
  readonly OUT_SLOT: number;
  readonly META_WORDS: number;
  readonly META_REPLY: number;
}

/** An opaque socket handle owned by the addon. */
export type UdpBatchHandle = { readonly __udpBatchHandle: unique symbol };

let loaded: UdpBatchBinding | null | undefined;

/** The addon, or null when it was not built or does not load here. */
export function udpBatchBinding(): UdpBatchBinding | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== 'linux') return loaded;
  try {
    loaded = loadNativeAddon<UdpBatchBinding>('udp-batch') ?? null;
  } catch {
    loaded = null; // built for another Node ABI or platform: dgram it is
  }
  return loaded;
}
