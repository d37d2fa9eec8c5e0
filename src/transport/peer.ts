/**
 * The sending side towards one remote anchor: a bounded queue, one outbound link, and
 * the reconnect loop.
 *
 * - Messages queued during one event-loop turn go out as one write (one frame unless the
 *   size limit splits it): per-tick coalescing across all groups, as CockroachDB and TiKV
 *   batch per destination store (Raft report §6.2).
 * - Order is kept per peer: the queue is FIFO and there is one link at a time.
 * - The queue is bounded; when full the oldest message is dropped. Raft tolerates loss and
 *   the newest messages (latest term, commit) are the useful ones.
 * - While the peer is down, `onUnreachable` fires on every failed dial or broken link, so
 *   the host can call RawNode.reportUnreachable and Raft stops pipelining to it.
 */
import { MessageType, type NodeId } from '../raft/types.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { encodeHello, encodeMessageFrames, PROTOCOL_VERSION, type GroupMessage } from './frame.js';
import type { Link, Network } from './link.js';

export interface PeerOptions {
  readonly self: NodeId;
  readonly id: NodeId;
  readonly address: string;
  readonly network: Network;
  readonly maxQueue: number;
  readonly maxFrameBytes: number;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  readonly onUnreachable: (peer: NodeId) => void;
  /** One write of `count` messages was handed to the link. */
  readonly onWrite: (count: number) => void;
  /** A MsgSnap was written to the link (ok) or will never be (dropped, link failed). */
  readonly onSnapshotStatus: (group: string, peer: NodeId, ok: boolean) => void;
  /** Messages that were dropped (queue overflow, too large, peer removed). */
  readonly onDropped: (peer: NodeId, dropped: readonly GroupMessage[], reason: string) => void;
}

type State = 'idle' | 'dialing' | 'open' | 'waiting' | 'closed';

export class Peer {
  readonly #o: PeerOptions;
  readonly #backoff: Backoff;
  #queue: GroupMessage[] = [];
  #state: State = 'idle';
  #link: Link | undefined;
  #flushScheduled = false;
  #blocked = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: PeerOptions) {
    this.#o = o;
    this.#backoff = new Backoff(o.backoff, o.random);
  }

  get queued(): number {
    return this.#queue.length;
  }

  enqueue(items: readonly GroupMessage[]): void {
    if (this.#state === 'closed') return;
    for (const it of items) this.#queue.push(it);
    const over = this.#queue.length - this.#o.maxQueue;
    if (over > 0) this.#drop(this.#queue.splice(0, over), 'queue full');
    if (this.#state === 'idle') void this.#dial();
    else if (this.#state === 'open') this.#scheduleFlush();
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#timer);
    this.#link?.close();
    this.#link = undefined;
    if (this.#queue.length > 0) this.#drop(this.#queue.splice(0), 'peer removed');
  }

  async #dial(): Promise<void> {
    this.#state = 'dialing';
    let link: Link;
    try {
      link = await this.#o.network.dial(this.#o.address);
    } catch {
      if (this.#state === 'dialing') this.#down();
      return;
    }
    if (this.#state !== 'dialing') return link.close();
    this.#open(link);
  }

  #open(link: Link): void {
    this.#link = link;
    this.#state = 'open';
    this.#blocked = false;
    link.onData(() => undefined); // the outbound link carries no replies
    link.onClose(() => {
      if (this.#link === link) this.#down();
    });
    link.onDrain(() => {
      this.#blocked = false;
      this.#scheduleFlush();
    });
    link.write(encodeHello({ version: PROTOCOL_VERSION, from: this.#o.self, to: this.#o.id }));
    this.#backoff.reset();
    this.#scheduleFlush();
  }

  /** The link failed or could not be made: tell the host, wait, and retry if there is work. */
  #down(): void {
    this.#link = undefined;
    this.#state = 'waiting';
    this.#o.onUnreachable(this.#o.id);
    this.#timer = setTimeout(() => {
      if (this.#state !== 'waiting') return;
      if (this.#queue.length > 0) void this.#dial();
      else this.#state = 'idle';
    }, this.#backoff.next());
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#queue.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Writes the queue now rather than at the end of the turn (a no-op unless the link is open). */
  flush(): void {
    this.#flush();
  }

  /** Writes everything queued as one buffer, unless the socket asked us to wait. */
  #flush(): void {
    const link = this.#link;
    if (this.#state !== 'open' || link === undefined || this.#blocked || this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    const { bytes, tooLarge } = encodeMessageFrames(items, this.#o.maxFrameBytes);
    if (tooLarge.length > 0) this.#drop(tooLarge, 'larger than the frame limit');
    if (bytes.length === 0) return;
    this.#o.onWrite(items.length - tooLarge.length);
    const snaps = items.filter((it) => it.message.type === MessageType.MsgSnap && !tooLarge.includes(it));
    const done = snaps.length === 0 ? undefined : (err?: Error) => this.#snapStatus(snaps, err === undefined);
    if (!link.write(bytes, done)) this.#blocked = true;
  }

  #drop(items: GroupMessage[], reason: string): void {
    this.#o.onDropped(this.#o.id, items, reason);
    this.#snapStatus(items.filter((it) => it.message.type === MessageType.MsgSnap), false);
  }

  /** Tells the host how each MsgSnap went, so it can call RawNode.reportSnapshot. */
  #snapStatus(snaps: readonly GroupMessage[], ok: boolean): void {
    for (const s of snaps) this.#o.onSnapshotStatus(s.group, this.#o.id, ok);
  }
}
