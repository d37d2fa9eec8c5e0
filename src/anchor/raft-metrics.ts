/**
 * Raft state on /metrics, one series per hosted segment (label `segment`): term, commit
 * and applied index, whether this anchor leads, leader changes, and how long proposals
 * take from submit to applied-here. Gauges read the groups when scraped, so the Raft loop
 * pays nothing for them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SegmentGroup } from './segment-group.js';

export interface RaftMetrics {
  readonly proposalSeconds: Histogram<'segment'>;
}

export function registerRaftMetrics(registry: Registry, groups: () => readonly SegmentGroup[], anchorId: string): RaftMetrics {
  const gauge = (name: string, help: string, read: (g: SegmentGroup) => number) =>
    new Gauge({
      name, help, labelNames: ['segment'], registers: [registry],
      collect() {
        for (const g of groups()) this.set({ segment: g.apex }, read(g));
      },
    });
  gauge('anchordns_raft_term', 'Current Raft term of the segment group.', (g) => g.status().term);
  gauge('anchordns_raft_commit_index', 'Highest log index known committed.', (g) => g.status().commitIndex);
  gauge('anchordns_raft_applied_index', 'Highest log index applied to the segment state.', (g) => g.status().appliedIndex);
  gauge('anchordns_raft_is_leader', '1 when this anchor leads the segment group.', (g) => (g.status().leader === anchorId ? 1 : 0));
  gauge('anchordns_raft_has_leader', '1 when the segment group has a known leader.', (g) => (g.status().leader ? 1 : 0));
  new Counter({
    name: 'anchordns_raft_leader_changes_total', help: 'Leader changes this anchor has seen.', labelNames: ['segment'], registers: [registry],
    collect() {
      this.reset();
      for (const g of groups()) this.inc({ segment: g.apex }, g.leaderChanges);
    },
  });
  const proposalSeconds = new Histogram({
    name: 'anchordns_proposal_duration_seconds',
    help: 'Time from a write proposal to its apply on this anchor.',
    labelNames: ['segment'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { proposalSeconds };
}
