/**
 * The leader's side of log replication (Raft §5.3, Fig. 2 "Leaders"): AppendEntries with
 * flow control, heartbeats, InstallSnapshot when a follower is behind the compacted log
 * (§7), and advancing the commit index from the followers' match indexes (§5.3, §5.4.2).
 */
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, ErrUnavailable, invariant } from './errors.js';
import type { Progress } from './progress.js';
import type { Raft } from './raft.js';
import { MessageType, type Entry, type NodeId } from './types.js';

/**
 * Sends a MsgApp to `to` if its progress allows; with sendIfEmpty false, only when there are
 * new entries. Falls back to a snapshot when the needed entries were compacted. Returns
 * whether a message was sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (!pr || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  let prevTerm: number;
  let ents: readonly Entry[];
  try {
    prevTerm = r.log.term(prevIndex);
    ents = r.log.entries(pr.next, r.cfg.maxSizePerMsg);
  } catch (e) {
    if (e !== ErrCompacted && e !== ErrUnavailable) throw e;
    return maybeSendSnapshot(r, to, pr);
  }
  if (ents.length === 0 && !sendIfEmpty) return false;
  r.send({ type: MessageType.MsgApp, to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: r.log.committed });
  pr.sentEntries(ents.length, prevIndex + ents.length);
  return true;
}

export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/** §7: a follower behind the leader's first index gets the latest snapshot instead. */
function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  // Only to followers we heard from recently: a snapshot is large.
  if (!pr.recentActive) return false;
  let snap;
  try {
    snap = r.log.snapshot();
  } catch (e) {
    if (e === ErrSnapshotTemporarilyUnavailable) return false;
    throw e;
  }
  invariant(snap.metadata.index !== 0, 'need non-empty snapshot');
  pr.becomeSnapshot(snap.metadata.index);
  r.send({ type: MessageType.MsgSnap, to, snapshot: snap });
  return true;
}

/** Sends new entries (or a probe) to every other member. */
export function bcastAppend(r: Raft): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

/**
 * Heartbeats (Raft §5.2) carry min(match, commit) so a follower never commits beyond what it
 * is known to hold; `ctx` ties them to a ReadIndex round (thesis §6.4).
 */
export function bcastHeartbeat(r: Raft, ctx?: Uint8Array): void {
  const c = ctx ?? r.readOnly.lastPendingContext();
  r.trk.visit((id, pr) => {
    if (id === r.id) return;
    const commit = Math.min(pr.match, r.log.committed);
    r.send({ type: MessageType.MsgHeartbeat, to: id, commit, context: c });
  });
}

/**
 * Advances the commit index to the highest index replicated on a quorum, if that entry is
 * from the current term (§5.4.2, Figure 8). True if it moved.
 */
export function maybeCommit(r: Raft): boolean {
  return r.log.maybeCommit(r.trk.committed(), r.term);
}
