/**
 * The anchor's configuration: the YAML file of DESIGN.md ("Config file"), overridden by
 * CLI flags. Validated once at start; any problem stops start-up with a message naming
 * the field (`config anchor.yaml: segments[0].members.east-1.peer: expected HOST:PORT`).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseHostPort, type HostPort } from './address.js';
import { parseCidr, type Cidr } from '../mcs/cidr.js';
import { ConfigError } from './errors.js';
import { UDP_ENGINES, type UdpEngine } from '../dns/udp-listener.js';

/** A string field read by `parse`, which returns the value or an error message. */
const parsedBy = <T>(parse: (text: string) => T | string) =>
  z.string().transform((text, ctx): T => {
    const parsed = parse(text);
    if (typeof parsed !== 'string') return parsed;
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  });

const hostPort = parsedBy<HostPort>(parseHostPort);
const cidr = parsedBy<Cidr>(parseCidr);

/** An RFC 1123 name in presentation form, without a trailing dot requirement. */
const dnsName = z
  .string()
  .transform((s) => s.replace(/\.$/, '').toLowerCase())
  .refine((s) => s.length > 0 && s.length <= 253, 'must be a DNS name of 1-253 octets')
  .refine((s) => s.split('.').every((l) => /^[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)), 'must be dot-separated RFC 1123 labels of at most 63 octets');

const anchorId = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be an RFC 1123 label (lowercase letters, digits, "-", at most 63)');

const member = z.strictObject({
  peer: hostPort,
  dns: z.string().refine((s) => isIP(s) !== 0, 'must be an IP address (NS glue carries no port)'),
});

const segment = z.strictObject({
  apex: dnsName,
  zoneFile: z.string().min(1).optional(),
  members: z.record(anchorId, member).refine((m) => [1, 3, 5].includes(Object.keys(m).length), 'an anchor group has 1, 3 or 5 members'),
});

const token = z
  .strictObject({
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the token (64 hex digits)'),
    clusters: z.array(anchorId.or(dnsName)).optional(),
    admin: z.boolean().optional(),
  })
  .refine((t) => t.admin === true || (t.clusters?.length ?? 0) > 0, 'a token needs clusters or admin: true');

const fileSchema = z.strictObject({
  id: anchorId.optional(),
  cluster: z.string().min(1).optional(),
  listen: z.strictObject({ dns: hostPort.optional(), http: hostPort.optional(), peer: hostPort.optional() }).optional(),
  dataDir: z.string().min(1).optional(),
  zonesDir: z.string().min(1).optional(),
  domain: dnsName.optional(),
  segments: z
    .array(segment)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((s, i) => {
        if (seen.has(s.apex)) ctx.addIssue({ code: 'custom', path: [i, 'apex'], message: `segment ${s.apex} is listed twice` });
        seen.add(s.apex);
      });
    })
    .optional(),
  rootHints: z.array(z.string()).optional(),
  dnsPort: z.number().int().min(1).max(65535).optional(),
  clusters: z.record(z.string().min(1), z.array(cidr)).optional(),
  tokens: z.array(token).optional(),
  raft: z
    .strictObject({
      tickMs: z.number().int().min(5).max(10_000).optional(),
      electionTicks: z.number().int().min(2).max(1000).optional(),
      heartbeatTicks: z.number().int().min(1).max(100).optional(),
      snapshotEntries: z.number().int().min(10).max(10_000_000).optional(),
      snapshotSeconds: z.number().int().min(1).max(86_400).optional(),
    })
    .refine((r) => (r.heartbeatTicks ?? 1) < (r.electionTicks ?? 10), 'heartbeatTicks must be below electionTicks')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  queryLog: z.boolean().optional(),
  udpEngine: z.enum(UDP_ENGINES).optional(),
});

export type ConfigFile = z.infer<typeof fileSchema>;
export type SegmentConfig = z.infer<typeof segment>;
export type TokenConfig = z.infer<typeof token>;

/** The resolved configuration an anchor runs with. */
export interface AnchorConfig {
  readonly id: string;
  readonly cluster: string | undefined;
  readonly dns: HostPort;
  readonly http: HostPort;
  readonly peer: HostPort | undefined;
  readonly dataDir: string;
  readonly zonesDir: string;
  readonly domain: string;
  readonly segments: readonly SegmentConfig[];
  readonly rootHints: readonly string[];
  readonly dnsPort: number;
  readonly clusters: Readonly<Record<string, readonly Cidr[]>>;
  readonly tokens: readonly TokenConfig[];
  readonly raft: RaftSettings;
  readonly logLevel: string;
  readonly queryLog: boolean;
  /** How UDP is read and sent (src/dns/udp-listener.ts): 'auto' is the addon when built. */
  readonly udpEngine: UdpEngine;
  /** Where the file came from, for messages; undefined without --config. */
  readonly source: string | undefined;
}

