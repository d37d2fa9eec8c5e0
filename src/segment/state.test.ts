import { describe, expect, it, vi } from 'vitest';
import type { ClusterExport } from '../mcs/types.js';
import { decodeCommand, encodeCommand, type SegmentCommand } from './commands.js';
import { SegmentState, serviceKey } from './state.js';

function exportOf(cluster: string, ips = ['10.96.0.10']): ClusterExport {
  return { cluster, type: 'ClusterSetIP', ips, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] };
}

const upsert = (cluster: string, leaseSeconds?: number): SegmentCommand => ({
  op: 'upsertExport', namespace: 'demo', service: 'web', export: exportOf(cluster), leaseSeconds,
});

function applyAll(state: SegmentState, commands: SegmentCommand[], from = 1): void {
  commands.forEach((c, i) => state.apply(from + i, decodeCommand(encodeCommand(c))));
}

describe('SegmentState', () => {
  it('aggregates exports by service in cluster order and bumps the serial per change', () => {
    const state = new SegmentState(100);
    applyAll(state, [upsert('west'), upsert('east')]);
    expect(state.service(serviceKey('demo', 'web'))!.exports.map((e) => e.cluster)).toEqual(['east', 'west']);
    expect(state.serial).toBe(102);
    expect(state.appliedIndex).toBe(2);
  });

  it('deletes an export, and a delete of nothing changes nothing (serial kept)', () => {
    const state = new SegmentState();
    applyAll(state, [upsert('east')]);
    const gone = state.apply(2, { op: 'deleteExport', namespace: 'demo', service: 'web', cluster: 'east' });
    expect(gone).toEqual({ changed: true, services: ['demo/web'] });
    expect(state.service('demo/web')).toBeUndefined();
    const serial = state.serial;
    expect(state.apply(3, { op: 'deleteExport', namespace: 'demo', service: 'web', cluster: 'east' }).changed).toBe(false);
    expect(state.serial).toBe(serial);
  });

  it('expires a lease only at the generation the leader saw, so a renewal wins a race', () => {
    const state = new SegmentState();
    applyAll(state, [upsert('east', 30), upsert('west', 30)]);
    expect(state.apply(3, { op: 'renewLeases', cluster: 'east' })).toEqual({ changed: false, services: [], renewed: { cluster: 'east', generation: 3 } });
    const leases = [...state.leases()].map((l) => [l.cluster, l.generation]);
    expect(leases).toEqual([['east', 3], ['west', 2]]);
    const stale = state.apply(4, { op: 'expireLeases', cluster: 'east', exports: [{ namespace: 'demo', service: 'web', generation: 1 }] });
    expect(stale.changed).toBe(false);
    const expired = state.apply(5, { op: 'expireLeases', cluster: 'west', exports: [{ namespace: 'demo', service: 'web', generation: 2 }] });
    expect(expired.services).toEqual(['demo/web']);
    expect(state.service('demo/web')!.exports.map((e) => e.cluster)).toEqual(['east']);
    expect(state.leasesOf('demo/web')).toEqual([{ namespace: 'demo', service: 'web', cluster: 'east', leaseSeconds: 30, generation: 3 }]);
    expect(state.leasesOf('demo/absent')).toEqual([]);
    expect(state.serviceCount).toBe(1);
  });

  it('never applies an index twice or backwards', () => {
    const state = new SegmentState();
    applyAll(state, [upsert('east')]);
    expect(() => state.apply(1, upsert('west'))).toThrow(RangeError);
  });

  it('restores from a snapshot to the same state, byte for byte', () => {
    const state = new SegmentState(7);
    applyAll(state, [
      upsert('east', 30),
      { op: 'upsertRRset', name: 'www', type: 'A', ttl: 60, rdata: ['192.0.2.1'] },
      { op: 'setPolicy', policy: { serviceTtl: 10, maxLeaseSeconds: 300, clusters: ['east'] } },
    ]);
    const restored = SegmentState.restore(state.snapshot());
    expect(Buffer.from(restored.snapshot()).equals(Buffer.from(state.snapshot()))).toBe(true);
    expect(restored.policy.serviceTtl).toBe(10);
    expect([...restored.rrsets()].map((r) => r.name)).toEqual(['www']);
    expect(restored.serial).toBe(state.serial);
  });

  it('is deterministic: two replicas applying one log hold identical snapshots', () => {
    const log: SegmentCommand[] = [upsert('b', 10), upsert('a'), { op: 'renewLeases', cluster: 'b' }, { op: 'deleteExport', namespace: 'demo', service: 'web', cluster: 'a' }];
    const one = new SegmentState();
    const two = new SegmentState();
    applyAll(one, log);
    applyAll(two, log);
    expect(Buffer.from(one.snapshot()).toString()).toBe(Buffer.from(two.snapshot()).toString());
  });

  it('refuses writes its own policy does not admit, changing nothing', () => {
    const state = new SegmentState();
    state.apply(1, { op: 'setPolicy', policy: { serviceTtl: 5, maxLeaseSeconds: 60, clusters: ['east'] } });
    expect(state.apply(2, upsert('west', 30)).refused).toBe('segment policy does not admit cluster "west"');
    expect(state.apply(3, upsert('east')).refused).toBe('segment policy requires leaseSeconds of at most 60');
    expect(state.apply(4, upsert('east', 90)).refused).toContain('at most 60');
    expect(state.service('demo/web')).toBeUndefined();
    expect(state.apply(5, upsert('east', 60)).changed).toBe(true);
  });

  it('rejects entry data that is not a command', () => {
    expect(() => decodeCommand(Buffer.from('[1,2]'))).toThrow('not a segment command');
  });

  it('skips a command it does not know, changing nothing (a newer anchor wrote it)', () => {
    const state = new SegmentState();
    const outcome = state.apply(1, decodeCommand(Buffer.from('{"op":"dropTables"}')));
    expect(outcome).toMatchObject({ changed: false, refused: 'unknown command "dropTables"' });
    expect(state.appliedIndex).toBe(1);
  });
});

