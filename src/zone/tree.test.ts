// ZoneNode keeps a lone RRset without an array and several in a type-sorted one; every
// way of reading and writing them must agree whichever form the node is in.
import { describe, expect, it } from 'vitest';
import { ZoneNode, insertRRset } from './tree.js';
import { RRType, type RRset } from './types.js';

function rrset(type: number, byte = 1): RRset {
  return { owner: ['x', 'example'], type, ttl: 60, rdata: [new Uint8Array([byte])] };
}

describe('ZoneNode RRsets', () => {
  it('an empty node holds none', () => {
    const node = new ZoneNode('x', 1);
    expect(node.rrsets).toEqual([]);
    expect(node.rrsetCount).toBe(0);
    expect(node.firstRRset()).toBeUndefined();
    expect(node.get(RRType.A)).toBeUndefined();
  });

  it('one RRset is found by its type only', () => {
    const node = new ZoneNode('x', 1);
    const a = rrset(RRType.A);
    expect(insertRRset(node, a)).toBeUndefined();
    expect(node.rrsets).toEqual([a]);
    expect(node.rrsetCount).toBe(1);
    expect(node.firstRRset()).toBe(a);
    expect(node.get(RRType.A)).toBe(a);
    expect(node.get(RRType.AAAA)).toBeUndefined();
  });

  it('inserts keep the RRsets sorted by type, from one to several', () => {
    const node = new ZoneNode('x', 1);
    const [txt, a, aaaa] = [rrset(RRType.TXT), rrset(RRType.A), rrset(RRType.AAAA)];
    insertRRset(node, txt);
    insertRRset(node, aaaa);
    insertRRset(node, a);
    expect(node.rrsets.map((r) => r.type)).toEqual([RRType.A, RRType.TXT, RRType.AAAA]);
    expect(node.rrsetCount).toBe(3);
    expect(node.firstRRset()).toBe(a);
    expect(node.get(RRType.AAAA)).toBe(aaaa);
    expect(node.get(RRType.MX)).toBeUndefined();
  });

  it('an insert of a type already held replaces it and returns the old one, in either form', () => {
    const single = new ZoneNode('x', 1);
    const first = rrset(RRType.A, 1);
    const second = rrset(RRType.A, 2);
    insertRRset(single, first);
    expect(insertRRset(single, second)).toBe(first);
    expect(single.rrsets).toEqual([second]);

    const several = new ZoneNode('x', 1);
    const txt = rrset(RRType.TXT);
    insertRRset(several, first);
    insertRRset(several, txt);
    expect(insertRRset(several, second)).toBe(first);
    expect(several.rrsets).toEqual([second, txt]);
  });

  it('assigning a list of one, of several, or an empty list sets that form', () => {
    const node = new ZoneNode('x', 1);
    const [a, txt] = [rrset(RRType.A), rrset(RRType.TXT)];
    node.rrsets = [a, txt];
    expect(node.rrsetCount).toBe(2);
    node.rrsets = [txt];
    expect(node.rrsets).toEqual([txt]);
    expect(node.get(RRType.A)).toBeUndefined();
    node.rrsets = [];
    expect(node.rrsetCount).toBe(0);
    expect(node.get(RRType.TXT)).toBeUndefined();
  });

  it('a copy shares the RRsets, and replacing them on the copy leaves the original alone', () => {
    const node = new ZoneNode('x', 1);
    const [a, txt] = [rrset(RRType.A), rrset(RRType.TXT)];
    insertRRset(node, a);
    const copy = node.copy();
    expect(copy.get(RRType.A)).toBe(a);
    insertRRset(copy, txt);
    expect(copy.rrsetCount).toBe(2);
    expect(node.rrsets).toEqual([a]);
  });

  it('an NS RRset below the apex makes the node a cut', () => {
    const apex = new ZoneNode('example', 0);
    const child = new ZoneNode('x', 1);
    insertRRset(apex, rrset(RRType.NS));
    insertRRset(child, rrset(RRType.NS));
    expect(apex.cut).toBe(false);
    expect(child.cut).toBe(true);
  });
});
