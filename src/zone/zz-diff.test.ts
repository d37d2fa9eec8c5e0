import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseZoneText } from './parse.js';
import { printZone, printRRset } from './print.js';
import { ask } from './testing/fixtures.js';
import type { RRset } from './types.js';

const norm = (l: string) => l.trim().split(/\s+/).join(' ').toLowerCase();
const lines = (s: readonly RRset[]) => s.flatMap((r) => printRRset(r).split('\n')).map(norm).sort();
it('diff', () => {
  const zone = parseZoneText(readFileSync('/tmp/knotdl/diff.in', 'utf8'), { origin: 'example.' });
  writeFileSync('/tmp/knotdl/example.zone', printZone(zone));
  const out: string[] = [];
  for (const q of readFileSync('/tmp/knotdl/queries.txt', 'utf8').trim().split('\n')) {
    const [name, type] = q.split(' ');
    const r = ask(zone, name, type);
    const rcode = r.kind === 'NameError' ? 'NXDOMAIN' : 'NOERROR';
    const aa = r.kind !== 'Delegation';
    const k = execFileSync('kdig', ['@127.0.0.1', '-p', '53531', '+norec', '+nocookie', '+noedns', name, type], { encoding: 'utf8' });
    const kr = /status: (\w+)/.exec(k)?.[1];
    const kaa = / aa[ ;]/.test(/flags:([^;]*);/.exec(k)?.[1] + ';');
    const section = (title: string) => {
      const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(\\n\\n|\\n;;|$)`).exec(k);
      return m ? m[1].split('\n').filter((l) => l && !l.startsWith(';')).map(norm).sort() : [];
    };
    const ours = { rcode, aa, answer: lines(r.answer), authority: lines(r.authority), additional: lines(r.additional) };
    const theirs = { rcode: kr, aa: kaa, answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL') };
    const diff = (Object.keys(ours) as (keyof typeof ours)[]).filter((key) => JSON.stringify(ours[key]) !== JSON.stringify(theirs[key]));
    if (diff.length) out.push(`${q}: ${diff.map((d) => `${d} ours=${JSON.stringify(ours[d])} knot=${JSON.stringify(theirs[d])}`).join('\n   ')}`);
    else out.push(`${q}: same`);
  }
  console.log(out.join('\n'));
});