describe('SegmentState snapshot capture', () => {
  const upsert = (service: string, ip: string): SegmentCommand => ({ op: 'upsertExport', namespace: 'ns', service, export: { cluster: 'east', type: 'ClusterSetIP', ips: [ip], ports: [] } });

  it('serialises a slice at a time to the state as it was at capture, whatever is applied meanwhile', () => {
    const state = new SegmentState(3);
    for (let i = 1; i <= 25; i++) state.apply(i, upsert(`s${i}`, `10.0.0.${i}`));
    const whole = state.snapshot();
    const capture = state.capture();
    let bytes: Uint8Array | undefined;
    let slices = 0;
    while ((bytes = capture.next(4)) === undefined) {
      slices++;
      state.apply(100 + 2 * slices, upsert(`s${slices}`, '10.9.9.9')); // changes after the capture
      state.apply(101 + 2 * slices, { op: 'deleteExport', namespace: 'ns', service: `s${25 - slices}`, cluster: 'east' });
    }
    expect(slices).toBe(6);
    expect(Buffer.from(bytes).equals(Buffer.from(whole))).toBe(true);
    const restored = SegmentState.restore(bytes);
    expect(restored.appliedIndex).toBe(25);
    expect(restored.service('ns/s1')?.exports[0]?.ips).toEqual(['10.0.0.1']);
    expect([...restored.serviceKeys()]).toHaveLength(25);
  });

  // The capture writes its slices into one buffer that it grows when the services are larger
  // than it guessed: the bytes must still be exactly JSON.stringify's, multi-byte text too.
  it('writes exactly the JSON of the state, past its first guess of the size and with non-ASCII text', () => {
    const state = new SegmentState(7);
    const ips = Array.from({ length: 40 }, (_, i) => `10.1.${i}.${i}`);
    for (let i = 1; i <= 60; i++) {
      state.apply(i, { op: 'upsertExport', namespace: 'ns', service: `big${i}`, export: { cluster: 'east', type: 'ClusterSetIP', ips, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } });
    }
    state.apply(61, { op: 'upsertRRset', name: 'note', type: 'TXT', ttl: 60, rdata: ['"café ☃ 雪"'] });
    const capture = state.capture();
    let bytes: Uint8Array | undefined;
    while ((bytes = capture.next(7)) === undefined);
    const text = Buffer.from(bytes).toString('utf8');
    expect(bytes.length).toBeGreaterThan(60 * 192 + 1024); // past the buffer it started with
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(text).toContain('café ☃ 雪');
    const restored = SegmentState.restore(bytes);
    expect(restored.service('ns/big60')?.exports[0]?.ips).toEqual(ips);
    expect([...restored.rrsets()].map((r) => r.rdata)).toEqual([['"café ☃ 雪"']]);
    expect(restored.serial).toBe(state.serial);
  });
});

