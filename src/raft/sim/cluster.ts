/**
 * The seeded simulator: a Raft group of TestHosts over a faulty SimNetwork, with crashes
 * (clean, after persisting a Ready but before sending/applying it, or while a slow disk is
 * still writing one), restarts from storage, partitions (symmetric, asymmetric, bridge),
 * membership changes, compaction and proposals throughout. Every step is checked by the SafetyChecker. After the chaos phase
 * the network heals and the group must elect a leader and commit a proposal in bounded time.
 */
import { confChange } from '../confchange_codec.js';
import { mulberry32 } from '../rand.js';
import type { Ready } from '../rawnode.js';
import { TestHost } from '../testing/host.js';
import { describeMessage } from '../testing/describe.js';
import { ConfChangeType, MessageType, type ConfChangeSingle, type Message, type NodeId } from '../types.js';
import { SafetyChecker } from './checker.js';
import { SimNetwork } from './network.js';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Ticks of fault injection before healing. */
  readonly chaosTicks: number;
  /** Max ticks after healing for a leader to appear and a proposal to commit. */
  readonly livenessTicks: number;
  readonly trace?: boolean;
}

export interface SimStats {
  crashes: number;
  midReadyCrashes: number;
  restarts: number;
  partitions: number;
  confChanges: number;
  compactions: number;
  snapshotsSent: number;
  proposals: number;
  dropped: number;
  duplicated: number;
  committed: number;
  ticksToRecover: number;
  reads: number;
  readsServed: number;
  transfers: number;
  /** Readys whose write took 1–10 ticks, during which the node kept stepping and ticking. */
  slowWrites: number;
  /** Messages sent while their node's Ready was still being written. */
  sentBeforePersist: number;
  /** Crashes that lost a Ready whose write had not finished. */
  inFlightCrashes: number;
}

