// Glue (RFC 9471) and additional-section processing (RFC 1034 §4.3.2 step 6).
import { describe, expect, it } from 'vitest';
import { HEAD, ask, show, zoneOf } from './testing/fixtures.js';

const zone = zoneOf(`${HEAD}
ns1          IN AAAA  2001:db8::1
sub          IN NS    ns1.sub
sub          IN NS    ns2.sub
sub          IN NS    ns1
sub          IN NS    ns.other.net.
sub          IN NS    ns.sib
ns1.sub      IN A     192.0.2.53
ns1.sub      IN AAAA  2001:db8::53
ns2.sub      IN A     192.0.2.54
sib          IN NS    ns.sib
ns.sib       IN A     192.0.2.70
mail         IN MX    10 mx1
mail         IN MX    20 mx.sub
mail         IN MX    30 mx.elsewhere.org.
mx1          IN A     192.0.2.25
mx.sub       IN A     192.0.2.26
_http._tcp.web IN SRV 0 100 80 web
_http._tcp.web IN SRV 0 100 80 web
web          IN A     10.96.0.10
web          IN AAAA  fd00::10
nohost       IN SRV   0 0 80 missing
`);

describe('glue and additional data', () => {
  it('referral: in-domain glue is required, sibling and in-zone glue optional', () => {
    const r = show(ask(zone, 'www.sub.example.', 'A'));
    expect(r.kind).toBe('Delegation');
    expect(r.authority).toEqual([
      'sub.example. 3600 IN NS ns1.sub.example.',
      'sub.example. 3600 IN NS ns2.sub.example.',
      'sub.example. 3600 IN NS ns1.example.',
      'sub.example. 3600 IN NS ns.other.net.',
      'sub.example. 3600 IN NS ns.sib.example.',
    ]);
    expect(r.additional).toEqual([
      'ns1.sub.example. 3600 IN A 192.0.2.53',
      'ns1.sub.example. 3600 IN AAAA 2001:db8::53',
      'ns2.sub.example. 3600 IN A 192.0.2.54',
      'ns1.example. 3600 IN A 192.0.2.1',
      'ns1.example. 3600 IN AAAA 2001:db8::1',
      'ns.sib.example. 3600 IN A 192.0.2.70',
    ]);
    expect(r.required).toBe(3);
  });

  it('apex NS answer carries the A and AAAA of in-zone servers', () => {
    const r = show(ask(zone, 'example.', 'NS'));
    expect(r.additional).toEqual(['ns1.example. 3600 IN A 192.0.2.1', 'ns1.example. 3600 IN AAAA 2001:db8::1']);
    expect(r.required).toBe(0);
  });

  it('MX answer: in-zone authoritative targets only, never occluded data', () => {
    const r = show(ask(zone, 'mail.example.', 'MX'));
    expect(r.answer).toEqual([
      'mail.example. 3600 IN MX 10 mx1.example.',
      'mail.example. 3600 IN MX 20 mx.sub.example.',
      'mail.example. 3600 IN MX 30 mx.elsewhere.org.',
    ]);
    expect(r.additional).toEqual(['mx1.example. 3600 IN A 192.0.2.25']);
  });

  it('SRV answer: target A and AAAA once, duplicates collapsed', () => {
    const r = show(ask(zone, '_http._tcp.web.example.', 'SRV'));
    expect(r.answer).toEqual(['_http._tcp.web.example. 3600 IN SRV 0 100 80 web.example.']);
    expect(r.additional).toEqual(['web.example. 3600 IN A 10.96.0.10', 'web.example. 3600 IN AAAA fd00::10']);
  });

  it('SRV with a missing target has no additional', () => {
    expect(show(ask(zone, 'nohost.example.', 'SRV')).additional).toEqual([]);
  });

  it('A answers carry no additional data', () => {
    expect(show(ask(zone, 'web.example.', 'A')).additional).toEqual([]);
  });

  it('answers are frozen and the same on every query (computed afresh, not memoised)', () => {
    const a = ask(zone, 'mail.example.', 'MX');
    const b = ask(zone, 'MAIL.example.', 'MX');
    expect(b).not.toBe(a);
    expect(show(b)).toEqual(show(a));
    expect(Object.isFrozen(a) && Object.isFrozen(a.additional)).toBe(true);
  });
});
