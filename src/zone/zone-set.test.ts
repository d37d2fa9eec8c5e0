// Zone selection by longest suffix (RFC 1034 §4.3.2 step 2).
import { describe, expect, it } from 'vitest';
import type { ZoneView } from './types.js';
import { ZoneSet } from './zone-set.js';
import { lowerName, parseName } from './name.js';
import { HEAD, zoneOf } from './testing/fixtures.js';

const soaZone = (origin: string): ZoneView =>
  zoneOf(`$ORIGIN ${origin}\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n`, origin);

const set = ZoneSet.of([
  soaZone('clusterset.local.'),
  soaZone('prod.svc.clusterset.local.'),
  soaZone('Example.'),
  soaZone('a.b.example.'),
]);

const cases = [
  { q: 'clusterset.local.', zone: 'clusterset.local' },
  { q: 'web.default.svc.clusterset.local.', zone: 'clusterset.local' },
  { q: 'svc.clusterset.local.', zone: 'clusterset.local' },
  { q: 'prod.svc.clusterset.local.', zone: 'prod.svc.clusterset.local' },
  { q: 'db-0.east.db.prod.svc.clusterset.local.', zone: 'prod.svc.clusterset.local' },
  { q: 'xprod.svc.clusterset.local.', zone: 'clusterset.local' },
  { q: 'b.example.', zone: 'example' },
  { q: 'x.a.b.example.', zone: 'a.b.example' },
  { q: 'local.', zone: undefined },
  { q: 'example.org.', zone: undefined },
  { q: '.', zone: undefined },
] as const;

describe('ZoneSet longest suffix', () => {
  it.each(cases)('$q → $zone', ({ q, zone }) => {
    const found = set.findZone(lowerName(parseName(q)));
    expect(found?.origin.join('.')).toBe(zone);
  });

  it('a root zone catches everything else', () => {
    const withRoot = ZoneSet.of([soaZone('.'), soaZone('example.')]);
    expect(withRoot.findZone(['www', 'example'])?.origin).toEqual(['example']);
    expect(withRoot.findZone(['www', 'org'])?.origin).toEqual([]);
  });

  it('rejects two zones with one origin, in any case', () => {
    expect(() => ZoneSet.of([soaZone('example.'), soaZone('EXAMPLE.')])).toThrow('zone example. is listed twice');
  });

  it('lists its zones and answers through them', () => {
    const z = zoneOf(`${HEAD}www IN A 192.0.2.8\n`);
    const s = ZoneSet.of([z]);
    expect(s.zones).toEqual([z]);
    expect(s.findZone(['www', 'example'])?.lookup(['www', 'example'], 1).kind).toBe('Success');
  });
});
