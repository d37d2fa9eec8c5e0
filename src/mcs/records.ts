/**
 * Turns one service's cluster exports into RRsets, following the MCS DNS schema
 * (KEP-1645 specification.md §2.3–§2.4) the way CoreDNS's multicluster mode answers:
 *
 *   <svc>.<ns>.svc.<apex>                 A/AAAA  ClusterSetIP: ips of serving clusters
 *                                                 Headless: every ready endpoint address
 *   <host>.<clusterid>.<svc>.<ns>.svc...  A/AAAA  one ready endpoint (Headless)
 *   _<port>._<proto>.<svc>.<ns>.svc...    SRV     per named port (× endpoint when Headless)
 *   <svc>.<ns>.svc...                     SRV     every named port, deduplicated
 *
 * A headless service with no ready endpoint yields no records at all, so its name is
 * NXDOMAIN (§2.4.1). Names between the service and a per-pod name (`<clusterid>.<svc>`,
 * `_<proto>.<svc>`) are reserved (§2.3.4, §2.4.4): the segment marks them NXDOMAIN.
 */
import { isIP } from 'node:net';
import { RRType, type Labels, type RRset } from '../zone/types.js';
import { aaaaRdata, aRdata, srvRdata } from '../zone/rdata-build.js';
import type { ClusterExport, Endpoint, PortProtocol, ServiceExports } from './types.js';

/** Service records TTL (DESIGN.md "DNS answers"; CoreDNS's default). */
export const SERVICE_TTL = 5;

/** How the addresses of a ClusterSetIP RRset split by cluster, in rdata order. */
export interface ClusterGroup {
  readonly cluster: string;
  readonly weight: number;
  readonly count: number;
}

/** An RRset whose records the front end may reorder per query (own cluster first, rotation). */
export interface GroupedRRset extends RRset {
  readonly groups: readonly ClusterGroup[];
}

export interface ServiceRecords {
  /** `<svc>.<ns>.svc.<apex>`: below it, names without data are NXDOMAIN. */
  readonly serviceName: Labels;
  readonly rrsets: readonly RRset[];
}

export function buildServiceRecords(apex: Labels, service: ServiceExports, ttl = SERVICE_TTL): ServiceRecords {
  const serviceName = [lower(service.name), lower(service.namespace), 'svc'].concat(apex.map(lower));
  const headless = service.exports.length > 0 && service.exports.every((e) => e.type === 'Headless');
  const rrsets = headless ? headlessRecords(serviceName, service.exports, ttl) : clusterSetIpRecords(serviceName, service.exports, ttl);
  return { serviceName, rrsets };
}

/** §2.3: ClusterSetIP A/AAAA from the serving clusters' ips; SRV targets the service name. */
function clusterSetIpRecords(serviceName: Labels, exports: readonly ClusterExport[], ttl: number): RRset[] {
  const chosen = servingOrAll(exports);
  const rrsets: RRset[] = [];
  for (const [type, family] of ADDRESS_FAMILIES) {
    const grouped = groupedAddresses(serviceName, type, family, chosen, ttl);
    if (grouped) rrsets.push(grouped);
  }
  const targets = [{ target: serviceName, ports: unionPorts(exports) }];
  return rrsets.concat(srvRecords(serviceName, targets, ttl));
}

/** §2.4: every ready endpoint, per-pod names, and SRV per endpoint × named port. */
function headlessRecords(serviceName: Labels, exports: readonly ClusterExport[], ttl: number): RRset[] {
  const pods = readyPods(serviceName, exports);
  if (pods.length === 0) return [];
  const rrsets: RRset[] = [];
  const all = pods.flatMap((p) => p.addresses);
  for (const [type, family] of ADDRESS_FAMILIES) {
    const own = addressSet(serviceName, type, family, all, ttl);
    if (own) rrsets.push(own);
    for (const pod of pods) {
      const perPod = addressSet(pod.name, type, family, pod.addresses, ttl);
      if (perPod) rrsets.push(perPod);
    }
  }
  const targets = pods.map((pod) => ({ target: pod.name, ports: pod.ports }));
  return rrsets.concat(srvRecords(serviceName, targets, ttl));
}

