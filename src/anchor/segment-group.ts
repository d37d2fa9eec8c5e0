/**
 * One hosted segment: a Raft member (RawNode) over the anchor's shared WAL, the segment
 * state machine it drives, and the zone view built from that state. This is the host
 * side of the Raft contract (src/raft/README.md), run as one loop per group:
 *
 *   1. persist the Ready's snapshot, entries and hard state (fdatasync; group-committed)
 *   2. send its messages (a leader sends its appends first, written to the sockets at once,
 *      so that the followers' disk writes run beside its own: Raft thesis §10.2.1; while
 *      writes stream, its appends without entries wait for the next write's: commit-hold.ts)
 *   3. apply the snapshot and committed entries to the segment state
 *   4. advance()
 *
 * The view is rebuilt after the pass, at the next setImmediate (an I/O poll may come
 * first), or at its first read, whichever comes first (#markViewStale).
 *
 * Only one pass of the loop runs at a time; ticks, received messages and proposals that
 * arrive meanwhile are folded into the next pass (writes that arrive while a pass writes
 * to disk are proposed together when it ends: one MsgApp and one disk write for all). The
 * messages they produce that promise nothing durable (heartbeats and their responses,
 * appends) are sent at once instead of waiting for the pass (etcd's asynchronous storage
 * writes draw the same line; RawNode.takeMessagesSendableBeforePersist).
 * Snapshots are serialised in slices between passes, never as one long block.
 */
import type { Logger } from 'pino';
import { RawNode, type Ready } from '../raft/rawnode.js';
import { decodeConfChange } from '../raft/confchange_codec.js';
import { ErrProposalDropped } from '../raft/errors.js';
import { EntryType, MessageType, type ConfState, type Entry, type Message, type NodeId, type Snapshot } from '../raft/types.js';
import type { DiskStorage } from '../storage/disk-storage.js';
import type { SegmentCommand } from '../segment/commands.js';
import { SegmentState, type SnapshotCapture } from '../segment/state.js';
import { LeaseTracker } from '../segment/lease-tracker.js';
import { PendingZone, type SegmentBase } from '../segment/view.js';
import { SegmentViewBuilder } from '../segment/view-builder.js';
import { ServiceRecordCache } from '../segment/service-records.js';
import { preflight } from '../segment/preflight.js';
import type { ZoneView } from '../zone/types.js';
import { ApiError } from '../api/errors.js';
import { ProposalWaiters, decodeEnvelope, type Applied, type Envelope } from './proposals.js';
import { detachSnapshots } from './detach-snapshots.js';
import { CommitHold } from './commit-hold.js';
import { WriteStream } from './write-stream.js';

export interface RaftTiming {
  /** Milliseconds per Raft tick. */
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
}

export interface SegmentGroupOptions {
  readonly apex: string;
  readonly anchorId: NodeId;
  readonly voters: readonly NodeId[];
  readonly base: SegmentBase;
  /** Serial to start from when the group has no snapshot (the zone file's). */
  readonly baseSerial: number;
  readonly storage: DiskStorage;
  readonly timing: RaftTiming;
  /** Sends messages to peers; with `now`, written before this call returns (see #handle). */
  readonly send: (messages: readonly Message[], now: boolean) => void;
  /** Called with each new view. */
  readonly onView: (view: ZoneView) => void;
  /**
   * Applied writes are not in the view yet: it is rebuilt at the next setImmediate, or
   * when `view` is read first. A host that hands views on (the anchor's DNS
   * source) must read `view` before it next answers from them.
   */
  readonly onViewStale?: () => void;
  readonly logger: Logger;
  readonly random: () => number;
  /** Take a snapshot and compact after at least this many applied entries (or half the services)… */
  readonly snapshotEvery?: number;
  /** …or after this many seconds with any new entry. */
  readonly snapshotSeconds?: number;
  readonly proposalTimeoutMs?: number;
  /** A snapshot of `bytes` is durable, `seconds` after its capture (for metrics). */
  readonly onSnapshot?: (bytes: number, seconds: number) => void;
  /**
   * How long a leader holds an append without entries while writes stream (commit-hold.ts);
   * 0 sends it at once. 1 ms unless given.
   */
  readonly commitHoldMs?: number;
}

