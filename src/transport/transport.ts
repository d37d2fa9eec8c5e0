/**
 * The Transport contract and its implementation over any Network (link.ts). The TCP and
 * in-process transports (index.ts) are this class over TcpNetwork and MemoryNetwork.
 *
 * Delivery is best-effort, as Raft expects of a network: messages may be dropped (peer
 * down, queue full) but are never reordered per (sender, receiver) pair, duplicated by the
 * transport, or delivered damaged. Handlers run on their own macrotask per received frame.
 */
import type { Message, NodeId } from '../raft/types.js';
import { TransportClosedError } from '../storage/errors.js';
import type { BackoffOptions } from './backoff.js';
import { DEFAULT_MAX_FRAME_BYTES, type GroupMessage } from './frame.js';
import { acceptInbound } from './inbound.js';
import type { Link, Listener, Network } from './link.js';
import { Peer } from './peer.js';

/** Counters for metrics and tests. */
export interface TransportStats {
  /** Socket writes of message frames (one per peer per tick when coalescing works). */
  writes: number;
  messagesSent: number;
  messagesReceived: number;
  messagesDropped: number;
  /** Inbound links closed for a protocol error. */
  protocolErrors: number;
}

export type MessageHandler = (group: string, message: Message) => void;
export type UnreachableHandler = (peer: NodeId) => void;
export type SnapshotStatusHandler = (group: string, peer: NodeId, ok: boolean) => void;

export interface Transport {
  /** This anchor's id. */
  readonly id: NodeId;
  /** The bound listen address (port 0 resolved); valid after start(). */
  readonly address: string;
  readonly stats: Readonly<TransportStats>;
  start(): Promise<void>;
  /**
   * Queues messages of one group; each goes to its `to` anchor. Never throws for a down
   * peer. Queues are written at the end of the event-loop turn (one socket write per peer
   * for all that a turn queued), or at once by flush().
   */
  send(group: string, msgs: readonly Message[]): void;
  /** Writes every open peer's queue now, for messages that must not wait for the turn to end. */
  flush(): void;
  onMessage(handler: MessageHandler): void;
  /** Fires when a peer cannot be reached, so the host can call reportUnreachable. */
  onUnreachable(handler: UnreachableHandler): void;
  /** Fires once per MsgSnap: written to the peer's socket (ok) or dropped; for reportSnapshot. */
  onSnapshotStatus(handler: SnapshotStatusHandler): void;
  addPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  close(): Promise<void>;
}

export interface TransportOptions {
  readonly id: NodeId;
  /** Where to accept peers, e.g. "127.0.0.2:7053" or ":0" forms like "127.0.0.1:0". */
  readonly listen: string;
  /** Largest frame sent or accepted. Default 64 MiB. */
  readonly maxFrameBytes?: number;
  /** Messages queued per peer before the oldest are dropped. Default 4096. */
  readonly maxQueue?: number;
  readonly backoff?: BackoffOptions;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Protocol errors, dropped messages, handler failures. Default: ignored. */
  readonly onError?: (err: Error) => void;
}

export class NetworkTransport implements Transport {
  readonly id: NodeId;
  readonly #o: TransportOptions;
  readonly #network: Network;
  readonly #peers = new Map<NodeId, Peer>();
  readonly #inbound = new Map<NodeId, Set<Link>>();
  #listener: Listener | undefined;
  #onMessage: MessageHandler = () => undefined;
  #onUnreachable: UnreachableHandler = () => undefined;
  #onSnapshotStatus: SnapshotStatusHandler = () => undefined;
  #closed = false;
  readonly stats: TransportStats = { writes: 0, messagesSent: 0, messagesReceived: 0, messagesDropped: 0, protocolErrors: 0 };

  constructor(network: Network, opts: TransportOptions) {
    this.id = opts.id;
    this.#network = network;
    this.#o = opts;
  }

  get address(): string {
    return this.#listener?.address ?? this.#o.listen;
  }

  async start(): Promise<void> {
    if (this.#closed) throw new TransportClosedError();
    this.#listener = await this.#network.listen(this.#o.listen, (link) => this.#accept(link));
  }

  onMessage(handler: MessageHandler): void {
    this.#onMessage = handler;
  }

  onUnreachable(handler: UnreachableHandler): void {
    this.#onUnreachable = handler;
  }

  onSnapshotStatus(handler: SnapshotStatusHandler): void {
    this.#onSnapshotStatus = handler;
  }

  addPeer(id: NodeId, address: string): void {
    if (this.#closed || this.#peers.has(id)) return;
    this.#peers.set(id, new Peer({
      self: this.id,
      id,
      address,
      network: this.#network,
      maxQueue: this.#o.maxQueue ?? 4096,
      maxFrameBytes: this.#maxFrame,
      backoff: this.#o.backoff ?? {},
      random: this.#o.random ?? Math.random,
      onUnreachable: (p) => this.#onUnreachable(p),
      onSnapshotStatus: (g, p, ok) => this.#onSnapshotStatus(g, p, ok),
      onWrite: (n) => {
        this.stats.writes++;
        this.stats.messagesSent += n;
      },
      onDropped: (p, items, why) => {
        this.stats.messagesDropped += items.length;
        this.#error(new Error(`transport: dropped ${items.length} message(s) to ${p}: ${why}`));
      },
    }));
  }

  removePeer(id: NodeId): void {
    this.#peers.get(id)?.close();
    this.#peers.delete(id);
    for (const l of this.#inbound.get(id) ?? []) l.close();
    this.#inbound.delete(id);
  }

  send(group: string, msgs: readonly Message[]): void {
    if (this.#closed) return;
    for (const m of msgs) {
      const peer = this.#peers.get(m.to);
      if (peer !== undefined) peer.enqueue([{ group, message: m }]);
      else this.#onUnreachable(m.to);
    }
  }

  flush(): void {
    if (this.#closed) return;
    for (const peer of this.#peers.values()) peer.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#peers.keys()]) this.removePeer(id);
    for (const set of this.#inbound.values()) for (const l of set) l.close();
    this.#inbound.clear();
    await this.#listener?.close();
  }

  get #maxFrame(): number {
    return this.#o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  #accept(link: Link): void {
    if (this.#closed) return link.close();
    acceptInbound(link, {
      self: this.id,
      maxFrameBytes: this.#maxFrame,
      deliver: (_from, batch) => this.#deliver(batch),
      onError: (e) => {
        this.stats.protocolErrors++;
        this.#error(e);
      },
      onHello: (from, l) => this.#trackInbound(from, l),
    });
  }

  #trackInbound(from: NodeId, link: Link): void {
    let set = this.#inbound.get(from);
    if (set === undefined) this.#inbound.set(from, (set = new Set()));
    set.add(link);
    link.onClose(() => set.delete(link));
  }

  /** A throwing handler is reported, not allowed to kill the link or the process. */
  #deliver(batch: readonly GroupMessage[]): void {
    this.stats.messagesReceived += batch.length;
    for (const { group, message } of batch) {
      try {
        this.#onMessage(group, message);
      } catch (err) {
        this.#error(new Error(`transport: message handler failed for group ${group}`, { cause: err }));
      }
    }
  }

  #error(err: Error): void {
    this.#o.onError?.(err);
  }
}
