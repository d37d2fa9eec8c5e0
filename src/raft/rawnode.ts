/**
 * RawNode: the host's synchronous handle on one Raft group member (etcd-io/raft rawnode.go).
 * The host drives it with tick()/step()/propose(), collects a Ready, persists and sends
 * what it holds, applies committed entries, and calls advance(). See README.md.
 */
import type { Config } from './config.js';
import { encodeConfChange } from './confchange_codec.js';
import { ErrStepLocalMsg, ErrStepPeerNotFound, invariant } from './errors.js';
import { applyConfChange, maybeAutoLeave } from './membership.js';
import { Raft } from './raft.js';
import type { ProgressState } from './progress.js';
import {

  EntryType,
  MessageType,
  makeMessage,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type ReadState,
  type Snapshot,
  type SoftState,
} from './types.js';

/** One batch of work for the host. Fields are empty when there is nothing of that kind. */
export interface Ready {
  /** Present when leader or role changed (volatile; for display). */
  readonly softState?: SoftState;
  /** Present when term, vote or commit changed; persist before sending messages. */
  readonly hardState?: HardState;
  /** Linearizable reads: serve each once the state machine applied `index`. */
  readonly readStates: readonly ReadState[];
  /** Entries to append to stable storage (overwriting any stored at ≥ entries[0].index). */
  readonly entries: readonly Entry[];
  /** A snapshot to persist and apply (it replaces the state machine and the log). */
  readonly snapshot?: Snapshot;
  /** Entries to apply to the state machine, in order. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send after entries, hard state and snapshot are persisted. */
  readonly messages: readonly Message[];
  /** Whether entries/hardState must be fsynced before sending (term, vote or entries changed). */
  readonly mustSync: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly config: ConfState;
  readonly leadTransferee: NodeId;
  /** Only on the leader: each member's replication state. */
  readonly progress?: ReadonlyMap<NodeId, { match: number; next: number; state: ProgressState; isLearner: boolean }>;
}

const LOCAL_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.MsgHup,
  MessageType.MsgBeat,
  MessageType.MsgUnreachable,
  MessageType.MsgSnapStatus,
  MessageType.MsgCheckQuorum,
]);

/**
 * Messages that promise something this member must have on disk first: an ack of appended
 * entries (Raft §5.3), and votes, whose term and vote must be durable so a restart cannot
 * vote twice in a term (thesis §3.8). A candidate counts its own vote at once, so its
 * MsgVote waits for the term and self-vote to be written too (etcd's raft, which defers
 * only responses, counts the self-vote through storage instead).
 */
const AWAIT_PERSIST_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.MsgAppResp,
  MessageType.MsgVote,
  MessageType.MsgVoteResp,
]);

const RESPONSE_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.MsgAppResp,
  MessageType.MsgVoteResp,
  MessageType.MsgPreVoteResp,
  MessageType.MsgHeartbeatResp,
]);

