import { describe, expect, it } from 'vitest';
import { ResponseCache, patchInto, writeCacheKey } from './cache.js';
import { ScannedQuery, scanQuery } from './scanner.js';
import { buildQuery } from './testing/wire.js';

function scanned(msg: Buffer): ScannedQuery {
  const q = new ScannedQuery();
  scanQuery(msg, q);
  return q;
}

function query(name: string, qtype = 1): ScannedQuery {
  return scanned(buildQuery({ name, qtype }));
}

/** A miss and its offer, as the responder makes them: lookup(), then offer() of the built response. */
function missThenOffer(cache: ResponseCache, q: ScannedQuery, limit: number, response: Buffer, length: number): void {
  cache.lookup(q, limit);
  cache.offer(q, response, length);
}

/** Two misses in a row: the second offer passes the doorkeeper. */
function store(cache: ResponseCache, q: ScannedQuery, response: Buffer, limit = 512): void {
  missThenOffer(cache, q, limit, response, response.length);
  missThenOffer(cache, q, limit, response, response.length);
}

describe('ResponseCache', () => {
  it('keys ignore case and ID, but not type, EDNS shape or limit', () => {
    const k = (spec: Parameters<typeof buildQuery>[0], limit = 512) => {
      const q = scanned(buildQuery(spec));
      return q.nameBytes.toString('latin1', 0, writeCacheKey(q, limit));
    };
    expect(k({ name: 'A.example.', id: 1 })).toBe(k({ name: 'a.EXAMPLE.', id: 2 }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.', qtype: 28 }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.', edns: {} }));
    expect(k({ name: 'a.example.', edns: {} })).not.toBe(k({ name: 'a.example.', edns: { do: true } }));
    expect(k({ name: 'a.example.' })).not.toBe(k({ name: 'a.example.' }, 65535));
    expect(k({ name: 'ab.example.' })).not.toBe(k({ name: 'a.bexample.' }));
  });

  it('keys hold type, class, EDNS shape and limit as octets after the name', () => {
    const q = scanned(buildQuery({ name: 'Ab.', qtype: 0x1234, edns: { do: true } }));
    const length = writeCacheKey(q, 1232);
    expect(q.nameBytes.toString('latin1', 0, length)).toBe('\x02ab\x00\x12\x34\x00\x01\x03\x04\xd0');
  });

  it('stores a response on its second miss, and serves it to the same key in any case', () => {
    const cache = new ResponseCache(10);
    const response = Buffer.from([1, 2, 3]);
    missThenOffer(cache, query('a.example.'), 512, response, 3);
    expect(cache.lookup(query('a.example.'), 512)).toBeUndefined();
    missThenOffer(cache, query('a.example.'), 512, response, 3);
    expect(cache.lookup(query('A.Example.'), 512)).toBe('\x01\x02\x03');
    expect(cache.lookup(query('a.example.'), 1232)).toBeUndefined();
    expect(cache.lookup(query('a.example.', 28), 512)).toBeUndefined();
  });

  it('stores every key of a cycle that fits, asked in a fixed order (as dnsperf replays its file)', () => {
    // With one remembered fingerprint per doorkeeper bucket, keys that shared a bucket
    // overwrote each other in turn and ~37 % of these 30,000 were never stored.
    const cache = new ResponseCache(100_000);
    const queries = Array.from({ length: 30_000 }, (_, i) => query(`svc-${i}.ns-${i % 100}.svc.clusterset.local.`));
    const response = Buffer.from('R');
    for (let pass = 0; pass < 2; pass++) for (const q of queries) if (cache.lookup(q, 512) === undefined) cache.offer(q, response, 1);
    expect(queries.filter((q) => cache.lookup(q, 512) === undefined)).toHaveLength(0);
    expect(cache.size).toBe(30_000);
  });

  it('serves nothing stored before a clear (a view swap)', () => {
    const cache = new ResponseCache(10);
    store(cache, query('k.'), Buffer.from([1, 2, 3]));
    expect(cache.lookup(query('k.'), 512)).toBe('\x01\x02\x03');
    cache.clear();
    expect(cache.lookup(query('k.'), 512)).toBeUndefined();
    missThenOffer(cache, query('k.'), 512, Buffer.from([4]), 1); // the doorkeeper still knows k
    expect(cache.lookup(query('k.'), 512)).toBe('\x04');
    expect(cache.size).toBe(1);
  });

  it('stores a copy of the first `length` bytes: the buffer it was given may be reused', () => {
    const cache = new ResponseCache(10);
    const response = Buffer.from([0x80, 0xff, 7, 9]);
    missThenOffer(cache, query('k.'), 512, response, 3);
    missThenOffer(cache, query('k.'), 512, response, 3);
    response.fill(0);
    expect(Buffer.from(cache.lookup(query('k.'), 512) ?? '', 'latin1')).toEqual(Buffer.from([0x80, 0xff, 7]));
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
    store(cache, query('a.'), Buffer.from('A'));
    store(cache, query('b.'), Buffer.from('B'));
    expect(cache.lookup(query('a.'), 512)).toBe('A'); // a is now more recent than b
    store(cache, query('c.'), Buffer.from('C'));
    expect(cache.size).toBe(2);
    expect(cache.lookup(query('b.'), 512)).toBeUndefined();
    expect(cache.lookup(query('a.'), 512)).toBe('A');
    expect(cache.lookup(query('c.'), 512)).toBe('C');
  });

  it('finds every live entry and no evicted one over many evictions', () => {
    // 3,000 names through 500 slots: each eviction removes a hash from the index, and a
    // lookup must still find the entries probed past it.
    const cache = new ResponseCache(500);
    for (let i = 0; i < 3_000; i++) store(cache, query(`n${i}.example.`), Buffer.from(`r${i}`));
    for (let i = 0; i < 3_000; i++) expect(cache.lookup(query(`n${i}.example.`), 512)).toBe(i >= 2_500 ? `r${i}` : undefined);
    expect(cache.size).toBe(500);
  });
});
