/**
 * The Raft state machine of one group member (Raft paper §5; etcd-io/raft raft.go). It does
 * no I/O: inputs are tick() and step(message); outputs are `msgs`, `readStates` and the
 * log's unstable part, collected by RawNode into a Ready.
 *
 * Roles are swapped functions: only becomeX changes `role`, `stepFn` and `tickFn`. Term
 * checks happen once, in step(), before the role's step function sees a message.
 */
import { resolveConfig, type Config, type ResolvedConfig } from './config.js';
import { restoreConfig } from './confchange.js';
import { invariant } from './errors.js';
import { RaftLog } from './log.js';
import { hasUnappliedConfChanges, switchToConfig } from './membership.js';
import { ReadOnly } from './read_only.js';
import { bcastAppend } from './replication.js';
import { stepCandidate, stepFollower } from './step_follower.js';
import { maybeCommitAndRelease, stepLeader } from './step_leader.js';
import { confStateOf, ProgressTracker, type TrackerConfig } from './tracker.js';
import {
  EMPTY_BYTES,
  EMPTY_CONF_STATE,
  EntryType,
  MessageType,
  makeMessage,
  messageFrom,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftRole,
  type ReadState,
} from './types.js';

export type StepFn = (r: Raft, m: Message) => Error | null;
export type TickFn = (r: Raft) => void;

/** MsgVote context of a campaign started by MsgTimeoutNow: voters skip the lease check (thesis §3.10). */
export const CAMPAIGN_TRANSFER: Uint8Array = new TextEncoder().encode('CampaignTransfer');

/** What a message needs besides what send() fills in (from, and term for most types). */
export type Outgoing = Partial<Message> & Pick<Message, 'type' | 'to'>;

export class Raft {
  readonly id: NodeId;
  readonly cfg: ResolvedConfig;
  readonly log: RaftLog;
  readonly trk = new ProgressTracker();
  term = 0;
  vote: NodeId = '';
  lead: NodeId = '';
  role: RaftRole = 'follower';
  /** True while this member is a learner (or not a member at all). */
  isLearner = false;
  /** Outbox, drained by RawNode.ready(). */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Thesis §3.10: the member leadership is being transferred to, or "". */
  leadTransferee: NodeId = '';
  /** Index of the latest conf change entry; a new one may be proposed once applied ≥ it. */
  pendingConfIndex = 0;
  readOnly = new ReadOnly();
  /** ReadIndex requests that arrived before the leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /** Bytes of proposal data appended by this leader and not yet handed out as committed. */
  uncommittedSize = 0;
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  stepFn: StepFn = stepFollower;
  tickFn: TickFn = tickElection;

