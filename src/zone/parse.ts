/**
 * The master-file parser (RFC 1035 §5): $ORIGIN, $TTL (RFC 2308 §4), $INCLUDE, `@`,
 * relative names, owner/TTL/class inherited from the previous record, TTL and class in
 * either order, TTL units, RFC 3597 `TYPEnnn`/`CLASSnnn`/`\#`. Every error is a
 * ZoneFileError `file:line: message`.
 *
 * Each record becomes a one-record RRset; a ZoneBuilder merges them and validates the zone
 * as they come, and its errors are mapped back to the line of the record that broke the rule.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Labels, RRset } from './types.js';
import type { Entry } from './lexer.js';
import type { Zone } from './zone.js';
import { CLASS_IN, RRType } from './types.js';
import { ZoneError, ZoneFileError, ZoneSyntaxError } from './errors.js';
import { Lexer } from './lexer.js';
import { parseName, toOctets } from './name.js';
import { parseClass, parseTtl, parseType, typeToText } from './rrtype.js';
import { rdataFromTokens } from './rdata.js';
import { RdataSlab } from './rdata-slab.js';
import { soaFields } from './rdata-build.js';
import { ZoneBuilder } from './zone.js';

export interface ParseOptions {
  /** The zone's origin (text or labels). Default: the first $ORIGIN of the file. */
  readonly origin?: Labels | string;
  /** Used in error messages and as the base of relative $INCLUDE paths. Default `<text>`. */
  readonly fileName?: string;
  /**
   * True when the text is already one char per octet (a file read as latin1, as
   * loadZoneFile does); otherwise it is Unicode and is stored as UTF-8 octets.
   */
  readonly octets?: boolean;
  /** Reads an $INCLUDE file, returning text in the same form as the main text (see `octets`). */
  readonly readFile?: (path: string) => string;
}

/** Records as read, before zone validation; `where[i]` locates `rrsets[i]`. */
export interface ParsedRecords {
  readonly origin: Labels;
  readonly rrsets: readonly RRset[];
  readonly where: readonly { readonly file: string; readonly line: number }[];
  /** Last line of the top-level file, for errors about the zone as a whole. */
  readonly lastLine: number;
}

/** $INCLUDE nesting limit: a file that includes itself must fail, not recurse forever. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * Parses and validates a zone; throws ZoneFileError. Each record goes into the zone as it
 * is read, so the memory used is the zone's, not the file's records as well.
 */
export function parseZoneText(text: string, options: ParseOptions = {}): Zone {
  const parser = new ZoneTextParser(options);
  parser.feed(text);
  return parser.finish();
}

/**
 * parseZoneText over text read in pieces (each but the last ending in a newline), so a
 * large file is never one string in memory: loadZoneFile reads a megabyte at a time.
 */
export class ZoneTextParser {
  readonly #parser: Parser;
  readonly #file: string;
  readonly #lexer: Lexer;
  #builder: ZoneBuilder | undefined;

