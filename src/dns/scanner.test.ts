import { describe, expect, it } from 'vitest';
import { ScannedQuery, ScanStatus, scanQuery } from './scanner.js';
import { buildQuery } from './testing/wire.js';

function scan(msg: Uint8Array): ScannedQuery {
  const q = new ScannedQuery();
  scanQuery(msg, q);
  return q;
}

describe('scanQuery: well-formed queries', () => {
  it('reads header, lowercased question, label offsets', () => {
    const q = scan(buildQuery({ id: 0xbeef, name: 'WwW.ExAmple.', qtype: 28 }));
    expect(q.status).toBe(ScanStatus.Ok);
    expect(q.id).toBe(0xbeef);
    expect(q.rd).toBe(true);
    expect(q.labels()).toEqual(['www', 'example']);
    expect(q.labelOffsets.slice(0, q.labelCount)).toEqual([12, 16]);
    expect(q.qtype).toBe(28);
    expect(q.qclass).toBe(1);
    expect(q.questionEnd).toBe(12 + 13 + 4);
    expect(q.hasEdns).toBe(false);
  });

  it('reads the root name', () => {
    const q = scan(buildQuery({ name: '.', qtype: 2 }));
    expect(q.status).toBe(ScanStatus.Ok);
    expect(q.labels()).toEqual([]);
    expect(q.questionEnd).toBe(17);
  });

  it('gives each name its own labels while reusing the strings of labels seen lately', () => {
    // 4,000 names of 3–4 labels through a 1,024-slot cache: slots collide all the time.
    const names: string[][] = [];
    for (let i = 0; i < 4000; i++) {
      const name = [`svc-${i}`, `ns-${i % 97}`, 'svc', 'clusterset', 'local'].slice(i % 3 === 0 ? 1 : 0);
      names.push(name);
      expect(scan(buildQuery({ name: `${name.join('.').toUpperCase()}.` })).labels()).toEqual(name);
    }
  });

  it('folds ASCII only (RFC 4343 §3)', () => {
    const q = scan(buildQuery({ name: 'A\u00c0b.' }));
    expect(q.labels()).toEqual(['a\u00c0b']);
  });

  it('reads the OPT RR: size, version, DO; ignores options', () => {
    const q = scan(buildQuery({ edns: { size: 4096, do: true, options: Uint8Array.of(0, 100, 0, 1, 7) } }));
    expect(q.status).toBe(ScanStatus.Ok);
    expect(q).toMatchObject({ hasEdns: true, udpSize: 4096, ednsVersion: 0, ednsDo: true });
  });

  it('reads OPT version 1 (the responder answers BADVERS)', () => {
    const q = scan(buildQuery({ edns: { version: 1 } }));
    expect(q.status).toBe(ScanStatus.Ok);
    expect(q.ednsVersion).toBe(1);
  });

  it('ignores trailing bytes', () => {
    expect(scan(Buffer.concat([buildQuery(), Buffer.from([1, 2, 3, 4])])).status).toBe(ScanStatus.Ok);
  });
});

describe('scanQuery: malformed input', () => {
  it('drops a packet shorter than a header', () => {
    for (let n = 0; n < 12; n++) expect(scan(Buffer.alloc(n)).status).toBe(ScanStatus.Drop);
  });

  it('drops QR=1', () => {
    expect(scan(buildQuery({ flags: 0x8100 })).status).toBe(ScanStatus.Drop);
  });

  it('FORMERR for QDCOUNT 0 and 2 (RFC 9619)', () => {
    expect(scan(buildQuery({ qdcount: 0 })).status).toBe(ScanStatus.FormErr);
    const two = scan(buildQuery({ qdcount: 2 }));
    expect(two.status).toBe(ScanStatus.FormErr);
    expect(two.questionEnd).toBe(0);
  });

  it('FORMERR for a compression pointer in the question', () => {
    const msg = buildQuery({ name: 'a.' });
    const bad = Buffer.concat([msg.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    expect(scan(bad).status).toBe(ScanStatus.FormErr);
  });

  it('FORMERR for a label over 63 octets and a name over 255', () => {
    expect(scan(buildQuery({ name: 'x'.repeat(64) + '.' })).status).toBe(ScanStatus.FormErr);
    expect(scan(buildQuery({ name: 'x'.repeat(63) + '.' })).status).toBe(ScanStatus.Ok);
    const long = Array(5).fill('y'.repeat(50)).join('.') + '.'; // 5 × 51 + 1 = 256
    expect(scan(buildQuery({ name: long })).status).toBe(ScanStatus.FormErr);
    const max = Array(4).fill('y'.repeat(62)).join('.') + '.x.'; // 4 × 63 + 2 + 1 = 255
    expect(scan(buildQuery({ name: max })).status).toBe(ScanStatus.Ok);
  });

  it('FORMERR for a truncated question, at every cut', () => {
    const msg = buildQuery({ name: 'www.example.' });
    for (let n = 12; n < msg.length; n++) expect(scan(msg.subarray(0, n)).status).toBe(ScanStatus.FormErr);
  });

  it('FORMERR for two OPT RRs, with the question still known', () => {
    const q = scan(buildQuery({ edns: {}, extraOpt: true }));
    expect(q.status).toBe(ScanStatus.FormErr);
    expect(q.questionEnd).toBeGreaterThan(12);
  });

  it('FORMERR when counts promise more records than there are bytes', () => {
    const msg = buildQuery();
    msg.writeUInt16BE(3, 6); // ANCOUNT 3, nothing follows
    expect(scan(msg).status).toBe(ScanStatus.FormErr);
    const truncatedOpt = buildQuery({ edns: {} });
    expect(scan(truncatedOpt.subarray(0, truncatedOpt.length - 1)).status).toBe(ScanStatus.FormErr);
  });

  it('FORMERR for an OPT whose owner is not the root', () => {
    const msg = buildQuery({ edns: {} });
    const opt = msg.subarray(msg.length - 11);
    const bad = Buffer.concat([msg.subarray(0, msg.length - 11), Buffer.from([0xc0, 12]), opt.subarray(1)]);
    expect(scan(bad).status).toBe(ScanStatus.FormErr);
  });

  it('NOTIMP for an unknown opcode, keeping a readable question', () => {
    const q = scan(buildQuery({ flags: 2 << 11 }));
    expect(q.status).toBe(ScanStatus.NotImp);
    expect(q.questionEnd).toBeGreaterThan(12);
    const headerOnly = Buffer.alloc(12);
    headerOnly[2] = 15 << 3;
    expect(scan(headerOnly).status).toBe(ScanStatus.NotImp);
  });

  it('survives random bytes', () => {
    const q = new ScannedQuery();
    for (let i = 0; i < 5000; i++) {
      const msg = Buffer.alloc(1 + Math.floor(Math.random() * 80));
      for (let j = 0; j < msg.length; j++) msg[j] = Math.floor(Math.random() * 256);
      expect(() => scanQuery(msg, q)).not.toThrow();
    }
  });
});

describe('ScannedQuery.labels', () => {
  it('reuses one array per label count, refilled by each scan', () => {
    const q = new ScannedQuery();
    scanQuery(buildQuery({ name: 'One.Example.' }), q);
    const first = q.labels();
    expect(first).toEqual(['one', 'example']);
    scanQuery(buildQuery({ name: 'two.example.' }), q);
    expect(q.labels()).toBe(first);
    expect(first).toEqual(['two', 'example']);
    scanQuery(buildQuery({ name: 'a.b.c.' }), q);
    expect(q.labels()).toEqual(['a', 'b', 'c']);
  });
});
