/**
 * Quorum arithmetic for majority and joint configurations (Raft §5.2, §5.3; thesis §4.3:
 * during joint consensus a decision needs a majority of both the old and the new voters).
 */
import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/**
 * The highest index acknowledged by a majority of voters, given each voter's acked index
 * (missing = 0). An empty config commits everything (it never blocks the other half of a
 * joint config).
 */
export function majorityCommitted(voters: ReadonlySet<NodeId>, acked: (id: NodeId) => number | undefined): number {
  if (voters.size === 0) return Number.MAX_SAFE_INTEGER;
  const idx: number[] = [];
  for (const id of voters) idx.push(acked(id) ?? 0);
  idx.sort((a, b) => b - a);
  return idx[Math.floor(voters.size / 2)];
}

/** Whether the votes won, lost or are still pending in a majority config. Empty config wins. */
export function majorityVoteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let yes = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) yes++;
  }
  const q = Math.floor(voters.size / 2) + 1;
  if (yes >= q) return 'won';
  if (yes + missing >= q) return 'pending';
  return 'lost';
}

/** A joint config is two majority configs; the outgoing one is empty outside joint consensus. */
export type JointVoters = readonly [incoming: ReadonlySet<NodeId>, outgoing: ReadonlySet<NodeId>];

export function jointCommitted(cfg: JointVoters, acked: (id: NodeId) => number | undefined): number {
  return Math.min(majorityCommitted(cfg[0], acked), majorityCommitted(cfg[1], acked));
}

export function jointVoteResult(cfg: JointVoters, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const r1 = majorityVoteResult(cfg[0], votes);
  const r2 = majorityVoteResult(cfg[1], votes);
  if (r1 === r2) return r1;
  if (r1 === 'lost' || r2 === 'lost') return 'lost';
  return 'pending';
}

/** All voters of a joint config, each once. */
export function jointIds(cfg: JointVoters): Set<NodeId> {
  const s = new Set(cfg[0]);
  for (const id of cfg[1]) s.add(id);
  return s;
}
