import { describe, expect, it } from 'vitest';
import { intern, internExportStrings } from './intern.js';
import type { ClusterExport } from './types.js';
import { countHeapStrings } from '../zone/testing/heap-count.js';

describe('interned export strings', () => {
  it('keeps every value as it was, on decoded exports and frozen ones alike', () => {
    const decoded = JSON.parse('{"cluster":"east","type":"ClusterSetIP","ips":["10.0.0.1"],"ports":[{"name":"http","protocol":"TCP","port":80},{"protocol":"UDP","port":53}]}') as ClusterExport;
    const before = structuredClone(decoded);
    expect(internExportStrings(decoded)).toBe(decoded);
    expect(decoded).toEqual(before);
    const frozen = Object.freeze({ ...before, ports: Object.freeze(before.ports.map((p) => Object.freeze({ ...p }))) });
    expect(() => internExportStrings(frozen)).not.toThrow();
    expect(frozen).toEqual(before);
  });

  it('returns equal strings, long ones untouched', () => {
    const long = 'x'.repeat(65);
    expect(intern(long)).toBe(long);
    expect(intern(['e', 'ast'].join(''))).toBe('east');
  });

  it('shares one copy between exports decoded apart (fewer heap strings)', async () => {
    const exports = Array.from({ length: 500 }, () => internExportStrings(JSON.parse('{"cluster":"zz-intern-probe","type":"Headless","ips":[],"ports":[]}') as ClusterExport));
    const copies = await countHeapStrings('zz-intern-probe');
    expect(exports).toHaveLength(500);
    expect(copies).toBeLessThan(5);
  });
});
