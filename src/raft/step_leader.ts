/**
 * The leader's step function (Raft §5.3, §6, §7; thesis §3.10 transfer, §6.4 ReadIndex,
 * §6.2 CheckQuorum) and the handlers of the responses it receives.
 */
import { ErrProposalDropped } from './errors.js';
import { checkConfChangeProposal } from './membership.js';
import type { Progress } from './progress.js';
import { jointVoteResult } from './quorum.js';
import type { Raft } from './raft.js';
import { bcastAppend, bcastHeartbeat, maybeCommit, maybeSendAppend, sendAppend } from './replication.js';
import { MessageType, type Message } from './types.js';

export function stepLeader(r: Raft, m: Message): Error | null {
  // Messages that need no progress of the sender.
  switch (m.type) {
    case MessageType.MsgBeat:
      bcastHeartbeat(r);
      return null;
    case MessageType.MsgCheckQuorum:
      // Thesis §6.2: without a quorum of recent responses, step down.
      if (!r.trk.quorumActive()) r.becomeFollower(r.term, '');
      r.trk.progress.forEach((pr, id) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return null;
    case MessageType.MsgProp:
      return handlePropose(r, m);
    case MessageType.MsgReadIndex:
      handleReadIndex(r, m);
      return null;
  }
  const pr = r.trk.progress.get(m.from);
  if (!pr) return null;
  switch (m.type) {
    case MessageType.MsgAppResp:
      handleAppendResponse(r, m, pr);
      break;
    case MessageType.MsgHeartbeatResp:
      handleHeartbeatResponse(r, m, pr);
      break;
    case MessageType.MsgSnapStatus:
      if (pr.state !== 'snapshot') break;
      // Whether it succeeded or failed, probe from the snapshot (or from match) next;
      // wait for a heartbeat response before sending, as etcd does.
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      pr.msgAppFlowPaused = true;
      break;
    case MessageType.MsgUnreachable:
      if (pr.state === 'replicate') pr.becomeProbe();
      break;
    case MessageType.MsgTransferLeader:
      handleTransferLeader(r, m, pr);
      break;
  }
  return null;
}

function handlePropose(r: Raft, m: Message): Error | null {
  if (m.entries.length === 0) throw new Error('raft invariant violated: stepped empty MsgProp');
  // A leader removed from the config, or handing over leadership, takes no proposals.
  if (!r.trk.progress.has(r.id) || r.leadTransferee !== '') return ErrProposalDropped;
  const err = checkConfChangeProposal(r, m.entries);
  if (err) return err;
  if (!r.appendEntry(m.entries)) return ErrProposalDropped;
  bcastAppend(r);
  return null;
}

/** Raft §5.3 with etcd's fast backtracking: a rejection carries the follower's hint. */
function handleAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    let next = m.rejectHint;
    if (m.logTerm > 0) next = r.log.findConflictByTerm(m.rejectHint, m.logTerm)[0];
    if (pr.maybeDecrTo(m.index, next)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe')) {
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match + 1 >= r.log.firstIndex()) {
      // The follower caught up (by the snapshot or otherwise): replicate from match.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
    if (maybeCommitAndRelease(r)) bcastAppend(r);
    else if (wasPaused) sendAppend(r, m.from);
    // Pipeline whatever else the window allows (replicate state).
    while (maybeSendAppend(r, m.from, false));
    if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) r.sendTimeoutNow(m.from);
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  // MsgApps in a full window may all have been lost: free one slot so a message goes out;
  // the follower's rejection then moves us back to probing (etcd's freeFirstOne).
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.match < r.log.lastIndex()) sendAppend(r, m.from);
  if (m.context.byteLength === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (!acks) return;
  const votes = new Map<string, boolean>();
  for (const id of acks) votes.set(id, true);
  votes.set(r.id, true);
  if (jointVoteResult(r.trk.config.voters, votes) !== 'won') return;
  for (const rs of r.readOnly.advance(m.context)) sendReadIndexResponse(r, rs.req, rs.index);
}


/** Thesis §3.10: bring the transferee up to date, then tell it to campaign at once. */
function handleTransferLeader(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) return;
  const transferee = m.from;
  if (r.leadTransferee !== '') {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return;
  // The transfer must finish within one election timeout (checked in tickHeartbeat).
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.log.lastIndex()) r.sendTimeoutNow(transferee);
  else sendAppend(r, transferee);
}

/** True if the leader has committed an entry of its own term (Raft §8, thesis §6.4 step 1). */
export function committedEntryInCurrentTerm(r: Raft): boolean {
  return r.log.zeroTermOnOutOfBounds(r.log.committed) === r.term;
}

/**
 * Thesis §6.4: (1) wait until an entry of this term is committed, (2) record the commit index,
 * (3) confirm leadership with a heartbeat round, (4) answer with the recorded index. A single
 * voter skips (3). Unlike etcd, step (1) also applies to a single voter: its commit index
 * after a restart may lag what it committed before.
 */
function handleReadIndex(r: Raft, m: Message): void {
  if (!committedEntryInCurrentTerm(r)) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  if (r.trk.isSingleton()) {
    sendReadIndexResponse(r, m, r.log.committed);
    return;
  }
  r.readOnly.addRequest(r.log.committed, m);
  bcastHeartbeat(r, m.entries[0].data);
}

function sendReadIndexResponse(r: Raft, req: Message, index: number): void {
  if (req.from === '' || req.from === r.id) {
    r.readStates.push({ index, requestCtx: req.entries[0].data });
  } else {
    r.send({ type: MessageType.MsgReadIndexResp, to: req.from, index, entries: req.entries });
  }
}

/** Commits if possible; on the first commit of the term, serves the reads that waited for it. */
export function maybeCommitAndRelease(r: Raft): boolean {
  if (!maybeCommit(r)) return false;
  if (committedEntryInCurrentTerm(r) && r.pendingReadIndexMessages.length > 0) {
    const pending = r.pendingReadIndexMessages;
    r.pendingReadIndexMessages = [];
    for (const m of pending) handleReadIndex(r, m);
  }
  return true;
}
