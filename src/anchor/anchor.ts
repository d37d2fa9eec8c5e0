/**
 * The anchor process: hosts its segments' Raft groups over one shared WAL, talks to the
 * other anchors over TCP, answers DNS from every segment's latest applied view, and
 * serves the HTTP API. A DNS query never waits on Raft (follower reads, DESIGN.md).
 *
 * Readiness is announced as one JSON log line `"msg":"listening"` carrying the bound
 * addresses (tests start with port 0 and read the real ports from it).
 */
import { randomInt } from 'node:crypto';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { AnchorConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { formatHostPort } from './address.js';
import { resolveSegments, type SegmentSpec } from './segment-specs.js';
import { checkFoundingMembers } from './founding-members.js';
import { SegmentGroup, type RaftTiming } from './segment-group.js';
import { registerRaftMetrics } from './raft-metrics.js';
import { registerDiskMetrics, type DiskMetrics } from './disk-metrics.js';
import { registrationBackend } from './registration-backend.js';
import { PublishedViews } from './published-views.js';
import { parseName } from '../zone/name.js';
import type { SegmentBase } from '../segment/view.js';
import { openWal, type Wal } from '../storage/wal.js';
import { createTcpTransport, type Transport } from '../transport/index.js';
import { createDnsServer } from '../dns/server.js';
import { ClusterAnswerShaper } from '../mcs/shaper.js';
import { buildHttpServer } from '../api/http-server.js';
import { registerV1Routes } from '../api/routes-v1.js';
import { Authenticator } from '../api/auth.js';
import { collectLoadGarbage } from './load-garbage.js';

export interface RunningAnchor {
  readonly logger: Logger;
  readonly dnsPort: number;
  readonly httpPort: number;
  /** Re-reads the zone files; a bad file keeps the old data and logs why. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

interface Hosted {
  readonly group: SegmentGroup;
  spec: SegmentSpec;
}

export async function startAnchor(config: AnchorConfig): Promise<RunningAnchor> {
  const logger = createLogger(config.logLevel, { anchor: config.id });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const specs = await resolveSegments(config);
  for (const spec of specs) await checkFoundingMembers(config.dataDir, spec.apex, spec.voters);
  const disk = registerDiskMetrics(registry);
  const wal = await openWal(config.dataDir, { log: (m) => logger.warn(m), onSync: (_path, _bytes, ms) => disk.walSynced(ms) });
  warnOfUnhostedGroups(wal, specs, logger);
  const transport = await startTransport(config, specs, logger);

  const hosted = new Map<string, Hosted>();
  const views = new PublishedViews(() => [...hosted.values()].map((h) => h.group));
  for (const spec of specs) hosted.set(spec.apex, { spec, group: createGroup(spec, config, wal, transport, views, logger, disk) });
  views.publish();
  transport?.onMessage((apex, message) => hosted.get(apex)?.group.step(message));
  transport?.onUnreachable((peer) => hosted.forEach((h) => h.group.reportUnreachable(peer)));
  transport?.onSnapshotStatus((apex, peer, ok) => hosted.get(apex)?.group.reportSnapshot(peer, ok));
  for (const { group } of hosted.values()) group.start();
  const timers = startTimers(hosted, config.raft);

  const shaper = new ClusterAnswerShaper(config.clusters);
  const dns = createDnsServer({ host: config.dns.host, port: config.dns.port, source: views.source, logger, metrics: registry, queryLog: config.queryLog, shaper, udpEngine: config.udpEngine });
  const collectStart = performance.now();
  const collection = collectLoadGarbage();
  logger.info({ collection, ms: Math.round(performance.now() - collectStart) }, 'start-up garbage collected');
  const { udpPort: dnsPort } = await dns.listen();
  const metrics = registerRaftMetrics(registry, () => [...hosted.values()].map((h) => h.group), config.id);
  const backend = registrationBackend(hosted, config.domain, metrics, (apex) => membersOf(config, hosted.get(apex)!.spec));
  const http = buildHttpServer({
    logger, registry,
    readiness: () => readiness(hosted),
    routes: (app) => registerV1Routes(app, backend, new Authenticator(config.tokens, config.http.host)),
  });
  await http.listen({ host: config.http.host, port: config.http.port });
  const httpPort = (http.server.address() as { port: number }).port;
  logger.info({ dns: formatHostPort({ host: config.dns.host, port: dnsPort }), udp: dns.udpEngine, http: formatHostPort({ host: config.http.host, port: httpPort }), segments: [...hosted.keys()] }, 'listening');

  return {
    logger, dnsPort, httpPort,
    reload: () => reloadZones(config, hosted, logger),
    async close() {
      timers.forEach(clearInterval);
      hosted.forEach((h) => h.group.close());
      await Promise.all([dns.close(), http.close(), transport?.close()]);
      await wal.close();
    },
  };
}

function createGroup(spec: SegmentSpec, config: AnchorConfig, wal: Wal, transport: Transport | undefined, views: PublishedViews, logger: Logger, disk: DiskMetrics): SegmentGroup {
  return new SegmentGroup({
    apex: spec.apex,
    anchorId: config.id,
    voters: spec.voters,
    base: baseOf(spec, config),
    baseSerial: spec.baseSerial,
    storage: wal.group(spec.apex),
    timing: config.raft,
    snapshotEvery: config.raft.snapshotEntries,
    snapshotSeconds: config.raft.snapshotSeconds,
    send: (messages, now) => {
      transport?.send(spec.apex, messages);
      if (now) transport?.flush();
    },
    onView: views.publish,
    onViewStale: views.stale,
    onSnapshot: (bytes, seconds) => disk.snapshotTaken(spec.apex, bytes, seconds),
    logger,
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
  });
}

/**
 * A group in the WAL that this anchor no longer hosts keeps its data (dropping it could
 * lose a single-member segment's registrations for good), but it also pins WAL files.
 */
function warnOfUnhostedGroups(wal: Wal, specs: readonly SegmentSpec[], logger: Logger): void {
  const hosted = new Set(specs.map((s) => s.apex));
  for (const id of wal.groupIds()) {
    if (!hosted.has(id)) logger.warn({ segment: id }, 'the WAL holds a segment this anchor no longer hosts; its entries keep old WAL files from being removed');
  }
}

function baseOf(spec: SegmentSpec, config: AnchorConfig): SegmentBase {
  return { apex: spec.apexLabels, domain: parseName(`${config.domain}.`), fileRRsets: spec.fileRRsets, fileZone: spec.fileZone, members: spec.nsMembers };
}

/** TCP between anchors, only when some hosted group has other members. */
async function startTransport(config: AnchorConfig, specs: readonly SegmentSpec[], logger: Logger): Promise<Transport | undefined> {
  const peers = new Map<string, string>();
  for (const spec of specs) for (const [id, address] of spec.peers) peers.set(id, address);
  if (peers.size === 0) return undefined;
  const listen = config.peer ?? config.segments.flatMap((s) => Object.entries(s.members)).find(([id]) => id === config.id)?.[1].peer;
  if (!listen) throw new Error(`anchor ${config.id} has peers but no listen.peer address`);
  const transport = createTcpTransport({ id: config.id, listen: formatHostPort(listen), onError: (err) => logger.debug({ err }, 'transport') });
  for (const [id, address] of peers) transport.addPeer(id, address);
  await transport.start();
  return transport;
}

/** One process-wide clock: Raft ticks for every group, and the leader's lease check. */
function startTimers(hosted: ReadonlyMap<string, Hosted>, timing: RaftTiming): NodeJS.Timeout[] {
  const tick = setInterval(() => hosted.forEach((h) => h.group.tick()), timing.tickMs);
  const leases = setInterval(() => hosted.forEach((h) => h.group.maintain()), 1000);
  return [tick, leases];
}

function readiness(hosted: ReadonlyMap<string, Hosted>) {
  const reasons = [...hosted.values()].filter((h) => !h.group.isReady()).map((h) => `segment ${h.spec.apex}: no leader yet or still catching up`);
  return { ready: reasons.length === 0, reasons };
}

function membersOf(config: AnchorConfig, spec: SegmentSpec) {
  const segment = config.segments.find((s) => s.apex === spec.apex);
  if (!segment) return [{ id: config.id, peer: '', dns: config.dns.host }];
  return Object.entries(segment.members).map(([id, m]) => ({ id, peer: formatHostPort(m.peer), dns: m.dns }));
}

/** SIGHUP: re-read zone files; the segment views rebuild with the new base content. */
async function reloadZones(config: AnchorConfig, hosted: Map<string, Hosted>, logger: Logger): Promise<boolean> {
  try {
    const specs = await resolveSegments(config);
    for (const spec of specs) {
      const h = hosted.get(spec.apex);
      if (!h) {
        logger.warn({ apex: spec.apex }, 'a new zone file appeared; restart the anchor to host it');
        continue;
      }
      h.group.setBase(baseOf(spec, config));
      h.spec = spec;
    }
    logger.info({ zones: config.zonesDir }, 'zones reloaded');
    return true;
  } catch (error) {
    logger.error({ err: error }, `zone reload failed, keeping the old data: ${(error as Error).message}`);
    return false;
  }
}
