// CNAME processing (RFC 1034 §4.3.2 step 3a, RFC 6604 §3 rcodes, RFC 2308 §2 with CNAMEs).
import { describe, expect, it } from 'vitest';
import { HEAD, SOA_LINE, ask, show, zoneOf } from './testing/fixtures.js';
import { MAX_CHAIN } from './lookup.js';

const longChain = Array.from({ length: 12 }, (_, i) => `c${i} IN CNAME c${i + 1}`).join('\n');

const zone = zoneOf(`${HEAD}
host     IN A     192.0.2.20
host     IN MX    10 mx
mx       IN A     192.0.2.25
chain1   IN CNAME chain2
chain2   IN CNAME host
Upper    IN CNAME HOST.example.
ext      IN CNAME www.example.org.
dangling IN CNAME missing
ent-tgt  IN CNAME a.ent
x.a.ent  IN A     192.0.2.40
loop1    IN CNAME loop2
loop2    IN CNAME loop1
self     IN CNAME self
mx-alias IN CNAME mx
cnamemx  IN MX    10 mx-alias
to-cut   IN CNAME www.sub
sub      IN NS    ns.sub
ns.sub   IN A     192.0.2.50
${longChain}
c12      IN A     192.0.2.60
`);

const HOST_A = 'host.example. 3600 IN A 192.0.2.20';

const cases = [
  { name: 'single CNAME is chased to the A record', q: 'chain2.example.', t: 'A', kind: 'Success',
    answer: ['chain2.example. 3600 IN CNAME host.example.', HOST_A] },
  { name: 'chain of two gives three RRs', q: 'chain1.example.', t: 'A', kind: 'Success',
    answer: ['chain1.example. 3600 IN CNAME chain2.example.', 'chain2.example. 3600 IN CNAME host.example.', HOST_A] },
  { name: 'target matched case-insensitively, owner spelled as in the zone', q: 'upper.example.', t: 'A', kind: 'Success',
    answer: ['Upper.example. 3600 IN CNAME HOST.example.', HOST_A] },
  { name: 'qtype CNAME returns the CNAME only', q: 'chain1.example.', t: 'CNAME', kind: 'Success',
    answer: ['chain1.example. 3600 IN CNAME chain2.example.'] },
  { name: 'qtype ANY at a CNAME returns the CNAME only', q: 'chain1.example.', t: 'ANY', kind: 'Success',
    answer: ['chain1.example. 3600 IN CNAME chain2.example.'] },
  { name: 'out-of-zone target stops with the CNAME', q: 'ext.example.', t: 'A', kind: 'Success',
    answer: ['ext.example. 3600 IN CNAME www.example.org.'], authority: [] },
  { name: 'dangling in-zone target is NXDOMAIN with the CNAME (RFC 6604)', q: 'dangling.example.', t: 'A', kind: 'NameError',
    answer: ['dangling.example. 3600 IN CNAME missing.example.'], authority: [SOA_LINE] },
  { name: 'target without the type is NOERROR with the CNAME and the SOA', q: 'chain2.example.', t: 'AAAA', kind: 'Success',
    answer: ['chain2.example. 3600 IN CNAME host.example.'], authority: [SOA_LINE] },
  { name: 'target at an empty non-terminal is NOERROR/NODATA', q: 'ent-tgt.example.', t: 'A', kind: 'Success',
    answer: ['ent-tgt.example. 3600 IN CNAME a.ent.example.'], authority: [SOA_LINE] },
  { name: 'two-name loop terminates with both CNAMEs', q: 'loop1.example.', t: 'A', kind: 'Success',
    answer: ['loop1.example. 3600 IN CNAME loop2.example.', 'loop2.example. 3600 IN CNAME loop1.example.'] },
  { name: 'self loop terminates with one CNAME', q: 'self.example.', t: 'A', kind: 'Success',
    answer: ['self.example. 3600 IN CNAME self.example.'] },
  { name: 'target below a cut: CNAME answer with the referral in authority', q: 'to-cut.example.', t: 'A', kind: 'Success',
    answer: ['to-cut.example. 3600 IN CNAME www.sub.example.'], authority: ['sub.example. 3600 IN NS ns.sub.example.'] },
] as const;

describe('CNAME', () => {
  it.each(cases)('$name', (c) => {
    const r = show(ask(zone, c.q, c.t));
    expect(r.kind).toBe(c.kind);
    expect(r.answer).toEqual(c.answer);
    if ('authority' in c) expect(r.authority).toEqual(c.authority);
  });

  it(`a long chain stops after ${MAX_CHAIN} CNAMEs`, () => {
    const r = show(ask(zone, 'c0.example.', 'A'));
    expect(r.kind).toBe('Success');
    expect(r.answer).toHaveLength(MAX_CHAIN);
    expect(r.answer[MAX_CHAIN - 1]).toBe(`c${MAX_CHAIN - 1}.example. 3600 IN CNAME c${MAX_CHAIN}.example.`);
  });

  it('additional data of the final MX comes along, found without chasing CNAMEs', () => {
    const r = show(ask(zone, 'chain2.example.', 'MX'));
    expect(r.answer).toEqual(['chain2.example. 3600 IN CNAME host.example.', 'host.example. 3600 IN MX 10 mx.example.']);
    expect(r.additional).toEqual(['mx.example. 3600 IN A 192.0.2.25']);
    // MX exchange that is itself a CNAME: no additional (Knot "CNAME in MX EXCHANGE").
    expect(show(ask(zone, 'cnamemx.example.', 'MX')).additional).toEqual([]);
  });
});
