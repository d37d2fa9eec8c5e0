/** Quorum math, progress flow control and membership changes (etcd-io/raft quorum/, tracker/, confchange/). */
import { describe, expect, it } from 'vitest';
import { Changer, restoreConfig } from './confchange.js';
import { Inflights } from './inflights.js';
import { Progress } from './progress.js';
import { jointCommitted, jointVoteResult, majorityCommitted, majorityVoteResult } from './quorum.js';
import { confStateOf, emptyTrackerConfig } from './tracker.js';
import { ConfChangeType, EMPTY_CONF_STATE, type ConfChangeSingle, type ConfState } from './types.js';

const set = (...ids: string[]) => new Set(ids);
const acked = (m: Record<string, number>) => (id: string) => m[id];

describe('quorum', () => {
  it('majority commit index is the median-from-top of acked indexes', () => {
    expect(majorityCommitted(set('1'), acked({ '1': 5 }))).toBe(5);
    expect(majorityCommitted(set('1', '2', '3'), acked({ '1': 5, '2': 3 }))).toBe(3);
    expect(majorityCommitted(set('1', '2', '3'), acked({ '1': 5 }))).toBe(0);
    expect(majorityCommitted(set('1', '2', '3', '4'), acked({ '1': 5, '2': 4, '3': 3, '4': 2 }))).toBe(3);
    expect(majorityCommitted(set('1', '2', '3', '4', '5'), acked({ '1': 9, '2': 8, '3': 7, '4': 1 }))).toBe(7);
  });

  it('joint commit index is the minimum of both majorities (thesis §4.3)', () => {
    const cfg = [set('1', '2', '3'), set('1', '4', '5')] as const;
    expect(jointCommitted(cfg, acked({ '1': 9, '2': 9, '3': 9, '4': 2 }))).toBe(2);
    expect(jointCommitted([set('1', '2', '3'), set()], acked({ '1': 9, '2': 9 }))).toBe(9);
  });

  it('vote results: won, lost, pending, for majority and joint configs', () => {
    const v = (o: Record<string, boolean>) => new Map(Object.entries(o));
    expect(majorityVoteResult(set('1', '2', '3'), v({ '1': true, '2': true }))).toBe('won');
    expect(majorityVoteResult(set('1', '2', '3'), v({ '1': true }))).toBe('pending');
    expect(majorityVoteResult(set('1', '2', '3'), v({ '2': false, '3': false }))).toBe('lost');
    expect(majorityVoteResult(set(), v({}))).toBe('won');
    const cfg = [set('1', '2', '3'), set('3', '4', '5')] as const;
    expect(jointVoteResult(cfg, v({ '1': true, '2': true, '3': true }))).toBe('pending');
    expect(jointVoteResult(cfg, v({ '1': true, '2': true, '3': true, '4': true }))).toBe('won');
    expect(jointVoteResult(cfg, v({ '1': true, '2': true, '4': false, '5': false }))).toBe('lost');
  });
});

describe('Progress and Inflights', () => {
  const pr = () => new Progress({ match: 0, next: 1, maxInflight: 2, isLearner: false, recentActive: true });

  it('probe sends one message, then pauses until a response', () => {
    const p = pr();
    expect(p.isPaused()).toBe(false);
    p.sentEntries(3, 3);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeUpdate(3)).toBe(true);
    expect(p.isPaused()).toBe(false);
  });

  it('replicate pipelines until the inflights window is full', () => {
    const p = pr();
    p.becomeReplicate();
    p.sentEntries(1, 1);
    p.sentEntries(1, 2);
    expect(p.next).toBe(3);
    expect(p.isPaused()).toBe(true);
    p.inflights.freeLE(1);
    expect(p.isPaused()).toBe(false);
  });

  it('maybeDecrTo ignores stale rejections and moves next from the hint', () => {
    const p = pr();
    p.match = 2;
    p.next = 10;
    expect(p.maybeDecrTo(5, 5)).toBe(false); // not the index we probed
    expect(p.maybeDecrTo(9, 4)).toBe(true);
    expect(p.next).toBe(5);
    p.becomeReplicate();
    expect(p.maybeDecrTo(1, 0)).toBe(false); // ≤ match: stale
  });

  it('Inflights frees in order and a heartbeat may free the oldest slot', () => {
    const f = new Inflights(3);
    f.add(1);
    f.add(5);
    f.add(9);
    expect(f.full()).toBe(true);
    f.freeLE(5);
    expect(f.count).toBe(1);
    f.freeFirstOne();
    expect(f.count).toBe(0);
    expect(() => {
      f.add(10);
      f.add(11);
      f.add(12);
      f.add(13);
    }).toThrow(/full inflights/);
  });
});

