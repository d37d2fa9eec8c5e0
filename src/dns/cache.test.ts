import { describe, expect, it } from 'vitest';
import { ResponseCache, SLOT_BYTES, SPILL_BUDGET_BYTES, writeCacheKey } from './cache.js';
import { HEADER_SIZE } from './constants.js';
import { ScannedQuery, scanQuery } from './scanner.js';
import { buildQuery } from './testing/wire.js';
import type { QuerySpec } from './testing/wire.js';

/** A query as the responder holds it: the message and its scan. */
interface Asked {
  readonly msg: Buffer;
  readonly q: ScannedQuery;
}

function ask(name: string, spec: QuerySpec = {}): Asked {
  const msg = buildQuery({ name, ...spec });
  const q = new ScannedQuery();
  scanQuery(msg, q);
  return { msg, q };
}

/**
 * A response to `asked` as the writer lays one out: a header (QR, AA, one answer), the
 * question as asked, then `tail` (the records; any bytes will do for the cache).
 */
function responseTo(asked: Asked, tail: Uint8Array | number[]): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  asked.msg.copy(header, 0, 0, 4);
  header[2] |= 0x84;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  return Buffer.concat([header, asked.msg.subarray(HEADER_SIZE, asked.q.questionEnd), Buffer.from(tail)]);
}

/** What the cache serves `asked` within `limit` bytes, as written into a reply slot; undefined on a miss. */
function served(cache: ResponseCache, asked: Asked, limit = 512): Buffer | undefined {
  const length = cache.lookup(asked.q, limit);
  if (length < 0) return undefined;
  const out = Buffer.alloc(length + 3, 0xee);
  cache.copyHitInto(asked.msg, asked.q, out, 3);
  expect(out.subarray(0, 3)).toEqual(Buffer.from([0xee, 0xee, 0xee]));
  return out.subarray(3);
}

/** A miss and its offer, as the responder makes them: lookup(), then offer() of the built response. */
function missThenOffer(cache: ResponseCache, asked: Asked, response: Buffer, limit = 512, length = response.length): void {
  cache.lookup(asked.q, limit);
  cache.offer(asked.q, response, length);
}

/** Two misses in a row: the second offer passes the doorkeeper. */
function store(cache: ResponseCache, asked: Asked, response: Buffer, limit = 512): void {
  missThenOffer(cache, asked, response, limit);
  missThenOffer(cache, asked, response, limit);
}

/** The records part of a served response (after the question). */
function tailOf(response: Buffer | undefined, asked: Asked): string | undefined {
  return response?.subarray(asked.q.questionEnd).toString('latin1');
}

