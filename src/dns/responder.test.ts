import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { Responder } from './responder.js';
import { SwappableViewSource } from './view-source.js';
import { Flag, Rcode } from './constants.js';
import { a, buildQuery, nameWire, result, rrset, tableZone, zoneSet } from './testing/wire.js';
import type { QuerySpec } from './testing/wire.js';
import { ZoneSet, parseZoneText } from '../zone/index.js';

const soa = rrset('example.', 6, 5, new Uint8Array(22));
const host = rrset('host.example.', 1, 300, a('192.0.2.1'));
const big = rrset('big.example.', 16, 300, ...Array.from({ length: 40 }, (_, i) => Uint8Array.of(29, ...Buffer.alloc(29, 97 + (i % 26)))));
const zone = tableZone(
  'example',
  {
    'host.example/1': result('Success', { answer: [host] }),
    'big.example/16': result('Success', { answer: [big] }),
    'sub.example/1': result('Delegation', { authority: [rrset('sub.example.', 2, 60, nameWire('ns.sub.example.'))], additional: [rrset('ns.sub.example.', 1, 60, a('192.0.2.9'))], additionalRequired: 1 }),
    'fail.example/1': result('ServerFailure'),
    'host.example/28': result('NoData', { authority: [soa] }),
  },
  result('NameError', { authority: [soa] }),
);

function responder(cacheSize = 100) {
  const source = new SwappableViewSource(zoneSet(zone));
  return { source, r: new Responder({ source, cacheSize }) };
}

function ask(r: Responder, spec: QuerySpec, transport: 'udp' | 'tcp' = 'udp') {
  const reply = r.respond(buildQuery(spec), transport, 4);
  if (reply === null) return null;
  const bytes = transport === 'tcp' ? reply.subarray(2) : reply;
  return { bytes, packet: dnsPacket.decode(bytes), flags: bytes.readUInt16BE(2) };
}

describe('Responder: result kinds', () => {
  const { r } = responder(0);
  it('Success → NOERROR AA, RD copied, RA 0', () => {
    const res = ask(r, { name: 'host.example.' })!;
    expect(res.flags & 0xf).toBe(Rcode.NOERROR);
    expect(res.flags & (Flag.QR | Flag.AA | Flag.RD | Flag.RA)).toBe(Flag.QR | Flag.AA | Flag.RD);
    expect(res.packet.answers).toHaveLength(1);
  });
  it('NameError → NXDOMAIN AA with SOA', () => {
    const res = ask(r, { name: 'nope.example.', flags: 0 })!;
    expect(res.flags).toBe(Flag.QR | Flag.AA | Rcode.NXDOMAIN);
    expect(res.packet.authorities?.[0].type).toBe('SOA');
  });
  it('NoData → NOERROR AA, no answer', () => {
    const res = ask(r, { name: 'host.example.', qtype: 28 })!;
    expect(res.flags & (0xf | Flag.AA)).toBe(Flag.AA);
    expect(res.packet.answers).toHaveLength(0);
  });
  it('Delegation → AA=0 with glue', () => {
    const res = ask(r, { name: 'sub.example.' })!;
    expect(res.flags & Flag.AA).toBe(0);
    expect(res.packet.additionals).toHaveLength(1);
  });
  it('ServerFailure → SERVFAIL', () => {
    expect(ask(r, { name: 'fail.example.' })!.flags & 0xf).toBe(Rcode.SERVFAIL);
  });
  it('no zone → REFUSED AA=0, also for . NS', () => {
    for (const name of ['other.test.', '.']) {
      const res = ask(r, { name, qtype: 2 })!;
      expect(res.flags).toBe(Flag.QR | Flag.RD | Rcode.REFUSED);
      expect(res.packet.questions?.[0].name).toBe(name === '.' ? '.' : 'other.test');
    }
  });
  it('an exception in lookup → SERVFAIL', () => {
    const thrower = new Responder({ source: new SwappableViewSource({ findZone: () => { throw new Error('boom'); } }), cacheSize: 0 });
    expect(ask(thrower, { name: 'x.' })!.flags & 0xf).toBe(Rcode.SERVFAIL);
  });
});

