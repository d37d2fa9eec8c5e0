/**
 * The storage and transport error catalogue. Every failure that leaves this layer is a
 * `StorageError` (or `TransportError`) with a stable `code`, so the host can switch on the
 * code and logs can name it; the underlying I/O or decode error rides along as `cause`.
 *
 * Expected conditions Raft handles (ErrCompacted, ErrUnavailable) are errors of this
 * catalogue too; the Raft core recognises them by `code`.
 */

export const StorageErrorCode = {
  Compacted: 'ERR_COMPACTED',
  Unavailable: 'ERR_UNAVAILABLE',
  SnapshotOutOfDate: 'ERR_SNAP_OUT_OF_DATE',
  Codec: 'ERR_CODEC',
  WalCorrupt: 'ERR_WAL_CORRUPT',
  WalClosed: 'ERR_WAL_CLOSED',
  WalFailed: 'ERR_WAL_FAILED',
  WalLocked: 'ERR_WAL_LOCKED',
  InvalidAppend: 'ERR_INVALID_APPEND',
  SnapshotCorrupt: 'ERR_SNAPSHOT_CORRUPT',
  Frame: 'ERR_FRAME',
  TransportClosed: 'ERR_TRANSPORT_CLOSED',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The requested index is below the first available one (it was compacted away). */
export class CompactedError extends StorageError {
  constructor(index: number) {
    super(StorageErrorCode.Compacted, `requested index ${index} is unavailable due to compaction`);
  }
}

/** The requested index is beyond the last stored entry. */
export class UnavailableError extends StorageError {
  constructor(index: number) {
    super(StorageErrorCode.Unavailable, `requested entry at index ${index} is unavailable`);
  }
}

/** A snapshot older than the one already held was offered. */
export class SnapshotOutOfDateError extends StorageError {
  constructor(offered: number, held: number) {
    super(StorageErrorCode.SnapshotOutOfDate, `snapshot at index ${offered} is older than held snapshot at ${held}`);
  }
}

/** Bytes that do not decode as the expected Raft type. */
export class CodecError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(StorageErrorCode.Codec, `codec: ${message}`, options);
  }
}

/** Damage in a WAL segment that recovery must not repair (not at the tail of the last segment). */
export class WalCorruptError extends StorageError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, reason: string, options?: { cause?: unknown }) {
    super(StorageErrorCode.WalCorrupt, `wal: ${file}: record at offset ${offset}: ${reason}`, options);
    this.file = file;
    this.offset = offset;
  }
}

export class WalClosedError extends StorageError {
  constructor() {
    super(StorageErrorCode.WalClosed, 'wal: closed');
  }
}

/**
 * A write or fsync failed. After a failed fsync the kernel may have dropped the dirty pages,
 * so nothing written since the last good sync can be trusted: the WAL refuses every later
 * save and the process must restart and recover from disk.
 */
export class WalFailedError extends StorageError {
  constructor(options?: { cause?: unknown }) {
    super(StorageErrorCode.WalFailed, 'wal: an earlier write or fsync failed; restart to recover', options);
  }
}

/** Another live process holds the data directory. */
export class WalLockedError extends StorageError {
  constructor(dir: string, pid: number) {
    super(StorageErrorCode.WalLocked, `wal: ${dir} is in use by process ${pid}`);
  }
}

/** An append that would leave a gap or rewrite compacted entries. */
export class InvalidAppendError extends StorageError {
  constructor(message: string) {
    super(StorageErrorCode.InvalidAppend, message);
  }
}

export class SnapshotCorruptError extends StorageError {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(StorageErrorCode.SnapshotCorrupt, `snapshot: ${file}: ${reason}`, options);
  }
}

/** A malformed, unknown or oversized transport frame; the connection that sent it is closed. */
export class FrameError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(StorageErrorCode.Frame, `frame: ${message}`, options);
  }
}

export class TransportClosedError extends StorageError {
  constructor() {
    super(StorageErrorCode.TransportClosed, 'transport: closed');
  }
}
