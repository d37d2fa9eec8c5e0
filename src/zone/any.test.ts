// QTYPE ANY (RFC 8482 §4.1): one RRset, NXDOMAIN/NODATA unchanged.
import { describe, expect, it } from 'vitest';
import { HEAD, SOA_LINE, ask, show, zoneOf } from './testing/fixtures.js';

const zone = zoneOf(`${HEAD}
host  IN A     192.0.2.2
host  IN AAAA  2001:db8::2
host  IN TXT   "t"
*.w   IN TXT   "w"
*.w   IN A     192.0.2.3
e.ent IN A     192.0.2.4
`);

const cases = [
  { name: 'apex: exactly one RRset', q: 'example.', kind: 'Success', answer: ['example. 3600 IN NS ns1.example.'] },
  { name: 'node with three types: the lowest type only', q: 'host.example.', kind: 'Success', answer: ['host.example. 3600 IN A 192.0.2.2'] },
  { name: 'wildcard: one synthesized RRset', q: 'x.w.example.', kind: 'Success', answer: ['x.w.example. 3600 IN A 192.0.2.3'] },
  { name: 'missing name is still NXDOMAIN', q: 'nope.example.', kind: 'NameError', answer: [] },
  { name: 'ENT is still NODATA', q: 'ent.example.', kind: 'NoData', answer: [] },
] as const;

describe('ANY', () => {
  it.each(cases)('$name', (c) => {
    const r = show(ask(zone, c.q, 'ANY'));
    expect(r.kind).toBe(c.kind);
    expect(r.answer).toEqual(c.answer);
    if (c.kind !== 'Success') expect(r.authority).toEqual([SOA_LINE]);
  });

  it('the apex answer carries the NS additional data like an NS query', () => {
    expect(show(ask(zone, 'example.', 'ANY')).additional).toEqual(['ns1.example. 3600 IN A 192.0.2.1']);
  });
});
