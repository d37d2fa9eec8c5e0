/**
 * While writes arrive back to back, holds a leader's appends without entries (MsgApp that
 * only carries a new commit index, or an empty probe) for up to `holdMs` before sending
 * them, and drops one that a later append with entries to the same follower makes
 * redundant: the way Nagle's algorithm holds a small segment while more data is coming.
 *
 * Why. After each commit the Raft core broadcasts the new commit index at once (an empty
 * MsgApp per follower, as etcd's raft does), and each follower answers it. Under a stream
 * of writes the next write's MsgApp follows within a fraction of a millisecond and carries
 * the same commit index (Raft §5.3: every AppendEntries carries leaderCommit), so the
 * broadcast only adds work: per write, two more socket writes and two more wake-ups on the
 * leader for the answers, and a wake-up, an ack and an apply pass on each follower, all in
 * the window where the leader should be reading the client's next request. Measured on
 * the benchmark VM at one connection (bench/README.md, Registration): holding it raised
 * writes/s by 2–9 % in alternated pairs, and removing it outright by 6–12 %.
 *
 * What it costs: when the next write does not come, a follower learns the commit up to
 * `holdMs` later (Node's timers: about 1–2 ms) and answers DNS for the write that much
 * later. The caller therefore holds only while writes stream (`pass(…, hold)`, decided
 * by write-stream.ts): a lone write's commit leaves at once, as before, and so does the
 * commit of a write a follower forwarded, which that follower answers only once it
 * applies it. The leader answers its own writes before their 200 either way, and
 * heartbeats carry the commit too (Raft §5.2).
 *
 * Why this is safe: Raft tolerates any message being delayed or lost (§5.3, §5.5). An
 * append to the same follower, sent later by the same leader, carries a commit index at
 * least as high (the commit index only grows); a follower commits up to the last entry the
 * append matched (§5.3, log.ts maybeAppend), so it supersedes the held one only when it
 * reaches as far: its last index at least the held one's. A probe held for a millisecond
 * only delays the probe.
 */
import { MessageType, type Message, type NodeId } from '../raft/types.js';

export class CommitHold {
  readonly #send: (messages: readonly Message[]) => void;
  readonly #holdMs: number;
  /** At most one held message per follower: a newer empty append replaces an older one. */
  readonly #held = new Map<NodeId, Message>();
  #timer: NodeJS.Timeout | undefined;

  /** `send` gets the held messages when their time is up. */
  constructor(send: (messages: readonly Message[]) => void, holdMs: number) {
    this.#send = send;
    this.#holdMs = holdMs;
  }

  /**
   * The messages to send now: all of `messages`, but with `hold` the appends without
   * entries, which are held. An append that leaves now drops the one held for its follower
   * if it reaches as far. The array itself is returned when nothing in it is held.
   */
  pass(messages: readonly Message[], hold: boolean): readonly Message[] {
    let kept: Message[] | undefined;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (m.type !== MessageType.MsgApp) {
        kept?.push(m);
        continue;
      }
      if (m.entries.length > 0 || !hold) {
        this.#supersede(m);
        kept?.push(m);
        continue;
      }
      kept ??= messages.slice(0, i);
      this.#hold(m);
    }
    return kept ?? messages;
  }

  /** Sends nothing held (the group stopped leading or is closing). */
  clear(): void {
    this.#held.clear();
    this.#stopTimer();
  }

  #hold(m: Message): void {
    // The deadline runs from the oldest held message, so a steady stream of empty appends
    // to a follower that gets no entries (one being probed) cannot postpone it for ever.
    if (this.#held.size === 0) this.#timer = setTimeout(this.#release, this.#holdMs);
    this.#held.set(m.to, m);
  }

  /** Drops the message held for `m`'s follower if `m` reaches at least as far in the log. */
  #supersede(m: Message): void {
    const held = this.#held.get(m.to);
    if (held === undefined || m.index + m.entries.length < held.index) return;
    this.#held.delete(m.to);
    // Nothing left to send: the next hold starts a fresh deadline.
    if (this.#held.size === 0) this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #release = (): void => {
    this.#timer = undefined;
    if (this.#held.size === 0) return;
    const messages = [...this.#held.values()];
    this.#held.clear();
    this.#send(messages);
  };
}
