/**
 * Raft wire and storage types, shared by the pure core (src/raft), the write-ahead log
 * (src/storage) and the transport (src/transport). Modelled on etcd-io/raft's raftpb:
 * plain data, no behaviour, so every layer can encode them without importing the core.
 *
 * Ids are strings (anchor ids such as "east-1"); indexes and terms are JS numbers
 * (safe up to 2^53, far beyond any log we will write).
 */

export type NodeId = string;

/** The kinds of log entry. ConfChange entries carry an encoded ConfChange in `data`. */
export const EntryType = { Normal: 0, ConfChange: 1 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

/** One log entry. Invariant: entries in a log have strictly consecutive indexes. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque command bytes; empty for the no-op a new leader appends (Raft §5.4.2, §8). */
  readonly data: Uint8Array;
}

/** State that must be on stable storage before any message depending on it is sent (Raft Fig. 2). */
export interface HardState {
  readonly term: number;
  /** Candidate voted for in `term`, or "" for none. */
  readonly vote: NodeId;
  readonly commit: number;
}

/** Volatile state that the host may display; never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: RaftRole;
}

export type RaftRole = 'follower' | 'candidate' | 'precandidate' | 'leader';

/**
 * Membership. `votersOutgoing` is non-empty only during a joint configuration (Raft
 * thesis §4.3): decisions then need a majority of both `voters` and `votersOutgoing`.
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  /** Learners that become voters when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
  /** True when leaving the joint config happens automatically (etcd's AutoLeave). */
  readonly autoLeave: boolean;
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The state machine's serialized state at metadata.index. */
  readonly data: Uint8Array;
}

export const ConfChangeType = {
  AddNode: 0,
  RemoveNode: 1,
  AddLearner: 2,
} as const;
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType];

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/**
 * A membership change. One change = simple (one server at a time, Raft thesis §4.1);
 * several, or `transition: 'joint'`, = joint consensus (thesis §4.3). An empty `changes`
 * list with a joint config active means "leave the joint configuration".
 * `context` is opaque to Raft (the host puts the new member's address there).
 */
export interface ConfChange {
  readonly transition: 'auto' | 'joint' | 'joint-explicit';
  readonly changes: readonly ConfChangeSingle[];
  readonly context: Uint8Array;
}

/** Message kinds, named as in etcd-io/raft (raftpb.MessageType). */
export const MessageType = {
  MsgHup: 0, // local: start an election
  MsgBeat: 1, // local: leader sends heartbeats
  MsgProp: 2, // a proposal (local, or forwarded from a follower)
  MsgApp: 3,
  MsgAppResp: 4,
  MsgVote: 5,
  MsgVoteResp: 6,
  MsgSnap: 7,
  MsgHeartbeat: 8,
  MsgHeartbeatResp: 9,
  MsgUnreachable: 10, // local: host reports a peer unreachable
  MsgSnapStatus: 11, // local: host reports a snapshot sent or failed
  MsgCheckQuorum: 12, // local
  MsgTransferLeader: 13,
  MsgTimeoutNow: 14,
  MsgReadIndex: 15,
  MsgReadIndexResp: 16,
  MsgPreVote: 17,
  MsgPreVoteResp: 18,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * A Raft message. Fields not used by a given type are left at their zero value
 * (0, "", empty array, false, undefined snapshot), as in raftpb.Message, so one
 * binary encoding serves every type.
 */
export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  readonly term: number;
  /** Term of the entry at `index` (MsgApp: the entry preceding `entries`). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  /** On a rejected MsgAppResp: the follower's hint for fast backtracking (Raft §5.3). */
  readonly rejectHint: number;
  /** Opaque context: ReadIndex request ids, campaign-transfer marker. */
  readonly context: Uint8Array;
}

/** A linearizable read is safe at `index` once the state machine has applied it (Raft thesis §6.4). */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: '', commit: 0 });

export const EMPTY_CONF_STATE: ConfState = Object.freeze({
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
});

/** Builds a message with every unused field at its zero value. */
export function makeMessage(fields: Partial<Message> & Pick<Message, 'type' | 'to' | 'from'>): Message {
  return messageFrom(fields, fields.from, fields.term ?? 0);
}

/**
 * makeMessage with `from` and `term` given apart, as the core's send() has them. Fields
 * are copied one by one: two object spreads per message (the outgoing fields into a new
 * object, then over the defaults) cost ~1.5 µs, against ~25 ns, on every message of every
 * anchor. `snapshot` is present only on a message that carries one.
 */
export function messageFrom(fields: Partial<Message> & Pick<Message, 'type' | 'to'>, from: NodeId, term: number): Message {
  const m: Message = {
    type: fields.type,
    to: fields.to,
    from,
    term,
    logTerm: fields.logTerm ?? 0,
    index: fields.index ?? 0,
    entries: fields.entries ?? [],
    commit: fields.commit ?? 0,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? 0,
    context: fields.context ?? EMPTY_BYTES,
  };
  return fields.snapshot === undefined ? m : { ...m, snapshot: fields.snapshot };
}
