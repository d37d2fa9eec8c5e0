/**
 * The interaction environment behind testdata/*.txt (after etcd-io/raft rafttest
 * InteractionEnv): nodes over MemoryStorage, an explicit message queue, and commands that
 * tick, propose, deliver and process Readys one visible step at a time.
 */
import { confChange } from '../confchange_codec.js';
import { mulberry32 } from '../rand.js';
import { TestHost } from '../testing/host.js';
import { describeHardState, describeMessage, describeReady, describeEntry } from '../testing/describe.js';
import { ConfChangeType, MessageType, type ConfChangeSingle, type Message, type NodeId } from '../types.js';
import { parseCommand, parseList } from './datadriven.js';

const enc = new TextEncoder();

export class InteractionEnv {
  readonly hosts = new Map<NodeId, TestHost>();
  queue: Message[] = [];
  #blocked = new Set<string>();
  #out: string[] = [];
  #electionTick = 10;
  #bootstrap: { voters: string[]; learners: string[] } | undefined;

  run(line: string): string {
    this.#out = [];
    const { cmd, args, kv } = parseCommand(line);
    const handler = COMMANDS[cmd];
    if (!handler) throw new Error(`unknown command ${cmd}`);
    handler(this, args, kv);
    return this.#out.length === 0 ? 'ok' : this.#out.join('\n');
  }

  print(s: string): void {
    this.#out.push(s);
  }

  host(id: string): TestHost {
    const h = this.hosts.get(id);
    if (!h) throw new Error(`no node ${id}`);
    return h;
  }

  ids(args: readonly string[]): string[] {
    return args.length > 0 ? [...args] : [...this.hosts.keys()];
  }

  addNodes(n: number, kv: Map<string, string>): void {
    // A node joining later starts from the group's original membership and replays the log.
    this.#bootstrap ??= { voters: parseList(kv.get('voters')), learners: parseList(kv.get('learners')) };
    const voters = kv.has('voters') ? parseList(kv.get('voters')) : this.#bootstrap.voters;
    const learners = kv.has('learners') ? parseList(kv.get('learners')) : this.#bootstrap.learners;
    const flag = (k: string, d: boolean): boolean => (kv.has(k) ? kv.get(k) === 'true' : d);
    this.#electionTick = Number(kv.get('election') ?? 10);
    for (let i = 0; i < n; i++) {
      const id = String(this.hosts.size + 1);
      const h = new TestHost(id, {
        random: kv.has('seed') ? mulberry32(Number(kv.get('seed')) + i) : () => 0,
        electionTick: this.#electionTick,
        preVote: flag('prevote', false),
        checkQuorum: flag('checkquorum', false),
        maxSizePerMsg: Number(kv.get('max-size') ?? 1 << 20),
        bootstrap: { voters, learners },
      });
      this.hosts.set(id, h);
      this.print(`${id}: voters=(${voters.join(',')}) learners=(${learners.join(',')})`);
    }
  }

  processReady(id: string): boolean {
    const h = this.host(id);
    if (!h.node.hasReady()) return false;
    const { rd, msgs } = h.handleReady();
    this.print(`> ${id} handling Ready`);
    for (const l of describeReady(rd)) this.print(`  ${l}`);
    this.queue.push(...msgs);
    return true;
  }

  /** Delivers every queued message addressed to one of `ids`; returns how many. */
  deliver(ids: readonly string[]): number {
    const want = new Set(ids);
    const keep: Message[] = [];
    const take: Message[] = [];
    for (const m of this.queue) (want.has(m.to) ? take : keep).push(m);
    this.queue = keep;
    let lastTo = '';
    for (const m of take) {
      if (m.to !== lastTo) this.print(`> ${m.to} receiving messages`);
      lastTo = m.to;
      this.deliverOne(m);
    }
    return take.length;
  }

  private deliverOne(m: Message): void {
    const to = this.hosts.get(m.to);
    const blocked = this.#blocked.has(`${m.from}>${m.to}`) || !to;
    this.print(`  ${describeMessage(m)}${blocked ? ' DROPPED' : ''}`);
    if (m.type === MessageType.MsgSnap) this.hosts.get(m.from)?.node.reportSnapshot(m.to, !blocked);
    if (blocked) return;
    const err = to.node.step(m);
    if (err) this.print(`  error: ${err.message}`);
  }

  stabilize(ids: readonly string[]): void {
    for (let round = 0; round < 1000; round++) {
      let any = false;
      for (const id of ids) any = this.processReady(id) || any;
      any = this.deliver(ids) > 0 || any;
      if (!any) return;
    }
    throw new Error('stabilize did not converge');
  }

