import { describe, expect, it } from 'vitest';
import { LeaseTracker, type Lease } from './lease-tracker.js';

const lease = (cluster: string, generation: number, leaseSeconds = 30, service = 'web'): Lease => ({ namespace: 'demo', service, cluster, leaseSeconds, generation });

describe('LeaseTracker', () => {
  it('expires a lease only after a full period on the leader clock', () => {
    let now = 1_000;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5)]);
    expect(tracker.due()).toEqual([]);
    now += 29_999;
    expect(tracker.due()).toEqual([]);
    now += 1;
    expect(tracker.due()).toEqual([{ op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 5 }] }]);
  });

  it('asks again after a second while the expiry has not been applied, and stops once it is', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5, 1)]);
    now = 1_000;
    expect(tracker.due()).toHaveLength(1);
    now = 1_500;
    expect(tracker.due()).toEqual([]);
    now = 2_000;
    expect(tracker.due()).toHaveLength(1);
    tracker.update('demo/web', []); // the expiry applied: the export is gone
    now = 10_000;
    expect(tracker.due()).toEqual([]);
  });

  it('restarts the clock when a renewal moves the generation', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5)]);
    now = 25_000;
    tracker.update('demo/web', [lease('east', 9)]);
    now = 40_000;
    expect(tracker.due()).toEqual([]);
    now = 55_000;
    expect(tracker.due()).toEqual([{ op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 9 }] }]);
  });

  it('runs a lease from its cluster\'s last heartbeat, and expires it at that generation once they stop', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5, 10), lease('east', 6, 10, 'db'), lease('west', 7, 10, 'api')]);
    now = 8_000;
    tracker.renewed('east', 40); // the heartbeat applied at index 40 renewed every east lease
    now = 10_000;
    expect(tracker.due()).toEqual([{ op: 'expireLeases', cluster: 'west', exports: [{ namespace: 'demo', service: 'api', generation: 7 }] }]);
    tracker.update('demo/api', []); // west's expiry applied
    now = 17_999;
    expect(tracker.due()).toEqual([]);
    now = 18_000;
    const [east, ...rest] = tracker.due();
    expect(rest).toEqual([]);
    expect(east!.cluster).toBe('east');
    expect(east!.exports.map((e) => `${e.service}@${e.generation}`).sort()).toEqual(['db@40', 'web@40']);
  });

  it('starts a lease that an update shows at a heartbeat\'s generation from that heartbeat', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5, 10)]);
    now = 4_000;
    tracker.renewed('east', 40);
    now = 6_000;
    tracker.update('demo/web', [lease('east', 40, 10), lease('west', 41, 10)]); // west joined
    now = 13_999;
    expect(tracker.due()).toEqual([]);
    now = 14_000;
    expect(tracker.due().map((c) => c.cluster)).toEqual(['east']);
  });

  it('keeps its heap near the number of live leases however many updates replace them', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([]);
    for (let generation = 1; generation <= 50_000; generation++) tracker.update('demo/web', [lease('east', generation, 3600)]);
    expect(tracker.heldDeadlines).toBeLessThan(2_000);
    now = 3_600_000 + 50_000;
    expect(tracker.due()).toEqual([{ op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 50_000 }] }]);
  });

  it('keeps the deadline of a lease an update did not renew', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5)]);
    now = 20_000;
    // Another cluster's export of the same service changed; east's lease did not.
    tracker.update('demo/web', [lease('east', 5), lease('west', 8)]);
    now = 30_000;
    expect(tracker.due()).toEqual([{ op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 5 }] }]);
    now = 50_000;
    expect(tracker.due().map((c) => c.cluster)).toEqual(['east', 'west']);
  });

  it('grants a full period again after a leader change (reset), and forgets all on clear', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 5)]);
    now = 29_000;
    tracker.clear();
    now = 31_000;
    expect(tracker.due()).toEqual([]);
    tracker.reset([lease('east', 5)]);
    now = 60_999;
    expect(tracker.due()).toEqual([]);
    now = 61_000;
    expect(tracker.due()).toHaveLength(1);
  });

  it('groups expiries by cluster', () => {
    let now = 0;
    const tracker = new LeaseTracker(() => now);
    tracker.reset([lease('east', 1, 1), lease('east', 2, 1, 'db'), lease('west', 3, 1)]);
    now = 1_000;
    expect(tracker.due().map((c) => [c.cluster, c.exports.length])).toEqual([['east', 2], ['west', 1]]);
  });
});