export class SegmentGroup {
  readonly apex: string;
  readonly #o: SegmentGroupOptions;
  #base: SegmentBase;
  readonly #node: RawNode;
  readonly #waiters: ProposalWaiters;
  /** Empty appends (the commit broadcast) wait here for the next write's append (commit-hold.ts)… */
  readonly #commitHold: CommitHold;
  /** …while this leader's writes stream (write-stream.ts). */
  readonly #writeStream: WriteStream;
  readonly #leases = new LeaseTracker(() => performance.now());
  #state: SegmentState;
  #view: ZoneView;
  readonly #records = new ServiceRecordCache((service, err) =>
    this.#o.logger.error({ err, apex: this.apex, service }, 'service records cannot be in the zone; left out of the view'));
  /** Derives each view from the last one (full build after a restore, a new base, an error). */
  readonly #views = new SegmentViewBuilder();
  /** Services touched since the last rebuild; 'all' after a restore. */
  #dirty: Set<string> | 'all' = 'all';
  /** Something was applied that #view does not show yet (#markViewStale). */
  #viewStale = false;
  /** Writes waiting for the end of this event-loop turn to be proposed together. */
  #proposals: Uint8Array[] = [];
  /** A pass of the loop is under way: whatever arrives meanwhile is handled by its next turn. */
  #running = false;
  #closed = false;
  #snapshotIndex: number;
  #snapshotAt = performance.now();
  /** A snapshot is being serialised or written (one at a time). */
  #snapshotting = false;
  /** The data of the last snapshot this anchor made and saved (the log storage's, or older). */
  #saved: Uint8Array | undefined;
  /** The one #saved replaced: read by nothing now, for a capture to write over. */
  #spare: Uint8Array | undefined;
  /** This member's factor on the snapshot interval until its next snapshot, in [1, 1.5). */
  #snapshotStretch: number;
  /** Commit index found on disk at start: /ready waits until it is applied. */
  readonly #startCommit: number;
  #leaderChanges = 0;
  #role = 'follower';
  #lastLeader: NodeId = '';

