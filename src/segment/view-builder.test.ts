/**
 * SegmentViewBuilder against buildSegmentZone: after every batch of random commands the
 * view derived with Zone.withChanges answers exactly as a view built from scratch, and the
 * previous view still answers as it did (queries in flight read it).
 */
import { describe, expect, it } from 'vitest';
import { parseName } from '../zone/name.js';
import { rdataFromText } from '../zone/rdata.js';
import { RRType, type Labels, type RRset } from '../zone/types.js';
import type { SegmentCommand } from './commands.js';
import { SegmentState } from './state.js';
import { buildSegmentZone, type SegmentBase, type SegmentZone } from './view.js';
import { SegmentViewBuilder } from './view-builder.js';
import { buildZone } from '../zone/zone.js';
import { ServiceRecordCache } from './service-records.js';

const APEX = ['clusterset', 'local'];
const abs = (name: string): Labels => parseName(name, APEX);
const file = (name: string, type: number, text: string): RRset => ({ owner: abs(name), type, ttl: 60, rdata: [rdataFromText(type, text, APEX)] });
const BASE_PLAIN: SegmentBase = {
  apex: APEX,
  domain: APEX,
  fileRRsets: [file('www', RRType.A, '192.0.2.1'), file('s0.a.svc', RRType.TXT, '"from the file"')],
  members: [{ id: 'east-1', dns: '127.0.0.2' }],
};
const BASE = BASE_PLAIN;
const QTYPES = [RRType.A, RRType.AAAA, RRType.SRV, RRType.TXT, RRType.CNAME, RRType.NS, RRType.SOA, RRType.ANY];

function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((seed / 0x80000000) * n); // high bits: an LCG's low bits cycle
  };
}

function command(int: (n: number) => number): SegmentCommand {
  const service = `s${int(4)}`;
  const namespace = ['a', 'b'][int(2)]!;
  const cluster = ['east', 'west'][int(2)]!;
  const ports = [{ name: 'http', protocol: 'TCP' as const, port: 80 + int(2) }];
  switch (int(9)) {
    case 0: case 1:
      return { op: 'upsertExport', namespace, service, export: { cluster, type: 'ClusterSetIP', ips: [`10.0.0.${int(3)}`], ports } };
    case 2: {
      // Sometimes not ready: a service with no records, hence no node of its own to mark.
      const endpoints = [{ addresses: [`10.1.0.${int(3)}`], hostname: int(2) ? `pod${int(2)}` : undefined, ready: int(3) === 0 ? false : undefined }];
      return { op: 'upsertExport', namespace, service, export: { cluster, type: 'Headless', ips: [], ports, endpoints } };
    }
    case 3: case 4:
      return { op: 'deleteExport', namespace, service, cluster };
    case 5: {
      const [name, type, rdata] = [['www', 'A', '192.0.2.9'], [`${service}.${namespace}.svc`, 'A', '10.0.0.1'], [`x.${service}.${namespace}.svc`, 'TXT', '"raw"'], ['alias', 'CNAME', `${service}.${namespace}.svc`], ['WWW', 'A', '192.0.2.8'], [`x.east.${service}.${namespace}.svc`, 'TXT', '"raw below a reserved name"']][int(6)]!;
      return { op: 'upsertRRset', name, type, ttl: 30 + int(2) * 30, rdata: [rdata] };
    }
    case 6:
      return { op: 'deleteRRset', name: [`${service}.${namespace}.svc`, 'www', 'alias', `x.east.${service}.${namespace}.svc`][int(4)]!, type: ['A', 'CNAME', 'TXT'][int(3)]! };
    case 7:
      return { op: 'setPolicy', policy: { serviceTtl: 5 + int(2), maxLeaseSeconds: 0, clusters: [] } };
    default:
      return { op: 'upsertExport', namespace, service: `t${int(20)}`, export: { cluster, type: 'ClusterSetIP', ips: ['10.2.0.1'], ports } };
  }
}

function questions(view: SegmentZone, extra: Iterable<string>): Labels[] {
  const names = new Set(extra);
  for (const r of view.zone.rrsets) names.add(r.owner.join('.').toLowerCase());
  return [...names].flatMap((n) => [n.split('.'), ['zz', ...n.split('.')]]);
}

