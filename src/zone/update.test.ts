/**
 * Zone.withChanges against the dumb oracle: after every step of random upserts and
 * removals, the derived zone answers every question exactly as buildZone of the same
 * RRsets does, and the zone it was derived from still answers as it did before.
 */
import { describe, expect, it } from 'vitest';
import type { Labels, RRset } from './types.js';
import { RRType } from './types.js';
import { ZoneError } from './errors.js';
import { buildZone, type Zone } from './zone.js';
import { aRdata, aaaaRdata, mxRdata, nameRdata, soaRdata, srvRdata, txtRdata } from './rdata-build.js';
import { printRRset } from './print.js';
import { show } from './testing/fixtures.js';
import type { RRsetKey } from './update.js';
import { findNode } from './tree.js';

const ORIGIN = ['example'];
const LABELS = ['a', 'b', 'c', '*', 'ns', 'mail'];
const NAMES: Labels[] = [ORIGIN];
for (const x of LABELS) {
  NAMES.push([x, ...ORIGIN]);
  for (const y of LABELS.slice(0, 4)) {
    NAMES.push([y, x, ...ORIGIN]);
    for (const z of ['a', '*']) NAMES.push([z, y, x, ...ORIGIN]);
  }
}
// Query names: every candidate owner, upper-case spellings aside, plus names below them.
const QNAMES: Labels[] = [...NAMES, ...NAMES.map((n) => ['zz', ...n]), ...NAMES.map((n) => ['q', 'zz', ...n])].filter((n) => !n.includes('*') || n[0] === '*');
const QTYPES = [RRType.A, RRType.AAAA, RRType.TXT, RRType.MX, RRType.SRV, RRType.NS, RRType.CNAME, RRType.SOA, RRType.ANY, RRType.DS];

/** Mulberry32: a seeded generator so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly #r: () => number;
  constructor(seed: number) {
    this.#r = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.#r() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  name(): Labels {
    return this.pick(NAMES.slice(1));
  }
  // Owners of random case: keys fold case (RFC 4343), owners keep their spelling.
  owner(): Labels {
    const name = this.name();
    return this.int(4) === 0 ? name.map((l) => l.toUpperCase()) : name;
  }
  target(): Labels {
    return this.int(5) === 0 ? ['elsewhere', 'test'] : this.name();
  }
  rrset(owner: Labels, type: number): RRset {
    const count = type === RRType.CNAME ? 1 : 1 + this.int(2);
    const rdata: Uint8Array[] = [];
    for (let i = 0; i < count; i++) rdata.push(this.rdata(type));
    return { owner, type, ttl: 60 + this.int(3) * 60, rdata };
  }
  rdata(type: number): Uint8Array {
    switch (type) {
      case RRType.A: return aRdata(`192.0.2.${this.int(4)}`);
      case RRType.AAAA: return aaaaRdata(`2001:db8::${this.int(4)}`);
      case RRType.TXT: return txtRdata([`t${this.int(3)}`]);
      case RRType.MX: return mxRdata(this.int(3), this.target());
      case RRType.SRV: return srvRdata(0, this.int(3), 80, this.target());
      default: return nameRdata(this.target());
    }
  }
  type(): number {
    return this.pick([RRType.A, RRType.A, RRType.AAAA, RRType.TXT, RRType.MX, RRType.SRV, RRType.NS, RRType.CNAME]);
  }
}

const soa = (serial: number): RRset => ({
  owner: ORIGIN, type: RRType.SOA, ttl: 3600,
  rdata: [soaRdata({ mname: ['ns', ...ORIGIN], rname: ['hostmaster', ...ORIGIN], serial, refresh: 7200, retry: 1800, expire: 86400, minimum: 300 })],
});

const keyOf = (r: RRsetKey): string => `${r.owner.map((l) => l.toLowerCase()).join('.')}/${r.type}`;

/** The oracle's zone content: per (owner, type) the RRsets stored there, merged by buildZone. */
type Model = Map<string, RRset[]>;

function flat(model: Model): RRset[] {
  return [...model.values()].flat();
}

function answers(zone: Zone): string[] {
  const out: string[] = [];
  for (const name of QNAMES) for (const type of QTYPES) out.push(JSON.stringify(show(zone.lookup(name, type))));
  return out;
}

const sorted = (zone: Zone): string[] => zone.rrsets.map(printRRset).sort();