describe('Responder: policy', () => {
  const { r } = responder(0);
  it('drops QR=1 and short packets', () => {
    expect(ask(r, { flags: Flag.QR })).toBeNull();
    expect(r.respond(Buffer.alloc(5), 'udp', 4)).toBeNull();
  });
  it('FORMERR keeps RD only; QDCOUNT 2 has no question', () => {
    const res = ask(r, { qdcount: 2, flags: Flag.RD | Flag.CD | Flag.AD })!;
    expect(res.flags).toBe(Flag.QR | Flag.RD | Rcode.FORMERR);
    expect(res.bytes.length).toBe(12);
  });
  it('NOTIMP for opcode STATUS: opcode echoed, question kept, flags cleared', () => {
    const res = ask(r, { name: 'host.example.', flags: (2 << 11) | Flag.RD })!;
    expect(res.flags).toBe(Flag.QR | (2 << 11) | Rcode.NOTIMP);
    expect(res.packet.questions).toHaveLength(1);
  });
  it('class CH → REFUSED; AXFR → NOTIMP on UDP, REFUSED on TCP', () => {
    expect(ask(r, { name: 'host.example.', qclass: 3 })!.flags & 0xf).toBe(Rcode.REFUSED);
    expect(ask(r, { name: 'example.', qtype: 252 })!.flags & 0xf).toBe(Rcode.NOTIMP);
    expect(ask(r, { name: 'example.', qtype: 252 }, 'tcp')!.flags & 0xf).toBe(Rcode.REFUSED);
  });
  it('EDNS: OPT iff the query had one; BADVERS for version 1 with no answer', () => {
    expect(ask(r, { name: 'host.example.' })!.packet.additionals).toHaveLength(0);
    const opt = ask(r, { name: 'host.example.', edns: { do: true } })!;
    expect(opt.packet.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 1232 });
    const bad = ask(r, { name: 'host.example.', edns: { version: 1 } })!;
    expect(bad.flags & 0xf).toBe(0);
    expect(bad.packet.answers).toHaveLength(0);
    expect(bad.bytes[bad.bytes.length - 6]).toBe(1); // extended RCODE 16 >> 4
  });
  it('truncation: TC with empty sections over UDP, AA kept; whole over TCP', () => {
    const udp = ask(r, { name: 'big.example.', qtype: 16 })!;
    expect(udp.flags & (Flag.TC | Flag.AA)).toBe(Flag.TC | Flag.AA);
    expect(udp.bytes.readUInt16BE(6)).toBe(0);
    expect(udp.bytes.length).toBeLessThanOrEqual(512);
    const edns = ask(r, { name: 'big.example.', qtype: 16, edns: { size: 4096 } })!;
    // 40 × 42 bytes > 1232: a client offering 4096 still gets TC (our limit), OPT kept.
    expect(edns.flags & Flag.TC).toBe(Flag.TC);
    expect(edns.packet.additionals?.map((r) => r.type)).toEqual(['OPT']);
    const tcp = ask(r, { name: 'big.example.', qtype: 16 }, 'tcp')!;
    expect(tcp.flags & Flag.TC).toBe(0);
    expect(tcp.packet.answers).toHaveLength(40);
  });
});