const answers = (view: SegmentZone, names: Labels[]): string[] => names.flatMap((n) => QTYPES.map((t) => JSON.stringify(view.lookup(n, t), (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))));

/** The same base with its zone file loaded (SOA included), as the anchor passes it. */
const FILE_SOA = file('@', RRType.SOA, 'ns hostmaster 3 7200 1800 86400 5');
const LOADED: SegmentBase = { ...BASE, fileRRsets: [FILE_SOA, ...BASE.fileRRsets], fileZone: buildZone(APEX, [FILE_SOA, ...BASE.fileRRsets]) };

describe('SegmentViewBuilder (incremental views equal full builds)', () => {
  for (const [seed, seedBase] of [1, 2, 3, 4, 5, 6, 7].map((seed) => [seed, seed <= 4 ? BASE_PLAIN : LOADED] as const)) {
    it(`60 random batches, seed ${seed}${seedBase === LOADED ? ', base with a loaded zone file' : ''}`, () => {
      const int = rng(seed);
      const state = new SegmentState(7);
      const cache = new ServiceRecordCache();
      const builder = new SegmentViewBuilder();
      let view = builder.next(seedBase, state, cache, cache.refresh(APEX, state, 'all'));
      const seen = new Set<string>(['east.s0.a.svc.clusterset.local', '_tcp.s1.b.svc.clusterset.local', 'a.svc.clusterset.local', 'east.s2.a.svc.clusterset.local', 'east.s3.b.svc.clusterset.local']);
      let index = 0;
      for (let batch = 0; batch < 60; batch++) {
        const dirty = new Set<string>();
        for (let i = 1 + int(3); i > 0; i--) for (const key of state.apply(++index, command(int)).services) dirty.add(key);
        const names = questions(view, seen);
        const before = answers(view, names);
        const previous = view;
        view = builder.next(seedBase, state, cache, cache.refresh(APEX, state, dirty));
        const full = buildSegmentZone(seedBase, state);
        for (const r of full.zone.rrsets) seen.add(r.owner.join('.').toLowerCase());
        const all = questions(full, seen);
        expect(answers(view, all)).toEqual(answers(full, all));
        expect(answers(previous, names)).toEqual(before);
      }
    });
  }

  it('marks a service name that a raw record brings into being while the service has no records', () => {
    // A headless export whose endpoint is not ready has no records, so its name has no node
    // to mark; a raw record below it then makes the node. The reserved name between them
    // must answer NXDOMAIN, derived or built in full (review finding, twelfth session).
    const notReady: SegmentCommand = { op: 'upsertExport', namespace: 'ns', service: 'web', export: { cluster: 'east', type: 'Headless', ips: [], ports: [], endpoints: [{ addresses: ['10.1.0.1'], ready: false }] } };
    const rawBelow: SegmentCommand = { op: 'upsertRRset', name: 'x.east.web.ns.svc', type: 'TXT', ttl: 30, rdata: ['"raw"'] };
    const state = new SegmentState(1);
    const cache = new ServiceRecordCache();
    const builder = new SegmentViewBuilder();
    let view = builder.next(BASE, state, cache, cache.refresh(APEX, state, 'all'));
    let index = 0;
    for (const command of [notReady, rawBelow]) view = builder.next(BASE, state, cache, cache.refresh(APEX, state, state.apply(++index, command).services));
    expect(view.lookup(abs('east.web.ns.svc'), RRType.A).kind).toBe('NameError');
    expect(buildSegmentZone(BASE, state).lookup(abs('east.web.ns.svc'), RRType.A).kind).toBe('NameError');
    expect(view.lookup(abs('x.east.web.ns.svc'), RRType.TXT).kind).toBe('Success');
  });

  it('rebuilds in full for a new base', () => {
    const state = new SegmentState(1);
    const cache = new ServiceRecordCache();
    const builder = new SegmentViewBuilder();
    builder.next(BASE, state, cache, cache.refresh(APEX, state, 'all'));
    const base = { ...BASE, fileRRsets: [file('www', RRType.A, '192.0.2.7')] };
    const view = builder.next(base, state, cache, cache.refresh(APEX, state, []));
    expect(view.lookup(abs('www'), RRType.A).answer[0]!.rdata).toHaveLength(1);
    expect(view.lookup(abs('s0.a.svc'), RRType.TXT).kind).toBe('NameError');
  });
});
