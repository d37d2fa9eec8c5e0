/**
 * CommitHold with real timers: what passes at once, what is held and released after the
 * hold, and what a later append with entries makes redundant.
 */
import { describe, expect, it } from 'vitest';
import { EntryType, makeMessage, MessageType, type Message } from '../raft/types.js';
import { CommitHold } from './commit-hold.js';

const HOLD_MS = 20;
const entry = (index: number) => ({ term: 1, index, type: EntryType.Normal, data: new Uint8Array([index]) });
const commitOnly = (to: string, commit: number) => makeMessage({ type: MessageType.MsgApp, from: 'a1', to, term: 1, index: commit, logTerm: 1, commit });
const append = (to: string, index: number) => makeMessage({ type: MessageType.MsgApp, from: 'a1', to, term: 1, index: index - 1, logTerm: 1, entries: [entry(index)], commit: index - 1 });
const heartbeat = (to: string) => makeMessage({ type: MessageType.MsgHeartbeat, from: 'a1', to, term: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function holdWithLog(): { hold: CommitHold; released: Message[][] } {
  const released: Message[][] = [];
  return { hold: new CommitHold((messages) => released.push([...messages]), HOLD_MS), released };
}

/** Waits for the one release, and returns what it sent. */
async function theRelease(released: Message[][]): Promise<Message[]> {
  await expect.poll(() => released.length, { timeout: 2000, interval: 5 }).toBe(1);
  return released[0]!;
}

/** Waits out three holds, and expects nothing to have been sent. */
async function expectNothingReleased(released: Message[][]): Promise<void> {
  await sleep(HOLD_MS * 3);
  expect(released).toEqual([]);
}

describe('CommitHold', () => {
  it('passes appends with entries and other messages through, as the same array', () => {
    const { hold, released } = holdWithLog();
    const batch = [append('a2', 5), heartbeat('a3'), append('a3', 5)];
    expect(hold.pass(batch, true)).toBe(batch);
    expect(released).toEqual([]);
  });

  it('sends an append without entries at once when not asked to hold', async () => {
    const { hold, released } = holdWithLog();
    const batch = [commitOnly('a2', 5), commitOnly('a3', 5)];
    expect(hold.pass(batch, false)).toBe(batch);
    await expectNothingReleased(released);
  });

  it('holds appends without entries, keeps the rest in order, and releases them after the hold, not before', async () => {
    const { hold, released } = holdWithLog();
    const heldAt = performance.now();
    const out = hold.pass([heartbeat('a2'), commitOnly('a2', 5), heartbeat('a3'), commitOnly('a3', 5)], true);
    expect(out.map((m) => [m.type, m.to])).toEqual([[MessageType.MsgHeartbeat, 'a2'], [MessageType.MsgHeartbeat, 'a3']]);
    await sleep(HOLD_MS / 2);
    expect(released).toEqual([]);
    await expect.poll(() => released.length, { timeout: 2000, interval: 1 }).toBe(1);
    // Node's timers may fire up to a millisecond short of their delay, never sooner.
    expect(performance.now() - heldAt).toBeGreaterThanOrEqual(HOLD_MS - 1);
    expect(released[0]!.map((m) => [m.to, m.commit])).toEqual([['a2', 5], ['a3', 5]]);
  });

  it('drops the held message of a follower that a later append with entries reaches, and only that one', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5), commitOnly('a3', 5)], true);
    const next = [append('a2', 6)];
    expect(hold.pass(next, true)).toBe(next);
    expect((await theRelease(released)).map((m) => m.to)).toEqual(['a3']);
  });

  it('keeps the held message when the later append does not reach as far (a follower probed from further back)', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5)], true);
    hold.pass([append('a2', 3)], true);
    expect((await theRelease(released)).map((m) => [m.to, m.commit])).toEqual([['a2', 5]]);
  });

  it('drops a held message when an append without entries to the same follower leaves at once', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5)], true);
    const now = [commitOnly('a2', 6)];
    expect(hold.pass(now, false)).toBe(now);
    await expectNothingReleased(released);
  });

  it('starts a fresh hold after every held message was made redundant', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5)], true);
    hold.pass([append('a2', 6)], true);
    hold.pass([commitOnly('a2', 6)], true);
    expect((await theRelease(released)).map((m) => m.commit)).toEqual([6]);
  });

  it('sends nothing when every held message was made redundant', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5), commitOnly('a3', 5)], true);
    hold.pass([append('a2', 6), append('a3', 6)], true);
    await expectNothingReleased(released);
  });

  it('keeps only the newest held message per follower', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5)], true);
    hold.pass([commitOnly('a2', 6)], true);
    expect((await theRelease(released)).map((m) => m.commit)).toEqual([6]);
  });

  it('counts the hold from the oldest held message, so a stream of them cannot postpone it', async () => {
    const { hold, released } = holdWithLog();
    const started = performance.now();
    // A follower being probed gets empty appends and no entries; one every few ms for 10 holds.
    while (performance.now() - started < HOLD_MS * 10) {
      hold.pass([commitOnly('a3', 5)], true);
      await sleep(2);
    }
    expect(released.length).toBeGreaterThanOrEqual(2);
  });

  it('sends nothing held after clear()', async () => {
    const { hold, released } = holdWithLog();
    hold.pass([commitOnly('a2', 5)], true);
    hold.clear();
    await expectNothingReleased(released);
  });
});
