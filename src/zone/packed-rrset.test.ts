import { describe, expect, it } from 'vitest';
import { PackedRRset, packRecord, recordCount } from './packed-rrset.js';
import { parseZoneText } from './parse.js';
import { buildZone } from './zone.js';
import { RRType } from './types.js';
import type { Labels, RRset } from './types.js';
import { aRdata, srvRdata, txtRdata } from './rdata-build.js';
import { countHeapObjects } from './testing/heap-count.js';
import { MessageWriter } from '../dns/writer.js';
import { ScannedQuery, scanQuery } from '../dns/scanner.js';
import { Flag } from '../dns/constants.js';
import { buildQuery } from '../dns/testing/wire.js';

const ORIGIN = ['example'];
const LONG_TEXT = 'x'.repeat(150); // longer than the writer's byte-by-byte copy

const ZONE_TEXT = `$ORIGIN example.
@ 60 IN SOA ns hostmaster 1 60 60 60 60
@ 60 IN NS ns
ns 60 IN A 192.0.2.53
web 60 IN A 192.0.2.80
pair 60 IN A 192.0.2.1
pair 60 IN A 192.0.2.2
_http._tcp.web 30 IN SRV 0 100 80 web
long 60 IN TXT "${LONG_TEXT}"
`;

/** The same records as plain RRsets, each record its own array (as the API gives them). */
function plainZone() {
  const o = (name: string): Labels => (name === '@' ? ORIGIN : [...name.split('.'), ...ORIGIN]);
  const plain = (name: string, type: number, ttl: number, ...rdata: Uint8Array[]): RRset => ({ owner: o(name), type, ttl, rdata });
  const soa = parseZoneText(ZONE_TEXT).soa;
  return buildZone(ORIGIN, [
    plain('@', RRType.SOA, 60, ...soa.rdata),
    plain('@', RRType.NS, 60, Uint8Array.from([2, 0x6e, 0x73, 7, ...Buffer.from('example'), 0])),
    plain('ns', RRType.A, 60, aRdata('192.0.2.53')),
    plain('web', RRType.A, 60, aRdata('192.0.2.80')),
    plain('pair', RRType.A, 60, aRdata('192.0.2.1'), aRdata('192.0.2.2')),
    plain('_http._tcp.web', RRType.SRV, 30, srvRdata(0, 100, 80, ['web', 'example'])),
    plain('long', RRType.TXT, 60, txtRdata([LONG_TEXT])),
  ]);
}

function answerBytes(zone: { lookup(q: Labels, t: number): import('./types.js').LookupResult }, name: string, type: number): Buffer {
  const msg = buildQuery({ name, qtype: type });
  const q = new ScannedQuery();
  scanQuery(msg, q);
  const w = new MessageWriter();
  w.start(msg, q, Flag.AA, 0, q.labels());
  expect(w.writeResult(zone.lookup(name.split('.').filter(Boolean), type), 4096)).toBe(true);
  w.finish(false, false, 0);
  return Buffer.from(w.buf.subarray(0, w.length));
}

describe('PackedRRset', () => {
  it('is what a zone file gives a name with one record; several records stay a list', () => {
    const zone = parseZoneText(ZONE_TEXT);
    const web = zone.lookup(['web', 'example'], RRType.A).answer[0]!;
    expect(web).toBeInstanceOf(PackedRRset);
    expect(recordCount(web)).toBe(1);
    expect([...web.rdata[0]!]).toEqual([...aRdata('192.0.2.80')]);
    const pair = zone.lookup(['pair', 'example'], RRType.A).answer[0]!;
    expect(pair).not.toBeInstanceOf(PackedRRset);
    expect(recordCount(pair)).toBe(2);
  });

  it('answers byte for byte as the same records held as arrays do', () => {
    const packed = parseZoneText(ZONE_TEXT);
    const plain = plainZone();
    const questions: [string, number][] = [
      ['web.example.', RRType.A],
      ['pair.example.', RRType.A],
      ['_http._tcp.web.example.', RRType.SRV], // the target's A goes in the additional section
      ['long.example.', RRType.TXT],
      ['example.', RRType.NS],
      ['nope.example.', RRType.A], // the SOA in the authority section, TTL capped
      ['web.example.', RRType.ANY],
    ];
    for (const [name, type] of questions) expect(answerBytes(packed, name, type)).toEqual(answerBytes(plain, name, type));
    const srv = packed.lookup(['_http', '_tcp', 'web', 'example'], RRType.SRV);
    expect(srv.additional.map((r) => r.owner.join('.'))).toEqual(['web.example']);
  });

  it('is not made for a record whose target name does not end inside it', () => {
    const slab = new Uint8Array(64);
    slab.set([0, 0, 0, 0, 0, 80, 5, 0x61], 10); // SRV: a 5-octet label with 1 octet left
    const malformed = slab.subarray(10, 18);
    expect(packRecord(['_x', '_tcp', 'example'], RRType.SRV, 60, [malformed], () => slab)).toBeUndefined();
    const fine = packRecord(['a', 'example'], RRType.A, 60, [slab.subarray(20, 24)], () => slab);
    expect(fine).toBeInstanceOf(PackedRRset);
    expect(fine!.start).toBe(20);
    expect(packRecord(['a', 'example'], RRType.A, 60, [slab.subarray(20, 24), slab.subarray(24, 28)], () => slab)).toBeUndefined();
  });

  it('leaves no typed array per record in the heap', async () => {
    // Before packing, each of these records held a Uint8Array view of its own.
    const lines = ['$ORIGIN clusterset.local.', '@ 60 IN SOA ns hostmaster 1 60 60 60 60', '@ 60 IN NS ns', 'ns 60 IN A 10.0.0.1'];
    for (let i = 0; i < 3000; i++) lines.push(`svc-${i}.ns-1.svc 5 IN A 10.1.${i >> 8}.${i & 255}`);
    const zone = parseZoneText(lines.join('\n') + '\n');
    const views = await countHeapObjects('Uint8Array');
    expect(zone.lookup(['svc-2999', 'ns-1', 'svc', 'clusterset', 'local'], RRType.A).answer[0]).toBeInstanceOf(PackedRRset);
    expect(views).toBeLessThan(1500);
  });
});
