import { describe, expect, it } from 'vitest';
import { LookupScratch } from '../zone/answers.js';
import { parseName } from '../zone/name.js';
import { soaFields } from '../zone/rdata-build.js';
import { RRType, type LookupResult } from '../zone/types.js';
import type { SegmentCommand } from './commands.js';
import { SegmentState } from './state.js';
import { buildSegmentZone, PendingZone } from './view.js';
import { ServiceRecordCache } from './service-records.js';

const APEX = ['clusterset', 'local'];
const q = (name: string) => parseName(`${name}.`).map((l) => l.toLowerCase());

function zoneWith(commands: SegmentCommand[], members = [{ id: 'east-1', dns: '127.0.0.2' }, { id: 'west-1', dns: '::1' }]) {
  const state = new SegmentState(10);
  commands.forEach((c, i) => state.apply(i + 1, c));
  return buildSegmentZone({ apex: APEX, domain: APEX, fileRRsets: [], members }, state);
}

function summary(result: LookupResult) {
  return { kind: result.kind, answer: result.answer.map((r) => `${r.owner.join('.')} ${r.type} x${r.rdata.length}`), authority: result.authority.map((r) => r.type) };
}

const webExport = { cluster: 'east', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } as const;
const upsertWeb = (service: string, ips: string[] = ['10.96.0.10']): SegmentCommand => ({ op: 'upsertExport', namespace: 'demo', service, export: { ...webExport, ips, ports: [...webExport.ports] } });
const web = upsertWeb('web');

