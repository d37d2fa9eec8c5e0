/**
 * The commands a segment's Raft log carries. Each is JSON in an entry's data: small,
 * readable in a WAL dump, and deterministic to apply on every replica. Validation of
 * user input happens at the API; here we only check shape, so a corrupt entry is a
 * clear error rather than a half-applied change.
 */
import type { ClusterExport } from '../mcs/types.js';

export interface UpsertExport {
  readonly op: 'upsertExport';
  readonly namespace: string;
  readonly service: string;
  readonly export: ClusterExport;
  /** The export vanishes unless its cluster renews within this many seconds. */
  readonly leaseSeconds?: number | undefined;
}

export interface DeleteExport {
  readonly op: 'deleteExport';
  readonly namespace: string;
  readonly service: string;
  readonly cluster: string;
}

/** A cluster's heartbeat: the leader restarts the lease clock of every export it holds. */
export interface RenewLeases {
  readonly op: 'renewLeases';
  readonly cluster: string;
}

/**
 * Lease expiry, decided by the leader on its own clock and replicated so every anchor
 * drops the same exports at the same log position. Each `generation` is the log index of
 * the upsert or renewal the leader saw expire: a later renewal makes that expiry a no-op.
 */
export interface ExpireLeases {
  readonly op: 'expireLeases';
  readonly cluster: string;
  readonly exports: ReadonlyArray<{ readonly namespace: string; readonly service: string; readonly generation: number }>;
}

/** Raw zone content (records that are not MCS registrations), in master-file text. */
export interface UpsertRRset {
  readonly op: 'upsertRRset';
  /** Owner relative to the apex ('@' for the apex) or absolute with a trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  /** RDATA in presentation form, one string per record. */
  readonly rdata: readonly string[];
}

export interface DeleteRRset {
  readonly op: 'deleteRRset';
  readonly name: string;
  readonly type: string;
}

/** The segment's own policy: who may write, and the limits every write is held to. */
export interface SegmentPolicy {
  /** TTL of service records (DESIGN.md: 5). */
  readonly serviceTtl: number;
  /** Longest lease a registration may ask for; 0 = no limit. */
  readonly maxLeaseSeconds: number;
  /** Clusters allowed to register here; empty = any. */
  readonly clusters: readonly string[];
}

export interface SetPolicy {
  readonly op: 'setPolicy';
  readonly policy: SegmentPolicy;
}

export type SegmentCommand = UpsertExport | DeleteExport | RenewLeases | ExpireLeases | UpsertRRset | DeleteRRset | SetPolicy;

export const DEFAULT_POLICY: SegmentPolicy = Object.freeze({ serviceTtl: 5, maxLeaseSeconds: 0, clusters: [] });

export function encodeCommand(command: SegmentCommand): Uint8Array {
  return Buffer.from(JSON.stringify(command), 'utf8');
}

/** Decodes an entry's data; throws on anything that is not a command (a broken log). */
export function decodeCommand(data: Uint8Array): SegmentCommand {
  const parsed: unknown = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { op?: unknown }).op !== 'string') {
    throw new TypeError(`not a segment command: ${JSON.stringify(parsed).slice(0, 80)}`);
  }
  return parsed as SegmentCommand;
}
