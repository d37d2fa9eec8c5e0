import { describe, expect, it } from 'vitest';
import { RRType, type LookupResult } from '../zone/types.js';
import { parseCidr, type Cidr } from './cidr.js';
import { ClusterAnswerShaper } from './shaper.js';
import type { GroupedRRset } from './records.js';

const cidr = (t: string) => parseCidr(t) as Cidr;
const grouped: GroupedRRset = {
  owner: ['web'], type: RRType.A, ttl: 5,
  rdata: [Uint8Array.of(10, 96, 0, 1), Uint8Array.of(10, 97, 0, 1)],
  groups: [{ cluster: 'east', weight: 100, count: 1 }, { cluster: 'west', weight: 100, count: 1 }],
};
const result = (answer: LookupResult['answer']): LookupResult => ({ kind: 'Success', answer, authority: [], additional: [], additionalRequired: 0 });
const firstOctets = (r: LookupResult | null) => r!.answer[0]!.rdata.map((d) => d[1]);

describe('ClusterAnswerShaper', () => {
  const shaper = new ClusterAnswerShaper({ east: [cidr('10.0.0.0/16')], west: [cidr('10.1.0.0/16'), cidr('fd01::/64')] });

  it('puts the client\'s cluster first', () => {
    expect(firstOctets(shaper.shape(result([grouped]), '10.1.2.3'))).toEqual([97, 96]);
    expect(firstOctets(shaper.shape(result([grouped]), '::ffff:10.0.0.9'))).toEqual([96, 97]);
    expect(firstOctets(shaper.shape(result([grouped]), 'fd01::5'))).toEqual([97, 96]);
  });

  it('rotates for clients of no known cluster', () => {
    const leads = [1, 2, 3, 4].map(() => firstOctets(shaper.shape(result([grouped]), '192.0.2.1'))[0]);
    expect(leads).toEqual([96, 97, 96, 97]);
  });

  it('leaves answers without cluster groups alone', () => {
    const plain = { owner: ['x'], type: RRType.A, ttl: 5, rdata: [Uint8Array.of(1, 2, 3, 4)] };
    expect(shaper.shape(result([plain]), '10.1.2.3')).toBeNull();
  });

  it('hands back a result that does not say where its owners are, so the writer looks them up', () => {
    const exact: LookupResult = { ...result([grouped]), ownersFromQuestion: true };
    const shaped = shaper.shape(exact, '10.1.2.3');
    expect(shaped?.answer[0]?.rdata).toHaveLength(2);
    expect(shaped?.ownersFromQuestion).toBeUndefined();
  });
});