function randomStep(g: Gen, model: Model, serial: number): { upsert: RRset[]; remove: RRsetKey[]; next: Model } {
  const next = new Map(model);
  const upsert: RRset[] = [];
  const remove: RRsetKey[] = [];
  const changes = 1 + g.int(4);
  const existing = [...model.keys()].filter((k) => !k.endsWith(`/${RRType.SOA}`));
  for (let i = 0; i < changes; i++) {
    if (g.int(3) === 0 && existing.length > 0) {
      const k = g.pick(existing);
      const r = (model.get(k) as RRset[])[0];
      remove.push({ owner: r.owner, type: r.type });
      next.delete(k);
    } else {
      const r = g.rrset(g.owner(), g.type());
      // A second upsert of a pair in one change merges with the first, as in buildZone.
      const k = keyOf(r);
      const before = upsert.some((u) => keyOf(u) === k) ? (next.get(k) ?? []) : [];
      upsert.push(r);
      next.delete(k);
      next.set(k, [...before, r]);
    }
  }
  next.set(keyOf({ owner: ORIGIN, type: RRType.SOA }), [soa(serial)]);
  return { upsert, remove, next };
}

describe('Zone.withChanges (property: equals buildZone of the same RRsets)', () => {
  for (let seed = 1; seed <= 6; seed++) {
    it(`random zone and 40 random steps, seed ${seed}`, () => {
      const g = new Gen(seed);
      let model: Model = new Map([[keyOf({ owner: ORIGIN, type: RRType.SOA }), [soa(1)]]]);
      model.set(keyOf({ owner: ORIGIN, type: RRType.NS }), [{ owner: ORIGIN, type: RRType.NS, ttl: 3600, rdata: [nameRdata(['ns', ...ORIGIN])] }]);
      let zone = buildZone(ORIGIN, flat(model));
      let applied = 0;
      for (let step = 0; step < 40; step++) {
        const { upsert, remove, next } = randomStep(g, model, step + 2);
        let full: Zone | undefined;
        try {
          full = buildZone(ORIGIN, flat(next));
        } catch (err) {
          expect(err).toBeInstanceOf(ZoneError);
        }
        const before = answers(zone);
        if (full === undefined) {
          expect(() => zone.withChanges({ upsert, remove, soa: soa(step + 2) })).toThrow(ZoneError);
          continue;
        }
        const derived = zone.withChanges({ upsert, remove, soa: soa(step + 2) });
        expect(answers(derived)).toEqual(answers(full));
        expect(sorted(derived)).toEqual(sorted(full));
        // The old zone, whose nodes the new one shares and whose memos it replaced.
        expect(answers(zone)).toEqual(before);
        zone = derived;
        model = next;
        applied++;
      }
      expect(applied).toBeGreaterThan(5);
    });
  }

  it('removes empty non-terminals with the last name below them, and keeps the apex', () => {
    const a: RRset = { owner: ['x', 'y', 'z', ...ORIGIN], type: RRType.A, ttl: 60, rdata: [aRdata('192.0.2.1')] };
    const zone = buildZone(ORIGIN, [soa(1), a]);
    expect(zone.lookup(['z', ...ORIGIN], RRType.A).kind).toBe('NoData');
    const next = zone.withChanges({ remove: [{ owner: a.owner, type: RRType.A }] });
    expect(next.lookup(['z', ...ORIGIN], RRType.A).kind).toBe('NameError');
    expect(next.rrsets).toEqual([soa(1)]);
    expect(zone.lookup(['x', 'y', 'z', ...ORIGIN], RRType.A).kind).toBe('Success');
  });

  it('rejects what buildZone rejects', () => {
    const zone = buildZone(ORIGIN, [soa(1)]);
    const cname: RRset = { owner: ['w', ...ORIGIN], type: RRType.CNAME, ttl: 60, rdata: [nameRdata(['v', ...ORIGIN])] };
    const a: RRset = { owner: ['w', ...ORIGIN], type: RRType.A, ttl: 60, rdata: [aRdata('192.0.2.1')] };
    expect(() => zone.withChanges({ upsert: [cname, a] })).toThrow(/CNAME and A/);
    expect(() => zone.withChanges({ upsert: [{ ...soa(2), owner: ['w', ...ORIGIN] }] })).toThrow(/not the zone apex/);
    expect(() => zone.withChanges({ upsert: [{ ...a, owner: ['w', 'other'] }] })).toThrow(/outside the zone/);
    expect(() => zone.withChanges({ remove: [{ owner: ORIGIN, type: RRType.SOA }] })).toThrow(/no SOA/);
  });

  it('keeps a wide node (a PersistentMap of children) correct through changes', () => {
    const names = Array.from({ length: 300 }, (_, i) => [`h${i}`, 'wide', ...ORIGIN]);
    const rr = (owner: Labels, ip: string): RRset => ({ owner, type: RRType.A, ttl: 60, rdata: [aRdata(ip)] });
    let zone = buildZone(ORIGIN, [soa(1), ...names.map((n) => rr(n, '192.0.2.1'))]);
    const live = new Map(names.map((n) => [n[0], '192.0.2.1']));
    const g = new Gen(99);
    for (let step = 0; step < 200; step++) {
      const label = `h${g.int(400)}`;
      const owner = [label, 'wide', ...ORIGIN];
      if (g.int(2) === 0) {
        zone = zone.withChanges({ remove: [{ owner, type: RRType.A }] });
        live.delete(label);
      } else {
        const ip = `192.0.2.${g.int(200)}`;
        zone = zone.withChanges({ upsert: [rr(owner, ip)] });
        live.set(label, ip);
      }
    }
    const full = buildZone(ORIGIN, [soa(1), ...[...live].map(([l, ip]) => rr([l, 'wide', ...ORIGIN], ip))]);
    for (let i = 0; i < 400; i++) {
      const q = [`h${i}`, 'wide', ...ORIGIN];
      expect(show(zone.lookup(q, RRType.A))).toEqual(show(full.lookup(q, RRType.A)));
    }
    expect(sorted(zone)).toEqual(sorted(full));
  });
});

