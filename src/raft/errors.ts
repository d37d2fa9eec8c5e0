/**
 * Expected failures of the Raft core and of Storage, as sentinel values (etcd-io/raft
 * style: callers compare with `===`). Broken invariants are thrown as plain `Error`s.
 */

/** A Raft or Storage error with a stable code, so hosts can map it without string matching. */
export class RaftError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RaftError';
  }
}

/** The proposal was not appended (no leader, transfer in progress, conf change pending, removed). */
export const ErrProposalDropped = new RaftError('ErrProposalDropped', 'raft proposal dropped');
/** A local-only message type (MsgHup, MsgBeat, …) was passed to RawNode.step. */
export const ErrStepLocalMsg = new RaftError('ErrStepLocalMsg', 'raft: cannot step raft local message');
/** A response came from a peer that is not in the current configuration. */
export const ErrStepPeerNotFound = new RaftError('ErrStepPeerNotFound', 'raft: cannot step as peer not found');

/** Storage: the requested index is older than the first available entry (log was compacted). */
export const ErrCompacted = new RaftError('ErrCompacted', 'requested index is unavailable due to compaction');
/** Storage: the snapshot to apply or create is older than the one stored. */
export const ErrSnapOutOfDate = new RaftError('ErrSnapOutOfDate', 'requested index is older than the existing snapshot');
/** Storage: the requested entry is beyond the last index. */
export const ErrUnavailable = new RaftError('ErrUnavailable', 'requested entry at index is unavailable');
/** Storage: the snapshot is being built; Raft retries later. */
export const ErrSnapshotTemporarilyUnavailable = new RaftError(
  'ErrSnapshotTemporarilyUnavailable',
  'snapshot is temporarily unavailable',
);

/** Throws a broken-invariant error (a bug, never an expected condition). */
export function invariant(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`raft invariant violated: ${message}`);
}
