/**
 * `anchordns serve` as a user runs it: the real CLI process on the embedded default
 * zones, queried with dig; start-up errors, SIGHUP reload and SIGTERM.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import { REPO, runCli, startAnchor, type AnchorProcess } from './support/anchor-process.js';
import { TempDirs } from './support/temp-dirs.js';
import { MIN_SEMI_SPACE_MIB, SEMI_SPACE_MIB } from '../src/cli/young-generation.js';

const started: AnchorProcess[] = [];
const temp = new TempDirs();
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
  await temp.removeAll();
});

function tempDir(): Promise<string> {
  return temp.make('anchordns-serve-');
}

async function serve(args: string[]): Promise<AnchorProcess> {
  const proc = await startAnchor({ args: ['--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--log-level', 'info', ...args] });
  started.push(proc);
  return proc;
}

describe('anchordns serve on the embedded default', () => {
  it('answers the sample zone authoritatively, with AA, over UDP and TCP', async () => {
    const proc = await serve(['--data', await tempDir(), '--id', 'test-1']);
    const udp = await dig('dig', '127.0.0.1', proc.dnsPort, ['web.default.svc.clusterset.local', 'A', '+norec']);
    expect(udp.status).toBe('NOERROR');
    expect(udp.flags).toContain('aa');
    expect(udp.answer.map((r) => r.data)).toEqual(['10.96.0.10']);
    const tcp = await dig('kdig', '127.0.0.1', proc.dnsPort, ['+tcp', 'dns-version.clusterset.local', 'TXT']);
    expect(tcp.answer.map((r) => [r.ttl, r.data])).toEqual([[28800, '"1.0.0"']]);
    const nx = await dig('dig', '127.0.0.1', proc.dnsPort, ['nothing.default.svc.clusterset.local', 'A', '+norec']);
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.authority.map((r) => r.type)).toEqual(['SOA']);
  });

  it('serves /health, /ready and CoreDNS-named metrics', async () => {
    const proc = await serve(['--data', await tempDir()]);
    await dig('dig', '127.0.0.1', proc.dnsPort, ['web.default.svc.clusterset.local', 'A']);
    const base = `http://127.0.0.1:${proc.httpPort}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await expect.poll(async () => (await fetch(`${base}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['coredns_dns_requests_total', 'coredns_dns_responses_total', 'coredns_dns_request_duration_seconds', 'coredns_cache_hits_total', 'coredns_cache_misses_total', 'anchordns_raft_term']) {
      expect(metrics).toContain(name);
    }
    // The election's hard state and entry were synced before /ready: at least one fsync timed.
    expect(metrics).toMatch(/^anchordns_disk_wal_fsync_duration_seconds_count [1-9]/m);
    expect(metrics).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NOERROR"[^}]*\} [1-9]/);
  });

  it('answers through the UDP engine asked for with --udp-engine or ANCHORDNS_UDP, and says which', async () => {
    const engineOf = (proc: AnchorProcess) => JSON.parse(proc.output.find((line) => line.includes('"msg":"listening"'))!).udp as string;
    const byFlag = await serve(['--data', await tempDir(), '--udp-engine', 'dgram']);
    expect(engineOf(byFlag)).toBe('dgram');
    expect((await dig('dig', '127.0.0.1', byFlag.dnsPort, ['web.default.svc.clusterset.local', 'A', '+norec'])).answer.map((r) => r.data)).toEqual(['10.96.0.10']);
    const byEnv = await startAnchor({ args: ['--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', await tempDir()], env: { ANCHORDNS_UDP: 'dgram' } });
    started.push(byEnv);
    expect(engineOf(byEnv)).toBe('dgram');
    const byDefault = await serve(['--data', await tempDir()]);
    expect(engineOf(byDefault)).toBe('batch');
  });

  // young-generation.ts: the process restarts itself in place (same PID) with the heap
  // flags, unless node was given a semi-space size; both are said in the log.
  it('sizes V8\'s young generation and turns its memory reducer off in the same process, and leaves a node flag alone', async () => {
    const youngGeneration = async (proc: AnchorProcess) => {
      await expect.poll(() => proc.output.some((l) => l.includes('"msg":"V8 young generation"')), { timeout: 10_000 }).toBe(true);
      return JSON.parse(proc.output.find((l) => l.includes('"msg":"V8 young generation"'))!) as { semiSpaceMiB?: number; memoryReducer: boolean; source: string };
    };
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const sized = await serve(['--data', await tempDir()]);
    expect(await youngGeneration(sized)).toMatchObject({ semiSpaceMiB: SEMI_SPACE_MIB, memoryReducer: false, source: 'anchordns' });
    expect(cmdline(sized.pid)).toContain(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
    expect(cmdline(sized.pid)).toContain(`--min-semi-space-size=${MIN_SEMI_SPACE_MIB}`);
    expect(cmdline(sized.pid)).toContain('--no-memory-reducer');
    // Start-up's low-memory collection (load-garbage.ts) shrank the young generation to the floor, not below.
    expect(sized.output.some((l) => l.includes('"collection":"low-memory"'))).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${sized.httpPort}/metrics`)).text();
    const newSpace = Number(/nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/.exec(metrics)?.[1]);
    expect(newSpace).toBeGreaterThanOrEqual(MIN_SEMI_SPACE_MIB * 2 ** 20);
    expect((await dig('dig', '127.0.0.1', sized.dnsPort, ['web.default.svc.clusterset.local', 'A', '+norec'])).answer.map((r) => r.data)).toEqual(['10.96.0.10']);
    const given = await startAnchor({ args: ['--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--log-level', 'info', '--data', await tempDir()], env: { NODE_OPTIONS: '--max-semi-space-size=16' } });
    started.push(given);
    expect(await youngGeneration(given)).toMatchObject({ semiSpaceMiB: 16, memoryReducer: true, source: 'node flag' });
    expect(cmdline(given.pid)).not.toContain(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
    expect(cmdline(given.pid)).not.toContain('--no-memory-reducer');
    // No floor under its young generation, so start-up does not shrink it (load-garbage.ts).
    await expect.poll(() => given.output.some((l) => l.includes('"collection":"full"')), { timeout: 10_000 }).toBe(true);
    expect(await sized.stop('SIGTERM')).toBe(0);
  });

  // reexec.c: a SIGPROF from V8's sampler still pending at execve used to kill the
  // restarted process ("Profiling timer expired"); a 5 µs interval made it happen every time.
  it('restarts in place under node --cpu-prof and writes the profile on SIGTERM', async () => {
    const profiles = await tempDir();
    const proc = await startAnchor({
      args: ['--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--log-level', 'info', '--data', await tempDir()],
      nodeArgs: ['--cpu-prof', '--cpu-prof-interval', '5', '--cpu-prof-dir', profiles],
    });
    started.push(proc);
    expect((await dig('dig', '127.0.0.1', proc.dnsPort, ['web.default.svc.clusterset.local', 'A', '+norec'])).answer.map((r) => r.data)).toEqual(['10.96.0.10']);
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
  });

  it('exits 0 on SIGTERM', async () => {
    const proc = await serve(['--data', await tempDir()]);
    expect(await proc.stop('SIGTERM')).toBe(0);
  });
});

describe('the operator CLI against a running anchor', () => {
  it('registers, lists, shows segments and deregisters; a bad registration exits 1 with the API error', async () => {
    const proc = await serve(['--data', await tempDir(), '--id', 'cli-1']);
    const api = ['--api', `http://127.0.0.1:${proc.httpPort}`];
    const reg = await runCli(['register', 'demo/cli', '--cluster', 'east', '--ip', '10.7.7.7', '--port', 'http:TCP:80', ...api]);
    expect(reg.code).toBe(0);
    expect(JSON.parse(reg.stdout)).toEqual({ index: expect.any(Number), serial: expect.any(Number) });
    expect((await dig('dig', '127.0.0.1', proc.dnsPort, ['cli.demo.svc.clusterset.local', 'A'])).answer.map((r) => r.data)).toEqual(['10.7.7.7']);
    const shown = JSON.parse((await runCli(['services', 'demo/cli', ...api])).stdout);
    expect(shown.clusters.map((c: { cluster: string; ports: unknown[] }) => [c.cluster, c.ports])).toEqual([['east', [{ name: 'http', protocol: 'TCP', port: 80 }]]]);
    const segments = JSON.parse((await runCli(['segments', ...api])).stdout);
    expect(segments.segments.map((x: { apex: string; role: string }) => [x.apex, x.role])).toEqual([['clusterset.local', 'leader']]);
    expect((await runCli(['deregister', 'demo/cli', '--cluster', 'east', ...api])).code).toBe(0);
    expect((await dig('dig', '127.0.0.1', proc.dnsPort, ['cli.demo.svc.clusterset.local', 'A'])).status).toBe('NXDOMAIN');
    const bad = await runCli(['register', 'demo/cli', '--cluster', 'east', '--ip', '10.7.7.700', ...api]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('400 BAD_REQUEST: body.ips[0]');
  });
});

describe('start-up errors', () => {
  it('stops on a bad zone file with file:line: message', async () => {
    const zones = await tempDir();
    await writeFile(join(zones, 'example.zone'), '$ORIGIN example.\n@ 300 IN SOA ns hostmaster 1 2 3 4 5\nwww 300 IN A 10.0.0.300\n');
    const result = await runCli(['serve', '--zones', zones, '--data', await tempDir(), '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${join(zones, 'example.zone')}:3:`);
  });

  it('refuses to start when the group\'s members differ from those its data was created with', async () => {
    const data = await tempDir();
    const first = await serve(['--data', data, '--id', 'first']);
    expect(await first.stop('SIGTERM')).toBe(0);
    const result = await runCli(['serve', '--data', data, '--id', 'renamed', '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the configured members (renamed) differ from those its data');
    expect(result.stderr).toContain('(first)');
  });

  it('stops on a bad config naming the field', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'anchor.yaml'), 'listen: { dns: "127.0.0.1" }\n');
    const result = await runCli(['serve', '--config', join(dir, 'anchor.yaml')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('listen.dns: expected HOST:PORT');
  });
});

describe('SIGHUP', () => {
  it('reloads zone files, and keeps the old data when the new file is bad', async () => {
    const zones = await tempDir();
    await cp(join(REPO, 'zones'), zones, { recursive: true });
    const file = join(zones, 'clusterset.local.zone');
    const proc = await serve(['--zones', zones, '--data', await tempDir()]);
    const ask = async () => (await dig('dig', '127.0.0.1', proc.dnsPort, ['added.clusterset.local', 'A', '+norec'])).answer.map((r) => r.data);
    expect(await ask()).toEqual([]);

    const { readFile } = await import('node:fs/promises');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}\nadded 5 IN A 192.0.2.99\n`);
    process.kill(proc.pid, 'SIGHUP');
    await expect.poll(ask, { timeout: 5000 }).toEqual(['192.0.2.99']);

    await writeFile(file, `${original}\nbroken 5 IN A not-an-address\n`);
    process.kill(proc.pid, 'SIGHUP');
    await expect.poll(() => proc.output.some((l) => l.includes('zone reload failed')), { timeout: 5000 }).toBe(true);
    expect(await ask()).toEqual(['192.0.2.99']);
    expect(proc.output.join('\n')).toMatch(/clusterset\.local\.zone:\d+:/);
  });
});
