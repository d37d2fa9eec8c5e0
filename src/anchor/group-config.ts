/**
 * Writes config files for an anchor group on one machine: anchors a1… on 127.0.0.2, …
 * sharing one DNS, HTTP and peer port (NS glue carries no port), each with its own data
 * directory. Used by `anchordns demo` and by the black-box tests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalGroupOptions {
  readonly dir: string;
  readonly size: 1 | 3 | 5;
  readonly dnsPort: number;
  readonly httpPort: number;
  readonly peerPort: number;
  readonly apex?: string;
  /** Extra YAML appended to every config (clusters, tokens, …). */
  readonly extra?: string;
}

export interface LocalMember {
  readonly id: string;
  readonly host: string;
  readonly config: string;
}

/** The loopback addresses a local group of `size` uses: 127.0.0.2 onwards. */
export function localHosts(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `127.0.0.${i + 2}`);
}

export async function writeLocalGroupConfigs(o: LocalGroupOptions): Promise<LocalMember[]> {
  const hosts = localHosts(o.size);
  const ids = hosts.map((_, i) => `a${i + 1}`);
  const memberLines = ids.map((id, i) => `      ${id}: { peer: "${hosts[i]}:${o.peerPort}", dns: "${hosts[i]}" }`);
  const members: LocalMember[] = [];
  for (const [i, id] of ids.entries()) {
    const config = join(o.dir, `${id}.yaml`);
    const lines = [
      `id: ${id}`,
      `listen: { dns: "${hosts[i]}:${o.dnsPort}", http: "${hosts[i]}:${o.httpPort}", peer: "${hosts[i]}:${o.peerPort}" }`,
      `dataDir: ${JSON.stringify(join(o.dir, `data-${id}`))}`,
      `dnsPort: ${o.dnsPort}`,
      'segments:',
      `  - apex: ${o.apex ?? 'clusterset.local'}`,
      '    members:',
      ...memberLines,
      o.extra ?? '',
    ];
    await writeFile(config, `${lines.join('\n')}\n`);
    members.push({ id, host: hosts[i]!, config });
  }
  return members;
}
