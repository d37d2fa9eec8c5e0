// Differential test against Knot DNS: our printer's output is loaded by a real knotd and
// every query is answered by both; rcode, AA and the three sections must agree as sets.
// Needs Debian's `knot` (knotd) and `knot-dnsutils` (kdig), which .ci/run installs;
// KNOTD may point at another knotd binary.
// Last run against Knot 3.2.6: all queries below agreed.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupResult, RRset } from './types.js';
import type { Zone } from './zone.js';
import { parseZoneText } from './parse.js';
import { printRRset, printZone } from './print.js';
import { ask } from './testing/fixtures.js';

const KNOTD = process.env.KNOTD ?? '/usr/sbin/knotd';
const PORT = 20000 + (process.pid % 20000);
const run = promisify(execFile);

const QUERIES = `example. A|example. NS|example. MX|example. SOA|example. AAAA|example. ANY|host.example. A
host.example. MX|host.example. AAAA|host.example. ANY|HOST.Example. A|chain1.example. A|chain2.example. AAAA
chain1.example. CNAME|chain1.example. ANY|ext.example. A|dangling.example. A|ent-tgt.example. A|a.ent.example. A
a.ent.example. ANY|loop1.example. A|cnamemx.example. MX|sub.example. NS|sub.example. A|sub.example. DS
sub.example. ANY|nods.example. DS|www.sub.example. A|ns.sub.example. A|www.sub.example. DS|a.wild.example. TXT
x.y.wild.example. TXT|*.wild.example. TXT|a.wild.example. AAAA|a.wild.example. MX|x.wild.example. ANY
explicit.wild.example. TXT|a.explicit.wild.example. TXT|deep.wild2.example. A|x.deep.wild2.example. A
nothing.example. A|nothing.example. ANY|a.cname.example. A|a.cname.example. CNAME|a.loop.example. A
_http._tcp.web.example. SRV|to-cut.example. A|web.example. TYPE65280`.split(/[|\n]/);

const norm = (line: string): string => line.trim().split(/\s+/).join(' ').toLowerCase();
const lines = (s: readonly RRset[]): string[] => s.flatMap((r) => printRRset(r).split('\n')).map(norm).sort();

function ours(result: LookupResult): object {
  const rcode = result.kind === 'NameError' ? 'NXDOMAIN' : 'NOERROR';
  return { rcode, aa: result.kind !== 'Delegation', answer: lines(result.answer), authority: lines(result.authority), additional: lines(result.additional) };
}

function knots(output: string): object {
  const section = (title: string): string[] => {
    const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(\\n\\n|\\n;;|$)`).exec(output);
    return m ? m[1].split('\n').filter((l) => l !== '' && !l.startsWith(';')).map(norm).sort() : [];
  };
  const rcode = /status: (\w+)/.exec(output)?.[1];
  return { rcode, aa: /Flags:[^;]* aa[ ;]/.test(output), answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL') };
}

describe('conformance with Knot DNS', () => {
  let dir: string;
  let knotd: ChildProcess;
  let zone: Zone;

  beforeAll(async () => {
    if (!existsSync(KNOTD)) throw new Error(`${KNOTD} is missing: install Debian's knot (.ci/run does)`);
    const text = await readFile(fileURLToPath(new URL('./testing/conformance.zone', import.meta.url)), 'utf8');
    zone = parseZoneText(text, { origin: 'example.' });
    dir = await mkdtemp(join(tmpdir(), 'anchordns-knot-'));
    await writeFile(join(dir, 'example.zone'), printZone(zone));
    await writeFile(join(dir, 'knot.conf'), knotConfig(dir));
    knotd = spawn(KNOTD, ['-c', join(dir, 'knot.conf')], { stdio: 'ignore' });
    await waitForAnswer();
  });

  afterAll(async () => {
    // knotd removes its socket and pid files as it exits: wait for that before removing the dir.
    if (knotd && knotd.exitCode === null && knotd.signalCode === null) {
      const exited = new Promise((done) => knotd.once('exit', done));
      knotd.kill();
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it.each(QUERIES)('%s', async (query) => {
    const [name, type] = query.split(' ');
    const { stdout } = await run('kdig', [`@127.0.0.1`, '-p', String(PORT), '+norec', '+nocookie', '+noedns', name, type]);
    expect(ours(ask(zone, name, type))).toEqual(knots(stdout));
  });
});

function knotConfig(dir: string): string {
  return [
    'server:', `  rundir: "${dir}"`, `  listen: 127.0.0.1@${PORT}`,
    'database:', `  storage: "${dir}"`,
    'template:', '  - id: default', `    storage: "${dir}"`, '    zonefile-load: whole', '    journal-content: none',
    'zone:', '  - domain: example.', '',
  ].join('\n');
}

async function waitForAnswer(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      const out = execFileSync('kdig', ['@127.0.0.1', '-p', String(PORT), '+norec', '+retry=0', '+timeout=1', 'example.', 'SOA'], { encoding: 'utf8' });
      if (out.includes('NOERROR')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('knotd did not start');
}
