/**
 * ReadIndex bookkeeping on the leader (Raft thesis §6.4; etcd-io/raft read_only.go): each
 * request records the commit index when it arrived, rides on a heartbeat round carrying its
 * context, and is released once a quorum of voters acknowledged that round — proving that
 * the leader was still the leader when the request arrived.
 */
import type { Message, NodeId } from './types.js';

export interface ReadIndexStatus {
  readonly req: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

const key = (ctx: Uint8Array): string => Buffer.from(ctx).toString('latin1');

export class ReadOnly {
  #pending = new Map<string, ReadIndexStatus>();
  /** Contexts in arrival order; releasing one releases all before it. */
  #queue: string[] = [];

  /** Adds a request; a duplicate context already pending is ignored. */
  addRequest(index: number, m: Message): void {
    const k = key(m.entries[0].data);
    if (this.#pending.has(k)) return;
    this.#pending.set(k, { req: m, index, acks: new Set() });
    this.#queue.push(k);
  }

  /** Records a heartbeat ack for ctx; returns the acks so far (undefined if ctx is unknown). */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.#pending.get(key(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Removes and returns every request up to and including ctx's, in order. */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const k = key(ctx);
    const at = this.#queue.indexOf(k);
    if (at < 0) return [];
    const done = this.#queue.splice(0, at + 1);
    const out: ReadIndexStatus[] = [];
    for (const d of done) {
      out.push(this.#pending.get(d)!);
      this.#pending.delete(d);
    }
    return out;
  }

  /** The context of the newest pending request (heartbeats carry it), if any. */
  lastPendingContext(): Uint8Array | undefined {
    const k = this.#queue[this.#queue.length - 1];
    return k === undefined ? undefined : this.#pending.get(k)!.req.entries[0].data;
  }

  get pendingCount(): number {
    return this.#queue.length;
  }
}
