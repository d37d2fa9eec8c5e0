// lookup(…, into): the scratch result answers exactly as a fresh lookup, and reusing it
// never changes a result handed out before (frozen results, CNAME chains).
import { describe, expect, it } from 'vitest';
import { LookupScratch } from './answers.js';
import { ask, show, zoneOf } from './testing/fixtures.js';
import { lowerName, parseName } from './name.js';
import { parseType } from './rrtype.js';
import type { Zone } from './zone.js';

const pods = Array.from({ length: 20 }, (_, i) => `p${i} A 10.0.1.${i}`).join('\n');
const zone = zoneOf(`
$TTL 30
@ SOA ns hostmaster 1 7200 1800 86400 5
@ NS ns
ns A 10.0.0.53
web A 10.0.0.1
web AAAA fd00::1
two A 10.0.0.2
_http._tcp.web SRV 0 100 80 web
_http._tcp.both SRV 0 100 80 web
_http._tcp.both SRV 0 100 80 two
_http._tcp.many SRV 0 100 80 p0
${Array.from({ length: 19 }, (_, i) => `_http._tcp.many SRV 0 100 80 p${i + 1}`).join('\n')}
${pods}
mail MX 10 web
alias CNAME web
*.wild A 10.0.0.9
sub NS ns.sub
ns.sub A 10.0.0.54
`);

const questions: Array<[string, string]> = [
  ['web', 'A'], ['WEB', 'AAAA'], ['_http._tcp.web', 'SRV'], ['_http._tcp.both', 'SRV'],
  ['_http._tcp.many', 'SRV'], ['mail', 'MX'], ['@', 'NS'], ['alias', 'A'], ['x.wild', 'A'],
  ['nope', 'A'], ['web', 'TXT'], ['a.sub', 'A'], ['alias', 'CNAME'], ['web', 'ANY'],
];

function askInto(z: Zone, name: string, type: string, into: LookupScratch) {
  const qname = name === '@' ? z.origin : lowerName(parseName(`${name}.example.`));
  return z.lookup(qname, parseType(type)!, into);
}

describe('lookup into a LookupScratch', () => {
  it('answers every question as a fresh lookup does, in any order', () => {
    const scratch = new LookupScratch();
    for (const order of [questions, [...questions].reverse(), [...questions, ...questions]]) {
      for (const [name, type] of order) {
        const fresh = show(ask(zone, name === '@' ? 'example.' : `${name}.example.`, type));
        expect(show(askInto(zone, name, type, scratch)), `${name} ${type}`).toEqual(fresh);
      }
    }
  });

  it('is used only for an exact-match answer; a result handed out before never changes', () => {
    const scratch = new LookupScratch();
    const chain = askInto(zone, 'alias', 'A', scratch); // CNAME then A: its own frozen result
    expect(chain).not.toBe(scratch);
    const chainShown = show(chain);
    expect(askInto(zone, '_http._tcp.both', 'SRV', scratch)).toBe(scratch);
    expect(askInto(zone, 'two', 'A', scratch)).toBe(scratch);
    expect(show(chain)).toEqual(chainShown);
    expect(Object.isFrozen(chain.answer)).toBe(true);
  });

  it('reuses the additional list only for a section of the same length', () => {
    const scratch = new LookupScratch();
    const both = show(askInto(zone, '_http._tcp.both', 'SRV', scratch));
    expect(both.additional).toHaveLength(3); // web A, web AAAA, two A
    const one = show(askInto(zone, '_http._tcp.web', 'SRV', scratch));
    expect(one.additional).toHaveLength(2);
    expect(show(askInto(zone, '_http._tcp.many', 'SRV', scratch)).additional).toHaveLength(20);
    expect(show(askInto(zone, '_http._tcp.both', 'SRV', scratch))).toEqual(both);
  });
});
