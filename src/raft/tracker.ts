/**
 * The leader's and candidate's bookkeeping over the current membership: the (possibly
 * joint) voter config, learners, each member's Progress and the votes of the current
 * election (etcd-io/raft tracker/tracker.go).
 */
import { jointCommitted, jointIds, jointVoteResult, type JointVoters, type VoteResult } from './quorum.js';
import type { Progress } from './progress.js';
import type { ConfState, NodeId } from './types.js';

/** Membership. Invariant: voters ∩ learners = ∅; learnersNext ⊆ outgoing voters. */
export interface TrackerConfig {
  voters: JointVoters;
  learners: ReadonlySet<NodeId>;
  /** Learners that join `learners` when the joint config is left (demotion, thesis §4.3). */
  learnersNext: ReadonlySet<NodeId>;
  autoLeave: boolean;
}

export function emptyTrackerConfig(): TrackerConfig {
  return { voters: [new Set(), new Set()], learners: new Set(), learnersNext: new Set(), autoLeave: false };
}

export function isJoint(cfg: TrackerConfig): boolean {
  return cfg.voters[1].size > 0;
}

const sorted = (s: ReadonlySet<NodeId>): NodeId[] => [...s].sort();

export function confStateOf(cfg: TrackerConfig): ConfState {
  return {
    voters: sorted(cfg.voters[0]),
    votersOutgoing: sorted(cfg.voters[1]),
    learners: sorted(cfg.learners),
    learnersNext: sorted(cfg.learnersNext),
    autoLeave: cfg.autoLeave,
  };
}

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: Map<NodeId, Progress> = new Map();
  votes: Map<NodeId, boolean> = new Map();

  /** Highest index replicated on a quorum of voters (joint: both majorities). */
  committed(): number {
    return jointCommitted(this.config.voters, (id) => this.progress.get(id)?.match);
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters[0].has(id) || this.config.voters[1].has(id);
  }

  voterIds(): Set<NodeId> {
    return jointIds(this.config.voters);
  }

  /** True when exactly one voter, in a non-joint config. */
  isSingleton(): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0;
  }

  /** CheckQuorum (thesis §6.2): a quorum of voters was recently active. */
  quorumActive(): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    }
    return jointVoteResult(this.config.voters, votes) === 'won';
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records a vote (the first one from each voter counts) and returns the tally. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, v] of this.votes) {
      if (!this.isVoter(id)) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) };
  }

  /** Visits every member (voters and learners) in id order, for deterministic output. */
  visit(f: (id: NodeId, pr: Progress) => void): void {
    const ids = [...this.progress.keys()].sort();
    for (const id of ids) f(id, this.progress.get(id)!);
  }
}
