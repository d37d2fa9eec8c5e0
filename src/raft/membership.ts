/**
 * Membership changes in the Raft core (Raft thesis ch. 4; etcd-io/raft applyConfChange,
 * switchToConfig, pendingConfIndex): a configuration takes effect when its entry is
 * applied, at most one change is pending, and a snapshot carries the config it was taken at.
 */
import { decodeConfChange, encodeConfChange, LEAVE_JOINT } from './confchange_codec.js';
import { Changer, restoreConfig } from './confchange.js';
import { ErrProposalDropped } from './errors.js';
import type { Progress } from './progress.js';
import type { Raft } from './raft.js';
import { bcastAppend, maybeSendAppend } from './replication.js';
import { maybeCommitAndRelease } from './step_leader.js';
import { confStateOf, isJoint, type TrackerConfig } from './tracker.js';
import { EntryType, type ConfChange, type ConfState, type Entry, type NodeId, type Snapshot } from './types.js';

/**
 * Installs a new config. A leader that is no longer a voter steps down (StepDownOnRemoval,
 * etcd-io/raft#83); a leader that stays re-evaluates commit (the quorum may have shrunk) and
 * probes new members.
 */
export function switchToConfig(r: Raft, cfg: TrackerConfig, progress: Map<NodeId, Progress>): ConfState {
  r.trk.config = cfg;
  r.trk.progress = progress;
  const pr = progress.get(r.id);
  r.isLearner = pr === undefined || pr.isLearner;
  const cs = confStateOf(cfg);
  // A (pre-)candidate that is no longer a voter must not win (etcd TestTransferNonMember).
  if ((r.role === 'candidate' || r.role === 'precandidate') && r.isLearner) r.becomeFollower(r.term, '');
  if (r.role !== 'leader' || cs.voters.length === 0) return cs;
  if (r.isLearner && r.cfg.stepDownOnRemoval) {
    r.becomeFollower(r.term, '');
    return cs;
  }
  if (r.leadTransferee !== '' && !progress.has(r.leadTransferee)) r.abortLeaderTransfer();
  if (!pr) return cs; // removed, still leading until stepping down; nothing to replicate
  if (maybeCommitAndRelease(r)) bcastAppend(r);
  else r.trk.visit((id) => id !== r.id && maybeSendAppend(r, id, false));
  return cs;
}

/** RawNode.applyConfChange: the host applies a committed conf change entry. */
export function applyConfChange(r: Raft, cc: ConfChange): ConfState {
  const res = new Changer(r.trk.config, r.trk.progress, r.log.lastIndex(), r.cfg.maxInflightMsgs).apply(cc);
  return switchToConfig(r, res.config, res.progress);
}

/**
 * Raft §7 / thesis §5: replaces the log with a snapshot and adopts its config. False if the
 * snapshot is not newer than our commit index, or already matches our log (then commit only).
 */
export function restoreFromSnapshot(r: Raft, s: Snapshot): boolean {
  const { index, term, confState } = s.metadata;
  if (index <= r.log.committed) return false;
  // Unlike etcd, a snapshot whose config does not include us is accepted: a node added after
  // the snapshot was taken learns of its membership by replaying the entries that follow.
  const cs = confState;
  if (r.log.matchTerm(index, term)) {
    r.log.commitTo(index);
    return false;
  }
  r.log.restore(s);
  const res = restoreConfig(cs, r.log.lastIndex(), r.cfg.maxInflightMsgs);
  switchToConfig(r, res.config, res.progress);
  return true;
}

/** True if a committed, unapplied entry is a conf change (then no campaign, thesis §4.1). */
export function hasUnappliedConfChanges(r: Raft): boolean {
  if (r.log.applied >= r.log.committed) return false;
  const ents = r.log.slice(Math.max(r.log.applied + 1, r.log.firstIndex()), r.log.committed + 1, Number.POSITIVE_INFINITY);
  return ents.some((e) => e.type === EntryType.ConfChange);
}

/**
 * Admission of a conf change proposal on the leader. Refused (ErrProposalDropped) when:
 *  - a previous conf change is not yet applied (one at a time, thesis §4.1);
 *  - no entry of the leader's own term is committed yet — the single-server change bug
 *    (Ongaro, raft-dev 2015; reference raft.md §4.2 item 7);
 *  - it is invalid against the current config (a dry run of the Changer throws), or asks to
 *    leave a joint config that is not active, or to change a joint config before leaving it.
 */
export function checkConfChangeProposal(r: Raft, ents: readonly Entry[]): Error | null {
  const ccs = ents.filter((e) => e.type === EntryType.ConfChange);
  if (ccs.length === 0) return null;
  if (ccs.length > 1) return ErrProposalDropped;
  if (r.pendingConfIndex > r.log.applied) return ErrProposalDropped;
  if (r.log.zeroTermOnOutOfBounds(r.log.committed) !== r.term) return ErrProposalDropped;
  const cc = decodeConfChange(ccs[0].data);
  const joint = isJoint(r.trk.config);
  const leaving = cc.changes.length === 0;
  if (joint !== leaving) return ErrProposalDropped;
  try {
    new Changer(r.trk.config, r.trk.progress, r.log.lastIndex(), r.cfg.maxInflightMsgs).apply(cc);
  } catch {
    return ErrProposalDropped;
  }
  r.pendingConfIndex = r.log.lastIndex() + ents.length;
  return null;
}

/**
 * Called when applied advances. Thesis §4.3 with auto-leave: once the joint config is
 * applied, the leader proposes the empty change that leaves it.
 */
export function maybeAutoLeave(r: Raft): void {
  const cfg = r.trk.config;
  if (r.role !== 'leader' || !cfg.autoLeave || !isJoint(cfg) || r.log.applied < r.pendingConfIndex) return;
  const e: Entry = { term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(LEAVE_JOINT) };
  if (checkConfChangeProposal(r, [e]) !== null) return;
  r.appendEntry([e]);
  bcastAppend(r);
}
