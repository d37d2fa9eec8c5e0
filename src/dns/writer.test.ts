import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { MessageWriter } from './writer.js';
import { ScannedQuery, scanQuery } from './scanner.js';
import { Flag } from './constants.js';
import { a, buildQuery, nameWire, result, rrset } from './testing/wire.js';
import { LookupScratch, PackedRRset, RRType, aRdata, buildZone, mxRdata, parseZoneText, soaRdata } from '../zone/index.js';
import type { LookupResult } from '../zone/index.js';

function setup(name: string, edns = false) {
  const msg = buildQuery({ name, edns: edns ? { do: true } : undefined });
  const q = new ScannedQuery();
  scanQuery(msg, q);
  const w = new MessageWriter();
  w.start(msg, q, Flag.AA, 0, q.labels());
  return { msg, q, w };
}

function out(w: MessageWriter): Buffer {
  return Buffer.from(w.buf.subarray(0, w.length));
}

describe('MessageWriter', () => {
  it('echoes the question and compresses the answer owner to a pointer at offset 12', () => {
    const { msg, w } = setup('HoSt.ExAmPlE.');
    expect(w.writeResult(result('Success', { answer: [rrset('host.example.', 1, 300, a('192.0.2.1'), a('192.0.2.2'))] }), 512)).toBe(true);
    w.finish(false, false, 0);
    const bytes = out(w);
    expect(bytes.subarray(12, msg.length)).toEqual(msg.subarray(12));
    // Both answers start with the pointer C0 0C.
    expect(bytes.readUInt16BE(msg.length)).toBe(0xc00c);
    expect(bytes.readUInt16BE(msg.length + 16)).toBe(0xc00c);
    const decoded = dnsPacket.decode(bytes);
    expect(decoded.answers?.map((r) => r.name)).toEqual(['HoSt.ExAmPlE', 'HoSt.ExAmPlE']);
    expect(decoded.flags! & Flag.AA).toBe(Flag.AA);
  });

  it('points a subdomain owner at the question suffix and reuses written owners', () => {
    const { msg, w } = setup('example.');
    const ns = rrset('sub.example.', 2, 60, nameWire('ns1.sub.example.'));
    const glue = rrset('ns1.sub.example.', 1, 60, a('192.0.2.53'));
    w.writeResult(result('Delegation', { authority: [ns], additional: [glue], additionalRequired: 1 }), 512);
    w.finish(false, false, 0);
    const bytes = out(w);
    let at = msg.length;
    expect(bytes.subarray(at, at + 6)).toEqual(Buffer.from([3, 0x73, 0x75, 0x62, 0xc0, 12])); // sub + ptr(example)
    at += 6 + 10 + 17; // NS RR: name, fixed, rdata "ns1.sub.example."
    expect(bytes.subarray(at, at + 6)).toEqual(Buffer.from([3, 0x6e, 0x73, 0x31, 0xc0, msg.length])); // ns1 + ptr(sub…)
    const decoded = dnsPacket.decode(bytes);
    expect(decoded.authorities?.[0]).toMatchObject({ name: 'sub.example', type: 'NS', data: 'ns1.sub.example' });
    expect(decoded.additionals?.[0]).toMatchObject({ name: 'ns1.sub.example', type: 'A', data: '192.0.2.53' });
  });

  it('compares labels case-insensitively for compression', () => {
    const { msg, w } = setup('example.');
    w.writeResult(result('Success', { answer: [rrset('EXAMPLE.', 16, 1, Uint8Array.of(1, 0x41))] }), 512);
    w.finish(false, false, 0);
    expect(out(w).readUInt16BE(msg.length)).toBe(0xc00c);
  });

  it('sets no records and reports false when the answer does not fit', () => {
    const { msg, w } = setup('big.example.');
    const txt = rrset('big.example.', 16, 1, ...Array.from({ length: 40 }, () => new Uint8Array(30)));
    expect(w.writeResult(result('Success', { answer: [txt] }), 512)).toBe(false);
    w.finish(false, false, 0);
    expect(w.length).toBe(msg.length);
    expect(out(w).readUInt16BE(6)).toBe(0);
  });

  it('truncates when required glue does not fit but drops optional additional whole', () => {
    const ns = rrset('sub.example.', 2, 60, nameWire('ns1.sub.example.'));
    const bigGlue = rrset('ns1.sub.example.', 28, 60, ...Array.from({ length: 40 }, () => new Uint8Array(16)));
    const required = setup('sub.example.');
    expect(required.w.writeResult(result('Delegation', { authority: [ns], additional: [bigGlue], additionalRequired: 1 }), 512)).toBe(false);
    const optional = setup('sub.example.');
    const small = rrset('ns1.sub.example.', 1, 60, a('192.0.2.1'));
    expect(optional.w.writeResult(result('Delegation', { authority: [ns], additional: [bigGlue, small], additionalRequired: 0 }), 512)).toBe(true);
    optional.w.finish(false, false, 0);
    const decoded = dnsPacket.decode(out(optional.w));
    expect(decoded.authorities).toHaveLength(1);
    expect(decoded.additionals?.map((r) => r.type)).toEqual(['A']);
  });

  it('appends OPT: size 1232, DO copied, extended RCODE bits', () => {
    const { w } = setup('example.', true);
    w.finish(true, true, 16);
    const bytes = out(w);
    const opt = bytes.subarray(bytes.length - 11);
    expect(opt.readUInt16BE(1)).toBe(41);
    expect(opt.readUInt16BE(3)).toBe(1232);
    expect(opt[5]).toBe(1); // 16 >> 4
    expect(opt[6]).toBe(0); // version 0
    expect(opt.readUInt16BE(7)).toBe(0x8000);
    expect(bytes.readUInt16BE(10)).toBe(1);
  });

  describe('owners a lookup places (LookupResult.ownersFromQuestion)', () => {
    const zone = parseZoneText(`$TTL 30
@ SOA ns hostmaster 1 7200 1800 86400 5
@ NS ns
ns A 10.0.0.53
WEB A 10.0.0.1
web AAAA fd00::1
two A 10.0.0.2
_http._tcp.web SRV 0 100 80 web
_http._tcp.both SRV 0 100 80 web
_http._tcp.both SRV 0 100 80 two
`, { origin: 'example.', fileName: 'owners.zone' });

    function answer(name: string, type: number): { msg: Buffer; bytes: Buffer; looked: LookupResult } {
      const { msg, q, w } = setup(name);
      const looked = zone.lookup(q.labels(), type, new LookupScratch());
      expect(w.writeResult(looked, 1232)).toBe(true);
      w.finish(false, false, 0);
      return { msg, bytes: out(w), looked };
    }

    it('points the answer at the question and the target addresses into the SRV record', () => {
      const { msg, bytes, looked } = answer('_HTTP._tcp.web.example.', RRType.SRV);
      expect(looked.ownersFromQuestion).toBe(true);
      const srvAt = msg.length;
      expect(bytes.readUInt16BE(srvAt)).toBe(0xc00c);
      const targetAt = srvAt + 2 + 10 + 6; // owner pointer, fixed fields, priority/weight/port
      const aAt = srvAt + 2 + 10 + 6 + nameWire('web.example.').length;
      expect(bytes.readUInt16BE(aAt)).toBe(0xc000 | targetAt);
      expect(bytes.readUInt16BE(aAt + 2 + 10 + 4)).toBe(0xc000 | targetAt); // the AAAA too
      const decoded = dnsPacket.decode(bytes);
      expect(decoded.answers?.map((r) => [r.name, r.type])).toEqual([['_HTTP._tcp.web.example', 'SRV']]);
      // The records say the same as before; the target's spelling is the SRV record's.
      expect(decoded.additionals?.map((r) => [r.name, r.type, 'data' in r ? r.data : undefined])).toEqual([
        ['web.example', 'A', '10.0.0.1'],
        ['web.example', 'AAAA', 'fd00::1'],
      ]);
    });

    it('looks each owner up when the answer has two targets', () => {
      const { msg, bytes } = answer('_http._tcp.both.example.', RRType.SRV);
      const decoded = dnsPacket.decode(bytes);
      expect(decoded.additionals?.map((r) => [r.name, r.type])).toEqual([
        ['WEB.example', 'A'], ['WEB.example', 'AAAA'], ['two.example', 'A'],
      ]);
      // The first address's owner as the zone spells it, `WEB`, and a pointer to the question's `example`.
      const firstAdditional = msg.length + 2 * (2 + 10 + 6 + nameWire('web.example.').length);
      expect(bytes.subarray(firstAdditional, firstAdditional + 6)).toEqual(Buffer.from([3, 0x57, 0x45, 0x42, 0xc0, 12 + 16]));
    });

    it('points into an unpacked one-record MX the same way (a zone built from RRsets, as a segment view is)', () => {
      const origin = ['example'];
      const built = buildZone(origin, [
        { owner: origin, type: RRType.SOA, ttl: 30, rdata: [soaRdata({ mname: ['ns', 'example'], rname: ['hostmaster', 'example'], serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })] },
        { owner: ['mail', 'example'], type: RRType.MX, ttl: 30, rdata: [mxRdata(10, ['mx', 'example'])] },
        { owner: ['mx', 'example'], type: RRType.A, ttl: 30, rdata: [aRdata('10.0.0.25')] },
      ]);
      const { msg, q, w } = setup('mail.example.');
      const looked = built.lookup(q.labels(), RRType.MX, new LookupScratch());
      expect(looked.answer[0]).not.toBeInstanceOf(PackedRRset);
      expect(w.writeResult(looked, 1232)).toBe(true);
      w.finish(false, false, 0);
      const bytes = out(w);
      const targetAt = msg.length + 2 + 10 + 2; // owner pointer, fixed fields, preference
      const aAt = targetAt + nameWire('mx.example.').length;
      expect(bytes.readUInt16BE(aAt)).toBe(0xc000 | targetAt);
      expect(dnsPacket.decode(bytes).additionals?.map((r) => [r.name, r.type])).toEqual([['mx.example', 'A']]);
    });

    it('writes no records and no pointers when the answer does not fit', () => {
      const { msg, q, w } = setup('_http._tcp.web.example.');
      const looked = zone.lookup(q.labels(), RRType.SRV, new LookupScratch());
      expect(w.writeResult(looked, msg.length + 20)).toBe(false);
      w.finish(false, false, 0);
      expect(w.length).toBe(msg.length);
      expect(out(w).readUInt16BE(6)).toBe(0);
      expect(out(w).readUInt16BE(10)).toBe(0);
    });

    it('writes the same bytes as a result without the hint wherever the owner is the question', () => {
      const hinted = answer('WeB.example.', RRType.A);
      const { w } = setup('WeB.example.');
      w.writeResult(result('Success', { answer: [...hinted.looked.answer] }), 1232);
      w.finish(false, false, 0);
      expect(hinted.bytes).toEqual(out(w));
    });
  });
});
