/** The host API: Ready/advance contract, errors as values, restart, conf change admission. */
import { describe, expect, it } from 'vitest';
import { confChange } from './confchange_codec.js';
import { ErrProposalDropped, ErrStepLocalMsg, ErrStepPeerNotFound } from './errors.js';
import { RawNode } from './rawnode.js';
import { Simulation } from './sim/cluster.js';
import { MemoryStorage } from './storage.js';
import { TestHost } from './testing/host.js';
import { ConfChangeType, EntryType, MessageType, makeMessage } from './types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function singleNode(storage = new MemoryStorage()): RawNode {
  return new RawNode({ id: '1', storage, random: () => 0, bootstrap: { voters: ['1'] } });
}

/** persist → apply (nothing) → advance, returning the Ready. */
function cycle(n: RawNode, s: MemoryStorage) {
  const rd = n.ready();
  if (rd.snapshot) s.applySnapshot(rd.snapshot);
  s.append(rd.entries);
  if (rd.hardState) s.setHardState(rd.hardState);
  n.advance();
  return rd;
}

describe('RawNode', () => {
  it('hands committed entries out in chunks of maxCommittedSizePerReady, in order, none twice', () => {
    const s = new MemoryStorage();
    const n = new RawNode({ id: '1', storage: s, random: () => 0, bootstrap: { voters: ['1'] }, maxCommittedSizePerReady: 100 });
    n.campaign();
    while (n.hasReady()) cycle(n, s);
    expect(n.proposeMany(Array.from({ length: 20 }, (_, i) => enc.encode(`entry-${String(i).padStart(2, '0')}-${'x'.repeat(30)}`)))).toBeNull();
    const applied: string[] = [];
    let readys = 0;
    while (n.hasReady()) {
      const rd = cycle(n, s);
      if (rd.committedEntries.length > 0) readys++;
      expect(rd.committedEntries.length).toBeLessThanOrEqual(2); // 40-byte entries, 100-byte chunks
      for (const e of rd.committedEntries) if (e.data.length > 0) applied.push(dec.decode(e.data).slice(0, 8));
    }
    expect(applied).toEqual(Array.from({ length: 20 }, (_, i) => `entry-${String(i).padStart(2, '0')}`));
    expect(readys).toBeGreaterThanOrEqual(10);
  });

  it('a single voter hands an entry out to persist before it reports it committed (etcd#14370)', () => {
    const s = new MemoryStorage();
    const n = singleNode(s);
    n.campaign();
    cycle(n, s);
    cycle(n, s);
    expect(n.propose(enc.encode('x'))).toBeNull();
    const rd1 = n.ready();
    expect(rd1.entries.map((e) => dec.decode(e.data))).toEqual(['x']);
    expect(rd1.committedEntries).toEqual([]);
    expect(rd1.mustSync).toBe(true);
    expect(() => n.ready()).toThrow(/twice/);
    s.append(rd1.entries);
    n.advance();
    const rd2 = cycle(n, s);
    expect(rd2.committedEntries.map((e) => dec.decode(e.data))).toEqual(['x']);
    expect(rd2.hardState?.commit).toBe(rd1.entries[0].index);
    expect(rd2.mustSync).toBe(false); // only the commit index changed
    expect(n.hasReady()).toBe(false);
  });

  it("the leader's own match moves only when advance() reports the entries persisted", () => {
    const h = new TestHost('1', { random: () => 0, preVote: false, bootstrap: { voters: ['1', '2', '3'] } });
    h.node.campaign();
    h.handleReady();
    for (const id of ['2', '3']) h.node.step(makeMessage({ type: MessageType.MsgVoteResp, from: id, to: '1', term: 1 }));
    expect(h.node.raft.role).toBe('leader');
    const before = h.node.status().progress!.get('1')!.match;
    const rd = h.node.ready();
    expect(rd.entries).toHaveLength(1);
    expect(h.node.status().progress!.get('1')!.match).toBe(before);
    h.persist(rd);
    h.node.advance();
    expect(h.node.status().progress!.get('1')!.match).toBe(rd.entries[0].index);
  });

  it('step refuses local message types and responses from unknown peers', () => {
    const n = singleNode();
    expect(n.step(makeMessage({ type: MessageType.MsgHup, from: '1', to: '1' }))).toBe(ErrStepLocalMsg);
    expect(n.step(makeMessage({ type: MessageType.MsgAppResp, from: '9', to: '1', term: 1 }))).toBe(ErrStepPeerNotFound);
  });

  it('a follower without a leader drops proposals (a value, not a throw)', () => {
    const n = new RawNode({ id: '1', storage: new MemoryStorage(), random: () => 0, bootstrap: { voters: ['1', '2', '3'] } });
    expect(n.propose(enc.encode('x'))).toBe(ErrProposalDropped);
  });

  it('restarts from storage: hard state kept, committed entries after `applied` handed out again', () => {
    const s = new MemoryStorage();
    const n = singleNode(s);
    n.campaign();
    for (let i = 0; i < 3; i++) cycle(n, s);
    n.propose(enc.encode('a'));
    cycle(n, s);
    cycle(n, s);
    const hs = n.status().hardState;
    const n2 = singleNode(s);
    expect(n2.status().hardState).toEqual(hs);
    const rd = n2.ready();
    expect(rd.committedEntries.map((e) => dec.decode(e.data))).toEqual(['', 'a']);
    n2.advance();
    const n3 = new RawNode({ id: '1', storage: s, random: () => 0, bootstrap: { voters: ['1'] }, applied: hs.commit });
    expect(n3.ready().committedEntries).toEqual([]);
  });

  it('conf changes: refused before an own-term commit and while one is pending (single-server bug, thesis §4.1)', () => {
    const h = new TestHost('1', { random: () => 0, bootstrap: { voters: ['1'] } });
    h.node.campaign();
    const add = confChange([{ type: ConfChangeType.AddLearner, nodeId: '2' }]);
    expect(h.node.proposeConfChange(add)).toBe(ErrProposalDropped); // empty entry of term 1 not committed
    h.handleReady();
    h.handleReady();
    expect(h.node.proposeConfChange(add)).toBeNull();
    expect(h.node.proposeConfChange(confChange([{ type: ConfChangeType.AddLearner, nodeId: '3' }]))).toBe(ErrProposalDropped);
    h.handleReady();
    const { rd } = h.handleReady();
    expect(rd.committedEntries.map((e) => e.type)).toEqual([EntryType.ConfChange]);
    expect(h.confState.learners).toEqual(['2']);
    expect(h.node.proposeConfChange(confChange([{ type: ConfChangeType.AddLearner, nodeId: '3' }]))).toBeNull();
  });

  it('an invalid conf change is dropped at proposal time (two voters without joint consensus)', () => {
    const h = new TestHost('1', { random: () => 0, bootstrap: { voters: ['1'] } });
    h.node.campaign();
    h.handleReady();
    h.handleReady();
    const two = confChange([
      { type: ConfChangeType.AddNode, nodeId: '2' },
      { type: ConfChangeType.AddNode, nodeId: '3' },
    ]);
    expect(h.node.proposeConfChange({ ...two, transition: 'auto' })).toBeNull(); // auto + 2 changes = joint
    const leave = confChange([]);
    expect(h.node.proposeConfChange(leave)).toBe(ErrProposalDropped); // still pending
  });

  it('ReadIndex on a single voter answers once an entry of its term is committed (thesis §6.4)', () => {
    const h = new TestHost('1', { random: () => 0, bootstrap: { voters: ['1'] } });
    h.node.campaign();
    expect(h.node.readIndex(enc.encode('r1'))).toBeNull();
    const first = h.handleReady().rd;
    expect(first.readStates).toEqual([]);
    const rs = [];
    while (h.node.hasReady()) rs.push(...h.handleReady().rd.readStates);
    expect(rs.map((r) => [r.index, dec.decode(r.requestCtx)])).toEqual([[1, 'r1']]);
  });

  it('maxUncommittedEntriesSize bounds what a leader holds uncommitted', () => {
    const h = new TestHost('1', { random: () => 0, preVote: false, maxUncommittedEntriesSize: 10, bootstrap: { voters: ['1', '2', '3'] } });
    h.node.campaign();
    h.handleReady();
    for (const id of ['2', '3']) h.node.step(makeMessage({ type: MessageType.MsgVoteResp, from: id, to: '1', term: 1 }));
    expect(h.node.propose(new Uint8Array(8))).toBeNull();
    expect(h.node.propose(new Uint8Array(8))).toBe(ErrProposalDropped);
    expect(h.node.propose(new Uint8Array(2))).toBeNull();
  });

  it('config is validated once', () => {
    const storage = new MemoryStorage();
    expect(() => new RawNode({ id: '', storage, random: () => 0 })).toThrow(/id/);
    expect(() => new RawNode({ id: '1', storage, random: () => 0, electionTick: 1, heartbeatTick: 1 })).toThrow(/electionTick/);
    expect(() => new RawNode({ id: '1', storage, random: () => 0, maxInflightMsgs: 0 })).toThrow(/maxInflightMsgs/);
  });
});

