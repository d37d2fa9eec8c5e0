import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from './config.js';

const GOOD = `
id: east-1
cluster: east
listen: { dns: "127.0.0.2:1053", http: "127.0.0.2:8053", peer: "127.0.0.2:7053" }
dataDir: /tmp/anchordns-east-1
domain: clusterset.local
segments:
  - apex: clusterset.local
    members:
      east-1: { peer: "127.0.0.2:7053", dns: "127.0.0.2" }
      west-1: { peer: "127.0.0.3:7053", dns: "127.0.0.3" }
      north-1: { peer: "127.0.0.4:7053", dns: "127.0.0.4" }
rootHints: ["127.0.0.2"]
dnsPort: 1053
clusters:
  east: ["10.0.0.0/16"]
tokens:
  - { name: east-controller, sha256: "${'a'.repeat(64)}", clusters: [east] }
  - { name: ops, sha256: "${'b'.repeat(64)}", admin: true }
`;

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function writeTemp(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'anchordns-config-'));
  dirs.push(dir);
  const path = join(dir, 'anchor.yaml');
  await writeFile(path, text);
  return path;
}

describe('config', () => {
  it('reads the DESIGN.md example shape and lets flags override it', async () => {
    const path = await writeTemp(GOOD);
    const config = await loadConfig({ config: path, dns: '[::1]:5353' });
    expect(config.id).toBe('east-1');
    expect(config.dns).toEqual({ host: '::1', port: 5353 });
    expect(config.http).toEqual({ host: '127.0.0.2', port: 8053 });
    expect(config.segments[0]!.apex).toBe('clusterset.local');
    expect(Object.keys(config.segments[0]!.members)).toEqual(['east-1', 'west-1', 'north-1']);
    expect(config.clusters['east']![0]!.bits).toBe(96 + 16);
    expect(config.tokens.map((t) => t.name)).toEqual(['east-controller', 'ops']);
  });

  it('uses the documented defaults without a file', async () => {
    const config = await loadConfig({});
    expect(config.dns).toEqual({ host: '127.0.0.1', port: 1053 });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8053 });
    expect(config.zonesDir).toBe('./zones');
    expect(config.dataDir).toBe('./data');
    expect(config.domain).toBe('clusterset.local');
    expect(config.id).toMatch(/^[a-z0-9-]+$/);
  });

  it.each([
    [{ listen: { dns: '127.0.0.1' } }, 'listen.dns: expected HOST:PORT'],
    [{ listen: { http: '127.0.0.1:70000' } }, 'listen.http: port 70000 is out of range'],
    [{ segments: [{ apex: 'clusterset.local', members: { a: { peer: 'x', dns: '1.2.3.4' } } }] }, 'segments[0].members.a.peer: expected HOST:PORT'],
    [{ segments: [{ apex: 'clusterset.local', members: { a: { peer: '1.1.1.1:1', dns: '1.1.1.1' }, b: { peer: '1.1.1.2:1', dns: '1.1.1.2' } } }] }, 'segments[0].members: an anchor group has 1, 3 or 5 members'],
    [{ segments: [{ apex: 'bad_label!.local', members: {} }] }, 'segments[0].apex: must be dot-separated RFC 1123 labels'],
    [{ clusters: { east: ['10.0.0.0/40'] } }, 'clusters.east[0]: prefix length'],
    [{ tokens: [{ name: 'x', sha256: 'ABC', admin: true }] }, 'tokens[0].sha256: must be the lowercase hex SHA-256'],
    [{ dnsPort: 0 }, 'dnsPort:'],
    [{ segments: [1, 2].map(() => ({ apex: 'clusterset.local', members: { a: { peer: '1.1.1.1:1', dns: '1.1.1.1' } } })) }, 'segments[1].apex: segment clusterset.local is listed twice'],
    [{ colour: 'blue' }, '(top level): Unrecognized key'],
  ])('rejects %j naming the field', (raw, message) => {
    expect(() => resolveConfig(raw, 'anchor.yaml')).toThrow(`config anchor.yaml: ${message}`);
  });

  it('takes the UDP engine from --udp-engine, else ANCHORDNS_UDP, else the file, else auto', async () => {
    const saved = process.env.ANCHORDNS_UDP;
    try {
      delete process.env.ANCHORDNS_UDP;
      expect((await loadConfig({})).udpEngine).toBe('auto');
      const path = await writeTemp(`${GOOD}udpEngine: batch\n`);
      expect((await loadConfig({ config: path })).udpEngine).toBe('batch');
      process.env.ANCHORDNS_UDP = 'dgram';
      expect((await loadConfig({ config: path })).udpEngine).toBe('dgram');
      expect((await loadConfig({ config: path, udpEngine: 'auto' })).udpEngine).toBe('auto');
      process.env.ANCHORDNS_UDP = 'turbo';
      await expect(loadConfig({})).rejects.toThrow('ANCHORDNS_UDP must be auto, batch, dgram, not "turbo"');
      delete process.env.ANCHORDNS_UDP;
      await expect(loadConfig({ udpEngine: 'fast' })).rejects.toThrow(/config \(flags\): udpEngine: /);
    } finally {
      if (saved === undefined) delete process.env.ANCHORDNS_UDP;
      else process.env.ANCHORDNS_UDP = saved;
    }
  });

  it('names the file when the YAML itself is broken', async () => {
    const path = await writeTemp('id: [unclosed');
    await expect(loadConfig({ config: path })).rejects.toThrow(`config ${path}: not valid YAML`);
  });
});
