/**
 * Public entry of the storage layer: the shared multi-group WAL, per-group DiskStorage,
 * the error catalogue, and the Raft binary codec the transport also uses.
 */
export { openWal, Wal, DEFAULT_SEGMENT_BYTES, type WalOptions } from './wal.js';
export { DiskStorage, type PersistBatch } from './disk-storage.js';
export * from './errors.js';
export { crc32c } from './crc32c.js';
export type { Logger } from './snapshot-store.js';
export type { CommitStats } from './group-commit.js';
