/**
 * Computes a new membership from a ConfChange (etcd-io/raft confchange/): simple changes
 * (one voter at a time, Raft thesis §4.1), entering and leaving a joint configuration
 * (thesis §4.3), learners, and restoring a config from a snapshot's ConfState.
 *
 * The Changer works on copies; the caller switches to the result only if nothing threw.
 * Invalid changes throw: the leader dry-runs a change at proposal time and drops it then,
 * so a committed conf change that throws here is a bug.
 */
import { invariant } from './errors.js';
import { Progress } from './progress.js';
import { isJoint, type TrackerConfig } from './tracker.js';
import { ConfChangeType, type ConfChange, type ConfChangeSingle, type ConfState, type NodeId } from './types.js';

export interface ChangeResult {
  config: TrackerConfig;
  progress: Map<NodeId, Progress>;
}

interface Mutable {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
  progress: Map<NodeId, Progress>;
}

export class Changer {
  constructor(
    private readonly cfg: TrackerConfig,
    private readonly progress: ReadonlyMap<NodeId, Progress>,
    private readonly lastIndex: number,
    private readonly maxInflight: number,
  ) {}

  /** Applies a ConfChange the way RawNode.applyConfChange does: simple, enter joint, or leave joint. */
  apply(cc: ConfChange): ChangeResult {
    if (cc.changes.length === 0 && isJoint(this.cfg)) return this.leaveJoint();
    if (cc.transition === 'auto' && cc.changes.length <= 1) return this.simple(cc.changes);
    return this.enterJoint(cc.transition !== 'joint-explicit', cc.changes);
  }

  /** Thesis §4.3: C_old,new — outgoing keeps the old voters, incoming gets the changes. */
  enterJoint(autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
    invariant(!isJoint(this.cfg), 'config is already joint');
    const m = this.copy();
    invariant(m.incoming.size > 0, "can't make a zero-voter config joint");
    m.outgoing = new Set(m.incoming);
    this.applyAll(m, changes);
    m.autoLeave = autoLeave;
    return this.finish(m);
  }

  /** Thesis §4.3: C_new alone; demoted voters become learners, removed ones are forgotten. */
  leaveJoint(): ChangeResult {
    invariant(isJoint(this.cfg), "can't leave a non-joint config");
    const m = this.copy();
    for (const id of m.learnersNext) {
      m.learners.add(id);
      m.progress.get(id)!.isLearner = true;
    }
    m.learnersNext.clear();
    for (const id of m.outgoing) {
      if (!m.incoming.has(id) && !m.learners.has(id)) m.progress.delete(id);
    }
    m.outgoing = new Set();
    m.autoLeave = false;
    return this.finish(m);
  }

  /** Thesis §4.1: at most one voter may change outside a joint configuration. */
  simple(changes: readonly ConfChangeSingle[]): ChangeResult {
    invariant(!isJoint(this.cfg), "can't apply simple config change in joint config");
    const m = this.copy();
    this.applyAll(m, changes);
    let diff = 0;
    for (const id of m.incoming) if (!this.cfg.voters[0].has(id)) diff++;
    for (const id of this.cfg.voters[0]) if (!m.incoming.has(id)) diff++;
    invariant(diff <= 1, 'more than one voter changed without entering joint config');
    return this.finish(m);
  }

  private applyAll(m: Mutable, changes: readonly ConfChangeSingle[]): void {
    for (const c of changes) {
      invariant(c.nodeId !== '', 'conf change for the empty node id');
      if (c.type === ConfChangeType.AddNode) this.makeVoter(m, c.nodeId);
      else if (c.type === ConfChangeType.AddLearner) this.makeLearner(m, c.nodeId);
      else this.remove(m, c.nodeId);
    }
    invariant(m.incoming.size > 0, 'removed all voters');
  }

  private makeVoter(m: Mutable, id: NodeId): void {
    const pr = m.progress.get(id);
    if (!pr) this.initProgress(m, id, false);
    else pr.isLearner = false;
    m.learners.delete(id);
    m.learnersNext.delete(id);
    m.incoming.add(id);
  }

