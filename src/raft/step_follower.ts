/**
 * The follower's and (pre-)candidate's step functions and the receiver side of
 * AppendEntries, heartbeats and InstallSnapshot (Raft §5.2, §5.3, §7, Fig. 2 "Followers").
 */
import { ErrProposalDropped } from './errors.js';
import { restoreFromSnapshot } from './membership.js';
import type { Raft } from './raft.js';
import { bcastAppend } from './replication.js';
import { MessageType, type Message } from './types.js';

export function stepFollower(r: Raft, m: Message): Error | null {
  switch (m.type) {
    case MessageType.MsgProp:
      // Forward to the leader (etcd's proposal forwarding); without one, drop.
      if (r.lead === '') return ErrProposalDropped;
      r.send({ ...m, to: r.lead, term: 0 });
      return null;
    case MessageType.MsgApp:
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return null;
    case MessageType.MsgHeartbeat:
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return null;
    case MessageType.MsgSnap:
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return null;
    case MessageType.MsgTransferLeader:
      // Forwarded as is: `from` names the transferee.
      if (r.lead !== '') r.msgs.push({ ...m, to: r.lead, term: r.term });
      return null;
    case MessageType.MsgReadIndex:
      if (r.lead === '') return ErrProposalDropped;
      r.send({ ...m, to: r.lead, term: 0 });
      return null;
    case MessageType.MsgTimeoutNow:
      // Thesis §3.10: the leader asked us to take over; campaign now, skipping pre-vote.
      r.hup(true);
      return null;
    case MessageType.MsgReadIndexResp:
      if (m.entries.length === 1) r.readStates.push({ index: m.index, requestCtx: m.entries[0].data });
      return null;
  }
  return null;
}

/** Candidates and pre-candidates: count votes; step down on a legitimate leader's message (§5.2). */
export function stepCandidate(r: Raft, m: Message): Error | null {
  const myVoteResp = r.role === 'precandidate' ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
  switch (m.type) {
    case MessageType.MsgProp:
    case MessageType.MsgReadIndex:
      return ErrProposalDropped; // no leader to serve it; the host retries
    case MessageType.MsgApp:
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return null;
    case MessageType.MsgHeartbeat:
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return null;
    case MessageType.MsgSnap:
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return null;
    case myVoteResp:
      handleVoteResponse(r, m);
      return null;
  }
  return null;
}

/** Raft §5.2: a majority of votes wins (a pre-vote win starts the real election); a majority against loses. */
function handleVoteResponse(r: Raft, m: Message): void {
  const res = r.poll(m.from, !m.reject);
  if (res === 'won' && !r.promotable()) {
    r.becomeFollower(r.term, ''); // removed or demoted while campaigning
  } else if (res === 'won') {
    if (r.role === 'precandidate') r.campaign('election', false);
    else {
      r.becomeLeader();
      bcastAppend(r);
    }
  } else if (res === 'lost') {
    r.becomeFollower(r.term, '');
  }
}

/** Fig. 2 AppendEntries receiver; a rejection carries a hint for fast backtracking (§5.3). */
export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Already committed here: tell the leader where we are.
    r.send({ type: MessageType.MsgAppResp, to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: MessageType.MsgAppResp, to: m.from, index: lastNew });
    return;
  }
  // The hint: the largest index ≤ m.index whose term is ≤ m.logTerm; the leader can skip
  // every index above it (all of those either are missing or conflict).
  const hintIndex = Math.min(m.index, r.log.lastIndex());
  const [idx, term] = r.log.findConflictByTerm(hintIndex, m.logTerm);
  r.send({ type: MessageType.MsgAppResp, to: m.from, index: m.index, reject: true, rejectHint: idx, logTerm: term });
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(m.commit);
  r.send({ type: MessageType.MsgHeartbeatResp, to: m.from, context: m.context });
}

/** §7 InstallSnapshot receiver: restore if the snapshot is newer than what we committed. */
function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot;
  if (!s) return;
  if (restoreFromSnapshot(r, s)) {
    r.send({ type: MessageType.MsgAppResp, to: m.from, index: r.log.lastIndex() });
  } else {
    r.send({ type: MessageType.MsgAppResp, to: m.from, index: r.log.committed });
  }
}
