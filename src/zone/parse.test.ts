// The master-file parser (RFC 1035 §5, RFC 2308 §4, RFC 3597 §5): syntax and errors.
import { describe, expect, it } from 'vitest';
import type { Zone } from './zone.js';
import { parseZoneText } from './parse.js';
import { ZoneFileError } from './errors.js';
import { printRRset } from './print.js';

const SOA = '@ 3600 IN SOA ns hm 1 7200 1800 86400 300';

/** Every RR of the zone as printed lines, sorted (order is not what these tests check). */
function rrs(zone: Zone): string[] {
  return zone.rrsets.flatMap((r) => printRRset(r).split('\n')).map((l) => l.replace(/\t/g, ' ')).sort();
}

const parse = (text: string, origin: string | undefined = 'example.'): Zone =>
  parseZoneText(text, { origin, fileName: 'z.zone' });

const syntax = [
  { name: '$ORIGIN sets the origin and relative names use it', text: `$ORIGIN example.\n${SOA}\nwww 60 IN A 192.0.2.1`, origin: undefined,
    has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'relative $ORIGIN is relative to the current one', text: `${SOA}\n$ORIGIN sub\nwww 60 A 192.0.2.1`,
    has: 'www.sub.example. 60 IN A 192.0.2.1' },
  { name: '@ is the origin', text: `${SOA}\n@ 60 IN TXT "apex"`, has: 'example. 60 IN TXT "apex"' },
  { name: 'absolute owner', text: `${SOA}\nwww.example. 60 IN A 192.0.2.1`, has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'owner inherited by an indented line', text: `${SOA}\nwww 60 IN A 192.0.2.1\n  60 IN AAAA ::1`, has: 'www.example. 60 IN AAAA ::1' },
  { name: 'TTL inherited from the previous record', text: `${SOA}\nwww 77 IN A 192.0.2.1\nftp IN A 192.0.2.2`, has: 'ftp.example. 77 IN A 192.0.2.2' },
  { name: '$TTL is the default TTL', text: `$TTL 42\n${SOA}\nwww IN A 192.0.2.1`, has: 'www.example. 42 IN A 192.0.2.1' },
  { name: 'class inherited (omitted)', text: `${SOA}\nwww 60 A 192.0.2.1`, has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'class before TTL', text: `${SOA}\nwww IN 60 A 192.0.2.1`, has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'CLASS1 is IN', text: `${SOA}\nwww 60 CLASS1 A 192.0.2.1`, has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'TTL units', text: `${SOA}\nwww 1h30m IN A 192.0.2.1`, has: 'www.example. 5400 IN A 192.0.2.1' },
  { name: '$TTL with units', text: `$TTL 1d\n${SOA}\nwww A 192.0.2.1`, has: 'www.example. 86400 IN A 192.0.2.1' },
  { name: 'parentheses across lines with comments', text: `@ 3600 IN SOA ns hm (\n 1 ; serial\n 7200 1800 ; timers\n 86400 300 )\nwww 60 A 192.0.2.1`,
    has: 'example. 3600 IN SOA ns.example. hm.example. 1 7200 1800 86400 300' },
  { name: 'comment lines and blank lines are skipped', text: `; header\n\n${SOA}\n   ; indented comment\nwww 60 A 192.0.2.1 ; trailing`, has: 'www.example. 60 IN A 192.0.2.1' },
  { name: 'quoted strings keep spaces, semicolons and escapes', text: `${SOA}\nt 60 TXT "a b; c" "q\\"x" plain`, has: 't.example. 60 IN TXT "a b; c" "q\\"x" "plain"' },
  { name: 'escaped dot in an owner', text: `${SOA}\na\\.b 60 A 192.0.2.1`, has: 'a\\.b.example. 60 IN A 192.0.2.1' },
  { name: 'TYPEnnn with generic RDATA', text: `${SOA}\nx 60 TYPE65280 \\# 4 0a000001`, has: 'x.example. 60 IN TYPE65280 \\# 4 0a000001' },
  { name: 'known type in generic form', text: `${SOA}\nx 60 A \\# 4 0a000001`, has: 'x.example. 60 IN A 10.0.0.1' },
  { name: 'TYPE1 is A', text: `${SOA}\nx 60 TYPE1 192.0.2.9`, has: 'x.example. 60 IN A 192.0.2.9' },
  { name: 'lowercase mnemonics', text: `${SOA}\nx 60 in mx 10 mail`, has: 'x.example. 60 IN MX 10 mail.example.' },
  { name: 'SOA without any TTL takes its MINIMUM', text: `@ IN SOA ns hm 1 7200 1800 86400 300\nx A 192.0.2.1`, has: 'x.example. 300 IN A 192.0.2.1' },
  { name: 'duplicate records collapse', text: `${SOA}\nx 60 A 192.0.2.1\nx 60 A 192.0.2.1`, has: 'x.example. 60 IN A 192.0.2.1' },
  { name: 'differing TTLs in one RRset take the lowest (RFC 2181 §5.2)', text: `${SOA}\nx 60 A 192.0.2.1\nx 30 A 192.0.2.2`, has: 'x.example. 30 IN A 192.0.2.1' },
  { name: 'UTF-8 text is stored as its octets', text: `${SOA}\nt 60 TXT "é"`, has: 't.example. 60 IN TXT "\\195\\169"' },
  { name: 'CRLF line ends', text: `${SOA}\r\nwww 60 A 192.0.2.1\r\n`, has: 'www.example. 60 IN A 192.0.2.1' },
] as const;