  /** A voter that is still in the outgoing config becomes a learner only when leaving joint. */
  private makeLearner(m: Mutable, id: NodeId): void {
    const pr = m.progress.get(id);
    if (!pr) {
      this.initProgress(m, id, true);
    } else if (pr.isLearner) {
      return;
    }
    m.incoming.delete(id);
    m.learners.delete(id);
    m.learnersNext.delete(id);
    if (m.outgoing.has(id)) {
      m.learnersNext.add(id);
    } else {
      m.learners.add(id);
      m.progress.get(id)!.isLearner = true;
    }
  }

  private remove(m: Mutable, id: NodeId): void {
    if (!m.progress.has(id)) return;
    m.incoming.delete(id);
    m.learners.delete(id);
    m.learnersNext.delete(id);
    if (!m.outgoing.has(id)) m.progress.delete(id);
  }

  /** New members start probing from the leader's last index; recentActive so CheckQuorum waits a round. */
  private initProgress(m: Mutable, id: NodeId, isLearner: boolean): void {
    const next = Math.max(this.lastIndex, 1);
    m.progress.set(id, new Progress({ match: 0, next, maxInflight: this.maxInflight, isLearner, recentActive: true }));
  }

  private copy(): Mutable {
    const progress = new Map<NodeId, Progress>();
    for (const [id, pr] of this.progress) progress.set(id, cloneProgress(pr));
    return {
      incoming: new Set(this.cfg.voters[0]),
      outgoing: new Set(this.cfg.voters[1]),
      learners: new Set(this.cfg.learners),
      learnersNext: new Set(this.cfg.learnersNext),
      autoLeave: this.cfg.autoLeave,
      progress,
    };
  }

  private finish(m: Mutable): ChangeResult {
    checkInvariants(m);
    return {
      config: { voters: [m.incoming, m.outgoing], learners: m.learners, learnersNext: m.learnersNext, autoLeave: m.autoLeave },
      progress: m.progress,
    };
  }
}

function cloneProgress(pr: Progress): Progress {
  const c = Object.assign(Object.create(Object.getPrototypeOf(pr) as object) as Progress, pr);
  return c;
}

function checkInvariants(m: Mutable): void {
  for (const id of [...m.incoming, ...m.outgoing, ...m.learners, ...m.learnersNext]) {
    invariant(m.progress.has(id), `no progress for ${id}`);
  }
  for (const id of m.learners) invariant(!m.incoming.has(id) && !m.outgoing.has(id), `${id} is in learners and voters`);
  for (const id of m.learnersNext) {
    invariant(m.outgoing.has(id), `${id} is in learnersNext but not outgoing`);
    invariant(!m.progress.get(id)!.isLearner, `${id} is in learnersNext but marked learner`);
  }
  for (const id of m.learners) invariant(m.progress.get(id)!.isLearner, `${id} is a learner but not marked`);
  if (m.outgoing.size === 0) {
    invariant(m.learnersNext.size === 0 && !m.autoLeave, 'learnersNext/autoLeave set outside joint config');
  }
}

/**
 * Builds the config a ConfState describes (a snapshot's, or the initial one). The outgoing
 * voters are set up first, then the joint change to the incoming config, as etcd's restore does.
 */
export function restoreConfig(cs: ConfState, lastIndex: number, maxInflight: number): ChangeResult {
  const voter = (id: NodeId): ConfChangeSingle => ({ type: ConfChangeType.AddNode, nodeId: id });
  const learner = (id: NodeId): ConfChangeSingle => ({ type: ConfChangeType.AddLearner, nodeId: id });
  let res: ChangeResult = { config: { voters: [new Set(), new Set()], learners: new Set(), learnersNext: new Set(), autoLeave: false }, progress: new Map() };
  const step = (f: (c: Changer) => ChangeResult): void => {
    res = f(new Changer(res.config, res.progress, lastIndex, maxInflight));
  };
  if (cs.votersOutgoing.length === 0) {
    for (const id of cs.voters) step((c) => c.simple([voter(id)]));
    for (const id of cs.learners) step((c) => c.simple([learner(id)]));
    return res;
  }
  for (const id of cs.votersOutgoing) step((c) => c.simple([voter(id)]));
  const incoming = [
    ...cs.votersOutgoing.map((id) => ({ type: ConfChangeType.RemoveNode, nodeId: id }) as ConfChangeSingle),
    ...cs.voters.map(voter),
    ...cs.learners.map(learner),
    ...cs.learnersNext.map(learner),
  ];
  step((c) => c.enterJoint(cs.autoLeave, incoming));
  return res;
}