const ADDRESS_FAMILIES = [[RRType.A, 4], [RRType.AAAA, 6]] as const;

/** The serving exports, or all of them when none serves (no list made when all serve). */
function servingOrAll(exports: readonly ClusterExport[]): readonly ClusterExport[] {
  if (exports.every(isServing)) return exports;
  const serving = exports.filter(isServing);
  return serving.length > 0 ? serving : exports;
}

/** A cluster serves when it gave no endpoint list or has a ready endpoint. */
function isServing(e: ClusterExport): boolean {
  return e.endpoints === undefined || e.endpoints.some(isReady);
}

function isReady(endpoint: Endpoint): boolean {
  return endpoint.ready !== false;
}

interface Pod {
  readonly name: Labels;
  readonly addresses: string[];
  readonly ports: ClusterExport['ports'];
}

/** Ready endpoints as per-pod names; one name per hostname, or per address without one. */
function readyPods(serviceName: Labels, exports: readonly ClusterExport[]): Pod[] {
  const byName = new Map<string, Pod>();
  for (const exp of exports) {
    const clusterLabels = exp.cluster.split('.').map(lower);
    for (const endpoint of exp.endpoints ?? []) {
      if (!isReady(endpoint)) continue;
      const hosts = endpoint.hostname ? [[endpoint.hostname, endpoint.addresses] as const] : endpoint.addresses.map((a) => [dashedHostname(a), [a]] as const);
      for (const [host, addresses] of hosts) {
        const name = [lower(host)].concat(clusterLabels, serviceName);
        const key = name.join('.');
        const pod = byName.get(key) ?? { name, addresses: [], ports: exp.ports };
        pod.addresses.push(...addresses);
        byName.set(key, pod);
      }
    }
  }
  return [...byName.values()];
}

