/**
 * The zone black-box DNS tests serve, in master-file syntax, loaded through the zone
 * module's own loader (a `*.zone` file in a temporary directory).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadZoneDirectory } from '../../src/zone/load.js';
import type { ZoneSetView } from '../../src/zone/types.js';

/** 40 TXT strings of 100 octets: about 4 kB, over any UDP limit, under TCP's. */
export const BIG_TXT_COUNT = 40;

const bigTxt = Array.from({ length: BIG_TXT_COUNT }, (_, i) => `big 300 IN TXT "${String(i).padStart(2, '0')}${'x'.repeat(98)}"`);

export const ZONE_TEXT = `$ORIGIN clusterset.local.
$TTL 3600
@        IN SOA ns1 hostmaster 1 7200 1800 86400 5
@        IN NS  ns1
ns1      IN A   192.0.2.1
host 300 IN A    192.0.2.10
host 300 IN AAAA 2001:db8::10
www  300 IN CNAME host
chain1 300 IN CNAME chain2
chain2 300 IN CNAME host
*.wild 300 IN A 192.0.2.7
sub      IN NS  ns.sub
ns.sub   IN A   192.0.2.53
a.b.ent 300 IN A 192.0.2.99
dns-version 28800 IN TXT "1.0.0"
${bigTxt.join('\n')}
`;

/** Writes ZONE_TEXT as clusterset.local.zone in a fresh directory and loads it. */
export async function loadTestZones(): Promise<ZoneSetView> {
  const dir = await mkdtemp(join(tmpdir(), 'anchordns-dns-'));
  try {
    await writeFile(join(dir, 'clusterset.local.zone'), ZONE_TEXT);
    return await loadZoneDirectory(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
