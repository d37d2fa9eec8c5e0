// Negative answers (RFC 2308): SOA in authority with TTL = min(SOA TTL, MINIMUM).
import { describe, expect, it } from 'vitest';
import { ask, show, zoneOf } from './testing/fixtures.js';

const zoneWith = (ttl: number, minimum: number) => zoneOf(`$ORIGIN example.
@ ${ttl} IN SOA ns1 hostmaster 7 7200 1800 86400 ${minimum}
@ 3600 IN NS ns1
ns1 3600 IN A 192.0.2.1
host 3600 IN A 192.0.2.2
`);

const cases = [
  { name: 'MINIMUM below the SOA TTL wins', ttl: 3600, minimum: 300, want: 300 },
  { name: 'SOA TTL below MINIMUM wins', ttl: 60, minimum: 86400, want: 60 },
  { name: 'equal values', ttl: 5, minimum: 5, want: 5 },
] as const;

describe('negative answers', () => {
  describe.each(cases)('$name', ({ ttl, minimum, want }) => {
    const zone = zoneWith(ttl, minimum);
    const soa = `example. ${want} IN SOA ns1.example. hostmaster.example. 7 7200 1800 86400 ${minimum}`;

    it('NXDOMAIN carries the SOA', () => {
      expect(show(ask(zone, 'nope.example.', 'A'))).toEqual({ kind: 'NameError', answer: [], authority: [soa], additional: [], required: 0 });
    });

    it('NODATA carries the SOA', () => {
      expect(show(ask(zone, 'host.example.', 'AAAA'))).toEqual({ kind: 'NoData', answer: [], authority: [soa], additional: [], required: 0 });
    });

    it('the SOA answer itself keeps its own TTL', () => {
      expect(show(ask(zone, 'example.', 'SOA')).answer).toEqual([`example. ${ttl} IN SOA ns1.example. hostmaster.example. 7 7200 1800 86400 ${minimum}`]);
    });
  });

  it('NXDOMAIN deep below an existing name', () => {
    expect(show(ask(zoneWith(5, 5), 'a.b.host.example.', 'A')).kind).toBe('NameError');
  });

  it('unknown type at an existing name is NODATA (RFC 3597)', () => {
    expect(show(ask(zoneWith(5, 5), 'host.example.', 'TYPE65280')).kind).toBe('NoData');
  });

  it('a name outside the zone is a ServerFailure (caller picked the wrong zone)', () => {
    expect(show(ask(zoneWith(5, 5), 'www.example.org.', 'A')).kind).toBe('ServerFailure');
  });
});
