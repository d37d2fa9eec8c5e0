// buildZone from RRsets, as the MCS/segment code calls it: validation, merging, immutability.
import { describe, expect, it } from 'vitest';
import type { RRset } from './types.js';
import { RRType } from './types.js';
import { buildZone } from './zone.js';
import { ZoneError } from './errors.js';
import { aRdata, nameRdata, soaRdata, srvRdata, txtRdata } from './rdata-build.js';
import { show } from './testing/fixtures.js';

const O = ['clusterset', 'local'];
const soa: RRset = {
  owner: O, type: RRType.SOA, ttl: 5,
  rdata: [soaRdata({ mname: ['ns', 'dns', ...O], rname: ['hostmaster', ...O], serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })],
};
const a = (owner: string[], ip: string, ttl = 5): RRset => ({ owner: [...owner, ...O], type: RRType.A, ttl, rdata: [aRdata(ip)] });

const invalid = [
  { name: 'no SOA', rrsets: [a(['x'], '10.0.0.1')], message: 'no SOA record at the zone apex clusterset.local.', index: undefined },
  { name: 'owner outside the origin', rrsets: [soa, { ...a([], '10.0.0.1'), owner: ['other', 'local'] }], message: 'other.local. is outside the zone clusterset.local.', index: 1 },
  { name: 'second SOA', rrsets: [soa, { ...soa, rdata: [soaRdata({ ...{ mname: O, rname: O }, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 })] }], message: 'more than one SOA record at clusterset.local.', index: 1 },
  { name: 'CNAME beside A', rrsets: [soa, a(['x'], '10.0.0.1'), { owner: ['x', ...O], type: RRType.CNAME, ttl: 5, rdata: [nameRdata(['y', ...O])] }], message: 'CNAME and A data at x.clusterset.local. (RFC 2181 §10.1)', index: 2 },
  { name: 'label too long', rrsets: [soa, a(['a'.repeat(64)], '10.0.0.1')], message: 'label longer than 63 octets', index: 1 },
] as const;

describe('buildZone', () => {
  it.each(invalid)('rejects $name with the offending index', ({ rrsets, message, index }) => {
    let caught: unknown;
    try {
      buildZone(O, rrsets as readonly RRset[]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ZoneError);
    expect((caught as ZoneError).message).toBe(message);
    expect((caught as ZoneError).rrsetIndex).toBe(index);
  });

  it('merges RRsets of one owner and type across case, dropping duplicates, lowest TTL', () => {
    const zone = buildZone(['ClusterSet', 'Local'], [soa, a(['web'], '10.0.0.1', 30), { ...a(['WEB'], '10.0.0.2', 5) }, a(['web'], '10.0.0.1')]);
    expect(zone.origin).toEqual(O);
    expect(zone.rrsets).toHaveLength(2);
    expect(show(zone.lookup(['web', ...O], RRType.A)).answer).toEqual([
      'web.clusterset.local. 5 IN A 10.0.0.1', 'web.clusterset.local. 5 IN A 10.0.0.2',
    ]);
  });

  it('keeps the caller’s RRset objects when nothing needs merging', () => {
    const txt: RRset = { owner: ['dns-version', ...O], type: RRType.TXT, ttl: 28800, rdata: [txtRdata(['1.0.0'])] };
    const zone = buildZone(O, [soa, txt]);
    expect(zone.rrsets[1]).toBe(txt);
    expect(zone.lookup(['dns-version', ...O], RRType.TXT).answer[0]).toBe(txt);
  });

  it('exposes the serial and the negative SOA', () => {
    const zone = buildZone(O, [{ ...soa, ttl: 60 }]);
    expect(zone.serial).toBe(42);
    expect(zone.negativeSoa.ttl).toBe(5);
    expect(zone.soa.ttl).toBe(60);
  });

  it('shared results are frozen so no caller can change the zone', () => {
    const zone = buildZone(O, [soa, a(['x'], '10.0.0.1')]);
    const nx = zone.lookup(['nope', ...O], RRType.A);
    expect(nx).toBe(zone.nameError);
    expect(Object.isFrozen(nx.authority)).toBe(true);
    expect(Object.isFrozen(zone.lookup(['x', ...O], RRType.A))).toBe(true);
  });

  it('each answer keeps its own additional section (they are gathered in one scratch list)', () => {
    const srv = (owner: string, target: string): RRset => ({ owner: [owner, ...O], type: RRType.SRV, ttl: 5, rdata: [srvRdata(0, 100, 80, [target, ...O])] });
    const zone = buildZone(O, [soa, a(['x'], '10.0.0.1'), a(['y'], '10.0.0.2'), srv('sx', 'x'), srv('sy', 'y')]);
    const first = zone.lookup(['sx', ...O], RRType.SRV);
    const second = zone.lookup(['sy', ...O], RRType.SRV);
    expect(show(first).additional).toEqual(['x.clusterset.local. 5 IN A 10.0.0.1']);
    expect(show(second).additional).toEqual(['y.clusterset.local. 5 IN A 10.0.0.2']);
    expect(Object.isFrozen(first.additional)).toBe(true);
  });

  it('builds 50k names quickly', () => {
    const rrsets = [soa];
    for (let i = 0; i < 50_000; i++) rrsets.push(a([`p${i}`, `c${i % 7}`, `s${i % 100}`, 'svc'], `10.0.${(i >> 8) & 255}.${i & 255}`));
    const t0 = performance.now();
    const zone = buildZone(O, rrsets);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(show(zone.lookup(['p49999', 'c5', 's99', 'svc', ...O], RRType.A)).answer).toEqual(['p49999.c5.s99.svc.clusterset.local. 5 IN A 10.0.195.79']);
  });
});
