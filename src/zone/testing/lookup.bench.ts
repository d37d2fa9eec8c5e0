/**
 * Benchmarks of the zone hot paths: `npx vitest bench src/zone`.
 * Measured on the shared 2-core dev VM (numbers are relative only): building a zone of
 * 1M A records whose owners share no parents (3M tree nodes, the worst shape) took ~4 s,
 * 100k ~0.4 s; exact-match lookups ran at ~1.4M/s and NXDOMAIN at ~1M/s on one core.
 * withChanges (one upsert + SOA) on the 100k zone: ~7 µs, against ~130 ms for buildZone.
 */
import { bench, describe } from 'vitest';
import type { Labels, RRset } from '../types.js';
import { buildZone } from '../zone.js';
import { aRdata, nameRdata, soaRdata } from '../rdata-build.js';

const ORIGIN = ['clusterset', 'local'];

function registrations(n: number): RRset[] {
  const soa = soaRdata({ mname: ['ns', 'dns', ...ORIGIN], rname: ['hostmaster', ...ORIGIN], serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
  const rrsets: RRset[] = [
    { owner: ORIGIN, type: 6, ttl: 5, rdata: [soa] },
    { owner: ORIGIN, type: 2, ttl: 5, rdata: [nameRdata(['ns', 'dns', ...ORIGIN])] },
    { owner: ['*', 'wild', ...ORIGIN], type: 1, ttl: 5, rdata: [aRdata('10.0.0.1')] },
  ];
  for (let i = 0; i < n; i++) {
    const owner = [`pod${i % 100}`, 'east', `svc${Math.floor(i / 100) % 100}`, `ns${Math.floor(i / 10000)}`, 'svc', ...ORIGIN];
    rrsets.push({ owner, type: 1, ttl: 5, rdata: [aRdata(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)] });
  }
  return rrsets;
}

const input = registrations(100_000);
const zone = buildZone(ORIGIN, input);
const hits: Labels[] = input.slice(3, 1003).map((r) => r.owner);
const misses: Labels[] = hits.map((name) => ['nx', ...name]);
const wild: Labels[] = hits.map((_, i) => [`h${i}`, 'wild', ...ORIGIN]);

describe('buildZone', () => {
  bench('100k A records', () => {
    buildZone(ORIGIN, input);
  }, { iterations: 5 });
});

describe('withChanges (100k A records)', () => {
  const owner = ['pod0', 'east', 'svc1', 'ns2', 'svc', ...ORIGIN];
  let serial = 1;
  bench('one upsert and a new SOA', () => {
    const soa = input[0];
    zone.withChanges({ upsert: [{ owner, type: 1, ttl: 5, rdata: [aRdata('10.9.9.9')] }], soa: { owner: soa.owner, type: soa.type, rdata: soa.rdata, ttl: 5 + (serial++ % 2) } });
  });
});

describe('lookup (1000 names per iteration)', () => {
  bench('exact match', () => {
    for (const q of hits) zone.lookup(q, 1);
  });
  bench('NXDOMAIN', () => {
    for (const q of misses) zone.lookup(q, 1);
  });
  bench('wildcard synthesis', () => {
    for (const q of wild) zone.lookup(q, 1);
  });
});
