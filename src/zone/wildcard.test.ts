// RFC 4592 wildcards: the source of synthesis is `*.<closest encloser>` only.
import { describe, expect, it } from 'vitest';
import { HEAD, SOA_LINE, ask, show, zoneOf } from './testing/fixtures.js';

const zone = zoneOf(`${HEAD}
*.wild          IN TXT   "wildcard"
*.wild          IN MX    10 host.example.
explicit.wild   IN A     192.0.2.10
sub.explicit.wild IN A   192.0.2.11
host            IN A     192.0.2.20
*.cname         IN CNAME host
*.loop          IN CNAME x.loop
*.out           IN CNAME www.example.org.
ent.deep.wild2  IN A     192.0.2.30
*.wild2         IN A     192.0.2.31
`);

const cases = [
  { name: 'synthesizes with the query name as owner', q: 'a.wild.example.', t: 'TXT',
    kind: 'Success', answer: ['a.wild.example. 3600 IN TXT "wildcard"'] },
  { name: 'matches several labels', q: 'x.y.wild.example.', t: 'TXT',
    kind: 'Success', answer: ['x.y.wild.example. 3600 IN TXT "wildcard"'] },
  { name: 'keeps the query spelling lowercased', q: 'MiXeD.wild.example.', t: 'TXT',
    kind: 'Success', answer: ['mixed.wild.example. 3600 IN TXT "wildcard"'] },
  { name: 'literal * query matches the wildcard node itself', q: '*.wild.example.', t: 'TXT',
    kind: 'Success', answer: ['*.wild.example. 3600 IN TXT "wildcard"'] },
  { name: 'other type at a synthesized name is NODATA', q: 'a.wild.example.', t: 'AAAA',
    kind: 'NoData', answer: [], authority: [SOA_LINE] },
  { name: 'an existing name blocks the wildcard', q: 'explicit.wild.example.', t: 'TXT',
    kind: 'NoData', answer: [], authority: [SOA_LINE] },
  { name: 'names under an existing name are not matched', q: 'a.explicit.wild.example.', t: 'TXT',
    kind: 'NameError', answer: [], authority: [SOA_LINE] },
  { name: 'an empty non-terminal blocks the wildcard above it', q: 'deep.wild2.example.', t: 'A',
    kind: 'NoData', answer: [], authority: [SOA_LINE] },
  { name: 'below an empty non-terminal there is no source of synthesis', q: 'x.deep.wild2.example.', t: 'A',
    kind: 'NameError', answer: [], authority: [SOA_LINE] },
  { name: 'no wildcard at the closest encloser is NXDOMAIN', q: 'nothing.example.', t: 'A',
    kind: 'NameError', answer: [], authority: [SOA_LINE] },
  { name: 'wildcard CNAME is synthesized and chased', q: 'a.cname.example.', t: 'A',
    kind: 'Success', answer: ['a.cname.example. 3600 IN CNAME host.example.', 'host.example. 3600 IN A 192.0.2.20'] },
  { name: 'wildcard CNAME queried for CNAME is not chased', q: 'a.cname.example.', t: 'CNAME',
    kind: 'Success', answer: ['a.cname.example. 3600 IN CNAME host.example.'] },
  { name: 'wildcard CNAME loop terminates', q: 'a.loop.example.', t: 'A',
    kind: 'Success', answer: ['a.loop.example. 3600 IN CNAME x.loop.example.', 'x.loop.example. 3600 IN CNAME x.loop.example.'] },
  { name: 'wildcard CNAME to another zone stops at the CNAME', q: 'a.out.example.', t: 'A',
    kind: 'Success', answer: ['a.out.example. 3600 IN CNAME www.example.org.'] },
] as const;

describe('wildcards (RFC 4592)', () => {
  it.each(cases)('$name', (c) => {
    const r = show(ask(zone, c.q, c.t));
    expect(r.kind).toBe(c.kind);
    expect(r.answer).toEqual(c.answer);
    if ('authority' in c) expect(r.authority).toEqual(c.authority);
  });

  it('adds the additional data of the synthesized MX', () => {
    const r = show(ask(zone, 'mail.wild.example.', 'MX'));
    expect(r.answer).toEqual(['mail.wild.example. 3600 IN MX 10 host.example.']);
    expect(r.additional).toEqual(['host.example. 3600 IN A 192.0.2.20']);
  });
});
