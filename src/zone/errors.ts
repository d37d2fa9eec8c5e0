/**
 * The zone package's coded errors. Text that cannot be read (a bad name, TTL or RDATA) is a
 * ZoneSyntaxError; a set of RRsets that cannot form a zone (no SOA, CNAME beside other data)
 * is a ZoneError; the master-file parser turns both into a ZoneFileError whose message
 * starts with `file:line: ` so a person can find the offending line.
 */

/** Text in presentation format could not be read. */
export class ZoneSyntaxError extends Error {
  readonly code = 'ZONE_SYNTAX' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ZoneSyntaxError';
  }
}

/** The RRsets do not form a valid zone. `rrsetIndex` points at the offending input RRset. */
export class ZoneError extends Error {
  readonly code = 'ZONE_INVALID' as const;
  readonly rrsetIndex: number | undefined;
  constructor(message: string, rrsetIndex?: number) {
    super(message);
    this.name = 'ZoneError';
    this.rrsetIndex = rrsetIndex;
  }
}

/** A master file is wrong at `file:line`; the message carries that prefix. */
export class ZoneFileError extends Error {
  readonly code = 'ZONE_FILE' as const;
  readonly file: string;
  readonly line: number;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;
  constructor(file: string, line: number, reason: string, options?: { cause?: unknown }) {
    super(`${file}:${line}: ${reason}`, options);
    this.name = 'ZoneFileError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
