/**
 * Proposals waiting to be applied on this anchor. A write is proposed with a request id
 * in its entry (the envelope); the Raft core forwards a follower's proposal to the leader
 * (MsgProp), and when the entry comes back through the log and is applied here, the
 * waiter with that id resolves. A proposal that is dropped (a leader change) never comes
 * back, so each waiter has a deadline and then fails with a 503 the client can retry.
 */
import type { SegmentCommand } from '../segment/commands.js';

export interface Envelope {
  /** `<anchor id>:<sequence>`; unique per process lifetime, and the anchor id per process. */
  readonly r: string;
  readonly c: SegmentCommand;
}

export interface Applied {
  readonly index: number;
  readonly serial: number;
  readonly changed: boolean;
  readonly refused?: string | undefined;
}

interface Waiter {
  readonly resolve: (applied: Applied) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class ProposalWaiters {
  readonly #prefix: string;
  readonly #waiters = new Map<string, Waiter>();
  #sequence = 0;

  /** `prefix` must differ between processes that may propose to one group at once. */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** Wraps `command` with a fresh request id and registers a waiter for it. */
  register(command: SegmentCommand, timeoutMs: number, onTimeout: () => Error): { data: Uint8Array; applied: Promise<Applied> } {
    const id = `${this.#prefix}:${++this.#sequence}`;
    const applied = new Promise<Applied>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      this.#waiters.set(id, { resolve, reject, timer });
    });
    const envelope: Envelope = { r: id, c: command };
    return { data: Buffer.from(JSON.stringify(envelope), 'utf8'), applied };
  }

  /** Called for every applied entry; resolves the waiter if this anchor proposed it. */
  settle(requestId: string, applied: Applied): void {
    const waiter = this.#waiters.get(requestId);
    if (!waiter) return;
    this.#waiters.delete(requestId);
    clearTimeout(waiter.timer);
    waiter.resolve(applied);
  }

  /** Fails one waiter now (the proposal was refused before it reached the log). */
  fail(data: Uint8Array, error: Error): void {
    const id = decodeEnvelope(data).r;
    const waiter = this.#waiters.get(id);
    if (!waiter) return;
    this.#waiters.delete(id);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  /** Fails every waiter (shutdown). */
  failAll(error: Error): void {
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
  }
}

export function decodeEnvelope(data: Uint8Array): Envelope {
  const parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as Envelope;
  if (typeof parsed?.r !== 'string' || typeof parsed.c?.op !== 'string') throw new TypeError('entry is not a proposal envelope');
  return parsed;
}