const failures = [
  { name: 'no SOA', text: 'www 60 IN A 192.0.2.1\n', message: 'z.zone:1: no SOA record at the zone apex example.' },
  { name: 'two SOA records', text: `${SOA}\nwww 60 A 192.0.2.1\n@ 60 SOA ns hm 2 7200 1800 86400 300`, message: 'z.zone:3: more than one SOA record at example.' },
  { name: 'SOA below the apex', text: `${SOA}\nsub 60 SOA ns hm 2 7200 1800 86400 300`, message: 'z.zone:2: SOA record at sub.example., which is not the zone apex' },
  { name: 'record outside the origin', text: `${SOA}\nwww.example.org. 60 A 192.0.2.1`, message: 'z.zone:2: www.example.org. is outside the zone example.' },
  { name: 'CNAME and other data', text: `${SOA}\nx 60 CNAME y\nx 60 A 192.0.2.1`, message: 'z.zone:3: CNAME and A data at x.example. (RFC 2181 §10.1)' },
  { name: 'other data then CNAME', text: `${SOA}\nx 60 TXT "t"\nx 60 CNAME y`, message: 'z.zone:3: CNAME and TXT data at x.example. (RFC 2181 §10.1)' },
  { name: 'two CNAMEs', text: `${SOA}\nx 60 CNAME y\nx 60 CNAME z`, message: 'z.zone:3: more than one CNAME record at x.example.' },
  { name: 'unknown type', text: `${SOA}\nx 60 FOO 1`, message: "z.zone:2: unknown RR type 'FOO'" },
  { name: 'class other than IN', text: `${SOA}\nx 60 CH TXT "a"`, message: 'z.zone:2: class CLASS3 is not served: only IN' },
  { name: 'meta type in a zone', text: `${SOA}\nx 60 ANY \\# 0`, message: 'z.zone:2: ANY is not a data type' },
  { name: 'bad RDATA', text: `${SOA}\nx 60 A 300.1.1.1`, message: "z.zone:2: bad IPv4 address '300.1.1.1'" },
  { name: 'no TTL anywhere', text: '@ IN NS ns', message: 'z.zone:1: no TTL: give one or set $TTL' },
  { name: 'indented first record', text: '  60 IN A 192.0.2.1', message: 'z.zone:1: no owner name: the first record must name its owner' },
  { name: 'unterminated quote', text: `${SOA}\nx 60 TXT "abc`, message: 'z.zone:2: unterminated quoted string' },
  { name: 'unbalanced parenthesis', text: `${SOA}\nx 60 A 192.0.2.1 )`, message: "z.zone:2: unbalanced ')'" },
  { name: 'unclosed parenthesis', text: `${SOA}\nx 60 TXT ( "a"\n"b"`, message: "z.zone:3: unclosed '(' at end of file" },
  { name: 'unknown directive', text: '$GENERATE 1-2 x A 1.1.1.$', message: 'z.zone:1: unsupported directive $GENERATE' },
  { name: '$TTL without value', text: '$TTL', message: 'z.zone:1: $TTL takes 1 argument(s)' },
  { name: 'bad $TTL', text: '$TTL soon', message: "z.zone:1: bad TTL 'soon'" },
  { name: 'TTL above 2^31-1', text: `${SOA}\nx 2147483648 A 192.0.2.1`, message: "z.zone:2: TTL '2147483648' is above 2147483647" },
  { name: 'label too long', text: `${SOA}\n${'a'.repeat(64)} 60 A 192.0.2.1`, message: `z.zone:2: label longer than 63 octets: '${'a'.repeat(64)}'` },
  { name: 'error line inside a multi-line entry is the entry start', text: `${SOA}\n\nx 60 MX (\n 70000 mail )`, message: "z.zone:3: bad number '70000' (0–65535)" },
] as const;