  partition(args: readonly string[]): void {
    const groups: string[][] = [[]];
    for (const a of args) {
      if (a === '/') groups.push([]);
      else groups[groups.length - 1].push(a);
    }
    for (const g of groups) {
      for (const h of groups) {
        if (g === h) continue;
        for (const a of g) for (const b of h) this.#blocked.add(`${a}>${b}`);
      }
    }
    this.print(`partitioned ${groups.map((g) => g.join(' ')).join(' / ')}`);
  }

  heal(): void {
    this.#blocked.clear();
  }

  tickN(id: string, n: number): void {
    for (let i = 0; i < n; i++) this.host(id).node.tick();
  }

  get electionTick(): number {
    return this.#electionTick;
  }

  status(id: string): void {
    const st = this.host(id).node.status();
    this.print(`${id}: ${st.softState.role} lead=${st.softState.lead || 'none'} ${describeHardState(st.hardState)} applied=${st.applied}${st.leadTransferee ? ` transferee=${st.leadTransferee}` : ''}`);
    this.print(`  config voters=(${st.config.voters.join(',')}) outgoing=(${st.config.votersOutgoing.join(',')}) learners=(${st.config.learners.join(',')})${st.config.autoLeave ? ' autoleave' : ''}`);
    if (!st.progress) return;
    for (const [pid, p] of st.progress) {
      this.print(`  ${pid}: ${p.state} match=${p.match} next=${p.next}${p.isLearner ? ' learner' : ''}`);
    }
  }

  raftLog(id: string): void {
    const r = this.host(id).node.raft;
    const ents = r.log.allEntries();
    if (ents.length === 0) this.print(`log is empty: first index=${r.log.firstIndex()}, last index=${r.log.lastIndex()}`);
    for (const e of ents) this.print(describeEntry(e));
  }
}

type Handler = (env: InteractionEnv, args: string[], kv: Map<string, string>) => void;

const stepErr = (env: InteractionEnv, err: Error | null): void => {
  if (err) env.print(`error: ${err.message}`);
};

function parseChanges(toks: readonly string[]): ConfChangeSingle[] {
  const types: Record<string, ConfChangeSingle['type']> = { v: ConfChangeType.AddNode, r: ConfChangeType.RemoveNode, l: ConfChangeType.AddLearner };
  return toks.map((t) => ({ type: types[t[0]], nodeId: t.slice(1) }));
}

const COMMANDS: Record<string, Handler> = {
  'add-nodes': (env, args, kv) => env.addNodes(Number(args[0]), kv),
  campaign: (env, args) => stepErr(env, env.host(args[0]).node.campaign()),
  propose: (env, args) => stepErr(env, env.host(args[0]).node.propose(enc.encode(args[1] ?? ''))),
  'propose-conf-change': (env, args, kv) => {
    const t = (kv.get('transition') ?? 'auto') as 'auto' | 'joint' | 'joint-explicit';
    stepErr(env, env.host(args[0]).node.proposeConfChange(confChange(parseChanges(args.slice(1)), t)));
  },
  'transfer-leader': (env, _a, kv) => env.host(kv.get('from')!).node.transferLeader(kv.get('to')!),
  'read-index': (env, args) => stepErr(env, env.host(args[0]).node.readIndex(enc.encode(args[1] ?? ''))),
  'deliver-msgs': (env, args) => void env.deliver(env.ids(args)),
  'process-ready': (env, args) => {
    for (const id of env.ids(args)) if (!env.processReady(id)) env.print(`> ${id}: no Ready`);
  },
  stabilize: (env, args) => env.stabilize(env.ids(args)),
  'tick-election': (env, args) => env.tickN(args[0], env.electionTick),
  'tick-heartbeat': (env, args) => env.tickN(args[0], 1),
  tick: (env, args) => env.tickN(args[0], Number(args[1])),
  partition: (env, args) => env.partition(args),
  heal: (env) => env.heal(),
  compact: (env, args) => {
    env.host(args[0]).compact(Number(args[1]));
    env.raftLog(args[0]);
  },
  restart: (env, args) => env.host(args[0]).restart(),
  status: (env, args) => {
    for (const id of env.ids(args)) env.status(id);
  },
  'raft-log': (env, args) => env.raftLog(args[0]),
  'report-unreachable': (env, args) => env.host(args[0]).node.reportUnreachable(args[1]),
  'drop-msgs': (env) => {
    env.print(`dropped ${env.queue.length} messages`);
    env.queue = [];
  },
};
