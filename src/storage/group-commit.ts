/**
 * Group commit: records submitted by any group in one synchronous run — and all that
 * arrive while a sync is in flight — go to disk as one write and one fdatasync. Each
 * submitter's promise settles only after the sync that covers its bytes, so the host never
 * acknowledges (sends a vote, answers a client) anything that a crash could lose
 * (Raft report §4.4 items 16–17).
 *
 * Invariant: batches reach the sink in submission order and never overlap, so the bytes on
 * disk are the records in the order they were submitted.
 * After a sink failure every pending and later submit rejects with WalFailedError: once an
 * fsync has failed, the page cache may have dropped data and only a restart can tell what
 * is durable.
 */
import { ByteWriter } from './bytes.js';
import { WalClosedError, WalFailedError } from './errors.js';
import { encodeRecord, type WalRecord } from './wal-record.js';

/** Encoding scratch kept between batches; a batch's bytes are copied out of it. */
const SCRATCH_BYTES = 1 << 16;

/** Writes one batch, and fdatasyncs it when `sync`; resolves once that is done. */
export type BatchSink = (bytes: Uint8Array, records: readonly WalRecord[], sync: boolean) => Promise<void>;

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export interface CommitStats {
  /** fdatasync calls (at most one per batch). */
  syncs: number;
  records: number;
  bytes: number;
}

export class GroupCommitter {
  readonly #sink: BatchSink;
  readonly #buf = new ByteWriter(SCRATCH_BYTES);
  #records: WalRecord[] = [];
  #waiters: Waiter[] = [];
  /** Whether any submit in the current batch needs fdatasync. */
  #sync = false;
  #scheduled = false;
  #running: Promise<void> | undefined;
  #failed: Error | undefined;
  #closed = false;
  readonly stats: CommitStats = { syncs: 0, records: 0, bytes: 0 };

  constructor(sink: BatchSink) {
    this.#sink = sink;
  }

  /**
   * Queues records; resolves when they are on stable storage. With `sync` false (Ready's
   * mustSync false: only the commit index moved, which Raft can relearn) the batch skips
   * fdatasync unless another submitter in it needs one, and resolves after the write.
   */
  submit(records: readonly WalRecord[], sync = true): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(new WalFailedError({ cause: this.#failed }));
    if (this.#closed) return Promise.reject(new WalClosedError());
    for (const r of records) {
      encodeRecord(this.#buf, r);
      this.#records.push(r);
    }
    if (sync) this.#sync = true;
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#schedule();
    return done;
  }

  /** Resolves once everything submitted so far is durable (or failed). */
  async drain(): Promise<void> {
    while (this.#running !== undefined || this.#scheduled) {
      await (this.#running ?? new Promise<void>((r) => setImmediate(r)));
    }
  }

  /** Refuses later submits; what was submitted before still completes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  /**
   * A microtask: every save made in the same synchronous run (the groups a frame's messages
   * reached, each stepping to a Ready) joins one batch, and the write leaves as soon as that
   * run yields. A setImmediate waited for the rest of the event-loop turn instead: on a
   * follower, for applying the previous commit and rebuilding the DNS view, so the disk
   * write (and the ack behind it) started after work it did not depend on. Saves that come
   * while a write is in flight still gather into the next batch.
   */
  #schedule(): void {
    if (this.#scheduled || this.#running !== undefined) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#running = this.#flush().finally(() => {
        this.#running = undefined;
        if (this.#waiters.length > 0) this.#schedule();
      });
    });
  }

  async #flush(): Promise<void> {
    const bytes = this.#buf.takeCopy(SCRATCH_BYTES);
    const records = this.#records;
    const waiters = this.#waiters;
    const sync = this.#sync;
    this.#sync = false;
    this.#records = [];
    this.#waiters = [];
    try {
      await this.#sink(bytes, records, sync);
      if (sync) this.stats.syncs++;
      this.stats.records += records.length;
      this.stats.bytes += bytes.length;
      for (const w of waiters) w.resolve();
    } catch (cause) {
      this.#fail(cause, waiters);
    }
  }

  #fail(cause: unknown, waiters: Waiter[]): void {
    this.#failed = cause instanceof Error ? cause : new Error(String(cause));
    const err = new WalFailedError({ cause });
    for (const w of [...waiters, ...this.#waiters]) w.reject(err);
    this.#waiters = [];
    this.#records = [];
  }
}
