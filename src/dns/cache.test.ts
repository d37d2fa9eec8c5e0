import { describe, expect, it } from 'vitest';
import { ResponseCache, patchInto } from './cache.js';
import { ScannedQuery, scanQuery } from './scanner.js';
import { buildQuery } from './testing/wire.js';

function scanned(msg: Buffer): ScannedQuery {
  const q = new ScannedQuery();
  scanQuery(msg, q);
  return q;
}

describe('ResponseCache', () => {
  it('keys ignore case and ID, but not type, EDNS shape or limit', () => {
    const k = (spec: Parameters<typeof buildQuery>[0], limit = 512) => ResponseCache.key(scanned(buildQuery(spec)), limit);
    expect(k({ name: 'A.example.', id: 1 })).toBe(k({ name: 'a.EXAMPLE.', id: 2 }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.', qtype: 28 }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.', edns: {} }));
    expect(k({ name: 'a.example.', edns: {} })).not.toBe(k({ name: 'a.example.', edns: { do: true } }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.' }, 65535));
    expect(k({ name: 'ab.example.' })).not.toBe(k({ name: 'a.bexample.' }));
  });

  it('admits a key on its second miss', () => {
    const cache = new ResponseCache(10);
    expect(cache.admit('k')).toBe(false);
    expect(cache.admit('k')).toBe(true);
  });

  it('serves nothing stored before a clear (a view swap)', () => {
    const cache = new ResponseCache(10);
    const response = Buffer.from([1, 2, 3]);
    cache.set('k', response);
    expect(cache.get('k')).toBe('\x01\x02\x03');
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', response);
    expect(cache.get('k')).toBe('\x01\x02\x03');
  });

  it('stores a copy: the buffer it was given may be reused', () => {
    const cache = new ResponseCache(10);
    const response = Buffer.from([0x80, 0xff, 7]);
    cache.set('k', response);
    response.fill(0);
    expect(Buffer.from(cache.get('k') ?? '', 'latin1')).toEqual(Buffer.from([0x80, 0xff, 7]));
  });

  it('patchInto copies ID, question spelling, RD and CD from the query', () => {
    const stored = Buffer.from(buildQuery({ id: 1, name: 'www.example.', flags: 0x8100 })).toString('latin1');
    const msg = buildQuery({ id: 0xabcd, name: 'WwW.ExAmPlE.', flags: 0x0010 });
    const out = Buffer.alloc(stored.length + 2);
    patchInto(stored, msg, scanned(msg), out, 2);
    expect(out.readUInt16BE(2)).toBe(0xabcd);
    expect(out.readUInt16BE(4)).toBe(0x8010); // QR kept, RD cleared, CD set
    expect(out.subarray(14, 14 + 12).toString('latin1')).toBe('\x03WwW\x07ExAmPlE');
  });
});

describe('ResponseCache slots', () => {
  it('keeps at most its size, dropping the least recently used response', () => {
    const cache = new ResponseCache(2);
    cache.set('a', Buffer.from('A'));
    cache.set('b', Buffer.from('B'));
    expect(cache.get('a')).toBe('A'); // a is now more recent than b
    cache.set('c', Buffer.from('C'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('overwrites an entry from an older view in place when the key is stored again', () => {
    const cache = new ResponseCache(2);
    cache.set('a', Buffer.from('old'));
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', Buffer.from('new'));
    expect(cache.get('a')).toBe('new');
    expect(cache.size).toBe(1);
  });

  it('keys hold type, class, EDNS shape and limit as octets after the name', () => {
    const q = scanned(buildQuery({ name: 'Ab.', qtype: 0x1234, edns: { do: true } }));
    expect(ResponseCache.key(q, 1232)).toBe('\x02ab\x00\x12\x34\x00\x01\x03\x04\xd0');
  });
});
