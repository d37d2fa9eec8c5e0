// Zone cuts (RFC 1034 §4.3.2 step 3b): referrals for everything at or below a cut, except
// DS at the cut itself, which the parent answers (RFC 4035 §3.1.4.1).
import { describe, expect, it } from 'vitest';
import { HEAD, SOA_LINE, ask, show, zoneOf } from './testing/fixtures.js';

const zone = zoneOf(`${HEAD}
sub          IN NS   ns.sub
sub          IN DS   12345 8 2 0123456789abcdef
ns.sub       IN A    192.0.2.53
www.sub      IN A    192.0.2.80
nods         IN NS   ns.nods
ns.nods      IN A    192.0.2.54
a.b.deep     IN NS   ns.a.b.deep
ns.a.b.deep  IN A    192.0.2.55
*.wild       IN A    192.0.2.90
Upper        IN NS   ns.sub
`);

const NS_SUB = 'sub.example. 3600 IN NS ns.sub.example.';
const GLUE_SUB = 'ns.sub.example. 3600 IN A 192.0.2.53';

const referrals = [
  { name: 'NS query at the cut', q: 'sub.example.', t: 'NS' },
  { name: 'A query at the cut', q: 'sub.example.', t: 'A' },
  { name: 'SOA query at the cut', q: 'sub.example.', t: 'SOA' },
  { name: 'ANY query at the cut', q: 'sub.example.', t: 'ANY' },
  { name: 'name below the cut', q: 'foo.sub.example.', t: 'A' },
  { name: 'occluded data below the cut is not answered', q: 'www.sub.example.', t: 'A' },
  { name: 'the glue name itself gets a referral', q: 'ns.sub.example.', t: 'A' },
  { name: 'DS below the cut is a referral', q: 'www.sub.example.', t: 'DS' },
  { name: 'cut matched case-insensitively', q: 'FOO.SUB.example.', t: 'MX' },
] as const;

describe('delegation', () => {
  it.each(referrals)('referral: $name', (c) => {
    expect(show(ask(zone, c.q, c.t))).toEqual({
      kind: 'Delegation', answer: [], authority: [NS_SUB], additional: [GLUE_SUB], required: 1,
    });
  });

  it('DS at the cut is answered by the parent (AA)', () => {
    const r = show(ask(zone, 'sub.example.', 'DS'));
    expect(r.kind).toBe('Success');
    expect(r.answer).toEqual(['sub.example. 3600 IN DS 12345 8 2 0123456789abcdef']);
  });

  it('DS at a cut without DS is NODATA from the parent', () => {
    expect(show(ask(zone, 'nods.example.', 'DS'))).toMatchObject({ kind: 'NoData', answer: [], authority: [SOA_LINE] });
  });

  it('a deep cut below empty non-terminals refers; the ENTs above it do not', () => {
    expect(show(ask(zone, 'x.a.b.deep.example.', 'A'))).toMatchObject({
      kind: 'Delegation', authority: ['a.b.deep.example. 3600 IN NS ns.a.b.deep.example.'],
      additional: ['ns.a.b.deep.example. 3600 IN A 192.0.2.55'],
    });
    expect(show(ask(zone, 'b.deep.example.', 'A')).kind).toBe('NoData');
  });

  it('keeps the owner spelling of the NS RRset', () => {
    expect(show(ask(zone, 'x.upper.example.', 'A')).authority).toEqual(['Upper.example. 3600 IN NS ns.sub.example.']);
  });

  it('referrals are not negative answers: no SOA in authority', () => {
    const r = ask(zone, 'foo.sub.example.', 'A');
    expect(r.authority.map((s) => s.type)).toEqual([2]);
  });

  it('the apex NS is not a cut', () => {
    const r = show(ask(zone, 'example.', 'NS'));
    expect(r.kind).toBe('Success');
    expect(r.answer).toEqual(['example. 3600 IN NS ns1.example.']);
  });
});
