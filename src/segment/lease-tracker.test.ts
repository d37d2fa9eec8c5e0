import { describe, expect, it } from 'vitest';
import { LeaseTracker, type Lease } from './lease-tracker.js';

const lease = (cluster: string, generation: number, leaseSeconds = 30): Lease => ({ namespace: 'demo', service: 'web', cluster, leaseSeconds, generation });

describe('LeaseTracker', () => {
  it('expires a lease only after a full period on the leader clock', () => {
    let now = 1_000;
    const tracker = new LeaseTracker(() => now);
    expect(tracker.due([lease('east', 5)])).toEqual([]);
    now += 29_999;
    expect(tracker.due([lease('east', 5)])).toEqual([]);
    now += 1;
    expect(tracker.due([lease('east', 5)])).toEqual([{ op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 5 }] }]);
  });

  it('restarts the clock when a renewal moves the generation', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.due([lease('east', 5)]);
    now = 25_000;
    tracker.due([lease('east', 9)]);
    now = 40_000;
    expect(tracker.due([lease('east', 9)])).toEqual([]);
    now = 55_000;
    expect(tracker.due([lease('east', 9)])).toHaveLength(1);
  });

  it('grants a full period again after a leader change (reset)', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.due([lease('east', 5)]);
    now = 29_000;
    tracker.reset();
    now = 31_000;
    expect(tracker.due([lease('east', 5)])).toEqual([]);
    now = 60_999;
    expect(tracker.due([lease('east', 5)])).toEqual([]);
    now = 61_000;
    expect(tracker.due([lease('east', 5)])).toHaveLength(1);
  });

  it('groups expiries by cluster', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    const leases = [lease('east', 1, 1), { ...lease('east', 2, 1), service: 'db' }, lease('west', 3, 1)];
    tracker.due(leases);
    now = 1_000;
    expect(tracker.due(leases).map((c) => [c.cluster, c.exports.length])).toEqual([['east', 2], ['west', 1]]);
  });
});