  constructor(config: Config) {
    this.cfg = resolveConfig(config);
    this.id = this.cfg.id;
    this.log = new RaftLog(this.cfg.storage);
    const { hardState, confState } = this.cfg.storage.initialState();
    const cs = confState.voters.length > 0 ? confState : bootstrapConfState(this.cfg.bootstrap);
    const res = restoreConfig(cs, this.log.lastIndex(), this.cfg.maxInflightMsgs);
    switchToConfig(this, res.config, res.progress);
    if (hardState.term !== 0 || hardState.vote !== '' || hardState.commit !== 0) this.loadState(hardState);
    if (this.cfg.applied > 0) this.log.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, '');
  }

  get electionTimeout(): number {
    return this.cfg.electionTick;
  }

  private loadState(hs: HardState): void {
    const last = this.log.lastIndex();
    invariant(hs.commit >= this.log.committed && hs.commit <= last, `hs.commit ${hs.commit} is out of range [${this.log.committed}, ${last}]`);
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  trackerConfig(): TrackerConfig {
    return this.trk.config;
  }

  // ---- sending ----------------------------------------------------------------------

  /** Queues a message. Vote messages carry an explicit term; MsgProp/MsgReadIndex carry none. */
  send(o: Outgoing): void {
    const isVote = o.type === MessageType.MsgVote || o.type === MessageType.MsgPreVote ||
      o.type === MessageType.MsgVoteResp || o.type === MessageType.MsgPreVoteResp;
    let term = o.term ?? 0;
    if (isVote) invariant(term !== 0, `term should be set when sending ${o.type}`);
    else if (o.type !== MessageType.MsgProp && o.type !== MessageType.MsgReadIndex) term = this.term;
    this.msgs.push(messageFrom(o, this.id, term));
  }

  // ---- role transitions (Raft §5.2) --------------------------------------------------

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.tickFn = tickElection;
    this.lead = lead;
    this.role = 'follower';
  }

  becomeCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.tickFn = tickElection;
    this.vote = this.id;
    this.role = 'candidate';
  }

  /** Thesis §9.6: a pre-candidate asks for votes for term+1 without changing its own term or vote. */
  becomePreCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition [leader -> pre-candidate]');
    this.stepFn = stepCandidate;
    this.trk.resetVotes();
    this.tickFn = tickElection;
    this.lead = '';
    this.role = 'precandidate';
  }

  /** Raft §5.4.2 / §8: a new leader appends an empty entry of its term to commit its log. */
  becomeLeader(): void {
    invariant(this.role !== 'follower', 'invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.tickFn = tickHeartbeat;
    this.lead = this.id;
    this.role = 'leader';
    const self = this.trk.progress.get(this.id)!;
    self.becomeReplicate();
    self.recentActive = true;
    // No conf change may be proposed until everything in our log, possibly one, is applied.
    this.pendingConfIndex = this.log.lastIndex();
    this.appendEntry([{ term: 0, index: 0, type: EntryType.Normal, data: EMPTY_BYTES }]);
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = '';
    }
    this.lead = '';
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = '';
    this.trk.resetVotes();
    const last = this.log.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      pr.becomeProbe();
      pr.match = id === this.id ? this.log.stableIndex() : 0;
      pr.next = last + 1;
      pr.recentActive = false;
    }
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly();
  }

  /** Raft §5.2: election timeouts are chosen randomly from [electionTimeout, 2*electionTimeout). */
  resetRandomizedElectionTimeout(): void {
    const e = this.cfg.electionTick;
    this.randomizedElectionTimeout = e + Math.min(e - 1, Math.floor(this.cfg.random() * e));
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  /**
   * Appends proposals to the leader's log; they count for commit only once persisted
   * (advance). False, appending nothing, if they would exceed maxUncommittedEntriesSize.
   */
  appendEntry(es: readonly Entry[]): boolean {
    if (!this.increaseUncommittedSize(es)) return false;
    let li = this.log.lastIndex();
    const ents = es.map((e): Entry => ({ term: this.term, index: ++li, type: e.type, data: e.data })); // no spread: see messageFrom
    this.log.append(ents);
    return true;
  }

  /** An empty log is always accepted (so the leader's empty entry and one big proposal pass). */
  private increaseUncommittedSize(es: readonly Entry[]): boolean {
    const max = this.cfg.maxUncommittedEntriesSize;
    let s = 0;
    for (const e of es) s += e.data.byteLength;
    if (max > 0 && this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > max) return false;
    this.uncommittedSize += s;
    return true;
  }

  /** Committed entries were handed to the host: they no longer count as uncommitted. */
  reduceUncommittedSize(es: readonly Entry[]): void {
    if (this.role !== 'leader') return;
    let s = 0;
    for (const e of es) s += e.data.byteLength;
    this.uncommittedSize = Math.max(0, this.uncommittedSize - s);
  }

  /** Called by advance(): the host persisted entries up to `index`; the leader counts itself. */
  onPersisted(index: number): void {
    const pr = this.trk.progress.get(this.id);
    if (this.role !== 'leader' || !pr) return;
    if (pr.maybeUpdate(index) && maybeCommitAndRelease(this)) bcastAppend(this);
  }

  // ---- elections (Raft §5.2, thesis §9.6) --------------------------------------------

  /** Can this member become leader: a voter (not a learner), with no snapshot pending. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && this.log.unstable.snapshot === undefined;
  }

  hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    if (!this.promotable()) return;
    // Raft thesis §4.1: a config must be applied before it is used to win an election.
    if (hasUnappliedConfChanges(this)) return;
    this.campaign(this.cfg.preVote && !transfer ? 'pre' : 'election', transfer);
  }

  campaign(kind: 'pre' | 'election', transfer: boolean): void {
    let term: number;
    let type: MessageType;
    if (kind === 'pre') {
      this.becomePreCandidate();
      type = MessageType.MsgPreVote;
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      type = MessageType.MsgVote;
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      // A single voter wins at once.
      if (kind === 'pre') this.campaign('election', transfer);
      else this.becomeLeader();
      return;
    }
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    for (const id of [...this.trk.voterIds()].sort()) {
      if (id === this.id) continue;
      this.send({ type, to: id, term, index, logTerm, context: transfer ? CAMPAIGN_TRANSFER : EMPTY_BYTES });
    }
  }

  poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- step: term checks once, then the role's step function (Raft §5.1) --------------

  step(m: Message): Error | null {
    if (m.type === MessageType.MsgVoteResp || m.type === MessageType.MsgPreVoteResp) this.maybeLearnCommit(m);
    if (m.term !== 0 && m.term > this.term) {
      if (!this.stepHigherTerm(m)) return null;
    } else if (m.term !== 0 && m.term < this.term) {
      this.stepLowerTerm(m);
      return null;
    }
    switch (m.type) {
      case MessageType.MsgHup:
        this.hup(false);
        return null;
      case MessageType.MsgVote:
      case MessageType.MsgPreVote:
        this.handleVoteRequest(m);
        return null;
      default:
        return this.stepFn(this, m);
    }
  }

  /** Raft §5.1: a higher term makes us a follower; returns false if the message is ignored. */
  private stepHigherTerm(m: Message): boolean {
    const isVoteReq = m.type === MessageType.MsgVote || m.type === MessageType.MsgPreVote;
    if (isVoteReq) {
      const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
      // Thesis §4.2.3 / §6.2: within the lease of a live leader, disruptive votes are ignored.
      const inLease = this.cfg.checkQuorum && this.lead !== '' && this.electionElapsed < this.electionTimeout;
      if (!force && inLease) return false;
    }
    if (m.type === MessageType.MsgPreVote) return true; // never change term on a pre-vote
    if (m.type === MessageType.MsgPreVoteResp && !m.reject) return true; // term bumps when we win
    const fromLeader = m.type === MessageType.MsgApp || m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgSnap;
    this.becomeFollower(m.term, fromLeader ? m.from : '');
    return true;
  }

  /** Stale term: ignored, but a stale leader is told the new term so it steps down. */
  private stepLowerTerm(m: Message): void {
    const quiet = this.cfg.checkQuorum || this.cfg.preVote;
    if (quiet && (m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgApp)) {
      this.send({ type: MessageType.MsgAppResp, to: m.from });
    } else if (m.type === MessageType.MsgPreVote) {
      this.send({ type: MessageType.MsgPreVoteResp, to: m.from, term: this.term, reject: true });
    }
  }

  /** Raft §5.2 (one vote per term, first come first served) and §5.4.1 (up-to-date check). */
  private handleVoteRequest(m: Message): void {
    const respType = m.type === MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
    const canVote = this.vote === m.from || (this.vote === '' && this.lead === '') ||
      (m.type === MessageType.MsgPreVote && m.term > this.term);
    const commit = this.commitFact();
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: respType, to: m.from, term: m.term, ...commit });
      if (m.type === MessageType.MsgVote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true, ...commit });
    }
  }

  /**
   * Vote responses also carry the voter's commit index and the term of that entry. Unlike
   * etcd, a candidate adopts it when its own entry there has the same term: commitment is a
   * fact independent of terms, and by log matching (Raft §5.3) the prefixes are identical.
   * This frees a joint config whose members missed the commit of the entry that removed the
   * old leader: that leader (now not a member, so it cannot campaign) rejects their votes
   * because its log is longer, and they cannot leave the joint config without learning the
   * commit. Found by the simulator (seeds 5449/1 node, 10834/3 nodes).
   */
  private commitFact(): Pick<Message, 'commit' | 'index' | 'logTerm'> {
    const c = this.log.committed;
    return { commit: c, index: c, logTerm: this.log.zeroTermOnOutOfBounds(c) };
  }

  private maybeLearnCommit(m: Message): void {
    if (m.commit <= this.log.committed || m.index !== m.commit || m.logTerm === 0) return;
    if (this.log.matchTerm(m.index, m.logTerm)) this.log.commitTo(m.index);
  }

  tick(): void {
    this.tickFn(this);
  }

  confState(): ConfState {
    return this.trk.progress.size === 0 ? EMPTY_CONF_STATE : confStateFromTracker(this);
  }

  /** Sends MsgTimeoutNow: the transferee campaigns at once, skipping pre-vote (thesis §3.10). */
  sendTimeoutNow(to: NodeId): void {
    this.send({ type: MessageType.MsgTimeoutNow, to });
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = '';
  }
}