  constructor(options: SegmentGroupOptions) {
    this.apex = options.apex;
    this.#o = options;
    this.#base = options.base;
    const snapshot = options.storage.snapshot();
    this.#snapshotIndex = snapshot.metadata.index;
    this.#state = snapshot.metadata.index > 0 ? SegmentState.restore(snapshot.data) : new SegmentState(options.baseSerial);
    this.#startCommit = options.storage.initialState().hardState.commit;
    this.#view = new PendingZone(options.base.apex);
    this.#snapshotStretch = 1 + options.random() / 2;
    const holdMs = options.commitHoldMs ?? COMMIT_HOLD_MS;
    this.#commitHold = new CommitHold((messages) => this.#o.send(messages, true), holdMs);
    this.#writeStream = new WriteStream(holdMs);
    this.#waiters = new ProposalWaiters(`${options.anchorId}/${process.pid}/${Date.now().toString(36)}`);
    this.#node = new RawNode({
      id: options.anchorId,
      storage: options.storage,
      random: options.random,
      electionTick: options.timing.electionTicks,
      heartbeatTick: options.timing.heartbeatTicks,
      applied: snapshot.metadata.index,
      maxCommittedSizePerReady: MAX_APPLY_BYTES_PER_READY,
      bootstrap: { voters: options.voters },
    });
    // State restored from a snapshot is applied state: answer from it at once rather than
    // SERVFAIL until a leader (which may need a quorum that is not there) commits again.
    if (snapshot.metadata.index > 0) this.#rebuildView();
  }

  /** The zone view of everything applied so far (built now if a rebuild is pending). */
  get view(): ZoneView {
    this.refreshView();
    return this.#view;
  }

  /** Rebuilds the view if something was applied since the last build. */
  refreshView(): void {
    if (!this.#viewStale) return;
    this.#viewStale = false;
    this.#rebuildView();
  }

  get state(): SegmentState {
    return this.#state;
  }
  get leaderChanges(): number {
    return this.#leaderChanges;
  }

  /**
   * New base content (zone-file reload). The new view is built first; if it cannot be
   * (a file record that clashes with a registration), the old base and view stay and the
   * error is thrown for the reload to report.
   */
  setBase(base: SegmentBase): void {
    this.refreshView();
    if (this.#view instanceof PendingZone) {
      this.#base = base;
      return;
    }
    this.#view = this.#views.next(base, this.#state, this.#records, 'all');
    this.#base = base;
    this.#o.onView(this.#view);
  }

  /** A single-member group campaigns at once instead of waiting out an election timeout. */
  start(): void {
    if (this.#o.voters.length === 1 && this.#o.voters[0] === this.#o.anchorId) this.#node.campaign();
    this.#kick();
  }

  tick(): void {
    this.#node.tick();
    this.#kick();
  }

  step(message: Message): void {
    if (message.type === MessageType.MsgProp) this.#writeStream.forwarded(performance.now());
    this.#node.step(message);
    this.#kick();
  }

  reportUnreachable(peer: NodeId): void {
    this.#node.reportUnreachable(peer);
  }

  /** The transport delivered (or failed to deliver) a MsgSnap to `peer` (Raft §7). */
  reportSnapshot(peer: NodeId, ok: boolean): void {
    this.#node.reportSnapshot(peer, ok);
    this.#kick();
  }

  /**
   * Proposes `command`; resolves once it is committed and applied on this anchor. A write
   * whose records could not exist in the zone is refused before it reaches the log (400).
   */
  propose(command: SegmentCommand): Promise<Applied> {
    if (this.#closed) return Promise.reject(noLeader('the anchor is stopping'));
    const view = this.view; // also brings #records up to date
    const refusal = preflight(command, this.#base, this.#state, this.#records, view);
    if (refusal !== undefined) return Promise.reject(new ApiError('BAD_REQUEST', `${command.op}: ${refusal}`));
    const { data, applied } = this.#waiters.register(command, this.#o.proposalTimeoutMs ?? 3000, () => noLeader('the write was not committed in time (leader change?)'));
    this.#proposals.push(data);
    if (this.#proposals.length === 1) setImmediate(this.#proposeBatch);
    return applied;
  }

  /**
   * Proposes the writes that arrived in this event-loop turn as one batch: one MsgApp per
   * follower and one ack back for all of them, instead of one each (under 64 concurrent
   * clients that was five messages per write, and a fifth of the leader's time in socket
   * writes). While a pass of the loop is writing to disk they wait for the loop instead,
   * so each disk write carries every write that arrived during the previous one (group
   * commit, as etcd's raft node batches proposals between Readys).
   */
  readonly #proposeBatch = (): void => {
    if (this.#running) return; // the loop flushes them at the top of its next turn
    this.#flushProposals();
    this.#kick();
  };

  #flushProposals(): void {
    const batch = this.#proposals;
    if (batch.length === 0 || this.#closed) return;
    this.#proposals = [];
    this.#writeStream.proposed(performance.now());
    const error = this.#node.proposeMany(batch);
    if (error !== null) for (const data of batch) this.#waiters.fail(data, error === ErrProposalDropped ? noLeader('no leader for this segment') : error);
  }

  /** Once a second: lease expiry (leader), and a time-based snapshot when the loop is idle. */
  maintain(): void {
    this.#checkLeases();
    if (this.#running || this.#closed) return;
    this.#maybeSnapshot();
  }

  /** Leader only: proposes expiry of leases whose clusters stopped renewing. */
  #checkLeases(): void {
    if (this.#node.status().softState.role !== 'leader') return;
    for (const command of this.#leases.due()) {
      this.propose(command).catch((error: Error) => this.#o.logger.warn({ err: error, apex: this.apex }, 'lease expiry not committed; retrying later'));
    }
  }

  status() {
    const s = this.#node.status();
    return { role: s.softState.role, leader: s.softState.lead || null, term: s.hardState.term, commitIndex: s.hardState.commit, appliedIndex: s.applied, voters: s.config.voters };
  }

  /** Has a leader, and has applied at least what was committed on disk at start. */
  isReady(): boolean {
    const s = this.#node.status();
    return s.softState.lead !== '' && this.#state.appliedIndex >= this.#startCommit && !(this.view instanceof PendingZone);
  }

  close(): void {
    this.#closed = true;
    this.#commitHold.clear();
    this.#waiters.failAll(noLeader('the anchor is stopping'));
  }

  #kick(): void {
    if (this.#running) {
      // The loop checks hasReady() again after every await. Meanwhile what promises nothing
      // durable leaves now: heartbeats, their responses, appends, pre-votes. A follower whose
      // write is in flight still answers the leader's heartbeats, so a slow disk does not
      // cost an election (check-quorum); acks and votes wait for their write (RawNode).
      this.#sendWhileWriting();
      return;
    }
    if (this.#closed || !this.#node.hasReady()) return;
    this.#running = true;
    this.#loop().catch((error: unknown) => this.#fatal(error));
  }

  #sendWhileWriting(): void {
    const messages = this.#node.takeMessagesSendableBeforePersist();
    if (messages.length > 0) this.#send(messages, false);
  }

  /**
   * Sends through the transport. A MsgSnap carries a copy of its snapshot's data: it may
   * wait in a peer's queue (link down or backed up) for longer than this anchor keeps that
   * buffer, which a later capture writes over (#maybeSnapshot). Snapshots go out rarely.
   * While a leader's writes stream, its appends without entries are held for the next
   * write's append to carry their commit index (CommitHold); not once it stops leading or
   * is closing.
   */
  #send(messages: readonly Message[], now: boolean): void {
    const hold = this.#role === 'leader' && !this.#closed && this.#writeStream.streaming(performance.now());
    const out = this.#commitHold.pass(detachSnapshots(messages), hold);
    if (out.length > 0) this.#o.send(out, now);
  }

  #fatal(error: unknown): void {
    if (this.#closed) return; // the WAL closed under a last pass during shutdown
    // A failed write or fsync leaves the log in an unknown state: stop rather than risk
    // acknowledging lost writes; recovery on restart re-reads what is on disk.
    this.#o.logger.fatal({ err: error, apex: this.apex }, 'raft log write failed; exiting');
    process.exit(70);
  }

  async #loop(): Promise<void> {
    let since = performance.now();
    while (!this.#closed) {
      this.#flushProposals();
      if (!this.#node.hasReady()) break;
      await this.#handle(this.#node.ready());
      // Passes that need no disk wait (applying a backlog) would otherwise run back to
      // back: give the event loop a turn every YIELD_MS, so heartbeats, acks and DNS
      // queries are answered while a long backlog is applied (a leader that goes quiet
      // for an election timeout is replaced, check-quorum steps it down).
      if (performance.now() - since > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    this.#running = false;
  }

  async #handle(rd: Ready): Promise<void> {
    if (rd.softState) this.#onSoftState(rd.softState.lead, rd.softState.role);
    // A leader may send its appends while it writes them itself (Raft thesis §10.2.1): its
    // own match counts only after advance(), so nothing commits on an unwritten log. Others
    // must persist first (a vote or an ack must never precede the write it promises).
    const leading = this.#role === 'leader';
    const saved = this.#o.storage.save({ entries: rd.entries, hardState: rd.hardState, snapshot: rd.snapshot, mustSync: rd.mustSync });
    // The WAL's group commit starts the write from a microtask: each `await` below lets it
    // leave (to libuv's thread pool) before the work that follows.
    // - A leader's own write leaves before its appends. A commit needs it and one follower's;
    //   the follower's starts only after the append crossed a socket and was decoded, and
    //   waking the first follower often took this core from the leader for 50–200 µs before
    //   it reached the second send and its own write, so the leader's write finished last
    //   (traced at one connection). Alternated A/B at one connection: 1.04 and 1.08× writes/s.
    //   The appends still go at once, not at the end of the turn (Transport flush). (The
    //   WAL's inline writes, which the anchor does not turn on, would hold them back.)
    // - Committed entries are already durable on a quorum (for a single voter, on this disk:
    //   the core hands them out only once stable), so they are applied while this Ready's
    //   new entries are written, as etcd's server does, and neither the disk nor the ack
    //   behind it waits for the apply and the view rebuild (A/B: 1.10× at 16, 1.13× at 64
    //   connections). A snapshot is persisted before it replaces the state, so a crash never
    //   leaves state ahead of the log.
    const writing = rd.entries.length > 0;
    if (writing) await Promise.resolve();
    if (leading && rd.messages.length > 0) this.#send(rd.messages, writing);
    const hasSnapshot = rd.snapshot !== undefined && rd.snapshot.metadata.index > 0;
    if (!hasSnapshot) this.#apply(rd, false);
    // A Ready that only moves the commit index needs no durability (Raft can relearn the
    // index; etcd's MustSync), and its messages promise nothing new: DiskStorage holds its
    // hard state for the next write, and the loop does not wait for earlier writes (a
    // snapshot file, say) either. A failure still stops the anchor, through the next save
    // or here.
    if (rd.mustSync || hasSnapshot) await saved;
    else saved.catch((error: unknown) => this.#fatal(error));
    if (!leading && rd.messages.length > 0) this.#send(rd.messages, false);
    if (hasSnapshot) this.#apply(rd, true);
    this.#node.advance();
    this.#maybeSnapshot();
  }

  /** Step 3 of the host contract: the snapshot, then committed entries; the view follows. */
  #apply(rd: Ready, restore: boolean): void {
    if (rd.committedEntries.length > 0) this.#writeStream.applied(performance.now());
    if (restore) this.#restore(rd.snapshot!);
    const applied = this.#applyEntries(rd.committedEntries);
    const firstApply = rd.committedEntries.length > 0 && this.#view instanceof PendingZone;
    if (restore || applied || firstApply) this.#markViewStale();
  }

  /**
   * The view is rebuilt at the next setImmediate rather than inside the pass. Applying
   * settled the writes' proposals, and their HTTP replies leave in the microtasks that
   * follow, no longer behind a rebuild (~50 µs a write on the leader at one connection,
   * of a write's ~1 ms): the rebuild then runs while the client reads its reply and sends
   * the next write. Alternated A/B on 3-anchor groups: 1.02× writes/s at one connection
   * (6 pairs), 1.02× at 64 (3 pairs), inside this machine's noise (bench/README.md,
   * Registration). During a backlog the passes between two yields of the loop (YIELD_MS)
   * share one rebuild. Nothing reads a stale view: `view` rebuilds first, and the anchor's
   * DNS source reads it before it answers again (`onViewStale`, published-views.ts), so a
   * query sent after a write's 200 sees the write even when the apply ran late in an
   * event-loop turn.
   */
  #markViewStale(): void {
    if (this.#viewStale) return;
    this.#viewStale = true;
    this.#o.onViewStale?.();
    setImmediate(this.#refreshAfterTurn);
  }

  readonly #refreshAfterTurn = (): void => {
    if (!this.#closed) this.refreshView();
  };

  #onSoftState(lead: NodeId, role: string): void {
    const wasLeader = this.#role === 'leader';
    this.#role = role;
    if (lead !== this.#lastLeader) {
      if (lead !== '') this.#leaderChanges++;
      // Proposals on their way to the old leader may be lost with it: answer them now (503,
      // retry) rather than at the timeout. One that still commits is applied all the same,
      // and every write is idempotent but a DELETE, whose retry may then get 404.
      if (this.#lastLeader !== '') this.#waiters.failAll(noLeader('the segment leader changed while the write was in flight; retry'));
      this.#lastLeader = lead;
      this.#o.logger.info({ apex: this.apex, leader: lead || null, role }, 'segment leader changed');
    }
    // Held empty appends belong to this leadership: a new term's messages replace them.
    if (role !== 'leader') this.#commitHold.clear();
    // The tracker lives only on the leader: a new one starts every lease's clock afresh.
    if (role === 'leader' && !wasLeader) this.#leases.reset(this.#state.leases());
    else if (role !== 'leader') this.#leases.clear();
  }

  #restore(snapshot: Snapshot): void {
    this.#state = SegmentState.restore(snapshot.data);
    this.#dirty = 'all';
    this.#snapshotIndex = snapshot.metadata.index;
    // Only a follower installs a snapshot today; should a leader ever, its tracker must
    // follow the new state.
    if (this.#role === 'leader') this.#leases.reset(this.#state.leases());
  }

  /**
   * Applies one command entry. An entry that does not decode is skipped with an error log
   * on every replica alike (deterministic), instead of stopping them all at every replay.
   */
  #applyCommand(entry: Entry): boolean {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(entry.data);
    } catch (err) {
      this.#o.logger.error({ err, apex: this.apex, index: entry.index }, 'log entry is not a command; skipped');
      this.#state.skip(entry.index);
      return false;
    }
    const outcome = this.#state.apply(entry.index, envelope.c);
    if (outcome.refused && !outcome.refused.startsWith('segment policy')) this.#o.logger.warn({ apex: this.apex, index: entry.index, reason: outcome.refused }, 'command refused at apply');
    if (this.#dirty !== 'all') for (const key of outcome.services) this.#dirty.add(key);
    if (this.#role === 'leader') {
      for (const key of outcome.services) this.#leases.update(key, this.#state.leasesOf(key));
      if (outcome.renewed) this.#leases.renewed(outcome.renewed.cluster, outcome.renewed.generation);
    }
    this.#waiters.settle(envelope.r, { index: entry.index, serial: this.#state.serial, changed: outcome.changed, refused: outcome.refused });
    return outcome.changed;
  }

  /** Applies committed entries in log order; returns whether any changed the zone. */
  #applyEntries(entries: readonly Entry[]): boolean {
    let changed = false;
    for (const entry of entries) {
      if (entry.index <= this.#state.appliedIndex) continue;
      if (entry.type === EntryType.ConfChange) {
        this.#node.applyConfChange(decodeConfChange(entry.data));
        this.#state.skip(entry.index);
      } else if (entry.data.length === 0) {
        this.#state.skip(entry.index);
      } else {
        changed = this.#applyCommand(entry) || changed;
      }
    }
    return changed;
  }

  #rebuildView(): void {
    try {
      const changes = this.#records.refresh(this.#base.domain, this.#state, this.#dirty);
      this.#dirty = new Set();
      this.#view = this.#views.next(this.#base, this.#state, this.#records, changes);
      this.#o.onView(this.#view);
    } catch (error) {
      this.#o.logger.error({ err: error, apex: this.apex }, 'segment view could not be built; keeping the previous one');
    }
  }

  /**
   * Snapshot the state machine and compact the log behind it (Raft §7), after
   * max(`snapshotEvery`, services / 2) entries, or after `snapshotSeconds` with anything
   * new: the WAL is shared by every group and removes a file only once each group's
   * snapshot covers it, so a quiet group must snapshot too or it pins the log forever.
   *
   * The state is captured at once (a shallow copy) and serialised SNAPSHOT_SLICE services
   * per event-loop turn while the loop goes on: in one piece, 126k services took ~250 ms,
   * and a leader that stops heartbeating that long under load loses its followers.
   */
  #maybeSnapshot(): void {
    if (this.#snapshotting || this.#closed) return;
    // At least half as many entries as the segment has services: a snapshot serialises
    // every service (~2 µs each), so a fixed interval made its cost per write grow with
    // the store: at 150k services, one every 10k writes was a third of the busy time of a
    // 3-anchor group on 2 cores, writes fell to half and leaders were replaced under load.
    // With half, a segment that only grows still snapshots each time it grows 2–4× (with
    // a whole one it never would), a snapshot costs ≤ 4 µs per write, and the log kept in
    // memory and replayed at restart stays under ~0.75 × services entries.
    const every = Math.max(this.#o.snapshotEvery ?? 10_000, Math.ceil(this.#state.serviceCount / 2));
    const applied = this.#state.appliedIndex;
    const stale = performance.now() - this.#snapshotAt > (this.#o.snapshotSeconds ?? 600) * 1000;
    if (applied - this.#snapshotIndex < every * this.#snapshotStretch && !(stale && applied > this.#snapshotIndex)) return;
    // Members apply the same entries at about the same time: without a per-member stretch
    // of 1–1.5 × the interval they would all serialise their state at once and, on shared
    // cores, stall together long enough for an election.
    this.#snapshotStretch = 1 + this.#o.random() / 2;
    this.#snapshotIndex = applied;
    this.#snapshotAt = performance.now();
    this.#snapshotting = true;
    const spare = this.#spare;
    this.#spare = undefined;
    this.#writeSnapshot(this.#state.capture(spare), this.#node.status().config, every)
      .catch((error: unknown) => this.#o.logger.error({ err: error, apex: this.apex }, 'snapshot failed'))
      .finally(() => {
        this.#snapshotting = false;
      });
  }

  async #writeSnapshot(capture: SnapshotCapture, confState: ConfState, every: number): Promise<void> {
    const started = performance.now();
    let data: Uint8Array | undefined;
    while ((data = capture.next(SNAPSHOT_SLICE)) === undefined) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#closed) return;
    }
    const index = capture.appliedIndex;
    // A snapshot installed from the leader meanwhile is newer: this one is moot.
    if (this.#closed || index <= this.#o.storage.snapshot().metadata.index) return;
    await this.#o.storage.createSnapshot(index, confState, data);
    // The log storage now holds this one and its file is written: the one it replaced is
    // read by nothing (a MsgSnap carries a copy, see #send), so the capture after next may
    // write over it.
    this.#spare = this.#saved;
    this.#saved = data;
    this.#o.onSnapshot?.(data.length, (performance.now() - started) / 1000);
    // Keep a tail of entries so a lagging follower catches up from the log, not from a
    // snapshot: installing one costs a follower a full rebuild of its view (seconds at
    // 100k services), during which it lags further. 1,000 entries was a third of a second
    // of writes under load; etcd keeps 5,000 (SnapshotCatchUpEntries).
    const keep = Math.min(CATCH_UP_ENTRIES, every);
    if (index - keep > this.#o.storage.firstIndex()) await this.#o.storage.compact(index - keep);
  }
}

/**
 * Longest a leader holds an append without entries for the next write's append to carry
 * its commit index instead (commit-hold.ts). Node's timers fire after at least 1 ms.
 */
const COMMIT_HOLD_MS = 1;

/** Committed entries applied per Ready: ~200 registrations, ~10 ms of apply (the view waits for a yield). */
const MAX_APPLY_BYTES_PER_READY = 64 * 1024;

/** The longest the Ready loop holds the event loop before letting other work run. */
const YIELD_MS = 10;

/** Entries kept behind a snapshot for followers to catch up from (~4 MB at 400 B each). */
const CATCH_UP_ENTRIES = 10_000;

/** Services serialised per event-loop turn by a snapshot (~4 ms of work). */
const SNAPSHOT_SLICE = 2000;

function noLeader(message: string): ApiError {
  return new ApiError('NO_LEADER', message, { retryAfter: 1 });
}
