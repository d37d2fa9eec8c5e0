/**
 * The zone black-box DNS tests serve. Built with the zone module's builders; the same
 * content is in ZONE_TEXT (master-file syntax) for tests that load text.
 */
import { buildZone } from '../../src/zone/zone.js';
import { ZoneSet } from '../../src/zone/zone-set.js';
import { aRdata, aaaaRdata, nameRdata, soaRdata, txtRdata } from '../../src/zone/rdata-build.js';
import type { Labels, RRset, ZoneSetView } from '../../src/zone/types.js';

export const ORIGIN = 'clusterset.local';

const n = (rel: string): Labels => (rel === '@' ? ORIGIN.split('.') : [...rel.split('.'), ...ORIGIN.split('.')]);
const set = (owner: string, type: number, ttl: number, ...rdata: Uint8Array[]): RRset => ({ owner: n(owner), type, ttl, rdata });

/** 40 TXT strings of 100 octets: about 4 kB, over any UDP limit, under TCP's. */
export const BIG_TXT_COUNT = 40;

export function testRRsets(): RRset[] {
  return [
    set('@', 6, 3600, soaRdata({ mname: n('ns1'), rname: n('hostmaster'), serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })),
    set('@', 2, 3600, nameRdata(n('ns1'))),
    set('ns1', 1, 3600, aRdata('192.0.2.1')),
    set('host', 1, 300, aRdata('192.0.2.10')),
    set('host', 28, 300, aaaaRdata('2001:db8::10')),
    set('www', 5, 300, nameRdata(n('host'))),
    set('chain1', 5, 300, nameRdata(n('chain2'))),
    set('chain2', 5, 300, nameRdata(n('host'))),
    set('*.wild', 1, 300, aRdata('192.0.2.7')),
    set('sub', 2, 3600, nameRdata(n('ns.sub'))),
    set('ns.sub', 1, 3600, aRdata('192.0.2.53')),
    set('a.b.ent', 1, 300, aRdata('192.0.2.99')),
    set('big', 16, 300, ...Array.from({ length: BIG_TXT_COUNT }, (_, i) => txtRdata([String(i).padStart(2, '0') + 'x'.repeat(98)]))),
    set('dns-version', 16, 28800, txtRdata(['1.0.0'])),
  ];
}

export function testZoneSet(): ZoneSetView {
  return ZoneSet.of([buildZone(ORIGIN.split('.'), testRRsets())]);
}
