/**
 * Splits master-file text into entries (RFC 1035 §5.1): one entry per logical line, where
 * parentheses continue an entry across newlines, `;` starts a comment, `"…"` is one token
 * and `\X` keeps any special char X inside a token. Escapes are left in the token text;
 * names and character-strings decode them (the meaning of `\.` depends on the field).
 */
import { ZoneFileError } from './errors.js';

/** One token of an entry; `text` is raw (escapes not decoded, quotes removed). */
export interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

/** One logical line. `blankOwner`: the line began with white space (owner inherited). */
export interface Entry {
  readonly line: number;
  readonly blankOwner: boolean;
  readonly tokens: readonly Token[];
}

const SPACE = new Set([' ', '\t', '\r']);

/** Lexes `text` into a list of entries; errors name `file` and the line. */
export function lexZone(text: string, file: string): Entry[] {
  const entries: Entry[] = [];
  const lexer = new Lexer(file, (entry) => entries.push(entry));
  lexer.feed(text);
  lexer.end();
  return entries;
}

/**
 * Lexes text fed in pieces, handing each entry to `onEntry` as soon as it ends, so a large
 * zone is parsed without its whole text or the tokens of every line in memory at once (at
 * 1M names, 150 MB and a gigabyte). Every piece but the last must end with a newline: no
 * token spans a newline, so only the entry being read (inside parentheses) carries over.
 */
export class Lexer {
  readonly #file: string;
  readonly #onEntry: (entry: Entry) => void;
  readonly #state: LexState = { line: 1, depth: 0, entryLine: 1, tokens: [], blank: false };
  #atLineStart = true;
  #endsWithNewline = false;

  constructor(file: string, onEntry: (entry: Entry) => void) {
    this.#file = file;
    this.#onEntry = onEntry;
  }

  feed(text: string): void {
    const state = this.#state;
    let atLineStart = this.#atLineStart;
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (atLineStart && state.depth === 0) {
        state.blank = SPACE.has(ch);
        state.entryLine = state.line;
      }
      atLineStart = ch === '\n';
      i = step(text, i, this.#file, state, this.#onEntry);
    }
    this.#atLineStart = atLineStart;
    if (text.length > 0) this.#endsWithNewline = text.endsWith('\n');
  }

  /** Ends the text; returns the number of its last line. */
  end(): number {
    const state = this.#state;
    if (state.depth > 0) throw new ZoneFileError(this.#file, state.line, "unclosed '(' at end of file");
    flush(this.#onEntry, state);
    return this.#endsWithNewline ? state.line - 1 : state.line;
  }
}

// Consumes what starts at text[i]; returns the index after it.
function step(text: string, i: number, file: string, state: LexState, onEntry: (entry: Entry) => void): number {
  const ch = text[i];
  if (ch === '\n') {
    state.line++;
    if (state.depth === 0) flush(onEntry, state);
    return i + 1;
  }
  if (SPACE.has(ch)) return i + 1;
  if (ch === ';') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (ch === '(' || ch === ')') {
    state.depth += ch === '(' ? 1 : -1;
    if (state.depth < 0) throw new ZoneFileError(file, state.line, "unbalanced ')'");
    return i + 1;
  }
  return ch === '"' ? readQuoted(text, i, file, state) : readPlain(text, i, state.tokens);
}

interface LexState {
  line: number;
  depth: number;
  entryLine: number;
  tokens: Token[];
  blank: boolean;
}

function flush(onEntry: (entry: Entry) => void, state: LexState): void {
  if (state.tokens.length === 0) return;
  const entry = { line: state.entryLine, blankOwner: state.blank, tokens: state.tokens };
  // A fresh list before the handler runs: it may throw, and it may keep the entry.
  state.tokens = [];
  onEntry(entry);
}

// A plain token runs to white space or a special char; `\X` never ends it.
function readPlain(text: string, start: number, tokens: Token[]): number {
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (SPACE.has(ch) || ch === '\n' || ch === ';' || ch === '(' || ch === ')' || ch === '"') break;
    i++;
  }
  tokens.push({ text: text.slice(start, Math.min(i, text.length)), quoted: false });
  return i;
}

function readQuoted(text: string, start: number, file: string, state: LexState): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\n') throw new ZoneFileError(file, state.line, 'newline inside a quoted string');
    i += text[i] === '\\' ? 2 : 1;
  }
  if (i >= text.length) throw new ZoneFileError(file, state.line, 'unterminated quoted string');
  state.tokens.push({ text: text.slice(start + 1, i), quoted: true });
  return i + 1;
}
