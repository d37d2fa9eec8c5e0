// The printer: master-file output that parses back to the same RRsets.
import { describe, expect, it } from 'vitest';
import type { RRset } from './types.js';
import { parseZoneText } from './parse.js';
import { printZone } from './print.js';

const TEXT = `$ORIGIN example.
$TTL 3600
@            IN SOA  ns1 hostmaster 2024010101 7200 1800 86400 300
@            IN NS   ns1
@            IN MX   10 mail
ns1          IN A    192.0.2.1
ns1          IN AAAA 2001:db8::1
www     300  IN CNAME host
host         IN A    192.0.2.2
             IN A    192.0.2.3
txt          IN TXT  "one" "two \\"quoted\\"" "semi;colon" "\\000\\255" ""
*.wild       IN TXT  "w"
_sip._udp    IN SRV  0 5 5060 host
caa          IN CAA  0 issue "ca.example.net"
esc\\.dot     IN A    192.0.2.4
sp\\032ace    IN PTR  host
Mixed.Case   IN A    192.0.2.5
opaque       IN TYPE65280 \\# 4 0a000001
ds-like      IN DS   \\# 5 0102030405
sub          IN NS   ns.sub
ns.sub       IN A    192.0.2.53
hinfo        IN HINFO "PC" "Linux"
dname        IN DNAME other.example.net.
bad-a        IN TYPE1 \\# 4 7f000001
tlsa         IN TLSA 3 1 1 ABCDEF
`;

// RRsets as comparable data: owner, type, ttl and hex RDATA, in zone order.
const data = (rrsets: readonly RRset[]) =>
  rrsets.map((r) => ({ owner: r.owner, type: r.type, ttl: r.ttl, rdata: r.rdata.map((d) => Buffer.from(d).toString('hex')) }));

describe('printer', () => {
  const zone = parseZoneText(TEXT, { fileName: 'in.zone' });
  const printed = printZone(zone);

  it('round-trips: parse → print → parse gives identical RRsets', () => {
    const again = parseZoneText(printed, { origin: zone.origin, fileName: 'printed.zone' });
    expect(data(again.rrsets)).toEqual(data(zone.rrsets));
    expect(printZone(again)).toBe(printed);
  });

  it('writes absolute names, one RR per line, SOA first, opaque types as TYPEnnn \\#', () => {
    const lines = printed.trimEnd().split('\n');
    expect(lines[0]).toBe('; zone example.');
    expect(lines[1]).toBe('example.\t3600\tIN\tSOA\tns1.example. hostmaster.example. 2024010101 7200 1800 86400 300');
    expect(lines).toContain('www.example.\t300\tIN\tCNAME\thost.example.');
    expect(lines).toContain('esc\\.dot.example.\t3600\tIN\tA\t192.0.2.4');
    expect(lines).toContain('sp\\032ace.example.\t3600\tIN\tPTR\thost.example.');
    expect(lines).toContain('opaque.example.\t3600\tIN\tTYPE65280\t\\# 4 0a000001');
    expect(lines).toContain('ds-like.example.\t3600\tIN\tDS\t258 3 4 05');
    expect(lines).toContain('tlsa.example.\t3600\tIN\tTLSA\t3 1 1 abcdef');
    expect(lines).toContain('txt.example.\t3600\tIN\tTXT\t"one" "two \\"quoted\\"" "semi;colon" "\\000\\255" ""');
    expect(lines).toContain('bad-a.example.\t3600\tIN\tA\t127.0.0.1');
    expect(lines.filter((l) => !l.startsWith(';')).every((l) => l.split('\t').length === 5)).toBe(true);
  });

  it('keeps owner spelling', () => {
    expect(printed).toContain('Mixed.Case.example.\t3600\tIN\tA\t192.0.2.5');
  });
});