describe('Responder: cache', () => {
  it('stores a response on its second miss (doorkeeper)', () => {
    const { r } = responder();
    ask(r, { name: 'host.example.' });
    expect(r.cachedResponses).toBe(0);
    ask(r, { name: 'host.example.' });
    expect(r.cachedResponses).toBe(1);
  });
  it('a hit patches ID, question case and RD', () => {
    const { r } = responder();
    ask(r, { id: 1, name: 'host.example.' });
    ask(r, { id: 1, name: 'host.example.' });
    expect(r.cachedResponses).toBe(1);
    const hit = ask(r, { id: 2, name: 'HOST.Example.', flags: 0 })!;
    expect(hit.packet.id).toBe(2);
    expect(hit.packet.questions?.[0].name).toBe('HOST.Example');
    expect(hit.packet.answers?.[0].name).toBe('HOST.Example');
    expect(hit.flags & Flag.RD).toBe(0);
  });
  it('is cleared on swap', () => {
    const { r, source } = responder();
    ask(r, { name: 'host.example.' });
    ask(r, { name: 'host.example.' });
    expect(r.cachedResponses).toBe(1);
    source.swap(zoneSet());
    expect(ask(r, { name: 'host.example.' })!.flags & 0xf).toBe(Rcode.REFUSED);
  });
  it('is cleared on invalidate, and the next answer comes from the refreshed view, built once', () => {
    const { r, source } = responder();
    ask(r, { name: 'host.example.' });
    ask(r, { name: 'host.example.' });
    expect(r.cachedResponses).toBe(1);
    let builds = 0;
    source.invalidate(() => {
      builds++;
      source.swap(zoneSet());
    });
    expect(builds).toBe(0); // deferred until a reader needs the view
    expect(ask(r, { name: 'host.example.' })!.flags & 0xf).toBe(Rcode.REFUSED);
    expect(ask(r, { name: 'host.example.' })!.flags & 0xf).toBe(Rcode.REFUSED);
    expect(builds).toBe(1);
  });
  it('keys on EDNS shape and size limit', () => {
    const { r } = responder();
    ask(r, { name: 'host.example.' });
    ask(r, { name: 'host.example.' });
    expect(ask(r, { name: 'host.example.', edns: {} })!.packet.additionals).toHaveLength(1);
    expect(ask(r, { name: 'host.example.' }, 'tcp')!.packet.answers).toHaveLength(1);
    expect(r.cachedResponses).toBe(1);
    expect(ask(r, { name: 'host.example.', edns: { version: 1 } })!.bytes[5]).toBe(1);
    expect(ask(r, { name: 'host.example.', edns: { version: 1 } })!.packet.answers).toHaveLength(0);
  });
  it('does not cache SERVFAIL', () => {
    let fail = true;
    const source = new SwappableViewSource(zoneSet({ origin: ['x'], lookup: () => (fail ? result('ServerFailure') : result('NoData')) }));
    const r = new Responder({ source, cacheSize: 10 });
    expect(ask(r, { name: 'x.' })!.flags & 0xf).toBe(Rcode.SERVFAIL);
    expect(ask(r, { name: 'x.' })!.flags & 0xf).toBe(Rcode.SERVFAIL);
    expect(r.cachedResponses).toBe(0);
    fail = false;
    expect(ask(r, { name: 'x.' })!.flags & 0xf).toBe(Rcode.NOERROR);
  });
  it('hits over TCP carry the length prefix', () => {
    const { r } = responder();
    r.respond(buildQuery({ name: 'host.example.' }), 'tcp', 4);
    r.respond(buildQuery({ name: 'host.example.' }), 'tcp', 4);
    expect(r.cachedResponses).toBe(1);
    const reply = r.respond(buildQuery({ name: 'host.example.' }), 'tcp', 4)!;
    expect(reply.readUInt16BE(0)).toBe(reply.length - 2);
  });
});