export class RawNode {
  readonly raft: Raft;
  #prevSoft: SoftState;
  #prevHard: HardState;
  /** What the last ready() handed out, acknowledged by advance(). */
  #pending: { lastEntry?: Entry; snapIndex?: number; lastCommitted?: number } | undefined;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.#prevSoft = this.softState();
    this.#prevHard = this.raft.hardState();
  }

  /** Advances the logical clock by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-vote first if enabled). */
  campaign(): Error | null {
    return this.raft.step(makeMessage({ type: MessageType.MsgHup, to: this.raft.id, from: this.raft.id }));
  }

  /** Proposes a command. Returns ErrProposalDropped when it cannot be appended or forwarded. */
  propose(data: Uint8Array): Error | null {
    return this.proposeMany([data]);
  }

  /**
   * Proposes several commands as one MsgProp: they are appended together and go to each
   * follower in one MsgApp, where one propose() each would send a message per command
   * (and draw an ack per message). Returns ErrProposalDropped for all of them or for none.
   */
  proposeMany(data: readonly Uint8Array[]): Error | null {
    if (data.length === 0) return null;
    const entries: Entry[] = data.map((d) => ({ term: 0, index: 0, type: EntryType.Normal, data: d }));
    return this.raft.step(makeMessage({ type: MessageType.MsgProp, to: '', from: this.raft.id, entries }));
  }

  /** Proposes a membership change; apply it with applyConfChange once committed. */
  proposeConfChange(cc: ConfChange): Error | null {
    const e: Entry = { term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(cc) };
    return this.raft.step(makeMessage({ type: MessageType.MsgProp, to: '', from: this.raft.id, entries: [e] }));
  }

  /** Feeds a message received from a peer. */
  step(m: Message): Error | null {
    if (LOCAL_TYPES.has(m.type)) return ErrStepLocalMsg;
    if (RESPONSE_TYPES.has(m.type) && !this.raft.trk.progress.has(m.from)) return ErrStepPeerNotFound;
    return this.raft.step(m);
  }

  /** Asks the leader to hand leadership to `transferee` (thesis §3.10). */
  transferLeader(transferee: NodeId): void {
    this.raft.step(makeMessage({ type: MessageType.MsgTransferLeader, to: '', from: transferee }));
  }

  /** Requests a linearizable read point; the answer arrives in Ready.readStates with this ctx. */
  readIndex(ctx: Uint8Array): Error | null {
    const e: Entry = { term: 0, index: 0, type: EntryType.Normal, data: ctx };
    return this.raft.step(makeMessage({ type: MessageType.MsgReadIndex, to: '', from: '', entries: [e] }));
  }

  /** Applies a committed conf change entry; returns the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChange(this.raft, cc);
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(makeMessage({ type: MessageType.MsgUnreachable, to: this.raft.id, from: id }));
  }

  /** Tells the leader whether a MsgSnap to `id` was delivered. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(makeMessage({ type: MessageType.MsgSnapStatus, to: this.raft.id, from: id, reject: !ok }));
  }

  /**
   * Takes the queued messages that may leave before this member's unstable entries and
   * hard state are durable: heartbeats and their responses, appends, snapshots, forwarded
   * proposals, pre-votes, read-index and transfer messages. For a host whose Ready is still
   * being written: without this, every message produced meanwhile waits for the write
   * (and for the next Ready), so a follower with a slow disk stops answering heartbeats
   * and a leader with check-quorum steps down. The rest (AWAIT_PERSIST_TYPES) stay queued
   * for the next Ready, to be sent after it is persisted, as before. etcd-io/raft's
   * asynchronous storage writes draw the same line (raft.go, send: msgsAfterAppend).
   */
  takeMessagesSendableBeforePersist(): Message[] {
    const r = this.raft;
    if (r.msgs.length === 0) return [];
    const now: Message[] = [];
    const later: Message[] = [];
    for (const m of r.msgs) (AWAIT_PERSIST_TYPES.has(m.type) ? later : now).push(m);
    r.msgs = later;
    return now;
  }

  hasReady(): boolean {
    const r = this.raft;
    if (!softEqual(this.softState(), this.#prevSoft)) return true;
    if (!hardEqual(r.hardState(), this.#prevHard)) return true;
    if (r.log.unstable.snapshot !== undefined) return true;
    if (r.msgs.length > 0 || r.log.unstableEntries().length > 0 || r.readStates.length > 0) return true;
    return r.log.hasNextCommittedEnts();
  }

  /** Collects the work to do; call advance() once it is done. */
  ready(): Ready {
    invariant(this.#pending === undefined, 'ready() called twice without advance()');
    const r = this.raft;
    const soft = this.softState();
    const hard = r.hardState();
    const entries = r.log.unstableEntries().slice();
    const snapshot = r.log.unstable.snapshot;
    const committedEntries = r.log.nextCommittedEnts(r.cfg.maxCommittedSizePerReady > 0 ? r.cfg.maxCommittedSizePerReady : undefined);
    // One literal with every field, absent ones undefined: built from conditional spreads
    // a Ready cost ~2 µs, against ~25 ns, several times per write on every anchor.
    const rd: Ready = {
      softState: softEqual(soft, this.#prevSoft) ? undefined : soft,
      hardState: hardEqual(hard, this.#prevHard) ? undefined : hard,
      readStates: r.readStates,
      entries,
      snapshot,
      committedEntries,
      messages: r.msgs,
      mustSync: entries.length > 0 || hard.term !== this.#prevHard.term || hard.vote !== this.#prevHard.vote,
    };
    r.msgs = [];
    r.readStates = [];
    this.#prevSoft = soft;
    this.#prevHard = hard;
    r.reduceUncommittedSize(committedEntries);
    this.#pending = {
      lastEntry: entries[entries.length - 1],
      snapIndex: snapshot?.metadata.index,
      lastCommitted: committedEntries[committedEntries.length - 1]?.index,
    };
    return rd;
  }

  /**
   * The host persisted and applied the last Ready. Persisted entries now count for the
   * leader's own match (so a single voter commits only what is on disk, etcd#14370).
   */
  advance(): void {
    const p = this.#pending;
    invariant(p !== undefined, 'advance() without ready()');
    this.#pending = undefined;
    const r = this.raft;
    if (p.snapIndex !== undefined) {
      r.log.stableSnapTo(p.snapIndex);
      r.log.appliedTo(Math.max(r.log.applied, p.snapIndex));
    }
    if (p.lastEntry) r.log.stableTo(p.lastEntry.index, p.lastEntry.term);
    if (p.lastCommitted !== undefined) r.log.appliedTo(p.lastCommitted);
    r.onPersisted(r.log.stableIndex());
    maybeAutoLeave(r);
  }

  status(): Status {
    const r = this.raft;
    const base = {
      id: r.id,
      hardState: r.hardState(),
      softState: this.softState(),
      applied: r.log.applied,
      config: r.confState(),
      leadTransferee: r.leadTransferee,
    };
    if (r.role !== 'leader') return base;
    const progress = new Map<NodeId, { match: number; next: number; state: ProgressState; isLearner: boolean }>();
    r.trk.visit((id, pr) => progress.set(id, { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner }));
    return { ...base, progress };
  }

  private softState(): SoftState {
    return { lead: this.raft.lead, role: this.raft.role };
  }
}

function softEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.role === b.role;
}

function hardEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