/**
 * Raft timing and log size. The defaults (50 ms ticks, election after 10–20 ticks) keep
 * failover under about 1.5 s on a LAN; a snapshot after at least 10,000 applied entries
 * (more in a large segment: see SegmentGroup's #maybeSnapshot), or every 10 minutes when
 * anything was applied.
 */
export interface RaftSettings {
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly snapshotEntries: number;
  readonly snapshotSeconds: number;
}

export const RAFT_DEFAULTS: RaftSettings = Object.freeze({ tickMs: 50, electionTicks: 10, heartbeatTicks: 1, snapshotEntries: 10_000, snapshotSeconds: 600 });

/** CLI flags, as strings before validation. */
export interface ConfigFlags {
  config?: string;
  zones?: string;
  dns?: string;
  http?: string;
  data?: string;
  id?: string;
  logLevel?: string;
  queryLog?: boolean;
  udpEngine?: string;
}

export const DEFAULTS = {
  dns: '127.0.0.1:1053',
  http: '127.0.0.1:8053',
  data: './data',
  zones: './zones',
  domain: 'clusterset.local',
  logLevel: 'info',
} as const;

/** Reads the file named by `flags.config` (if any), applies flags over it, validates everything. */
export async function loadConfig(flags: ConfigFlags): Promise<AnchorConfig> {
  const file = flags.config ? await readConfigFile(flags.config) : {};
  const merged = {
    ...file,
    listen: {
      ...(file['listen'] as object | undefined),
      ...(flags.dns !== undefined && { dns: flags.dns }),
      ...(flags.http !== undefined && { http: flags.http }),
    },
    ...(flags.zones !== undefined && { zonesDir: flags.zones }),
    ...(flags.data !== undefined && { dataDir: flags.data }),
    ...(flags.id !== undefined && { id: flags.id }),
    ...(flags.logLevel !== undefined && { logLevel: flags.logLevel }),
    ...(flags.queryLog !== undefined && { queryLog: flags.queryLog }),
    ...udpEngineOverride(flags.udpEngine),
  };
  return resolveConfig(merged, flags.config);
}

/**
 * The UDP engine from --udp-engine, else from ANCHORDNS_UDP (an operator's switch that
 * needs no config edit, e.g. to rule the addon out while debugging), else the file's.
 */
function udpEngineOverride(flag: string | undefined): { udpEngine?: UdpEngine } {
  if (flag !== undefined) return { udpEngine: flag as UdpEngine }; // validated with the file
  const value = process.env.ANCHORDNS_UDP;
  if (value === undefined || value === '') return {};
  if (!(UDP_ENGINES as readonly string[]).includes(value)) {
    throw new ConfigError(`ANCHORDNS_UDP must be ${UDP_ENGINES.join(', ')}, not ${JSON.stringify(value)}`);
  }
  return { udpEngine: value as UdpEngine };
}

/** Validates an already-parsed config object; exported for tests. */
export function resolveConfig(raw: unknown, source?: string): AnchorConfig {
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`config ${source ?? '(flags)'}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  const c = result.data;
  return {
    id: c.id ?? defaultAnchorId(),
    cluster: c.cluster,
    dns: c.listen?.dns ?? (parseHostPort(DEFAULTS.dns) as HostPort),
    http: c.listen?.http ?? (parseHostPort(DEFAULTS.http) as HostPort),
    peer: c.listen?.peer,
    dataDir: c.dataDir ?? DEFAULTS.data,
    zonesDir: c.zonesDir ?? DEFAULTS.zones,
    domain: c.domain ?? DEFAULTS.domain,
    segments: c.segments ?? [],
    rootHints: c.rootHints ?? [],
    dnsPort: c.dnsPort ?? 53,
    clusters: c.clusters ?? {},
    tokens: c.tokens ?? [],
    raft: { ...RAFT_DEFAULTS, ...c.raft },
    logLevel: c.logLevel ?? DEFAULTS.logLevel,
    queryLog: c.queryLog ?? false,
    udpEngine: c.udpEngine ?? 'auto',
    source,
  };
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`config ${path}: cannot read: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config ${path}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config ${path}: the top level must be a mapping of settings`);
  }
  return parsed as Record<string, unknown>;
}

/** `['segments', 0, 'members', 'east-1', 'peer']` → `segments[0].members.east-1.peer`. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

/** The host name cut to a valid anchor id (DESIGN.md: default id is the host name). */
function defaultAnchorId(): string {
  const id = hostname().toLowerCase().split('.')[0]!.replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return id || 'anchor';
}
