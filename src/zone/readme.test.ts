// The README example, run as written: the zone block and its table of answers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ask, show, zoneOf } from './testing/fixtures.js';

const readme = readFileSync(fileURLToPath(new URL('./README.md', import.meta.url)), 'utf8');
const zoneText = /```zone\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const zone = zoneOf(zoneText);
const SOA = 'example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 1800 86400 300';

describe('README example', () => {
  it('has a zone block', () => {
    expect(zoneText).toContain('$ORIGIN example.');
  });

  it.each([
    { q: 'www.example.', t: 'A', want: { kind: 'Success', answer: ['www.example. 3600 IN CNAME web.example.', 'web.example. 3600 IN A 192.0.2.80'], authority: [], additional: [], required: 0 } },
    { q: 'x.apps.example.', t: 'A', want: { kind: 'Success', answer: ['x.apps.example. 3600 IN A 192.0.2.90'], authority: [], additional: [], required: 0 } },
    { q: 'a.b.team.example.', t: 'A', want: { kind: 'Delegation', answer: [], authority: ['team.example. 3600 IN NS ns.team.example.'], additional: ['ns.team.example. 3600 IN A 192.0.2.53'], required: 1 } },
    { q: 'nope.example.', t: 'A', want: { kind: 'NameError', answer: [], authority: [SOA], additional: [], required: 0 } },
    { q: 'web.example.', t: 'AAAA', want: { kind: 'NoData', answer: [], authority: [SOA], additional: [], required: 0 } },
  ])('$q $t', ({ q, t, want }) => {
    expect(show(ask(zone, q, t))).toEqual(want);
  });
});
