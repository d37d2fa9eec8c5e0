/**
 * A group of real anchor processes on 127.0.0.2, 127.0.0.3, … sharing one DNS, HTTP and
 * peer port, each with its own config file and data directory, as an operator would run
 * them on three machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnchor, type AnchorProcess } from './anchor-process.js';
import { freePortsOn } from './ports.js';
import { localHosts, writeLocalGroupConfigs } from '../../src/anchor/group-config.js';

export interface GroupMember {
  readonly id: string;
  readonly host: string;
  readonly config: string;
  process: AnchorProcess | undefined;
}

export class AnchorGroup {
  readonly members: GroupMember[];
  readonly dnsPort: number;
  readonly httpPort: number;
  /** Configs and data of every member. */
  readonly #dir: string;

  private constructor(dir: string, members: GroupMember[], dnsPort: number, httpPort: number) {
    this.#dir = dir;
    this.members = members;
    this.dnsPort = dnsPort;
    this.httpPort = httpPort;
  }

  /** Writes configs for `size` anchors (ids a1…) and starts none yet. */
  static async create(size: 1 | 3 | 5, extra = ''): Promise<AnchorGroup> {
    const dir = await mkdtemp(join(tmpdir(), 'anchordns-group-'));
    const [dnsPort, httpPort, peerPort] = await freePortsOn(localHosts(size), 3);
    const written = await writeLocalGroupConfigs({ dir, size, dnsPort: dnsPort!, httpPort: httpPort!, peerPort: peerPort!, extra });
    return new AnchorGroup(dir, written.map((m) => ({ ...m, process: undefined })), dnsPort!, httpPort!);
  }

  async start(member: GroupMember): Promise<void> {
    member.process = await startAnchor({ args: ['--config', member.config, '--log-level', 'info'] });
  }

  async startAll(): Promise<void> {
    await Promise.all(this.members.map((m) => this.start(m)));
  }

  async kill(member: GroupMember, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await member.process?.stop(signal);
    member.process = undefined;
  }

  async stopAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m, signal)));
  }

  /** Stops every member and removes the group's configs and data. */
  async destroy(): Promise<void> {
    await this.stopAll();
    await rm(this.#dir, { recursive: true, force: true });
  }

  url(member: GroupMember, path: string): string {
    return `http://${member.host}:${this.httpPort}${path}`;
  }

  /** The member the others agree leads, once one does. */
  async leader(timeoutMs = 10_000): Promise<GroupMember> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const m of this.members.filter((x) => x.process)) {
        const status = await fetchJson(this.url(m, '/v1/segments')).catch(() => undefined);
        const seg = (status as { segments?: Array<{ role: string }> } | undefined)?.segments?.[0];
        if (seg?.role === 'leader') return m;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no leader elected in time');
  }
}

export async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return res.json();
}

/** PUTs an export; returns the HTTP status and body. */
export async function register(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(8000),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
