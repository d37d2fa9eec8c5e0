// Zone files on disk: origin from the file name, $INCLUDE relative to the file, directories.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadZoneDirectory, loadZoneFile, originFromFileName } from './load.js';
import { ZoneFileError } from './errors.js';
import { parseZoneText } from './parse.js';
import { printRRset } from './print.js';
import { show } from './testing/fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchordns-zone-'));
  await mkdir(join(dir, 'parts'));
  await writeFile(join(dir, 'example.zone'), '$TTL 60\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE parts/hosts.inc\n$INCLUDE parts/hosts.inc lab\n');
  await writeFile(join(dir, 'parts', 'hosts.inc'), 'www A 192.0.2.1\n$INCLUDE more.inc\n');
  await writeFile(join(dir, 'parts', 'more.inc'), 'txt TXT "café"\n');
  await writeFile(join(dir, 'sub.example.zone'), '$TTL 60\n@ SOA ns hm 1 2 3 4 5\nwww A 192.0.2.2\n');
  await writeFile(join(dir, 'notes.txt'), 'not a zone');
  await mkdir(join(dir, 'bad'));
  await writeFile(join(dir, 'bad', 'broken.zone'), '$TTL 60\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE inc/x.inc\n');
  await mkdir(join(dir, 'bad', 'inc'));
  await writeFile(join(dir, 'bad', 'inc', 'x.inc'), 'ok A 192.0.2.1\nbad A 1.2.3\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loading zone files', () => {
  it('takes the origin from <origin>.zone and follows nested relative $INCLUDEs', async () => {
    const zone = await loadZoneFile(join(dir, 'example.zone'));
    expect(zone.origin).toEqual(['example']);
    expect(show(zone.lookup(['www', 'example'], 1)).answer).toEqual(['www.example. 60 IN A 192.0.2.1']);
    expect(show(zone.lookup(['www', 'lab', 'example'], 1)).answer).toEqual(['www.lab.example. 60 IN A 192.0.2.1']);
    // The file is read as octets: UTF-8 bytes stay as they are, not re-encoded.
    expect(show(zone.lookup(['txt', 'lab', 'example'], 16)).answer).toEqual(['txt.lab.example. 60 IN TXT "caf\\195\\169"']);
  });

  it('an explicit origin wins over the file name', async () => {
    const zone = await loadZoneFile(join(dir, 'sub.example.zone'), 'other.');
    expect(zone.origin).toEqual(['other']);
  });

  it('reports errors in an included file by its path and line', async () => {
    const err = await loadZoneFile(join(dir, 'bad', 'broken.zone')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoneFileError);
    expect((err as Error).message).toBe(`${join(dir, 'bad', 'inc', 'x.inc')}:2: bad IPv4 address '1.2.3'`);
  });

  it('loads every *.zone of a directory into a ZoneSet', async () => {
    const set = await loadZoneDirectory(dir);
    expect(set.zones.map((z) => z.origin.join('.'))).toEqual(['example', 'sub.example']);
    expect(set.findZone(['www', 'sub', 'example'])?.origin).toEqual(['sub', 'example']);
  });

  it('reads a file larger than one read step the same as its text, a record open across the step', async () => {
    // ~2.5 MB of records with a parenthesised SOA placed so that it straddles the first
    // megabyte: the file is read a megabyte at a time (load.ts).
    const lines = ['$TTL 60'];
    let size = 0;
    for (let i = 0; size < 1024 * 1024 - 40; i++) {
      lines.push(`host-${i}.east A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      size += lines.at(-1)!.length + 1;
    }
    lines.push('@ SOA ns hm (', '  7 2 3 4 5 )', 'ns A 192.0.2.53');
    for (let i = 0; i < 60_000; i++) lines.push(`_http._tcp.svc-${i} SRV 0 100 80 host-${i % 1000}.east`);
    const text = lines.join('\n') + '\n';
    const file = join(dir, 'big.example.zone');
    await writeFile(file, text, 'latin1');
    const loaded = await loadZoneFile(file);
    const parsed = parseZoneText(text, { origin: 'big.example.', octets: true });
    expect(loaded.serial).toBe(7);
    expect(loaded.rrsets.map(printRRset)).toEqual(parsed.rrsets.map(printRRset));
    expect(show(loaded.lookup(['_http', '_tcp', 'svc-59999', 'big', 'example'], 33)).additional).toEqual(['host-999.east.big.example. 60 IN A 10.0.3.231']);
    await rm(file);
  });

  it('reports a broken record after the first read step by its line', async () => {
    const lines = ['$TTL 60', '@ SOA ns hm 1 2 3 4 5'];
    for (let i = 0; i < 60_000; i++) lines.push(`host-${i} A 10.0.${(i >> 8) & 255}.${i & 255}`);
    lines.push('late A 300.1.1.1');
    const file = join(dir, 'late.example.zone');
    await writeFile(file, lines.join('\n') + '\n');
    await expect(loadZoneFile(file)).rejects.toThrow(`${file}:${lines.length}: bad IPv4 address '300.1.1.1'`);
    await rm(file);
  });

  it('derives origins from file names', () => {
    expect(originFromFileName('/z/clusterset.local.zone')).toEqual(['clusterset', 'local']);
    expect(originFromFileName('/z/root.zone.')).toBeUndefined();
    expect(originFromFileName('/z/.zone')).toBeUndefined();
  });
});

describe('the shipped clusterset.local zone', () => {
  const file = fileURLToPath(new URL('../../zones/clusterset.local.zone', import.meta.url));

  it('answers the MCS names as DESIGN.md says', async () => {
    const zone = await loadZoneFile(file);
    const q = (name: string, type: number) => show(zone.lookup(name === '' ? ['clusterset', 'local'] : [...name.split('.'), 'clusterset', 'local'], type));
    expect(q('', 6).answer).toEqual(['clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1 7200 1800 86400 5']);
    expect(q('', 2)).toMatchObject({ answer: ['clusterset.local. 5 IN NS ns.dns.clusterset.local.'], additional: ['ns.dns.clusterset.local. 5 IN A 127.0.0.1'] });
    expect(q('dns-version', 16).answer).toEqual(['dns-version.clusterset.local. 28800 IN TXT "1.0.0"']);
    expect(q('web.default.svc', 1).answer).toEqual(['web.default.svc.clusterset.local. 5 IN A 10.96.0.10']);
    expect(q('_http._tcp.web.default.svc', 33)).toMatchObject({
      answer: ['_http._tcp.web.default.svc.clusterset.local. 5 IN SRV 0 100 80 web.default.svc.clusterset.local.'],
      additional: ['web.default.svc.clusterset.local. 5 IN A 10.96.0.10'],
    });
    expect(q('db.prod.svc', 1).answer).toEqual(['db.prod.svc.clusterset.local. 5 IN A 10.244.1.5', 'db.prod.svc.clusterset.local. 5 IN A 10.244.2.7']);
    expect(q('db-0.east.db.prod.svc', 1).answer).toEqual(['db-0.east.db.prod.svc.clusterset.local. 5 IN A 10.244.1.5']);
    const soa = 'clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1 7200 1800 86400 5';
    expect(q('east.db.prod.svc', 1)).toMatchObject({ kind: 'NoData', authority: [soa] });
    expect(q('svc', 1)).toMatchObject({ kind: 'NoData', authority: [soa] });
    expect(q('nope.default.svc', 1)).toMatchObject({ kind: 'NameError', authority: [soa] });
  });
});