  constructor(options: ParseOptions = {}) {
    this.#file = options.fileName ?? '<text>';
    this.#parser = new Parser(options, (rrset, where) => {
      const builder = (this.#builder ??= this.#newBuilder(where.file, where.line));
      try {
        builder.add(rrset);
      } catch (err) {
        if (err instanceof ZoneError) throw new ZoneFileError(where.file, where.line, err.message, { cause: err });
        throw err;
      }
    });
    this.#lexer = this.#parser.openTop(this.#file);
  }

  feed(text: string): void {
    this.#lexer.feed(this.#parser.octetsOf(text));
  }

  finish(): Zone {
    const lastLine = this.#lexer.end();
    const builder = (this.#builder ??= this.#newBuilder(this.#file, 1));
    try {
      return builder.finish();
    } catch (err) {
      if (err instanceof ZoneError) throw new ZoneFileError(this.#file, lastLine, err.message, { cause: err });
      throw err;
    }
  }

  #newBuilder(file: string, line: number): ZoneBuilder {
    return new ZoneBuilder(this.#parser.zoneOrigin ?? noOrigin(file, line), { respell: true });
  }
}

/** Parses records without building the zone (no SOA/CNAME/outside checks yet). */
export function parseZoneRecords(text: string, options: ParseOptions = {}): ParsedRecords {
  const rrsets: RRset[] = [];
  const where: { file: string; line: number }[] = [];
  const parser = new Parser(options, (rrset, at) => {
    rrsets.push(rrset);
    where.push(at);
  });
  const file = options.fileName ?? '<text>';
  const lexer = parser.openTop(file);
  lexer.feed(parser.octetsOf(text));
  const lastLine = lexer.end();
  return { origin: parser.zoneOrigin ?? noOrigin(file, 1), rrsets, where, lastLine };
}

function noOrigin(file: string, line: number): never {
  throw new ZoneFileError(file, line, 'no origin: give one or start with $ORIGIN');
}

const absolute = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/** Per-file state; an $INCLUDE gets a copy, so origin and owner revert after it (RFC 1035 §5.1). */
interface FileState {
  readonly file: string;
  readonly depth: number;
  origin: Labels | undefined;
  owner: Labels | undefined;
  lastTtl: number | undefined;
  defaultTtl: number | undefined;
}

type RecordHandler = (rrset: RRset, where: { readonly file: string; readonly line: number }) => void;

class Parser {
  zoneOrigin: Labels | undefined;
  readonly #onRecord: RecordHandler;
  readonly #readFile: (path: string) => string;
  readonly #octets: boolean;
  /** This load's records share slabs: they are replaced together (rdata-slab.ts). */
  readonly #slab = new RdataSlab();

  readonly #options: ParseOptions;

  constructor(options: ParseOptions, onRecord: RecordHandler) {
    this.#options = options;
    this.#onRecord = onRecord;
    this.#octets = options.octets === true;
    this.#readFile = options.readFile ?? ((path) => readFileSync(path, this.#octets ? 'latin1' : 'utf8'));
  }

  /** A lexer for the top-level file: feed it octets, then end it. */
  openTop(file: string): Lexer {
    const origin = typeof this.#options.origin === 'string' ? parseName(absolute(this.#options.origin)) : this.#options.origin;
    this.zoneOrigin = origin;
    return this.#open(file, origin, 0);
  }

  octetsOf(text: string): string {
    return this.#octets ? text : toOctets(text);
  }

  /** A lexer whose entries become the records of `file`. */
  #open(file: string, origin: Labels | undefined, depth: number, inherit?: FileState): Lexer {
    const st: FileState = { file, depth, origin, owner: inherit?.owner, lastTtl: inherit?.lastTtl, defaultTtl: inherit?.defaultTtl };
    return new Lexer(file, (entry) => {
      try {
        this.#entry(entry, st);
      } catch (err) {
        if (err instanceof ZoneSyntaxError) throw new ZoneFileError(file, entry.line, err.message, { cause: err });
        throw err;
      }
    });
  }

  #entry(entry: Entry, st: FileState): void {
    const first = entry.tokens[0];
    if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) this.#directive(entry, st);
    else this.#record(entry, st);
  }

  #directive(entry: Entry, st: FileState): void {
    const [name, ...args] = entry.tokens.map((t) => t.text);
    const arity = (min: number, max: number): void => {
      if (args.length < min || args.length > max) throw new ZoneSyntaxError(`${name} takes ${min === max ? min : `${min}–${max}`} argument(s)`);
    };
    switch (name.toUpperCase()) {
      case '$ORIGIN':
        arity(1, 1);
        st.origin = parseName(args[0], st.origin);
        if (this.zoneOrigin === undefined) this.zoneOrigin = st.origin;
        return;
      case '$TTL':
        arity(1, 1);
        st.defaultTtl = parseTtl(args[0]);
        if (st.defaultTtl === undefined) throw new ZoneSyntaxError(`bad TTL '${args[0]}'`);
        return;
      case '$INCLUDE':
        arity(1, 2);
        this.#include(entry, st, args[0], args[1]);
        return;
      default:
        throw new ZoneSyntaxError(`unsupported directive ${name}`);
    }
  }

  // RFC 1035 §5.1: `$INCLUDE <file> [<origin>]`; the path is relative to the including file.
  #include(entry: Entry, st: FileState, path: string, originText: string | undefined): void {
    if (st.depth + 1 > MAX_INCLUDE_DEPTH) throw new ZoneSyntaxError(`$INCLUDE nested deeper than ${MAX_INCLUDE_DEPTH}`);
    const origin = originText === undefined ? st.origin : parseName(originText, st.origin);
    const target = isAbsolute(path) ? path : join(dirname(st.file), path);
    let text: string;
    try {
      text = this.#readFile(target);
    } catch (err) {
      throw new ZoneFileError(st.file, entry.line, `cannot read $INCLUDE file ${target}: ${(err as Error).message}`, { cause: err });
    }
    const lexer = this.#open(target, origin, st.depth + 1, st);
    lexer.feed(this.octetsOf(text));
    lexer.end();
  }

  #record(entry: Entry, st: FileState): void {
    const tokens = entry.tokens;
    let i = 0;
    if (!entry.blankOwner) st.owner = parseName(tokens[i++].text, st.origin);
    if (st.owner === undefined) throw new ZoneSyntaxError('no owner name: the first record must name its owner');
    let ttl: number | undefined;
    let cls: number | undefined;
    for (; i < tokens.length && !tokens[i].quoted; i++) {
      const t = tokens[i].text;
      if (ttl === undefined && (ttl = parseTtl(t)) !== undefined) continue;
      if (cls === undefined && (cls = parseClass(t)) !== undefined) continue;
      break;
    }
    if (cls !== undefined && cls !== CLASS_IN) throw new ZoneSyntaxError(`class CLASS${cls} is not served: only IN`);
    const typeText = tokens[i]?.text;
    if (typeText === undefined) throw new ZoneSyntaxError('missing RR type');
    const type = parseType(typeText);
    if (type === undefined) throw new ZoneSyntaxError(`unknown RR type '${typeText}'`);
    if (META_TYPES.has(type)) throw new ZoneSyntaxError(`${typeToText(type)} is not a data type`);
    const rdata = rdataFromTokens(type, tokens.slice(i + 1), st.origin, this.#slab);
    this.#push(st, entry.line, { owner: st.owner, type, ttl: this.#ttl(st, ttl, type, rdata), rdata: [rdata] });
  }

  // Explicit TTL; else $TTL (RFC 2308 §4); else the previous record's (RFC 1035 §5.1);
  // else, for a leading SOA, its MINIMUM field as older servers did.
  #ttl(st: FileState, explicit: number | undefined, type: number, rdata: Uint8Array): number {
    const ttl = explicit ?? st.defaultTtl ?? st.lastTtl ?? (type === RRType.SOA ? soaFields(rdata).minimum : undefined);
    if (ttl === undefined) throw new ZoneSyntaxError('no TTL: give one or set $TTL');
    st.lastTtl = ttl;
    return ttl;
  }

  #push(st: FileState, line: number, rrset: RRset): void {
    this.#onRecord(rrset, { file: st.file, line });
  }
}

// Query-only and EDNS types never belong in a zone (RFC 6895 §3.1).
const META_TYPES: ReadonlySet<number> = new Set([RRType.OPT, RRType.IXFR, RRType.AXFR, RRType.ANY, 250, 249, 253, 254]);
