/**
 * Tests of the claims of the Raft paper ("In Search of an Understandable Consensus
 * Algorithm", Ongaro & Ousterhout), one per claim, named after the section they check
 * (after etcd-io/raft raft_paper_test.go, rewritten). Each test: init a state simply,
 * drive it with step()/tick(), check state and outgoing messages.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './rand.js';
import type { Raft } from './raft.js';
import {
  Network, acceptAndReply, commitNoopEntry, entry, entsWithTerms, ids, msg, newTestRaft, persist, readMessages,
  storageWithTerms,
} from './testing/harness.js';
import { MessageType, type Message } from './types.js';

const T = MessageType;
const summary = (ms: readonly Message[]): string[] =>
  ms.map((m) => `${m.from}->${m.to} ${m.type} t${m.term} i${m.index} lt${m.logTerm} c${m.commit} n${m.entries.length}${m.reject ? ' rej' : ''}`);

function electLeader(r: Raft): void {
  r.becomeCandidate();
  r.becomeLeader();
}

describe('§5.1 terms', () => {
  const roles: [string, (r: Raft) => void][] = [
    ['follower', (r) => r.becomeFollower(1, '2')],
    ['candidate', (r) => r.becomeCandidate()],
    ['leader', (r) => electLeader(r)],
  ];
  for (const [role, init] of roles) {
    it(`§5.1: a ${role} seeing a higher term updates its term and becomes follower`, () => {
      const r = newTestRaft('1', ids(3));
      init(r);
      r.step(msg({ type: T.MsgApp, from: '2', to: '1', term: 2 }));
      expect(r.term).toBe(2);
      expect(r.role).toBe('follower');
    });
  }

  it('§5.1: a request with a stale term is ignored (never reaches the role step function)', () => {
    const r = newTestRaft('1', ids(3));
    let called = false;
    r.becomeFollower(2, '');
    r.stepFn = () => {
      called = true;
      return null;
    };
    r.step(msg({ type: T.MsgApp, from: '2', to: '1', term: 1 }));
    expect(called).toBe(false);
  });
});

describe('§5.2 leader election', () => {
  it('§5.2: servers start as followers', () => {
    expect(newTestRaft('1', ids(3)).role).toBe('follower');
  });

  it('§5.2: the leader sends heartbeats (empty AppendEntries) every heartbeat tick', () => {
    const r = newTestRaft('1', ids(3));
    electLeader(r);
    commitNoopEntry(r);
    r.tick();
    const ms = readMessages(r).sort((a, b) => a.to.localeCompare(b.to));
    expect(summary(ms)).toEqual([`1->2 ${T.MsgHeartbeat} t1 i0 lt0 c1 n0`, `1->3 ${T.MsgHeartbeat} t1 i0 lt0 c1 n0`]);
  });

  for (const role of ['follower', 'candidate'] as const) {
    it(`§5.2: a ${role} that hears nothing for an election timeout starts an election, voting for itself`, () => {
      const r = newTestRaft('1', ids(3));
      if (role === 'follower') r.becomeFollower(1, '2');
      else r.becomeCandidate();
      for (let i = 0; i < 10; i++) r.tick();
      expect(r.term).toBe(2);
      expect(r.role).toBe('candidate');
      expect(r.trk.votes.get('1')).toBe(true);
      expect(summary(readMessages(r).filter((m) => m.type === T.MsgVote))).toEqual([
        `1->2 ${T.MsgVote} t2 i0 lt0 c0 n0`,
        `1->3 ${T.MsgVote} t2 i0 lt0 c0 n0`,
      ]);
    });
  }

  const oneRound: [number, Record<string, boolean>, string][] = [
    [1, {}, 'leader'],
    [3, { '2': true, '3': true }, 'leader'],
    [3, { '2': true }, 'leader'],
    [5, { '2': true, '3': true, '4': true, '5': true }, 'leader'],
    [5, { '2': true, '3': true, '4': true }, 'leader'],
    [5, { '2': true, '3': true }, 'leader'],
    [3, { '2': false, '3': false }, 'follower'],
    [5, { '2': false, '3': false, '4': false, '5': false }, 'follower'],
    [5, { '2': true, '3': false, '4': false, '5': false }, 'follower'],
    [3, {}, 'candidate'],
    [5, { '2': true }, 'candidate'],
    [5, { '2': false, '3': false }, 'candidate'],
    [5, {}, 'candidate'],
  ];
  for (const [size, votes, want] of oneRound) {
    it(`§5.2: a candidate with ${size} voters and votes ${JSON.stringify(votes)} ends ${want} (wins with a majority)`, () => {
      const r = newTestRaft('1', ids(size));
      r.step(msg({ type: T.MsgHup, from: '1', to: '1' }));
      for (const [id, granted] of Object.entries(votes)) {
        r.step(msg({ type: T.MsgVoteResp, from: id, to: '1', term: r.term, reject: !granted }));
      }
      expect(r.role).toBe(want);
      expect(r.term).toBe(1);
    });
  }

  const voteCases: [string, string, boolean][] = [
    ['', '2', true],
    ['', '3', true],
    ['2', '2', true],
    ['3', '3', true],
    ['2', '3', false],
    ['3', '2', false],
  ];
  for (const [vote, from, granted] of voteCases) {
    it(`§5.2: a follower that voted "${vote}" ${granted ? 'grants' : 'rejects'} a vote to ${from} (one vote per term)`, () => {
      const r = newTestRaft('1', ids(3));
      r.term = 1;
      r.vote = vote;
      r.step(msg({ type: T.MsgVote, from, to: '1', term: 1 }));
      const ms = readMessages(r);
      expect(ms).toHaveLength(1);
      expect(ms[0].type).toBe(T.MsgVoteResp);
      expect(ms[0].reject).toBe(!granted);
    });
  }

  for (const term of [1, 2]) {
    it(`§5.2: a candidate receiving AppendEntries of term ${term} from a legitimate leader steps down`, () => {
      const r = newTestRaft('1', ids(3));
      r.step(msg({ type: T.MsgHup, from: '1', to: '1' }));
      expect(r.role).toBe('candidate');
      r.step(msg({ type: T.MsgApp, from: '2', to: '1', term }));
      expect(r.role).toBe('follower');
      expect(r.term).toBe(term);
      expect(r.lead).toBe('2');
    });
  }

  it('§5.2: a split vote times out and a new election starts with a higher term', () => {
    const r = newTestRaft('1', ids(3));
    r.step(msg({ type: T.MsgHup, from: '1', to: '1' }));
    r.step(msg({ type: T.MsgVoteResp, from: '2', to: '1', term: 1, reject: true }));
    expect(r.role).toBe('candidate');
    for (let i = 0; i < 10; i++) r.tick();
    expect(r.role).toBe('candidate');
    expect(r.term).toBe(2);
  });

  for (const role of ['follower', 'candidate'] as const) {
    it(`§5.2: a ${role}'s election timeout is randomized over [et, 2et)`, () => {
      const et = 10;
      const r = newTestRaft('1', ids(3), { random: mulberry32(7) });
      const seen = new Set<number>();
      for (let round = 0; round < 50 * et; round++) {
        if (role === 'follower') r.becomeFollower(r.term + 1, '2');
        else r.becomeCandidate();
        let time = 0;
        readMessages(r);
        while (readMessages(r).length === 0) {
          r.tick();
          time++;
        }
        seen.add(time);
      }
      for (let d = et; d < 2 * et; d++) expect(seen.has(d), `timeout ${d}`).toBe(true);
      for (const d of seen) expect(d >= et && d < 2 * et).toBe(true);
    });

    it(`§5.2: randomized timeouts make simultaneous ${role} timeouts rare (≤ 30% of rounds)`, () => {
      const et = 10;
      const size = 5;
      const rs = ids(size).map((id, i) => newTestRaft(id, ids(size), { random: mulberry32(100 + i) }));
      let conflicts = 0;
      const rounds = 1000;
      for (let round = 0; round < rounds; round++) {
        for (const r of rs) {
          if (role === 'follower') r.becomeFollower(r.term + 1, '');
          else r.becomeCandidate();
        }
        let timedOut = 0;
        while (timedOut === 0) {
          for (const r of rs) {
            r.tick();
            if (readMessages(r).length > 0) timedOut++;
          }
        }
        if (timedOut > 1) conflicts++;
      }
      expect(conflicts / rounds).toBeLessThanOrEqual(0.3);
      expect(et).toBe(10);
    });
  }
});

describe('§5.3 log replication', () => {
  it('§5.3: the leader appends a proposal to its log and sends it to every follower', () => {
    const r = newTestRaft('1', ids(3));
    electLeader(r);
    commitNoopEntry(r);
    const li = r.log.lastIndex();
    r.step(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0, 'some data')] }));
    expect(r.log.lastIndex()).toBe(li + 1);
    expect(r.log.committed).toBe(li);
    const ms = readMessages(r).sort((a, b) => a.to.localeCompare(b.to));
    expect(summary(ms)).toEqual([`1->2 ${T.MsgApp} t1 i${li} lt1 c${li} n1`, `1->3 ${T.MsgApp} t1 i${li} lt1 c${li} n1`]);
    // Not yet persisted: the new entry is in the unstable part, to be written by the host.
    expect(r.log.unstableEntries().map((e) => e.index)).toEqual([li + 1]);
  });

  it('§5.3: an entry replicated on a majority is committed; later AppendEntries carry the commit index', () => {
    const r = newTestRaft('1', ids(3));
    electLeader(r);
    commitNoopEntry(r);
    const li = r.log.lastIndex();
    r.step(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0, 'some data')] }));
    persist(r);
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    expect(r.log.committed).toBe(li + 1);
    expect(r.log.nextCommittedEnts().map((e) => e.index)).toEqual([li + 1]);
    const ms = readMessages(r);
    expect(ms.length).toBeGreaterThan(0);
    for (const m of ms) expect(m.commit).toBe(li + 1);
  });

  const ackCases: [number, number, boolean][] = [
    [1, 0, true], [3, 0, false], [3, 1, true], [3, 2, true],
    [5, 0, false], [5, 1, false], [5, 2, true], [5, 3, true], [5, 4, true],
  ];
  for (const [size, acks, committed] of ackCases) {
    it(`§5.3: with ${size} voters and ${acks} follower acks the entry is ${committed ? '' : 'not '}committed (leader counts itself once persisted)`, () => {
      const r = newTestRaft('1', ids(size));
      electLeader(r);
      commitNoopEntry(r);
      const li = r.log.lastIndex();
      r.step(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0, 'some data')] }));
      persist(r);
      const ms = readMessages(r).sort((a, b) => a.to.localeCompare(b.to));
      for (const m of ms.slice(0, acks)) r.step(acceptAndReply(m));
      expect(r.log.committed > li).toBe(committed);
    });
  }

  it('§5.3: committing the new leader\'s entry commits all preceding entries, older terms included', () => {
    const s = storageWithTerms(2, 2);
    const r = newTestRaft('1', ids(3), { storage: s });
    r.term = 2;
    electLeader(r); // term 3
    r.step(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0, 'some data')] }));
    persist(r);
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    const li = 2;
    expect(r.log.nextCommittedEnts().map((e) => `${e.index}/${e.term}`)).toEqual(['1/2', '2/2', `${li + 1}/3`, `${li + 2}/3`]);
  });

  const followerCommit: [number, number][] = [[1, 1], [2, 2], [2, 1], [1, 0]];
  for (const [n, commit] of followerCommit) {
    it(`§5.3: a follower learns commit ${commit} from AppendEntries and applies exactly those of ${n} entries`, () => {
      const r = newTestRaft('1', ids(3));
      r.becomeFollower(1, '2');
      const ents = Array.from({ length: n }, (_, i) => entry(i + 1, 1, `d${i}`));
      r.step(msg({ type: T.MsgApp, from: '2', to: '1', term: 1, logTerm: 0, index: 0, entries: ents, commit }));
      expect(r.log.committed).toBe(commit);
      expect(r.log.nextCommittedEnts().map((e) => e.index)).toEqual(ents.slice(0, commit).map((e) => e.index));
    });
  }

  const checkCases: [number, number, number, boolean, number, number][] = [
    // term, index, want index, reject, reject hint, log term
    [0, 0, 1, false, 0, 0],
    [1, 1, 1, false, 0, 0],
    [2, 2, 2, false, 0, 0],
    [1, 2, 2, true, 1, 1], // mismatch: term 1 at index 2
    [3, 3, 3, true, 2, 2], // missing index 3
  ];
  for (const [term, index, wIndex, wReject, wHint, wLogTerm] of checkCases) {
    it(`§5.3: consistency check for prev (${term},${index}) ${wReject ? 'rejects with a hint' : 'accepts'}`, () => {
      const s = storageWithTerms(1, 2);
      const r = newTestRaft('1', ids(3), { storage: s });
      r.becomeFollower(2, '2');
      r.log.commitTo(1);
      r.step(msg({ type: T.MsgApp, from: '2', to: '1', term: 2, logTerm: term, index, commit: 1 }));
      const ms = readMessages(r);
      expect(ms).toHaveLength(1);
      expect([ms[0].index, ms[0].reject]).toEqual([wIndex, wReject]);
      if (wReject) expect([ms[0].rejectHint, ms[0].logTerm]).toEqual([wHint, wLogTerm]);
    });
  }

  const appendCases: [number, number, number[], string[], string[]][] = [
    // prev index, prev term, new entry terms (from index+1), want log, want unstable
    [2, 2, [3], ['1/1', '2/2', '3/3'], ['3/3']],
    [1, 1, [3, 4], ['1/1', '2/3', '3/4'], ['2/3', '3/4']],
    [0, 0, [1], ['1/1', '2/2'], []],
    [0, 0, [3], ['1/3'], ['1/3']],
  ];
  for (const [index, term, terms, wLog, wUnstable] of appendCases) {
    it(`§5.3: a follower deletes conflicting entries and appends new ones (prev ${index}/${term} + [${terms}])`, () => {
      const r = newTestRaft('1', ids(3), { storage: storageWithTerms(1, 2) });
      r.becomeFollower(2, '');
      const ents = terms.map((t, i) => entry(index + 1 + i, t));
      r.step(msg({ type: T.MsgApp, from: '2', to: '1', term: 2, logTerm: term, index, entries: ents }));
      expect(r.log.allEntries().map((e) => `${e.index}/${e.term}`)).toEqual(wLog);
      expect(r.log.unstableEntries().map((e) => `${e.index}/${e.term}`)).toEqual(wUnstable);
    });
  }

  // Figure 7: the leader of term 8 (log terms 1 1 1 4 4 5 5 6 6 6) and followers a–f.
  const fig7Leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const fig7: [string, number[]][] = [
    ['a', [1, 1, 1, 4, 4, 5, 5, 6, 6]],
    ['b', [1, 1, 1, 4]],
    ['c', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]],
    ['d', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]],
    ['e', [1, 1, 1, 4, 4, 4, 4]],
    ['f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]],
  ];
  for (const [name, terms] of fig7) {
    it(`§5.3 Figure 7 (${name}): the new leader brings the follower's log into agreement with its own`, () => {
      const lead = newTestRaft('1', ids(3), { storage: storageWithTerms(...fig7Leader) });
      lead.term = 8;
      lead.log.commitTo(fig7Leader.length);
      const follower = newTestRaft('2', ids(3), { storage: storageWithTerms(...terms) });
      follower.term = 7;
      // The third node votes for the leader and then stays silent.
      const third = newTestRaft('3', ids(3));
      third.term = 7;
      const net = new Network([lead, follower, third]);
      net.campaign('1');
      net.ignore(T.MsgApp);
      net.recover();
      net.cut('1', '3');
      net.send(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0)] }));
      const shape = (r: Raft) => r.log.allEntries().map((e) => `${e.index}/${e.term}`);
      expect(lead.role).toBe('leader');
      expect(shape(follower)).toEqual(shape(lead));
    });
  }
});

describe('§5.4 safety', () => {
  it('§5.4.1: a vote request carries the candidate\'s last log index and term', () => {
    const r = newTestRaft('1', ids(3), { storage: storageWithTerms(1, 2) });
    r.becomeFollower(2, '');
    for (let i = 0; i < 10; i++) r.tick();
    const ms = readMessages(r).sort((a, b) => a.to.localeCompare(b.to));
    expect(summary(ms)).toEqual([`1->2 ${T.MsgVote} t3 i2 lt2 c0 n0`, `1->3 ${T.MsgVote} t3 i2 lt2 c0 n0`]);
  });

  const voterCases: [number[], number, number, boolean][] = [
    // voter log terms, candidate last term, candidate last index, granted
    [[1], 1, 1, true], [[1], 1, 2, true], [[1, 1], 1, 1, false],
    [[1], 2, 1, true], [[1], 2, 2, true], [[1, 1], 2, 1, true],
    [[2], 1, 1, false], [[2], 1, 2, false], [[2, 1], 1, 1, false],
  ];
  for (const [terms, lt, li, granted] of voterCases) {
    it(`§5.4.1: voter with log [${terms}] ${granted ? 'grants' : 'rejects'} candidate at ${li}/${lt} (up-to-date check)`, () => {
      const r = newTestRaft('1', ids(2), { storage: storageWithTerms(...terms) });
      r.step(msg({ type: T.MsgVote, from: '2', to: '1', term: 3, logTerm: lt, index: li }));
      const ms = readMessages(r);
      expect(ms).toHaveLength(1);
      expect(ms[0].reject).toBe(!granted);
    });
  }

  const onlyCurrent: [number, number][] = [[1, 0], [2, 0], [3, 3]];
  for (const [ackIndex, wCommit] of onlyCurrent) {
    it(`§5.4.2 Figure 8: an ack up to ${ackIndex} ${wCommit ? 'commits' : 'does not commit'} (only current-term entries commit by counting)`, () => {
      const r = newTestRaft('1', ids(3), { storage: storageWithTerms(1, 2) });
      r.term = 2;
      electLeader(r); // term 3, appends its empty entry at index 3
      persist(r);
      readMessages(r);
      r.step(msg({ type: T.MsgAppResp, from: '2', to: '1', term: r.term, index: ackIndex }));
      expect(r.log.committed).toBe(wCommit);
    });
  }

  it('§5.4.2 Figure 8: a leader elected without the old-term entry overwrites it; it was never committed', () => {
    const rs = ids(3).map((id) => newTestRaft(id, ids(3)));
    const net = new Network(rs);
    net.campaign('1');
    // Term 1 leader 1 appends "x" that only it has.
    net.isolate('1');
    net.send(msg({ type: T.MsgProp, from: '1', to: '1', entries: [entry(0, 0, 'x')] }));
    expect(rs[0].log.committed).toBe(1);
    net.recover();
    net.isolate('1');
    net.campaign('2');
    net.send(msg({ type: T.MsgProp, from: '2', to: '2', entries: [entry(0, 0, 'y')] }));
    net.recover();
    net.send(msg({ type: T.MsgBeat, from: '2', to: '2' }));
    const data = (r: Raft) => r.log.allEntries().map((e) => new TextDecoder().decode(e.data)).filter((d) => d);
    for (const r of rs) expect(data(r)).toEqual(['y']);
    expect(entsWithTerms(1).length).toBe(1);
  });
});