function confStateFromTracker(r: Raft): ConfState {
  return confStateOf(r.trk.config);
}

/** Followers and candidates: campaign after a randomized election timeout (Raft §5.2). */
export function tickElection(r: Raft): void {
  r.electionElapsed++;
  if (r.promotable() && r.pastElectionTimeout()) {
    r.electionElapsed = 0;
    r.step(makeMessage({ type: MessageType.MsgHup, to: r.id, from: r.id }));
  }
}

/** Leaders: heartbeat every heartbeatTick; CheckQuorum and transfer timeout every election timeout. */
export function tickHeartbeat(r: Raft): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  if (r.electionElapsed >= r.electionTimeout) {
    r.electionElapsed = 0;
    if (r.cfg.checkQuorum) r.step(makeMessage({ type: MessageType.MsgCheckQuorum, to: r.id, from: r.id }));
    if (r.role === 'leader' && r.leadTransferee !== '') r.abortLeaderTransfer();
  }
  if (r.role !== 'leader') return;
  if (r.heartbeatElapsed >= r.cfg.heartbeatTick) {
    r.heartbeatElapsed = 0;
    r.step(makeMessage({ type: MessageType.MsgBeat, to: r.id, from: r.id }));
  }
}

function bootstrapConfState(b: Config['bootstrap']): ConfState {
  if (!b) return EMPTY_CONF_STATE;
  return { ...EMPTY_CONF_STATE, voters: [...b.voters], learners: [...(b.learners ?? [])] };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
