/**
 * The leader's view of one follower (Raft Fig. 2 nextIndex/matchIndex) plus etcd-io/raft's
 * flow-control state (tracker/progress.go, design.md):
 *  - probe: the follower's log position is unknown; at most one MsgApp per heartbeat.
 *  - replicate: optimistic pipelining; next advances on send, bounded by the inflights window.
 *  - snapshot: a MsgSnap is outstanding; nothing else is sent until it is reported.
 */
import { Inflights } from './inflights.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  /** Highest index known to be replicated on the follower. */
  match: number;
  /** Index of the next entry to send. Invariant: match < next. */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round (Raft thesis §6.2). */
  recentActive: boolean;
  /** In probe state: a MsgApp was sent and no answer came yet. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(opts: { match: number; next: number; maxInflight: number; isLearner: boolean; recentActive: boolean }) {
    this.match = opts.match;
    this.next = opts.next;
    this.inflights = new Inflights(opts.maxInflight);
    this.isLearner = opts.isLearner;
    this.recentActive = opts.recentActive;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      // The snapshot was sent: resume probing right after it.
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** Records that a MsgApp ending at lastIndex with `n` entries was sent. */
  sentEntries(n: number, lastIndex: number): void {
    if (this.state === 'replicate') {
      if (n > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.msgAppFlowPaused = true;
    }
  }

  /** Updates match/next from a successful MsgAppResp; true if match moved (an actual ack). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * Handles a rejected MsgApp for index `rejected` with the follower's hint (Raft §5.3 "decrement
   * nextIndex and retry", sped up by the hint). False if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
