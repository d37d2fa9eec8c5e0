/**
 * White-box test helpers over the Raft struct itself (etcd-io/raft raft_test.go style):
 * build a Raft on a MemoryStorage, read its outbox, emulate the host persisting a Ready,
 * and a synchronous in-memory network with drop/cut/isolate.
 */
import { Raft } from '../raft.js';
import { bcastAppend } from '../replication.js';
import { MemoryStorage } from '../storage.js';
import { EMPTY_BYTES, EntryType, MessageType, makeMessage, type Entry, type Message, type NodeId } from '../types.js';
import type { Config } from '../config.js';

export interface TestRaftOptions extends Partial<Omit<Config, 'id' | 'storage'>> {
  readonly storage?: MemoryStorage;
}

/** A Raft with peers as voters, electionTick 10, heartbeatTick 1, deterministic timeout = electionTick. */
export function newTestRaft(id: NodeId, peers: readonly NodeId[], opts: TestRaftOptions = {}): Raft {
  const storage = opts.storage ?? new MemoryStorage();
  return new Raft({
    electionTick: 10,
    heartbeatTick: 1,
    random: () => 0,
    preVote: false,
    checkQuorum: false,
    bootstrap: { voters: peers },
    ...opts,
    id,
    storage,
  });
}

export function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

/** Drains the outbox. */
export function readMessages(r: Raft): Message[] {
  const m = r.msgs;
  r.msgs = [];
  return m;
}

/** Entries 1..n with the given terms (data empty). */
export function entsWithTerms(...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, type: EntryType.Normal, data: EMPTY_BYTES }));
}

export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: data ? new TextEncoder().encode(data) : EMPTY_BYTES };
}

/** A storage already holding entries with these terms (index 1..n) and a hard state at the last term. */
export function storageWithTerms(...terms: number[]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(entsWithTerms(...terms));
  return s;
}

/** Emulates the host persisting everything unstable and calling advance() (without applying). */
export function persist(r: Raft): void {
  const s = r.log.storage as MemoryStorage;
  const snap = r.log.unstable.snapshot;
  if (snap) {
    s.applySnapshot(snap);
    r.log.stableSnapTo(snap.metadata.index);
  }
  const ents = r.log.unstableEntries();
  if (ents.length > 0) {
    const last = ents[ents.length - 1];
    s.append(ents);
    r.log.stableTo(last.index, last.term);
  }
  s.setHardState(r.hardState());
  r.onPersisted(r.log.stableIndex());
}

export function msg(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  return makeMessage(fields);
}

/** The reply a follower would send to a leader's message, accepting it. */
export function acceptAndReply(m: Message): Message {
  if (m.type !== MessageType.MsgApp) throw new Error('type should be MsgApp');
  return msg({ from: m.to, to: m.from, term: m.term, type: MessageType.MsgAppResp, index: m.index + m.entries.length });
}

/** Makes r (a leader) commit its pending entries by acking from every follower, then drains. */
export function commitNoopEntry(r: Raft): void {
  bcastAppend(r);
  persist(r);
  for (const m of readMessages(r)) {
    if (m.type === MessageType.MsgApp) r.step(acceptAndReply(m));
  }
  persist(r);
  readMessages(r);
  r.log.appliedTo(r.log.committed);
}

/** A synchronous network of Rafts; every delivered message is persisted-then-answered at once. */
export class Network {
  readonly peers = new Map<NodeId, Raft>();
  #dropped = new Set<string>();
  #ignored = new Set<MessageType>();

  constructor(rafts: readonly Raft[]) {
    for (const r of rafts) this.peers.set(r.id, r);
  }

  send(...msgs: Message[]): void {
    const queue = [...msgs];
    for (let n = 0; queue.length > 0; n++) {
      if (n > 100_000) throw new Error('network did not quiesce');
      const m = queue.shift()!;
      const p = this.peers.get(m.to);
      if (!p || this.#dropped.has(`${m.from}>${m.to}`) || this.#ignored.has(m.type)) continue;
      p.step(m);
      persist(p);
      queue.push(...readMessages(p));
    }
  }

  /** Elects `id` by stepping MsgHup on it. */
  campaign(id: NodeId): void {
    this.send(msg({ type: MessageType.MsgHup, from: id, to: id }));
  }

  cut(a: NodeId, b: NodeId): void {
    this.#dropped.add(`${a}>${b}`);
    this.#dropped.add(`${b}>${a}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.peers.keys()) if (other !== id) this.cut(id, other);
  }

  ignore(t: MessageType): void {
    this.#ignored.add(t);
  }

  recover(): void {
    this.#dropped.clear();
    this.#ignored.clear();
  }
}