describe('Changer (membership)', () => {
  const v = (id: string): ConfChangeSingle => ({ type: ConfChangeType.AddNode, nodeId: id });
  const l = (id: string): ConfChangeSingle => ({ type: ConfChangeType.AddLearner, nodeId: id });
  const r = (id: string): ConfChangeSingle => ({ type: ConfChangeType.RemoveNode, nodeId: id });
  const start = () => restoreConfig({ ...EMPTY_CONF_STATE, voters: ['1', '2', '3'] }, 10, 4);
  const changer = (res: ReturnType<typeof start>) => new Changer(res.config, res.progress, 10, 4);

  it('simple: one voter at a time (thesis §4.1); two is refused', () => {
    const res = changer(start()).simple([v('4')]);
    expect(confStateOf(res.config).voters).toEqual(['1', '2', '3', '4']);
    expect(() => changer(start()).simple([v('4'), v('5')])).toThrow(/more than one voter/);
    expect(() => changer(start()).simple([r('1'), v('4')])).toThrow(/more than one voter/);
  });

  it('simple: learners join and promote without a voter diff limit; removing all voters throws', () => {
    const res = changer(start()).simple([l('4'), l('5')]);
    expect(confStateOf(res.config).learners).toEqual(['4', '5']);
    const promoted = changer(res).simple([v('4')]);
    expect(confStateOf(promoted.config)).toMatchObject({ voters: ['1', '2', '3', '4'], learners: ['5'] });
    const one = restoreConfig({ ...EMPTY_CONF_STATE, voters: ['1'] }, 1, 4);
    expect(() => new Changer(one.config, one.progress, 1, 4).simple([r('1')])).toThrow(/removed all voters/);
  });

  it('joint: enter keeps the old voters outgoing; a demoted voter waits in learnersNext; leave finishes it', () => {
    const joint = changer(start()).enterJoint(false, [l('3'), v('4')]);
    expect(confStateOf(joint.config)).toEqual({
      voters: ['1', '2', '4'], votersOutgoing: ['1', '2', '3'], learners: [], learnersNext: ['3'], autoLeave: false,
    });
    expect(() => changer(joint).enterJoint(false, [v('5')])).toThrow(/already joint/);
    const left = changer(joint).leaveJoint();
    expect(confStateOf(left.config)).toEqual({ ...EMPTY_CONF_STATE, voters: ['1', '2', '4'], learners: ['3'] });
    expect(() => changer(start()).leaveJoint()).toThrow(/non-joint/);
  });

  it('joint: a removed outgoing voter keeps its progress until the joint config is left', () => {
    const joint = changer(start()).enterJoint(true, [r('3'), v('4')]);
    expect(joint.progress.has('3')).toBe(true);
    expect(changer(joint).leaveJoint().progress.has('3')).toBe(false);
  });

  const states: ConfState[] = [
    { ...EMPTY_CONF_STATE, voters: ['1', '2', '3'] },
    { ...EMPTY_CONF_STATE, voters: ['1', '2'], learners: ['3'] },
    { voters: ['1', '2', '4'], votersOutgoing: ['1', '2', '3'], learners: ['5'], learnersNext: ['3'], autoLeave: true },
    { voters: ['4', '5'], votersOutgoing: ['1', '2', '3'], learners: [], learnersNext: [], autoLeave: false },
  ];
  for (const cs of states) {
    it(`restoreConfig round-trips ${JSON.stringify(cs)}`, () => {
      expect(confStateOf(restoreConfig(cs, 5, 4).config)).toEqual(cs);
    });
  }

  it('an empty config restores to an empty tracker config', () => {
    expect(restoreConfig(EMPTY_CONF_STATE, 0, 4).config).toEqual(emptyTrackerConfig());
  });
});
