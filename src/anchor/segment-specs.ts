/**
 * Which segments this anchor hosts, and what each starts from. With `segments` in the
 * config, those groups; without, every zone file in `--zones` is a segment in a Raft
 * group of one (this anchor), persisted under `--data` (DESIGN.md "Command line").
 */
import { readdir } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { loadZoneFile, nameToText, parseName, soaFields, RRType, type Labels, type RRset } from '../zone/index.js';
import type { Zone } from '../zone/zone.js';
import type { AnchorConfig } from './config.js';
import type { SegmentMember } from '../segment/view.js';
import { ConfigError } from './errors.js';

export interface SegmentSpec {
  /** Lowercase presentation form without the trailing dot, e.g. `clusterset.local`. */
  readonly apex: string;
  readonly apexLabels: Labels;
  readonly zoneFile: string | undefined;
  readonly fileRRsets: readonly RRset[];
  /** The zone file as loaded (views are derived from it), if there is a file. */
  readonly fileZone: Zone | undefined;
  readonly baseSerial: number;
  /** Voting members' ids, this anchor among them. */
  readonly voters: readonly string[];
  /** Peer addresses of the other members (`host:port`). */
  readonly peers: ReadonlyMap<string, string>;
  /** Members named in NS and glue; empty keeps the zone file's NS. */
  readonly nsMembers: readonly SegmentMember[];
}

export async function resolveSegments(config: AnchorConfig): Promise<SegmentSpec[]> {
  if (config.segments.length > 0) return Promise.all(config.segments.map((s) => fromConfig(config, s)));
  const files = (await readdir(config.zonesDir).catch((cause: Error) => {
    throw new ConfigError(`zones: cannot read ${config.zonesDir}: ${cause.message}`, { cause });
  })).filter((f) => f.endsWith('.zone') && f.length > 5).sort();
  if (files.length === 0) throw new ConfigError(`zones: no *.zone files in ${config.zonesDir} and no segments in the config`);
  const specs = await Promise.all(files.map((f) => fromZoneFile(config, join(config.zonesDir, f))));
  const twice = specs.find((s, i) => specs.findIndex((t) => t.apex === s.apex) !== i);
  if (twice) throw new ConfigError(`zones: two files in ${config.zonesDir} hold the zone ${twice.apex}`);
  return specs;
}

async function fromZoneFile(config: AnchorConfig, path: string): Promise<SegmentSpec> {
  const zone = await loadZoneFile(path);
  return {
    apex: apexText(zone.origin),
    apexLabels: zone.origin,
    zoneFile: path,
    fileRRsets: zone.rrsets,
    fileZone: zone,
    baseSerial: soaFields(zone.soa.rdata[0]!).serial,
    voters: [config.id],
    peers: new Map(),
    nsMembers: [],
  };
}

async function fromConfig(config: AnchorConfig, segment: AnchorConfig['segments'][number]): Promise<SegmentSpec> {
  const apexLabels = parseName(`${segment.apex}.`);
  const voters = Object.keys(segment.members);
  if (!voters.includes(config.id)) {
    throw new ConfigError(`config ${config.source}: segments: ${segment.apex} does not list this anchor (${config.id}) among its members`);
  }
  const zoneFile = segment.zoneFile === undefined ? undefined : resolve(config.source ? dirname(config.source) : '.', segment.zoneFile);
  const zone = zoneFile === undefined ? undefined : await loadZoneFile(zoneFile, apexLabels);
  const fileRRsets = zone?.rrsets ?? [];
  return {
    apex: segment.apex,
    apexLabels,
    zoneFile,
    fileRRsets,
    fileZone: zone,
    baseSerial: zone ? soaFields(zone.soa.rdata[0]!).serial : 1,
    voters,
    peers: new Map(Object.entries(segment.members).filter(([id]) => id !== config.id).map(([id, m]) => [id, `${m.peer.host}:${m.peer.port}`])),
    nsMembers: fileRRsets.some((r) => r.type === RRType.NS && r.owner.length === apexLabels.length) ? [] : Object.entries(segment.members).map(([id, m]) => ({ id, dns: m.dns })),
  };
}

function apexText(labels: Labels): string {
  return nameToText(labels).replace(/\.$/, '').toLowerCase();
}