describe('master-file parser', () => {
  it.each(syntax)('$name', (c) => {
    const zone = parse(c.text, 'origin' in c ? c.origin : 'example.');
    expect(rrs(zone)).toContain(c.has);
  });

  it.each(failures)('error: $name', ({ text, message }) => {
    let caught: unknown;
    try {
      parse(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ZoneFileError);
    expect((caught as Error).message).toBe(message);
  });

  it('owners keep their spelling, whichever record created the name first', () => {
    const zone = parseZoneText(`${SOA}\nwww 60 A 192.0.2.1\nWWW 60 AAAA 2001:db8::1\nWeb.Svc 60 A 192.0.2.2\nweb.svc 60 TXT "x"`, { origin: 'Example.' });
    expect(zone.rrsets.slice(1).map((r) => r.owner)).toEqual([['www', 'Example'], ['WWW', 'Example'], ['Web', 'Svc', 'Example'], ['web', 'svc', 'Example']]);
    expect(zone.lookup(['web', 'svc', 'example'], 16).answer[0].owner).toEqual(['web', 'svc', 'Example']);
  });

  it('needs an origin from the caller or $ORIGIN', () => {
    expect(() => parseZoneText(SOA, { fileName: 'o.zone' })).toThrow('o.zone:1: relative name');
    expect(() => parseZoneText('', { fileName: 'o.zone' })).toThrow('o.zone:1: no origin');
  });

  it('$INCLUDE reads through the injected reader, relative to the including file, origin reverts', () => {
    const files: Record<string, string> = { 'dir/inc/part.zone': 'www 60 A 192.0.2.7\n$ORIGIN other.example.\nx 60 A 192.0.2.8' };
    const zone = parseZoneText(`${SOA}\n$INCLUDE inc/part.zone\ny 60 A 192.0.2.9\n$INCLUDE inc/part.zone sub\n`, {
      origin: 'example.', fileName: 'dir/main.zone', readFile: (p) => files[p] ?? (() => { throw new Error('ENOENT'); })(),
    });
    expect(rrs(zone)).toEqual(expect.arrayContaining([
      'www.example. 60 IN A 192.0.2.7', 'x.other.example. 60 IN A 192.0.2.8',
      'y.example. 60 IN A 192.0.2.9', 'www.sub.example. 60 IN A 192.0.2.7',
    ]));
  });

  it('$INCLUDE errors name the included file and its line', () => {
    const files: Record<string, string> = { 'bad.zone': 'ok 60 A 192.0.2.1\nnope 60 A 1.2.3' };
    expect(() => parseZoneText(`${SOA}\n$INCLUDE bad.zone`, { origin: 'example.', fileName: 'main.zone', readFile: (p) => files[p] }))
      .toThrow("bad.zone:2: bad IPv4 address '1.2.3'");
    expect(() => parseZoneText(`${SOA}\n$INCLUDE missing.zone`, { origin: 'example.', fileName: 'main.zone', readFile: () => { throw new Error('ENOENT'); } }))
      .toThrow('main.zone:2: cannot read $INCLUDE file missing.zone: ENOENT');
  });

  it('a file that includes itself fails instead of recursing forever', () => {
    expect(() => parseZoneText(`${SOA}\n$INCLUDE self.zone`, { origin: 'example.', fileName: 'self.zone', readFile: () => '$INCLUDE self.zone' }))
      .toThrow(/nested deeper than 16/);
  });
});