describe('SegmentState snapshot capture from the previous one', () => {
  const clusters = ['east', 'west', 'north'];
  const exportIn = (cluster: string, n: number): ClusterExport => ({ cluster, type: 'ClusterSetIP', ips: [`10.${n % 200}.0.${n % 250}`], ports: [{ name: `p${n % 7}`, protocol: 'TCP', port: 80 + (n % 9) }] });

  /** A seeded stream of commands: new services, changed ones, deletions, re-additions, renewals. */
  function commands(seed: number, count: number): SegmentCommand[] {
    let s = seed;
    const rand = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % n;
    };
    const out: SegmentCommand[] = [];
    for (let k = 0; k < count; k++) {
      const service = `s${rand(60)}`;
      const cluster = clusters[rand(3)]!;
      const pick = rand(10);
      if (pick < 6) out.push({ op: 'upsertExport', namespace: 'ns', service, export: exportIn(cluster, k), leaseSeconds: rand(2) === 0 ? 30 : undefined });
      else if (pick < 9) out.push({ op: 'deleteExport', namespace: 'ns', service, cluster });
      else out.push({ op: 'renewLeases', cluster });
    }
    return out;
  }

  /** The snapshot a state given the same commands writes with nothing to copy from. */
  function fresh(applied: readonly SegmentCommand[]): Buffer {
    const state = new SegmentState(5);
    applied.forEach((c, i) => state.apply(i + 1, c));
    return Buffer.from(state.snapshot());
  }

  it('writes the same bytes as a capture from scratch, through changes, deletions, re-additions and renewals', () => {
    for (const seed of [1, 2, 3, 4]) {
      const stream = commands(seed, 600);
      const state = new SegmentState(5);
      const applied: SegmentCommand[] = [];
      const apply = (c: SegmentCommand): void => {
        applied.push(c);
        state.apply(applied.length, c);
      };
      let checked = 0;
      for (const command of stream) {
        apply(command);
        if (applied.length % 25 !== 0) continue;
        const capture = state.capture();
        // Sliced on even seeds, with commands applied meanwhile (after the capture).
        const meanwhile = seed % 2 === 0 ? commands(seed * 1000 + applied.length, 50) : [];
        let bytes: Uint8Array | undefined;
        while ((bytes = capture.next(seed % 2 === 0 ? 4 : Infinity)) === undefined) apply(meanwhile.shift()!);
        expect(Buffer.from(bytes).equals(fresh(applied.slice(0, capture.appliedIndex)))).toBe(true);
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('serialises only the services changed since the last capture', () => {
    const state = new SegmentState(5);
    for (let i = 1; i <= 100; i++) state.apply(i, { op: 'upsertExport', namespace: 'ns', service: `s${i}`, export: exportIn('east', i) });
    state.snapshot();
    state.apply(101, { op: 'upsertExport', namespace: 'ns', service: 's50', export: exportIn('west', 1) });
    state.apply(102, { op: 'deleteExport', namespace: 'ns', service: 's10', cluster: 'east' });
    state.apply(103, { op: 'upsertExport', namespace: 'ns', service: 's10', export: exportIn('east', 2) }); // re-added: last now
    state.apply(104, { op: 'upsertExport', namespace: 'ns', service: 's101', export: exportIn('east', 3) });
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const bytes = state.snapshot();
      // The head, the three changed services and the raw records: not the 98 unchanged.
      expect(stringify).toHaveBeenCalledTimes(5);
      const restored = SegmentState.restore(bytes);
      expect([...restored.serviceKeys()]).toHaveLength(101);
      expect(restored.service('ns/s50')?.exports.map((e) => e.cluster)).toEqual(['east', 'west']);
    } finally {
      stringify.mockRestore();
    }
  });

  it('sizes a capture from the previous one: one buffer, kept as the snapshot, no copy at the end', () => {
    const state = new SegmentState(5);
    for (let i = 1; i <= 2000; i++) state.apply(i, { op: 'upsertExport', namespace: 'ns', service: `s${i}`, export: exportIn('east', i) });
    state.snapshot();
    for (let i = 2001; i <= 2400; i++) state.apply(i, { op: 'upsertExport', namespace: 'ns', service: `s${i}`, export: exportIn('west', i) });
    const allocUnsafe = vi.spyOn(Buffer, 'allocUnsafe');
    const from = vi.spyOn(Buffer, 'from');
    let bytes: Uint8Array;
    try {
      bytes = state.snapshot();
      // One buffer for the whole snapshot, not a second one to copy it into.
      expect(allocUnsafe).toHaveBeenCalledTimes(1);
      expect(from).not.toHaveBeenCalled();
    } finally {
      allocUnsafe.mockRestore();
      from.mockRestore();
    }
    // It had at most 1/16 to spare.
    expect(bytes.buffer.byteLength).toBeLessThanOrEqual(Math.ceil(bytes.length * 1.07) + 1024);
    expect([...SegmentState.restore(bytes).serviceKeys()]).toHaveLength(2400);
  });

  it('writes over an earlier snapshot handed back for reuse when it fits, and not otherwise', () => {
    // A store of steady size: 9,000 services whose exports are renewed with ones of the same length.
    const state = new SegmentState(5);
    let index = 0;
    const renew = (count: number): void => {
      for (let k = 0; k < count; k++, index++) {
        state.apply(index + 100_001, { op: 'upsertExport', namespace: 'ns', service: `s${index % 9000}`, export: { cluster: 'east', type: 'ClusterSetIP', ips: [`10.1.0.${100 + (index % 100)}`], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } });
      }
    };
    const same = (a: ArrayBufferLike, b: ArrayBufferLike): boolean => a === b;
    renew(9000);
    state.snapshot();
    renew(3000);
    const second = state.snapshot(); // ~1.6 MB: large enough to be reused
    renew(3000);
    const third = state.snapshot();
    expect(same(third.buffer, second.buffer)).toBe(false);
    renew(3000);
    const fourth = state.capture(second).next(Infinity)!;
    // Written over the second snapshot's buffer, byte for byte what a fresh capture writes.
    expect(same(fourth.buffer, second.buffer)).toBe(true);
    const restored = SegmentState.restore(Buffer.from(fourth));
    expect(Buffer.from(restored.snapshot()).equals(Buffer.from(fourth))).toBe(true);
    // Never the buffer the capture copies from (the last one), nor one too small or shared.
    renew(10);
    expect(same(state.capture(fourth).next(Infinity)!.buffer, fourth.buffer)).toBe(false);
    const small = new Uint8Array(1 << 20);
    expect(same(state.capture(small).next(Infinity)!.buffer, small.buffer)).toBe(false);
    const pooled = Buffer.allocUnsafe(100); // from Node's shared pool
    expect(same(state.capture(pooled).next(Infinity)!.buffer, pooled.buffer)).toBe(false);
  });

  it('gives the same bytes again when asked after the end, appending nothing', () => {
    const state = new SegmentState(5);
    state.apply(1, { op: 'upsertExport', namespace: 'ns', service: 's1', export: exportIn('east', 1) });
    const capture = state.capture();
    const once = capture.next(Infinity);
    expect(once).toBeDefined();
    expect(capture.next(Infinity)).toBe(once);
    expect(capture.next(1)).toBe(once);
  });
});
