/**
 * The disk figures an operator watches first, named as etcd names its own
 * (`etcd_disk_wal_fsync_duration_seconds` is the usual first look at a slow disk): how
 * long each WAL sync takes, and each segment's snapshots, their size and the time from
 * capture to a durable file.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';

export interface DiskMetrics {
  /** A WAL write was made durable, in `ms`. */
  walSynced(ms: number): void;
  /** A snapshot of `segment` of `bytes` is durable, `seconds` after its capture. */
  snapshotTaken(segment: string, bytes: number, seconds: number): void;
}

/** 0.5 ms to ~8 s, doubling (etcd's WAL fsync buckets start at 1 ms). */
const FSYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.0005 * 2 ** i);

export function registerDiskMetrics(registry: Registry): DiskMetrics {
  const fsync = new Histogram({
    name: 'anchordns_disk_wal_fsync_duration_seconds',
    help: 'Time to make one WAL write durable (O_DSYNC write or fdatasync).',
    buckets: FSYNC_BUCKETS,
    registers: [registry],
  });
  const snapshotSeconds = new Histogram({
    name: 'anchordns_snapshot_duration_seconds',
    help: 'Time from capturing a segment state to its durable snapshot file.',
    labelNames: ['segment'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const snapshotBytes = new Gauge({
    name: 'anchordns_snapshot_size_bytes',
    help: 'Size of the segment state in its latest snapshot.',
    labelNames: ['segment'],
    registers: [registry],
  });
  return {
    walSynced: (ms) => fsync.observe(ms / 1000),
    snapshotTaken: (segment, bytes, seconds) => {
      snapshotSeconds.observe({ segment }, seconds);
      snapshotBytes.set({ segment }, bytes);
    },
  };
}
