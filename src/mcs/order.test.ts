import { describe, expect, it } from 'vitest';
import { RRType } from '../zone/types.js';
import { AnswerOrder } from './order.js';
import type { GroupedRRset } from './records.js';

function rrset(groups: Array<[string, number, number]>): GroupedRRset {
  const count = groups.reduce((n, [, , c]) => n + c, 0);
  return {
    owner: ['web'], type: RRType.A, ttl: 5,
    rdata: Array.from({ length: count }, (_, i) => Uint8Array.of(10, 0, 0, i)),
    groups: groups.map(([cluster, weight, c]) => ({ cluster, weight, count: c })),
  };
}

describe('AnswerOrder', () => {
  it('puts the client\'s own cluster first, keeping the rest in order', () => {
    const order = new AnswerOrder();
    const set = rrset([['east', 100, 1], ['west', 100, 2], ['north', 100, 1]]);
    expect(order.order(set, 'west')).toEqual([1, 2, 0, 3]);
    expect(order.order(set, 'west')).toEqual([1, 2, 0, 3]);
  });

  it('rotates the leading cluster in proportion to weight for unknown clients', () => {
    const order = new AnswerOrder();
    const set = rrset([['east', 300, 1], ['west', 100, 1]]);
    const leads = Array.from({ length: 400 }, () => order.order(set, undefined)![0]);
    expect(leads.filter((i) => i === 0)).toHaveLength(300);
    expect(leads.filter((i) => i === 1)).toHaveLength(100);
    expect(leads.slice(0, 4)).toEqual([0, 0, 1, 0]);
  });

  it('rotates evenly with equal weights, and leaves a single cluster alone', () => {
    const order = new AnswerOrder();
    const set = rrset([['a', 1, 1], ['b', 1, 1], ['c', 1, 1]]);
    expect([0, 1, 2, 3, 4, 5].map(() => order.order(set, 'elsewhere')![0])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(order.order(rrset([['a', 1, 3]]), undefined)).toBeUndefined();
  });
});
