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

/** Lexes `text`; errors name `file` and the line. */
export function lexZone(text: string, file: string): Entry[] {
  const entries: Entry[] = [];
  const state: LexState = { line: 1, depth: 0, entryLine: 1, tokens: [], blank: false };
  let atLineStart = true;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (atLineStart && state.depth === 0) {
      state.blank = SPACE.has(ch);
      state.entryLine = state.line;
    }
    atLineStart = ch === '\n';
    i = step(text, i, file, state, entries);
  }
  if (state.depth > 0) throw new ZoneFileError(file, state.line, "unclosed '(' at end of file");
  flush(entries, state);
  return entries;
}

// Consumes what starts at text[i]; returns the index after it.
function step(text: string, i: number, file: string, state: LexState, entries: Entry[]): number {
  const ch = text[i];
  if (ch === '\n') {
    state.line++;
    if (state.depth === 0) flush(entries, state);
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

function flush(entries: Entry[], state: LexState): void {
  if (state.tokens.length > 0) {
    entries.push({ line: state.entryLine, blankOwner: state.blank, tokens: state.tokens });
  }
  state.tokens = [];
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