/** A Ready handed out and not yet persisted, like the anchor's pass awaiting its disk. */
interface ReadyInFlight {
  readonly rd: Ready;
  /** The tick at which its write completes. */
  readonly due: number;
  /** A leader sent its messages when it started writing (Raft thesis §10.2.1). */
  readonly sentFirst: boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Simulation {
  readonly rand: () => number;
  readonly net: SimNetwork;
  readonly check = new SafetyChecker();
  readonly hosts = new Map<NodeId, TestHost>();
  readonly down = new Set<NodeId>();
  readonly stats: SimStats = {
    crashes: 0, midReadyCrashes: 0, restarts: 0, partitions: 0, confChanges: 0, compactions: 0,
    snapshotsSent: 0, proposals: 0, dropped: 0, duplicated: 0, committed: 0, ticksToRecover: 0,
    reads: 0, readsServed: 0, transfers: 0, slowWrites: 0, sentBeforePersist: 0, inFlightCrashes: 0,
  };
  readonly trace: string[] = [];
  #now = 0;
  #nextId: number;
  #chaosOn = true;
  #leaderCrashRate: number;
  #maxSizePerMsg: number;
  #maxInflight: number;
  /** PreVote + CheckQuorum (the default) in most seeds; without them, elections are more frequent. */
  #quiet: boolean;
  /** Some seeds get disks whose writes take ticks, as the anchor's awaited WAL write does. */
  #slowDisk: boolean;
  readonly #inFlight = new Map<NodeId, ReadyInFlight>();
  #appliedSeen = new Map<NodeId, number>();
  /** ReadIndex requests in flight: ctx → highest committed index when requested. */
  #reads = new Map<string, number>();

  constructor(readonly opts: SimOptions) {
    this.rand = mulberry32(opts.seed);
    // Each seed draws its own fault intensity, from a calm network to a very lossy one.
    const drop = [0.01, 0.05, 0.15, 0.3][Math.floor(this.rand() * 4)];
    this.net = new SimNetwork(this.rand, { drop, dup: 0.03, maxDelay: 1 + Math.floor(this.rand() * 5) });
    this.#leaderCrashRate = this.rand() < 0.5 ? 0.01 : 0.03;
    // Flow control from one entry per message and a window of one, to generous.
    this.#maxSizePerMsg = [1, 64, 256, 1 << 20][Math.floor(this.rand() * 4)];
    this.#maxInflight = [1, 4, 256][Math.floor(this.rand() * 3)];
    this.#quiet = this.rand() < 0.6;
    this.#slowDisk = this.rand() < 0.5;
    const voters = Array.from({ length: opts.nodes }, (_, i) => String(i + 1));
    this.#nextId = opts.nodes + 1;
    for (const id of voters) this.addHost(id, voters);
  }

  private addHost(id: NodeId, voters: readonly NodeId[]): TestHost {
    const h = new TestHost(id, {
      random: mulberry32(Math.floor(this.rand() * 2 ** 32)),
      electionTick: 10,
      heartbeatTick: 1,
      bootstrap: { voters },
      maxSizePerMsg: this.#maxSizePerMsg,
      maxUncommittedEntriesSize: this.#quiet ? 0 : 64,
      preVote: this.#quiet,
      checkQuorum: this.#quiet,
      maxInflightMsgs: this.#maxInflight,
    });
    this.hosts.set(id, h);
    this.#appliedSeen.set(id, 0);
    return h;
  }

  log(s: string): void {
    if (this.opts.trace) console.log(`[${this.#now}] ${s}`);
    this.trace.push(`[${this.#now}] ${s}`);
    if (this.trace.length > 300) this.trace.shift();
  }

  /** Runs chaos, then heals and checks liveness. Throws on any violation. */
  run(): SimStats {
    try {
      for (let t = 0; t < this.opts.chaosTicks; t++) {
        this.chaos();
        this.step();
      }
      this.healAll();
      this.checkLiveness();
    } catch (e) {
      const err = e as Error;
      err.message = `SEED=${this.opts.seed} nodes=${this.opts.nodes}: ${err.message}\n--- last events ---\n${this.trace.slice(-80).join('\n')}`;
      throw err;
    }
    this.stats.dropped = this.net.stats.dropped + this.net.stats.cut;
    this.stats.duplicated = this.net.stats.duplicated;
    this.stats.committed = this.check.committedCount;
    return this.stats;
  }

  /** One tick of the world: tick every live node, deliver due messages, process Readys. */
  step(): void {
    this.#now++;
    for (const [id, h] of this.hosts) if (!this.down.has(id)) h.node.tick();
    for (const m of this.net.due(this.#now, (m) => this.lost(m))) this.deliver(m);
    for (const [id, h] of this.hosts) {
      if (this.down.has(id)) continue;
      this.processReadys(id, h);
      if (this.down.has(id)) continue;
      this.check.observeRole(id, h.node.raft);
    }
  }

  /**
   * Finishes the Ready in flight once its write is due, then handles new ones until one
   * goes in flight. While a write is in flight the node keeps stepping and ticking, and
   * what may leave before it is durable leaves now (RawNode.takeMessagesSendableBeforePersist).
   */
  private processReadys(id: NodeId, h: TestHost): void {
    const inFlight = this.#inFlight.get(id);
    if (inFlight !== undefined) {
      if (inFlight.due > this.#now) {
        this.sendAll(h.node.takeMessagesSendableBeforePersist(), true);
        return;
      }
      this.#inFlight.delete(id);
      this.finishReady(id, h, inFlight);
    }
    while (!this.down.has(id) && !this.#inFlight.has(id) && h.node.hasReady()) this.startReady(id, h);
  }

  /** The transport learned that m was not delivered: report a failed snapshot to its sender. */
  private lost(m: Message): void {
    const from = this.hosts.get(m.from);
    if (m.type === MessageType.MsgSnap && from && !this.down.has(m.from)) from.node.reportSnapshot(m.to, false);
  }

  private deliver(m: Message): void {
    const to = this.hosts.get(m.to);
    const ok = to !== undefined && !this.down.has(m.to);
    if (m.type === MessageType.MsgSnap) {
      const from = this.hosts.get(m.from);
      if (from && !this.down.has(m.from)) from.node.reportSnapshot(m.to, ok);
    }
    if (!ok) return;
    to.node.step(m);
  }

  private sendAll(messages: readonly Message[], beforePersist: boolean): void {
    for (const m of messages) {
      if (m.type === MessageType.MsgSnap) this.stats.snapshotsSent++;
      if (beforePersist) this.stats.sentBeforePersist++;
      if (!this.net.send(m, this.#now)) this.lost(m);
    }
  }

  /**
   * Takes a Ready as the anchor's SegmentGroup does: a leader sends at once, committed
   * entries are applied while the write runs (unless a snapshot must be persisted first),
   * and on a slow disk the write completes some ticks later.
   */
  private startReady(id: NodeId, h: TestHost): void {
    const rd = h.node.ready();
    this.check.observeEntries(id, h.node.raft, rd.entries);
    const sentFirst = h.node.raft.role === 'leader';
    if (sentFirst) this.sendAll(rd.messages, true);
    if (!rd.snapshot) this.applyReady(id, h, rd);
    const slow = this.#slowDisk && this.#chaosOn && this.rand() < 0.1;
    // Mostly a tick or two; sometimes as long as an election timeout (a disk stalled for
    // half a second behind another process's fsync), long enough to win an election.
    const inFlight = { rd, due: this.#now + (slow ? 1 + Math.floor(this.rand() ** 2 * 10) : 0), sentFirst };
    if (!slow) return this.finishReady(id, h, inFlight);
    this.stats.slowWrites++;
    this.#inFlight.set(id, inFlight);
  }

  private finishReady(id: NodeId, h: TestHost, { rd, sentFirst }: ReadyInFlight): void {
    h.persist(rd);
    if (this.#chaosOn && this.rand() < 0.002) {
      // Crash after the write but before sending, applying or advancing.
      this.stats.midReadyCrashes++;
      this.crash(id, 'after persisting a Ready');
      return;
    }
    if (!sentFirst) this.sendAll(rd.messages, false);
    if (rd.snapshot) this.applyReady(id, h, rd);
    h.node.advance();
    if (rd.softState) this.log(`${id} is ${rd.softState.role} term ${h.node.raft.term} lead ${rd.softState.lead || '-'}`);
  }

  private applyReady(id: NodeId, h: TestHost, rd: Ready): void {
    h.apply(rd);
    const seen = this.#appliedSeen.get(id)!;
    if (rd.snapshot) this.#appliedSeen.set(id, 0);
    this.check.observeApplied(id, h.applied, rd.snapshot ? 0 : Math.min(seen, h.applied.length));
    this.#appliedSeen.set(id, h.applied.length);
    for (const rs of rd.readStates) {
      const ctx = dec.decode(rs.requestCtx);
      this.check.observeRead(id, ctx, rs.index, this.#reads.get(ctx));
      this.stats.readsServed++;
    }
  }

  private crash(id: NodeId, why: string): void {
    this.down.add(id);
    if (this.#inFlight.delete(id)) this.stats.inFlightCrashes++;
    this.stats.crashes++;
    this.log(`crash ${id} (${why})`);
  }

  private restart(id: NodeId): void {
    this.down.delete(id);
    const h = this.hosts.get(id)!;
    h.restart();
    this.#appliedSeen.set(id, 0);
    this.check.observeApplied(id, h.applied, 0);
    this.#appliedSeen.set(id, h.applied.length);
    this.stats.restarts++;
    this.log(`restart ${id} term ${h.node.raft.term} commit ${h.node.raft.log.committed}`);
  }

  /** Random faults and client activity for one tick. */
  private chaos(): void {
    const r = this.rand();
    const ids = [...this.hosts.keys()];
    const up = ids.filter((id) => !this.down.has(id));
    if (r < 0.15) this.propose(up);
    else if (r < 0.17 && this.down.size < Math.floor((ids.length - 1) / 2)) this.crash(pick(this.rand, up), 'random');
    else if (r < 0.21 && this.down.size > 0) this.restart(pick(this.rand, [...this.down]));
    else if (r < 0.225) this.randomPartition(ids);
    else if (r < 0.245) {
      this.net.heal();
      this.log('heal network');
    } else if (r < 0.255) this.proposeConfChange(up);
    else if (r < 0.275) this.compact(up);
    else if (r < 0.295) this.readIndex(up);
    else if (r < 0.3) this.transferLeader(up);
    else if (r < 0.3 + this.#leaderCrashRate && this.down.size < Math.floor((ids.length - 1) / 2)) {
      // Leaders that die soon after replicating to a minority make Figure 8 histories.
      const leader = this.leaderOf(up);
      if (leader) this.crash(leader.id, 'leader');
    } else if (r < 0.33 + this.#leaderCrashRate && this.#inFlight.size > 0 && this.down.size < Math.floor((ids.length - 1) / 2)) {
      // A write cut short loses what the node may already have told others: only the
      // messages that promise nothing durable may have left before it.
      this.crash(pick(this.rand, [...this.#inFlight.keys()]), 'while writing a Ready');
    }
  }

  private propose(up: readonly NodeId[]): void {
    if (up.length === 0) return;
    const id = pick(this.rand, up);
    const data = `s${this.opts.seed}-${this.stats.proposals++}`;
    const err = this.hosts.get(id)!.node.propose(enc.encode(data));
    this.log(`propose ${data} at ${id}${err ? ` (${err.message})` : ''}`);
  }

  /** A linearizable read; checked when (if) a ReadState comes back. */
  private readIndex(up: readonly NodeId[]): void {
    if (up.length === 0) return;
    const id = pick(this.rand, up);
    const ctx = `r${this.opts.seed}-${this.stats.reads++}`;
    this.#reads.set(ctx, this.check.maxCommitted);
    const err = this.hosts.get(id)!.node.readIndex(enc.encode(ctx));
    this.log(`read ${ctx} at ${id}${err ? ` (${err.message})` : ''}`);
  }

  /** Thesis §3.10: hand leadership to a random voter. */
  private transferLeader(up: readonly NodeId[]): void {
    const leader = this.leaderOf(up);
    if (!leader) return;
    const to = pick(this.rand, leader.node.raft.confState().voters);
    leader.node.transferLeader(to);
    this.stats.transfers++;
    this.log(`transfer leadership ${leader.id} -> ${to}`);
  }

  private randomPartition(ids: readonly NodeId[]): void {
    this.stats.partitions++;
    const kind = this.rand();
    const shuffled = [...ids].sort(() => this.rand() - 0.5);
    if (kind < 0.4) {
      const k = 1 + Math.floor(this.rand() * (ids.length - 1));
      this.net.partition([shuffled.slice(0, k), shuffled.slice(k)]);
      this.log(`partition ${shuffled.slice(0, k).join(',')} / ${shuffled.slice(k).join(',')}`);
    } else if (kind < 0.7) {
      // Asymmetric: a can no longer hear b, b still hears a.
      this.net.cut(shuffled[0], shuffled[1]);
      this.log(`cut ${shuffled[0]} -> ${shuffled[1]}`);
    } else {
      // Bridge: a and c cannot talk, both talk to b (the Cloudflare outage shape).
      this.net.cut(shuffled[0], shuffled[2]);
      this.net.cut(shuffled[2], shuffled[0]);
      this.log(`bridge ${shuffled[0]} x ${shuffled[2]} via ${shuffled[1]}`);
    }
  }

  private leaderOf(up: readonly NodeId[]): TestHost | undefined {
    let best: TestHost | undefined;
    for (const id of up) {
      const h = this.hosts.get(id)!;
      if (h.node.raft.role === 'leader' && (!best || h.node.raft.term > best.node.raft.term)) best = h;
    }
    return best;
  }

  /** Adds a fresh node (voter or learner), removes a voter, promotes a learner, or a joint swap. */
  private proposeConfChange(up: readonly NodeId[]): void {
    const leader = this.leaderOf(up);
    if (!leader) return;
    const cs = leader.node.raft.confState();
    if (cs.votersOutgoing.length > 0) return;
    const changes = this.pickChanges(cs.voters, cs.learners);
    if (changes.length === 0) return;
    const transition = changes.length > 1 && this.rand() < 0.5 ? 'joint-explicit' : 'auto';
    const err = leader.node.proposeConfChange(confChange(changes, transition));
    this.stats.confChanges++;
    this.log(`conf change at ${leader.id}: ${changes.map((c) => `${'vrl'[c.type]}${c.nodeId}`).join(' ')} ${transition}${err ? ` (${err.message})` : ''}`);
  }

  private pickChanges(voters: readonly NodeId[], learners: readonly NodeId[]): ConfChangeSingle[] {
    const r = this.rand();
    const fresh = (): NodeId => {
      const id = String(this.#nextId++);
      this.addHost(id, Array.from({ length: this.opts.nodes }, (_, i) => String(i + 1)));
      return id;
    };
    if (r < 0.25 && voters.length < this.opts.nodes + 1) return [{ type: ConfChangeType.AddNode, nodeId: fresh() }];
    if (r < 0.45) return [{ type: ConfChangeType.AddLearner, nodeId: fresh() }];
    if (r < 0.65 && learners.length > 0) return [{ type: ConfChangeType.AddNode, nodeId: pick(this.rand, learners) }];
    if (r < 0.85 && voters.length > Math.max(2, this.opts.nodes - 1)) {
      return [{ type: ConfChangeType.RemoveNode, nodeId: pick(this.rand, voters) }];
    }
    if (voters.length >= 2) {
      return [
        { type: ConfChangeType.AddNode, nodeId: fresh() },
        { type: ConfChangeType.RemoveNode, nodeId: pick(this.rand, voters) },
      ];
    }
    return [];
  }

  private compact(up: readonly NodeId[]): void {
    if (up.length === 0) return;
    const h = this.hosts.get(pick(this.rand, up))!;
    // The anchor snapshots between passes, never while one is writing.
    if (this.#inFlight.has(h.id)) return;
    const keep = Math.floor(this.rand() * 3);
    const at = h.appliedIndex - keep;
    if (at <= h.storage.snapshot().metadata.index || at < h.storage.firstIndex()) return;
    h.compact(at);
    this.stats.compactions++;
    this.log(`compact ${h.id} to ${at}`);
  }

  private healAll(): void {
    this.#chaosOn = false;
    this.net.heal();
    this.net.faults = { drop: 0, dup: 0, maxDelay: 1 };
    for (const id of [...this.down]) this.restart(id);
    this.log('--- healed: all nodes up, no faults ---');
  }

  /** After healing: a leader appears and a new proposal is applied on it within livenessTicks. */
  private checkLiveness(): void {
    const marker = `live-${this.opts.seed}`;
    let proposedAt = '';
    for (let t = 0; t < this.opts.livenessTicks; t++) {
      this.step();
      const leader = this.leaderOf([...this.hosts.keys()]);
      if (!leader || !leader.node.raft.trk.progress.has(leader.id)) continue;
      // (Re-)propose to each new leadership: a proposal to a deposed leader may be lost.
      const at = `${leader.id}@${leader.node.raft.term}`;
      if (proposedAt !== at) {
        if (leader.node.propose(enc.encode(marker)) === null) proposedAt = at;
        continue;
      }
      if (leader.applied.some((a) => a.data === marker)) {
        this.stats.ticksToRecover = t;
        return;
      }
    }
    const roles = [...this.hosts].map(([id, h]) => `${id}:${h.node.raft.role}/t${h.node.raft.term}/c${h.node.raft.log.committed}`).join(' ');
    throw new Error(`liveness: no commit within ${this.opts.livenessTicks} ticks after healing (${roles})`);
  }

  describe(m: Message): string {
    return describeMessage(m);
  }
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}
