/**
 * The incremental lease tracker against the simplest correct one: a pass over every lease
 * in the state after each applied command (what the tracker replaced, run more often).
 * Seeded random histories of upserts with and without leases, deletes, heartbeats and
 * applied expiries, on a real SegmentState; at every check both must ask for the same
 * expiries.
 */
import { describe, expect, it } from 'vitest';
import type { ExpireLeases, SegmentCommand } from './commands.js';
import { LeaseTracker, type Lease } from './lease-tracker.js';
import { SegmentState } from './state.js';
import { mulberry32 } from '../raft/rand.js';

/** Full-scan reference: a lease's clock starts when a pass first sees its generation. */
class ScanTracker {
  #deadlines = new Map<string, { generation: number; deadline: number }>();
  observe(leases: Iterable<Lease>, now: number): void {
    const next = new Map<string, { generation: number; deadline: number }>();
    for (const lease of leases) {
      const key = `${lease.namespace}/${lease.service}/${lease.cluster}`;
      const seen = this.#deadlines.get(key);
      next.set(key, seen && seen.generation === lease.generation ? seen : { generation: lease.generation, deadline: now + lease.leaseSeconds * 1000 });
    }
    this.#deadlines = next;
  }
  due(now: number): string[] {
    const out: string[] = [];
    for (const [key, { generation, deadline }] of this.#deadlines) {
      if (deadline > now) continue;
      out.push(`${key}@${generation}`);
      this.#deadlines.set(key, { generation, deadline: now + 1000 }); // asked again after a second
    }
    return out.sort();
  }
}

const flatten = (commands: readonly ExpireLeases[]): string[] =>
  commands.flatMap((c) => c.exports.map((e) => `${e.namespace}/${e.service}/${c.cluster}@${e.generation}`)).sort();

function history(seed: number): void {
  const rand = mulberry32(seed); // seeded: a failing history replays exactly
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  let now = 0;
  const state = new SegmentState();
  const tracker = new LeaseTracker(() => now);
  const reference = new ScanTracker();
  tracker.reset(state.leases());
  let index = 0;
  const apply = (command: SegmentCommand): void => {
    const outcome = state.apply(++index, command);
    // As SegmentGroup does on the leader.
    for (const key of outcome.services) tracker.update(key, state.leasesOf(key));
    if (outcome.renewed) tracker.renewed(outcome.renewed.cluster, outcome.renewed.generation);
    reference.observe(state.leases(), now);
  };
  const services = ['a', 'b', 'c', 'd'];
  const clusters = ['east', 'west', 'north'];
  for (let step = 0; step < 400; step++) {
    now += 250;
    const r = rand();
    if (r < 0.3) {
      apply({
        op: 'upsertExport', namespace: 'ns', service: pick(services),
        export: { cluster: pick(clusters), type: 'ClusterSetIP', ips: ['10.0.0.1'], ports: [] },
        leaseSeconds: rand() < 0.8 ? pick([1, 2, 3]) : undefined,
      });
    } else if (r < 0.4) {
      apply({ op: 'deleteExport', namespace: 'ns', service: pick(services), cluster: pick(clusters) });
    } else if (r < 0.6) {
      apply({ op: 'renewLeases', cluster: pick(clusters) });
    }
    if (step % 4 === 3) {
      const asked = tracker.due();
      expect(flatten(asked), `seed ${seed}, step ${step}`).toEqual(reference.due(now));
      // Most expiries commit; some are lost with a leader change and must be asked again.
      for (const command of asked) if (rand() < 0.8) apply(command);
    }
  }
}

describe('LeaseTracker against a full scan', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`asks for the same expiries at every check, seed ${seed}`, () => history(seed));
  }
});