/** The hostname fallback of the spec's conformance tests: the address with `.`/`:` → `-`. */
export function dashedHostname(address: string): string {
  const dashed = address.replace(/[.:]/g, '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

function addressSet(owner: Labels, type: number, family: 4 | 6, addresses: readonly string[], ttl: number): RRset | undefined {
  const unique = [...new Set(addresses.filter((a) => isIP(a) === family))];
  if (unique.length === 0) return undefined;
  return { owner, type, ttl, rdata: unique.map((address) => addressRdata(address, family)) };
}

/** Scratch for groupedAddresses (synchronous; emptied before it returns, so it holds nothing). */
const SEEN_ADDRESSES: string[] = [];
const RDATA_SCRATCH: Uint8Array[] = [];
const GROUP_SCRATCH: ClusterGroup[] = [];

/** ClusterSetIP addresses grouped by cluster so the front end can order them per client. */
function groupedAddresses(owner: Labels, type: number, family: 4 | 6, exports: readonly ClusterExport[], ttl: number): GroupedRRset | undefined {
  // A service has a few addresses: a list beats a Set per call (GC cost on every write),
  // and the lists are gathered in scratch and copied out at their length (grown by push,
  // a new list would be made with room for 17, then copied all the same).
  const seen = SEEN_ADDRESSES;
  const rdata = RDATA_SCRATCH;
  const groups = GROUP_SCRATCH;
  seen.length = rdata.length = groups.length = 0; // in case a call before this one threw
  for (const exp of exports) {
    let count = 0;
    for (const ip of exp.ips) {
      if (isIP(ip) !== family || seen.includes(ip)) continue;
      seen.push(ip);
      rdata.push(addressRdata(ip, family));
      count++;
    }
    if (count > 0) groups.push({ cluster: exp.cluster, weight: exp.weight ?? 100, count });
  }
  const rrset = rdata.length === 0 ? undefined : { owner, type, ttl, rdata: rdata.slice(), groups: groups.length === 1 ? oneGroup(groups[0]!) : groups.slice() };
  seen.length = 0;
  rdata.length = 0;
  groups.length = 0;
  return rrset;
}

/**
 * Most services are exported by one cluster: their groups list is one of a few values
 * (cluster, weight, address count), shared and frozen rather than three more objects per
 * service kept for as long as the service is (the front end only reads it, order.ts).
 */
const ONE_GROUP = new Map<string, readonly ClusterGroup[]>();
const ONE_GROUP_LIMIT = 4096;

function oneGroup(group: ClusterGroup): readonly ClusterGroup[] {
  const key = `${group.cluster}\u0000${group.weight}\u0000${group.count}`;
  let shared = ONE_GROUP.get(key);
  if (shared === undefined) {
    shared = Object.freeze([Object.freeze(group)]);
    if (ONE_GROUP.size < ONE_GROUP_LIMIT) ONE_GROUP.set(key, shared);
  }
  return shared;
}

function unionPorts(exports: readonly ClusterExport[]): ClusterExport['ports'] {
  // One cluster's few distinct ports (the usual case) are their own union: no Map, no keys.
  if (exports.length === 1 && distinctPorts(exports[0]!.ports)) return exports[0]!.ports;
  const byKey = new Map<string, ClusterExport['ports'][number]>();
  for (const exp of exports) for (const p of exp.ports) byKey.set(`${p.name ?? '\u0000'}/${p.protocol}/${p.port}`, p); // '\u0000': unnamed, not "undefined"
  return [...byKey.values()];
}

/** Whether no two of a short list of ports are the same (name, protocol, port). */
function distinctPorts(ports: ClusterExport['ports']): boolean {
  if (ports.length > 8) return false;
  for (let i = 1; i < ports.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = ports[i]!;
      const b = ports[j]!;
      if (a.name === b.name && a.protocol === b.protocol && a.port === b.port) return false;
    }
  }
  return true;
}

/**
 * SRV at `_<port>._<proto>.<svc>` per named port and at the bare service name for all
 * named ports, priority 0, weight split evenly (CoreDNS: ⌊100/n⌋); duplicates by
 * (target, port) collapse, so TCP and UDP on one port give one record (conformance C2/H3).
 * Records keep the order they were first seen in, owners too.
 *
 * This runs twice per registration on the leader (preflight, apply) and once on each
 * follower, so it keeps to arrays and numbers: a Map per owner, a closure per port and a
 * string key per record were ~2.6 KB of garbage per call (sampling heap profiler, 64
 * connections; bench/HISTORY.md, Registration through Raft).
 */
function srvRecords(serviceName: Labels, targets: ReadonlyArray<{ target: Labels; ports: ClusterExport['ports'] }>, ttl: number): RRset[] {
  const owners: SrvOwner[] = [];
  for (let t = 0; t < targets.length; t++) {
    const { ports } = targets[t]!;
    for (const p of ports) {
      if (!p.name) continue;
      // A record's identity: which target (targets are distinct names) and which port.
      const key = t * 65536 + p.port;
      addSrv(srvOwner(owners, serviceName, portLabel(p.name), PROTOCOL_LABELS.get(p.protocol) ?? `_${p.protocol.toLowerCase()}`), key, t);
      addSrv(srvOwner(owners, serviceName, '', ''), key, t);
    }
  }
  const rrsets = new Array<RRset>(owners.length);
  // Records already built, by key and weight, for the owners after the first (made on demand).
  let built: Map<number, Uint8Array> | undefined;
  for (let o = 0; o < owners.length; o++) {
    const { owner, keys } = owners[o]!;
    const weight = Math.floor(100 / keys.length);
    // The SRV at `_<port>._<proto>` and the one at the service name often hold the same
    // records (one named port): they then share the list itself, never written to once
    // built, which keeps two objects per service fewer for as long as the service lives.
    const same = owners.findIndex((earlier, p) => p < o && sameKeys(earlier.keys, keys));
    if (same >= 0) {
      rrsets[o] = { owner, type: RRType.SRV, ttl, rdata: rrsets[same]!.rdata };
      continue;
    }
    // Otherwise they may still share single records (RDATA too is never written to).
    if (o > 0 && built === undefined) built = builtSoFar(owners, rrsets, o);
    const rdata = new Array<Uint8Array>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const sharedKey = keys[i]! * 128 + weight;
      let bytes = built?.get(sharedKey);
      if (bytes === undefined) {
        bytes = srvRdata(0, weight, keys[i]! % 65536, targets[Math.floor(keys[i]! / 65536)]!.target);
        built?.set(sharedKey, bytes);
      }
      rdata[i] = bytes;
    }
    rrsets[o] = { owner, type: RRType.SRV, ttl, rdata };
  }
  return rrsets;
}