describe('ResponseCache', () => {
  it('keys ignore case and ID, but not type, EDNS shape or limit', () => {
    const k = (spec: QuerySpec, limit = 512) => {
      const { q } = ask(spec.name ?? 'example.', spec);
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
    const { q } = ask('Ab.', { qtype: 0x1234, edns: { do: true } });
    const length = writeCacheKey(q, 1232);
    expect(q.nameBytes.toString('latin1', 0, length)).toBe('\x02ab\x00\x12\x34\x00\x01\x03\x04\xd0');
  });

  it('stores a response on its second miss, and serves it to the same key in any case', () => {
    const cache = new ResponseCache(10);
    const first = ask('a.example.');
    const response = responseTo(first, [1, 2, 3]);
    missThenOffer(cache, first, response);
    expect(served(cache, ask('a.example.'))).toBeUndefined();
    missThenOffer(cache, first, response);
    const other = ask('A.Example.', { id: 0x4321 });
    expect(served(cache, other)).toEqual(responseTo(other, [1, 2, 3]));
    expect(served(cache, ask('a.example.'), 1232)).toBeUndefined();
    expect(served(cache, ask('a.example.', { qtype: 28 }))).toBeUndefined();
  });

  it('stores every key of a cycle that fits, asked in a fixed order (as dnsperf replays its file)', () => {
    // With one remembered fingerprint per doorkeeper bucket, keys that shared a bucket
    // overwrote each other in turn and ~37 % of these 30,000 were never stored.
    const cache = new ResponseCache(100_000);
    const asked = Array.from({ length: 30_000 }, (_, i) => ask(`svc-${i}.ns-${i % 100}.svc.clusterset.local.`));
    for (let pass = 0; pass < 2; pass++) {
      for (const a of asked) if (cache.lookup(a.q, 512) < 0) cache.offer(a.q, responseTo(a, [7]), a.q.questionEnd + 1);
    }
    expect(asked.filter((a) => cache.lookup(a.q, 512) < 0)).toHaveLength(0);
    expect(cache.size).toBe(30_000);
  });

  it('serves nothing stored before a clear (a view swap)', () => {
    const cache = new ResponseCache(10);
    const k = ask('k.');
    store(cache, k, responseTo(k, [1, 2, 3]));
    expect(tailOf(served(cache, k), k)).toBe('\x01\x02\x03');
    cache.clear();
    expect(served(cache, k)).toBeUndefined();
    missThenOffer(cache, k, responseTo(k, [4])); // the doorkeeper still knows k
    expect(tailOf(served(cache, k), k)).toBe('\x04');
    expect(cache.size).toBe(1);
  });

  it('stores a copy of the first `length` bytes: the buffer it was given may be reused', () => {
    const cache = new ResponseCache(10);
    const k = ask('k.');
    const response = responseTo(k, [0x80, 0xff, 7, 9]);
    missThenOffer(cache, k, response, 512, response.length - 1);
    missThenOffer(cache, k, response, 512, response.length - 1);
    response.fill(0);
    expect(served(cache, k)).toEqual(responseTo(k, [0x80, 0xff, 7]));
  });

  it('answers with the ID, question spelling, RD and CD of the query, the rest as stored', () => {
    const cache = new ResponseCache(10);
    const stored = ask('www.example.', { id: 1, flags: 0x0100 });
    const response = responseTo(stored, [5, 6]);
    response.writeUInt16BE(0x8583, 2); // QR AA RD, NXDOMAIN
    store(cache, stored, response);
    const asked = ask('WwW.ExAmPlE.', { id: 0xabcd, flags: 0x0010 });
    const out = served(cache, asked)!;
    expect(out.readUInt16BE(0)).toBe(0xabcd);
    expect(out.readUInt16BE(2)).toBe(0x8493); // QR AA kept, RD cleared, CD set, RCODE kept
    expect(out.subarray(HEADER_SIZE, HEADER_SIZE + 12).toString('latin1')).toBe('\x03WwW\x07ExAmPlE');
    expect(out.subarray(4, HEADER_SIZE)).toEqual(response.subarray(4, HEADER_SIZE));
    expect(tailOf(out, asked)).toBe('\x05\x06');
    expect(cache.hitRcode()).toBe(3);
  });

  it('does not store a response shorter than its question', () => {
    const cache = new ResponseCache(10);
    const k = ask('k.');
    store(cache, k, Buffer.alloc(HEADER_SIZE));
    expect(served(cache, k)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a response too long for its place whole, and the place is reused after it', () => {
    const cache = new ResponseCache(1);
    const big = ask('big.example.');
    const records = Array.from({ length: SLOT_BYTES * 3 }, (_, i) => i & 0xff);
    store(cache, big, responseTo(big, records));
    expect(served(cache, big)).toEqual(responseTo(big, records));
    // The one slot goes to a small response, then back to a long one: each is served whole.
    const small = ask('small.example.');
    store(cache, small, responseTo(small, [9]));
    expect(served(cache, small)).toEqual(responseTo(small, [9]));
    expect(served(cache, big)).toBeUndefined();
    store(cache, big, responseTo(big, records));
    expect(served(cache, big)).toEqual(responseTo(big, records));
    expect(served(cache, small)).toBeUndefined();
  });

  it('writes into a buffer that starts inside a larger one, and refuses one too short', () => {
    const cache = new ResponseCache(4);
    const k = ask('k.example.');
    const response = responseTo(k, [1, 2, 3, 4, 5, 6, 7]);
    store(cache, k, response);
    const backing = Buffer.alloc(200, 0xee);
    const out = backing.subarray(13, 13 + response.length + 5);
    expect(cache.lookup(k.q, 512)).toBe(response.length);
    expect(cache.copyHitInto(k.msg, k.q, out, 5)).toBe(true);
    expect(out.subarray(5)).toEqual(response);
    expect(backing.subarray(0, 18).every((b) => b === 0xee)).toBe(true);
    expect(backing.subarray(13 + out.length).every((b) => b === 0xee)).toBe(true);
    const short = Buffer.alloc(response.length - 1, 0xee);
    expect(cache.copyHitInto(k.msg, k.q, short, 0)).toBe(false);
    expect(short.every((b) => b === 0xee)).toBe(true);
  });

  it('reads no hit after a miss', () => {
    const cache = new ResponseCache(4);
    const k = ask('k.');
    store(cache, k, responseTo(k, [1]));
    expect(cache.lookup(k.q, 512)).toBeGreaterThan(0);
    expect(cache.lookup(ask('other.').q, 512)).toBe(-1);
    expect(() => cache.hitRcode()).toThrow(/missed/);
    expect(() => cache.copyHitInto(k.msg, k.q, Buffer.alloc(100), 0)).toThrow(/missed/);
  });

  it('reuses a long answer\'s buffer for the next long one that fits, and counts what it holds', () => {
    const cache = new ResponseCache(1);
    const k = ask('long.example.');
    const long = Array.from({ length: SLOT_BYTES * 2 }, (_, i) => i & 0xff);
    store(cache, k, responseTo(k, long));
    const held = cache.spilledBytes;
    expect(held).toBeGreaterThan(SLOT_BYTES * 2);
    cache.clear(); // the entry is stale; its slot and buffer are reused by the next answer
    const shorter = long.slice(0, SLOT_BYTES + 10).reverse();
    missThenOffer(cache, k, responseTo(k, shorter));
    expect(served(cache, k)).toEqual(responseTo(k, shorter));
    expect(cache.spilledBytes).toBe(held);
    const longer = Array.from({ length: SLOT_BYTES * 3 }, (_, i) => (i * 7) & 0xff);
    store(cache, k, responseTo(k, longer));
    expect(served(cache, k)).toEqual(responseTo(k, longer));
    expect(cache.spilledBytes).toBeGreaterThan(SLOT_BYTES * 3);
    store(cache, k, responseTo(k, [1]));
    expect(cache.spilledBytes).toBe(0);
  });

  it('stores long answers only within its budget, and serves those it kept', () => {
    const records = Array.from({ length: 60_000 }, (_, i) => i & 0xff);
    const count = Math.ceil(SPILL_BUDGET_BYTES / 60_000) + 20;
    const cache = new ResponseCache(count + 10);
    const asked = Array.from({ length: count }, (_, i) => ask(`big-${i}.example.`));
    for (const a of asked) store(cache, a, responseTo(a, records), 65_535);
    expect(cache.spilledBytes).toBeLessThanOrEqual(SPILL_BUDGET_BYTES);
    const kept = asked.filter((a) => cache.lookup(a.q, 65_535) >= 0);
    expect(kept.length).toBeGreaterThan(count - 30);
    expect(kept.length).toBeLessThan(count);
    expect(served(cache, kept[kept.length - 1]!, 65_535)).toEqual(responseTo(kept[kept.length - 1]!, records));
    // A short answer still has its place in the slab.
    const small = ask('small.example.');
    store(cache, small, responseTo(small, [5]));
    expect(served(cache, small)).toEqual(responseTo(small, [5]));
  });

  it('fills a place exactly: key, header and records of SLOT_BYTES in all', () => {
    const cache = new ResponseCache(2);
    const a = ask('a.');
    const b = ask('b.');
    const keyLength = writeCacheKey(a.q, 512);
    const fits = Array.from({ length: SLOT_BYTES - keyLength - HEADER_SIZE }, (_, i) => 255 - (i & 0xff));
    store(cache, a, responseTo(a, fits));
    store(cache, b, responseTo(b, [1]));
    expect(served(cache, a)).toEqual(responseTo(a, fits));
    expect(served(cache, b)).toEqual(responseTo(b, [1]));
  });
});

describe('ResponseCache slots', () => {
  it('keeps at most its size, dropping the least recently used response', () => {
    const cache = new ResponseCache(2);
    const [a, b, c] = ['a.', 'b.', 'c.'].map((name) => ask(name));
    store(cache, a, responseTo(a, [0x41]));
    store(cache, b, responseTo(b, [0x42]));
    expect(tailOf(served(cache, a), a)).toBe('A'); // a is now more recent than b
    store(cache, c, responseTo(c, [0x43]));
    expect(cache.size).toBe(2);
    expect(served(cache, b)).toBeUndefined();
    expect(tailOf(served(cache, a), a)).toBe('A');
    expect(tailOf(served(cache, c), c)).toBe('C');
  });

  it('finds every live entry and no evicted one over many evictions', () => {
    // 3,000 names through 500 slots: each eviction removes a hash from the index, and a
    // lookup must still find the entries probed past it.
    const cache = new ResponseCache(500);
    const asked = Array.from({ length: 3_000 }, (_, i) => ask(`n${i}.example.`));
    asked.forEach((a, i) => store(cache, a, responseTo(a, Buffer.from(`r${i}`))));
    asked.forEach((a, i) => expect(tailOf(served(cache, a), a)).toBe(i >= 2_500 ? `r${i}` : undefined));
    expect(cache.size).toBe(500);
  });
});
