// Empty non-terminals (RFC 4592 §2.2.2): names that exist only because names below do.
import { describe, expect, it } from 'vitest';
import { HEAD, SOA_LINE, ask, show, zoneOf } from './testing/fixtures.js';

const zone = zoneOf(`${HEAD}
a.b.c           IN A    192.0.2.1
svc             IN TXT  "not empty"
web.default.svc IN A    10.96.0.10
*.c             IN A    192.0.2.99
`);

const cases = [
  { name: 'ENT one level up is NODATA', q: 'b.c.example.', t: 'A', kind: 'NoData' },
  { name: 'ENT two levels up is NODATA', q: 'c.example.', t: 'A', kind: 'NoData' },
  { name: 'ENT for any type is NODATA', q: 'c.example.', t: 'TXT', kind: 'NoData' },
  { name: 'ENT for ANY is NODATA (RFC 8482 keeps NODATA)', q: 'b.c.example.', t: 'ANY', kind: 'NoData' },
  { name: 'MCS namespace name is an ENT', q: 'default.svc.example.', t: 'A', kind: 'NoData' },
  { name: 'ENT matched case-insensitively', q: 'B.C.example.', t: 'A', kind: 'NoData' },
  { name: 'a sibling of the ENT chain does not exist', q: 'x.b.c.example.', t: 'A', kind: 'NameError' },
  { name: 'a name beside the ENT does not exist', q: 'other.svc.example.', t: 'A', kind: 'NameError' },
] as const;

describe('empty non-terminals', () => {
  it.each(cases)('$name', (c) => {
    const r = show(ask(zone, c.q, c.t));
    expect(r.kind).toBe(c.kind);
    expect(r.answer).toEqual([]);
    expect(r.authority).toEqual([SOA_LINE]);
  });

  it('the data below the ENT is still answered', () => {
    expect(show(ask(zone, 'a.b.c.example.', 'A')).answer).toEqual(['a.b.c.example. 3600 IN A 192.0.2.1']);
  });

  it('the wildcard beside an ENT synthesizes for other names only', () => {
    expect(show(ask(zone, 'zz.c.example.', 'A')).answer).toEqual(['zz.c.example. 3600 IN A 192.0.2.99']);
  });
});