describe('withChanges: marks on names (ZoneNode.tagged)', () => {
  const soa: RRset = { owner: ORIGIN, type: RRType.SOA, ttl: 60, rdata: [soaRdata({ mname: ['ns', ...ORIGIN], rname: ['h', ...ORIGIN], serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 })] };
  const a = (owner: Labels, ip: string): RRset => ({ owner, type: RRType.A, ttl: 60, rdata: [aRdata(ip)] });
  const web = ['web', ...ORIGIN];
  const pod = ['p1', 'east', ...web];
  const tagged = (zone: Zone, name: Labels): boolean | undefined => findNode(zone.root, name, ORIGIN.length)?.tagged;

  it('marks and unmarks names, keeps the mark through later copies, and leaves earlier versions alone', () => {
    const start = buildZone(ORIGIN, [soa]);
    const marked = start.withChanges({ upsert: [a(web, '192.0.2.1'), a(pod, '192.0.2.2')], tag: [web] });
    expect(tagged(marked, web)).toBe(true);
    expect(tagged(marked, pod)).toBe(false);
    // A change under the marked name copies its node: the copy keeps the mark.
    const later = marked.withChanges({ upsert: [a(['p2', 'east', ...web], '192.0.2.3')] });
    expect(tagged(later, web)).toBe(true);
    const unmarked = later.withChanges({ untag: [web] });
    expect(tagged(unmarked, web)).toBe(false);
    expect(tagged(later, web)).toBe(true);
    expect(tagged(start, web)).toBeUndefined();
    // Marks are not data: the answers are those of the unmarked zone.
    expect(show(marked.lookup(['east', ...web], RRType.A))).toEqual(show(buildZone(ORIGIN, [soa, a(web, '192.0.2.1'), a(pod, '192.0.2.2')]).lookup(['east', ...web], RRType.A)));
  });

  it('leaves a name both tagged and untagged in one change unmarked, and can mark the apex', () => {
    const zone = buildZone(ORIGIN, [soa, a(web, '192.0.2.1')]).withChanges({ tag: [web, ORIGIN], untag: [web] });
    expect(tagged(zone, web)).toBe(false);
    expect(zone.root.tagged).toBe(true);
  });

  it('keeps no name for its mark alone, and refuses one outside the zone', () => {
    const zone = buildZone(ORIGIN, [soa]).withChanges({ tag: [web] });
    expect(findNode(zone.root, web, ORIGIN.length)).toBeUndefined();
    expect(() => zone.withChanges({ tag: [['web', 'other']] })).toThrow(ZoneError);
  });
});