describe('simulator smoke (fixed seeds)', () => {
  it('is deterministic per seed and safe for a few 3- and 5-member runs', () => {
    for (const nodes of [3, 5]) {
      for (const seed of [1, 2, 3]) {
        const a = new Simulation({ seed, nodes, chaosTicks: 200, livenessTicks: 300 }).run();
        const b = new Simulation({ seed, nodes, chaosTicks: 200, livenessTicks: 300 }).run();
        expect(a).toEqual(b);
      }
    }
  });
});

describe('RawNode: messages and ticks while a Ready is being persisted', () => {
  it('a follower whose handed-out entries are replaced before advance() does not count them stable', () => {
    const s = new MemoryStorage();
    const n = new RawNode({ id: '2', storage: s, random: () => 0, preVote: false, bootstrap: { voters: ['1', '2', '3'] } });
    // Leader 1 of term 1 sends two entries; the host takes the Ready and starts writing it.
    const old = [1, 2].map((index) => ({ term: 1, index, type: EntryType.Normal, data: enc.encode(`old${index}`) }));
    n.step(makeMessage({ type: MessageType.MsgApp, from: '1', to: '2', term: 1, logTerm: 0, index: 0, entries: old, commit: 0 }));
    const rd = n.ready();
    expect(rd.entries.map((e) => dec.decode(e.data))).toEqual(['old1', 'old2']);
    // Meanwhile leader 3 of term 2 overwrites index 2 (§5.3): a message stepped mid-Ready.
    const replacement = { term: 2, index: 2, type: EntryType.Normal, data: enc.encode('new2') };
    n.step(makeMessage({ type: MessageType.MsgApp, from: '3', to: '2', term: 2, logTerm: 1, index: 1, entries: [replacement], commit: 0 }));
    n.tick();
    // The write of the first Ready completes; advance() must not mark index 2 (term 1) stable.
    s.append(rd.entries);
    if (rd.hardState) s.setHardState(rd.hardState);
    n.advance();
    // Nothing of the first Ready counts as stable (its last entry no longer matches), so
    // the next one hands out the log as it now stands; rewriting index 1 is harmless.
    const next = n.ready();
    expect(next.entries.map((e) => [e.index, e.term, dec.decode(e.data)])).toEqual([[1, 1, 'old1'], [2, 2, 'new2']]);
    expect(n.raft.log.stableIndex()).toBe(0);
  });

  describe('messages sendable while a Ready is being written', () => {
    /** A follower of '1' in a group 1–3 at term 1, with one Ready handed out and not persisted. */
    function followerWritingAReady() {
      const s = new MemoryStorage();
      // Without pre-vote and check-quorum: a timeout goes straight to a vote, and a vote
      // request is not ignored for the leader's lease.
      const n = new RawNode({ id: '2', storage: s, random: () => 0, electionTick: 10, heartbeatTick: 1, preVote: false, checkQuorum: false, bootstrap: { voters: ['1', '2', '3'] } });
      const app = makeMessage({ type: MessageType.MsgApp, from: '1', to: '2', term: 1, index: 0, logTerm: 0, entries: [{ term: 1, index: 1, type: EntryType.Normal, data: enc.encode('a') }] });
      n.step(app);
      const inFlight = n.ready(); // the entry and the term, being written; not advanced
      return { n, s, inFlight };
    }

    it('a heartbeat response leaves at once; an ack of entries waits for the Ready that persists them', () => {
      const { n, inFlight } = followerWritingAReady();
      expect(inFlight.messages.map((m) => m.type)).toEqual([MessageType.MsgAppResp]);
      n.step(makeMessage({ type: MessageType.MsgHeartbeat, from: '1', to: '2', term: 1, commit: 0 }));
      n.step(makeMessage({ type: MessageType.MsgApp, from: '1', to: '2', term: 1, index: 1, logTerm: 1, entries: [{ term: 1, index: 2, type: EntryType.Normal, data: enc.encode('b') }] }));
      const early = n.takeMessagesSendableBeforePersist();
      expect(early.map((m) => m.type)).toEqual([MessageType.MsgHeartbeatResp]);
      expect(n.takeMessagesSendableBeforePersist()).toEqual([]);
      n.advance();
      const next = n.ready();
      expect(next.entries.map((e) => e.index)).toEqual([2]);
      expect(next.messages.map((m) => [m.type, m.index])).toEqual([[MessageType.MsgAppResp, 2]]);
    });

    it("a candidate's vote request and a voter's grant wait: the term and vote they depend on are not durable yet (thesis §3.8)", () => {
      const { n } = followerWritingAReady();
      for (let i = 0; i < 40 && n.raft.role !== 'candidate'; i++) n.tick();
      expect(n.raft.role).toBe('candidate');
      expect(n.raft.msgs.some((m) => m.type === MessageType.MsgVote)).toBe(true);
      expect(n.takeMessagesSendableBeforePersist()).toEqual([]);

      const { n: voter } = followerWritingAReady();
      voter.step(makeMessage({ type: MessageType.MsgVote, from: '3', to: '2', term: 5, index: 9, logTerm: 5 }));
      expect(voter.raft.msgs.map((m) => [m.type, m.reject])).toEqual([[MessageType.MsgVoteResp, false]]);
      expect(voter.takeMessagesSendableBeforePersist()).toEqual([]);
    });

    it('a pre-vote and its answer leave at once: they change no persistent state (thesis §9.6)', () => {
      const s = new MemoryStorage();
      const n = new RawNode({ id: '2', storage: s, random: () => 0, electionTick: 10, heartbeatTick: 1, preVote: true, bootstrap: { voters: ['1', '2', '3'] } });
      n.ready();
      for (let i = 0; i < 40 && n.raft.role !== 'precandidate'; i++) n.tick();
      expect(n.raft.role).toBe('precandidate');
      expect(n.takeMessagesSendableBeforePersist().map((m) => [m.type, m.to]).sort()).toEqual([[MessageType.MsgPreVote, '1'], [MessageType.MsgPreVote, '3']]);
    });
  });
});