/** Same records: the same keys in the same order (so also the same weight). */
function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The records of owners [0, end), by key × 128 + weight. */
function builtSoFar(owners: readonly SrvOwner[], rrsets: readonly RRset[], end: number): Map<number, Uint8Array> {
  const built = new Map<number, Uint8Array>();
  for (let o = 0; o < end; o++) {
    const { keys } = owners[o]!;
    const weight = Math.floor(100 / keys.length);
    for (let i = 0; i < keys.length; i++) built.set(keys[i]! * 128 + weight, rrsets[o]!.rdata[i]!);
  }
  return built;
}

/** `_<proto>` (RFC 2782), one string for every service (a Map: no inherited keys). */
const PROTOCOL_LABELS: ReadonlyMap<string, string> = new Map<PortProtocol, string>([['TCP', '_tcp'], ['UDP', '_udp'], ['SCTP', '_sctp']]);

/** `_<port name>`, one string per distinct name (services share a few: http, grpc, metrics…). */
const PORT_LABELS = new Map<string, string>();
const PORT_LABEL_LIMIT = 4096;

function portLabel(name: string): string {
  let label = PORT_LABELS.get(name);
  if (label === undefined) {
    label = `_${lower(name)}`;
    if (PORT_LABELS.size < PORT_LABEL_LIMIT) PORT_LABELS.set(name, label);
  }
  return label;
}

/** One SRV owner's records as keys: target index × 65536 + port. */
interface SrvOwner {
  readonly portLabel: string;
  readonly protoLabel: string;
  readonly owner: Labels;
  readonly keys: number[];
}

/** The owner `<portLabel>.<protoLabel>.<svc>` ('' and '': the service name), added when new. */
function srvOwner(owners: SrvOwner[], serviceName: Labels, portLabel: string, protoLabel: string): SrvOwner {
  for (const o of owners) if (o.portLabel === portLabel && o.protoLabel === protoLabel) return o;
  const owner = portLabel === '' ? serviceName : [portLabel, protoLabel].concat(serviceName);
  const created: SrvOwner = { portLabel, protoLabel, owner, keys: [] };
  owners.push(created);
  return created;
}

/**
 * Adds `key` of target `t` unless already there. Targets are added in order, so a
 * duplicate can only be among the last keys, those of the same target (a few ports).
 */
function addSrv(o: SrvOwner, key: number, t: number): void {
  const keys = o.keys;
  for (let i = keys.length - 1; i >= 0 && keys[i]! >= t * 65536; i--) if (keys[i] === key) return;
  keys.push(key);
}

/** RDATA of `address`, already known to be of IP version `family`. */
function addressRdata(address: string, family: 4 | 6): Uint8Array {
  return family === 4 ? aRdata(address) : aaaaRdata(address);
}

function lower(label: string): string {
  return label.toLowerCase();
}