describe('Responder: cached replies are the replies it would build', () => {
  it('answers from the cache byte for byte as without one, over UDP and TCP', () => {
    const built = responder(0).r;
    const cached = responder().r;
    const questions: QuerySpec[] = [
      { name: 'host.example.', id: 1 }, { name: 'HoSt.ExAmPlE.', id: 2, flags: 0x0110 },
      { name: 'nope.example.', edns: { do: true } }, { name: 'big.example.', qtype: 16 },
      { name: 'big.example.', qtype: 16, edns: { size: 4096 } }, { name: 'example.', qtype: 6, edns: {} },
    ];
    for (let pass = 0; pass < 3; pass++) {
      for (const [i, spec] of questions.entries()) {
        for (const transport of ['udp', 'tcp'] as const) {
          const msg = buildQuery({ ...spec, id: 100 * pass + i });
          expect(cached.respond(msg, transport, 4)).toEqual(built.respond(msg, transport, 4));
        }
      }
    }
    expect(cached.cachedResponses).toBeGreaterThanOrEqual(questions.length);
  });
});

describe('Responder: replies written into a caller buffer (batched UDP)', () => {
  it('writes the bytes of a freshly built reply, built or cached, at the offset, and nothing beyond them', () => {
    const r = responder(0).r; // no cache: every reply built
    const into = responder().r;
    const questions: QuerySpec[] = [
      { name: 'host.example.', id: 7 }, { name: 'HOST.example.', id: 8 }, { name: 'host.example.', id: 9, flags: 0 },
      { name: 'hOsT.example.', id: 10, flags: 0x0110 }, // a hit: ID, spelling, RD and CD patched from this query
      { name: 'nope.example.', edns: {} }, { name: 'sub.example.' }, { name: 'fail.example.' },
    ];
    for (const spec of questions) {
      const msg = buildQuery(spec);
      const expected = r.respond(msg, 'udp', 4)!;
      const out = Buffer.alloc(2048, 0xee);
      const length = into.respondInto(msg, 4, '', out, 1000);
      expect(length).toBe(expected.length);
      expect(out.subarray(1000, 1000 + length)).toEqual(expected);
      expect(out.subarray(0, 1000).every((b) => b === 0xee)).toBe(true);
      expect(out.subarray(1000 + length).every((b) => b === 0xee)).toBe(true);
      expect(into.lastRcode).toBe(r.lastRcode);
    }
    expect(into.cachedResponses).toBe(1); // host.example A, admitted on its second miss, then hit
  });

  it('writes nothing and returns -1 for a message that gets no reply', () => {
    const { r } = responder();
    const response = buildQuery({ name: 'host.example.' });
    response[2] |= 0x80; // QR set: a response is never answered
    const out = Buffer.alloc(64, 0xee);
    expect(r.respondInto(response, 4, '', out, 0)).toBe(-1);
    expect(out.every((b) => b === 0xee)).toBe(true);
  });
});

describe('Responder: answers that hold the query name', () => {
  // The qname's label array is reused from query to query (ScannedQuery.labels): a
  // synthesized owner or a CNAME chain must be encoded from this query's name, never a
  // later one's.
  const text = [
    '@ 300 IN SOA ns hostmaster 1 7200 1800 86400 5',
    '@ 300 IN NS ns',
    'ns 300 IN A 192.0.2.53',
    '*.w 300 IN A 192.0.2.7',
    'alias.w2 300 IN CNAME target.w2',
    'target.w2 300 IN A 192.0.2.8',
  ].join('\n');
  const source = new SwappableViewSource(ZoneSet.of([parseZoneText(`${text}\n`, { origin: 'example.' })]));
  const r = new Responder({ source, cacheSize: 0 });

  it('synthesizes each wildcard answer with its own query name', () => {
    for (const label of ['a', 'bb', 'a', 'ccc', 'd']) {
      const res = ask(r, { name: `${label}.w.example.` })!;
      expect(res.packet.answers?.map((x) => [x.name, 'data' in x ? x.data : undefined])).toEqual([[`${label}.w.example`, '192.0.2.7']]);
      const other = ask(r, { name: 'alias.w2.example.' })!; // same label count, in between
      expect(other.packet.answers?.map((x) => x.name)).toEqual(['alias.w2.example', 'target.w2.example']);
    }
  });
});