describe('segment zone view', () => {
  it('has the MCS SOA with the state serial, NS per anchor with glue, and dns-version', () => {
    const zone = zoneWith([web]);
    const soa = zone.lookup(q('clusterset.local'), RRType.SOA);
    expect(soa.answer[0]!.ttl).toBe(5);
    expect(soaFields(soa.answer[0]!.rdata[0]!)).toMatchObject({ serial: 11, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
    const ns = zone.lookup(q('clusterset.local'), RRType.NS);
    expect(ns.answer[0]!.rdata).toHaveLength(2);
    expect(ns.additional.map((r) => `${r.owner.join('.')} ${r.type}`)).toEqual(['east-1.ns.clusterset.local 1', 'west-1.ns.clusterset.local 28']);
    const version = zone.lookup(q('dns-version.clusterset.local'), RRType.TXT);
    expect(version.answer[0]!.ttl).toBe(28800);
    expect(Buffer.from(version.answer[0]!.rdata[0]!).toString('latin1')).toBe('\x051.0.0');
  });

  it('answers services, and NODATA for the namespace and svc names', () => {
    const zone = zoneWith([web]);
    expect(summary(zone.lookup(q('web.demo.svc.clusterset.local'), RRType.A))).toEqual({ kind: 'Success', answer: ['web.demo.svc.clusterset.local 1 x1'], authority: [] });
    expect(summary(zone.lookup(q('web.demo.svc.clusterset.local'), RRType.AAAA)).kind).toBe('NoData');
    expect(summary(zone.lookup(q('demo.svc.clusterset.local'), RRType.A)).kind).toBe('NoData');
    expect(summary(zone.lookup(q('svc.clusterset.local'), RRType.A)).kind).toBe('NoData');
    expect(summary(zone.lookup(q('nope.demo.svc.clusterset.local'), RRType.A))).toEqual({ kind: 'NameError', answer: [], authority: [RRType.SOA] });
  });

  it('serves raw RRsets from commands', () => {
    const zone = zoneWith([{ op: 'upsertRRset', name: 'www', type: 'CNAME', ttl: 60, rdata: ['web.demo.svc'] }, web]);
    const result = zone.lookup(q('www.clusterset.local'), RRType.A);
    expect(summary(result).answer).toEqual(['www.clusterset.local 5 x1', 'web.demo.svc.clusterset.local 1 x1']);
  });

  it('answers the reserved names between a service and its pods with NXDOMAIN, keeping NODATA for real names', () => {
    const zone = zoneWith([{
      op: 'upsertExport', namespace: 'demo', service: 'db',
      export: { cluster: 'east', type: 'Headless', ips: [], ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }], endpoints: [{ addresses: ['10.0.0.1'], hostname: 'db-0' }] },
    }]);
    expect(zone.lookup(q('east.db.demo.svc.clusterset.local'), RRType.A).kind).toBe('NameError');
    expect(zone.lookup(q('_tcp.db.demo.svc.clusterset.local'), RRType.SRV).kind).toBe('NameError');
    expect(zone.lookup(q('db-0.east.db.demo.svc.clusterset.local'), RRType.AAAA).kind).toBe('NoData');
    expect(zone.lookup(q('db.demo.svc.clusterset.local'), RRType.TXT).kind).toBe('NoData');
  });

  // The DNS responder passes a scratch result so an exact match allocates nothing; the view
  // dropped it once, and every query that missed the response cache left a frozen result.
  it('writes an exact match into the scratch it is given, and keeps the reserved-name rule with one', () => {
    const zone = zoneWith([web, {
      op: 'upsertExport', namespace: 'demo', service: 'db',
      export: { cluster: 'east', type: 'Headless', ips: [], ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }], endpoints: [{ addresses: ['10.0.0.1'], hostname: 'db-0' }] },
    }]);
    const scratch = new LookupScratch();
    const hit = zone.lookup(q('web.demo.svc.clusterset.local'), RRType.A, scratch);
    expect(hit).toBe(scratch);
    expect(summary(hit)).toEqual({ kind: 'Success', answer: ['web.demo.svc.clusterset.local 1 x1'], authority: [] });
    expect(zone.lookup(q('east.db.demo.svc.clusterset.local'), RRType.A, scratch).kind).toBe('NameError');
    expect(zone.lookup(q('db-0.east.db.demo.svc.clusterset.local'), RRType.AAAA, scratch).kind).toBe('NoData');
  });

  it('builds the same zone from a cache refreshed only for changed services', () => {
    const state = new SegmentState(1);
    const base = { apex: APEX, domain: APEX, fileRRsets: [], members: [] };
    const cache = new ServiceRecordCache();
    state.apply(1, web);
    state.apply(2, upsertWeb('api'));
    cache.refresh(APEX, state, 'all');
    const changed = [
      state.apply(3, { op: 'deleteExport', namespace: 'demo', service: 'api', cluster: 'east' }),
      state.apply(4, upsertWeb('web', ['10.96.0.99'])),
    ].flatMap((o) => o.services);
    cache.refresh(APEX, state, changed);
    const text = (z: ReturnType<typeof buildSegmentZone>) => z.zone.rrsets.map((r) => `${r.owner.join('.')} ${r.type} ${r.rdata.map((d) => Buffer.from(d).toString('hex')).join(',')}`).sort();
    expect(text(buildSegmentZone(base, state, cache))).toEqual(text(buildSegmentZone(base, state)));
    expect(zoneWith([]).lookup(q('api.demo.svc.clusterset.local'), RRType.A).kind).toBe('NameError');
    state.apply(5, { op: 'setPolicy', policy: { serviceTtl: 30, maxLeaseSeconds: 0, clusters: [] } });
    cache.refresh(APEX, state, []);
    expect(buildSegmentZone(base, state, cache).lookup(q('web.demo.svc.clusterset.local'), RRType.A).answer[0]!.ttl).toBe(30);
  });

  it('names services from the domain, in a child segment too (DESIGN.md "Delegation")', () => {
    const state = new SegmentState(1);
    state.apply(1, web);
    const child = ['demo', 'svc', 'clusterset', 'local'];
    const zone = buildSegmentZone({ apex: child, domain: APEX, fileRRsets: [], members: [] }, state);
    expect(zone.lookup(q('web.demo.svc.clusterset.local'), RRType.A).kind).toBe('Success');
    expect(zone.lookup(q('east.web.demo.svc.clusterset.local'), RRType.A).kind).toBe('NameError');
  });

  it('answers SERVFAIL before the first apply', () => {
    expect(new PendingZone(APEX).lookup().kind).toBe('ServerFailure');
  });
});
