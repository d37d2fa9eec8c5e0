/**
 * Configuration of one Raft group member, validated once when the node is created
 * (etcd-io/raft Config.validate). Times are in ticks; the host decides how long a tick is.
 */
import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

export interface Config {
  /** This member's id; never "" and never reused for another member. */
  readonly id: NodeId;
  readonly storage: Storage;
  /** Ticks without hearing from a leader before a follower campaigns (randomised to [e, 2e)). Default 10. */
  readonly electionTick?: number;
  /** Ticks between leader heartbeats. Default 1. Must be < electionTick. */
  readonly heartbeatTick?: number;
  /** Returns a number in [0, 1); the only randomness (election timeouts). Pass a seeded PRNG. */
  readonly random: () => number;
  /** Raft thesis §9.6 pre-vote. Default true. */
  readonly preVote?: boolean;
  /** Thesis §6.2: leader steps down without a quorum; followers reject votes inside a lease. Default true. */
  readonly checkQuorum?: boolean;
  /** Max MsgApp messages in flight per follower in replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Max bytes of entries per MsgApp (at least one entry is always sent). Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /**
   * Max bytes of committed entries handed out per Ready (at least one), as etcd's
   * MaxCommittedSizePerReady: a host that applies them on its only thread can then answer
   * messages between chunks of a long backlog. 0 = no limit (the default).
   */
  readonly maxCommittedSizePerReady?: number;
  /**
   * Max bytes of proposal data a leader holds appended but not yet committed; beyond it,
   * proposals get ErrProposalDropped (bounds memory while a quorum is unreachable). 0 = no limit.
   */
  readonly maxUncommittedEntriesSize?: number;
  /** The last applied index when restarting (entries up to it are not handed out again). Default 0. */
  readonly applied?: number;
  /** A leader removed from (or demoted in) the config steps down. Default true. */
  readonly stepDownOnRemoval?: boolean;
  /**
   * Initial membership of a brand-new group whose storage holds no ConfState yet. Ignored
   * once storage has a snapshot with a ConfState.
   */
  readonly bootstrap?: { readonly voters: readonly NodeId[]; readonly learners?: readonly NodeId[] };
}

export type ResolvedConfig = Required<Omit<Config, 'bootstrap'>> & Pick<Config, 'bootstrap'>;

export const DEFAULTS = {
  electionTick: 10,
  heartbeatTick: 1,
  preVote: true,
  checkQuorum: true,
  maxInflightMsgs: 256,
  maxSizePerMsg: 1024 * 1024,
  maxCommittedSizePerReady: 0,
  maxUncommittedEntriesSize: 0,
  applied: 0,
  stepDownOnRemoval: true,
} as const;

/** Fills defaults and throws on a config that cannot work. */
export function resolveConfig(c: Config): ResolvedConfig {
  const r: ResolvedConfig = { ...DEFAULTS, ...stripUndefined(c) } as ResolvedConfig;
  if (r.id === '') throw new Error('raft config: cannot use "" as id');
  if (!(r.heartbeatTick > 0)) throw new Error('raft config: heartbeatTick must be greater than 0');
  if (!(r.electionTick > r.heartbeatTick)) throw new Error('raft config: electionTick must be greater than heartbeatTick');
  if (!(r.maxInflightMsgs > 0)) throw new Error('raft config: maxInflightMsgs must be greater than 0');
  if (!(r.maxSizePerMsg > 0)) throw new Error('raft config: maxSizePerMsg must be greater than 0');
  if (!(r.maxUncommittedEntriesSize >= 0)) throw new Error('raft config: maxUncommittedEntriesSize must be ≥ 0');
  if (!(r.maxCommittedSizePerReady >= 0)) throw new Error('raft config: maxCommittedSizePerReady must be ≥ 0');
  if (typeof r.random !== 'function') throw new Error('raft config: random must be a function');
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
