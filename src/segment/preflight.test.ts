/**
 * preflight: a registration whose records would make the zone invalid is refused before
 * it reaches the log, whether the clash is with the zone file or with the name rules; and
 * a zone file with nothing under `svc.<domain>` lets registrations through.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseName } from '../zone/name.js';
import { rdataFromText } from '../zone/rdata.js';
import { RRType, type Labels, type RRset } from '../zone/types.js';
import type { SegmentCommand } from './commands.js';
import { preflight } from './preflight.js';
import { SegmentState } from './state.js';
import { ServiceRecordCache } from './service-records.js';
import { buildSegmentZone, type SegmentBase } from './view.js';

const APEX = ['clusterset', 'local'];
const abs = (name: string): Labels => parseName(name, APEX);
const file = (name: string, type: number, text: string): RRset => ({ owner: abs(name), type, ttl: 60, rdata: [rdataFromText(type, text, APEX)] });
const base = (fileRRsets: RRset[]): SegmentBase => ({ apex: APEX, domain: APEX, fileRRsets, members: [] });

const register = (namespace: string, service: string): SegmentCommand => ({
  op: 'upsertExport', namespace, service, export: { cluster: 'east', type: 'ClusterSetIP', ips: ['10.0.0.1'], ports: [] },
});

function check(b: SegmentBase, command: SegmentCommand): string | undefined {
  const state = new SegmentState();
  const cache = new ServiceRecordCache(() => undefined);
  return preflight(command, b, state, cache, buildSegmentZone(b, state, cache));
}

describe('preflight', () => {
  it('refuses a registration whose name the zone file holds as a CNAME', () => {
    const withAlias = base([file('hello.demo.svc', RRType.CNAME, 'elsewhere.example.')]);
    expect(check(withAlias, register('demo', 'hello'))).toContain('CNAME');
    expect(check(withAlias, register('demo', 'other'))).toBeUndefined();
  });

  // The trial zone update runs only for a service whose names meet the file's: at its
  // name, below it, or above it down to svc.<domain>.
  it('refuses a clash with a file record below the service\'s name, and lets unrelated services through', () => {
    const withPort = (service: string): SegmentCommand => ({
      op: 'upsertExport', namespace: 'demo', service,
      export: { cluster: 'east', type: 'ClusterSetIP', ips: ['10.0.0.1'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
    });
    const srvAlias = base([file('_http._tcp.hello.demo.svc', RRType.CNAME, 'elsewhere.example.')]);
    expect(check(srvAlias, withPort('hello'))).toContain('CNAME');
    expect(check(srvAlias, withPort('other'))).toBeUndefined();
  });

  it('runs the trial zone update only for a service whose names meet the file\'s records', () => {
    const b = base([file('web.default.svc', RRType.A, '10.96.0.10'), file('x.db.prod.svc', RRType.A, '10.0.0.9'), file('legacy.svc', RRType.TXT, '"kept"')]);
    const state = new SegmentState();
    const cache = new ServiceRecordCache(() => undefined);
    const view = buildSegmentZone(b, state, cache);
    const trial = vi.spyOn(view.zone, 'withChanges');
    const trialFor = (namespace: string, service: string): boolean => {
      trial.mockClear();
      expect(preflight(register(namespace, service), b, state, cache, view)).toBeUndefined();
      return trial.mock.calls.length > 0;
    };
    expect(trialFor('bench', 'w-1')).toBe(false);
    expect(trialFor('default', 'api')).toBe(false);
    expect(trialFor('default', 'web')).toBe(true); // the file's own name
    expect(trialFor('prod', 'db')).toBe(true); // a file record below it
    expect(trialFor('legacy', 'x')).toBe(true); // a file record above it (x.legacy.svc under legacy.svc)
    expect(trialFor('x', 'legacy')).toBe(false); // legacy.x.svc: no file record at, below or above it
  });

  it('lets registrations through when the zone file has nothing under svc', () => {
    const plain = base([file('www', RRType.A, '192.0.2.1'), file('alias', RRType.CNAME, 'hello.demo.svc')]);
    expect(check(plain, register('demo', 'hello'))).toBeUndefined();
  });

  it('refuses names over 255 octets whatever the zone file holds', () => {
    const long = register('n'.repeat(63), 's'.repeat(63));
    const command = { ...long, export: { cluster: `${'c'.repeat(63)}.${'d'.repeat(63)}`, type: 'Headless' as const, ips: [], ports: [], endpoints: [{ addresses: ['10.9.9.9'], hostname: 'h'.repeat(63) }] } };
    expect(check(base([]), command)).toContain('longer than 255 octets');
  });
});
