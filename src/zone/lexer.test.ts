// Master-file tokens and entries (RFC 1035 §5.1).
import { describe, expect, it } from 'vitest';
import { Lexer, lexZone, type Entry } from './lexer.js';

const summary = (text: string) =>
  lexZone(text, 'l.zone').map((e) => ({ line: e.line, blank: e.blankOwner, tokens: e.tokens.map((t) => (t.quoted ? `"${t.text}"` : t.text)) }));

const cases = [
  { name: 'one entry per line', text: 'a A 1\nb A 2', want: [{ line: 1, blank: false, tokens: ['a', 'A', '1'] }, { line: 2, blank: false, tokens: ['b', 'A', '2'] }] },
  { name: 'leading white space marks an inherited owner', text: 'a A 1\n\tA 2', want: [{ line: 1, blank: false, tokens: ['a', 'A', '1'] }, { line: 2, blank: true, tokens: ['A', '2'] }] },
  { name: 'parentheses join lines; the entry keeps its first line', text: '\n@ SOA (\n a\n b ) ; c\nx', want: [{ line: 2, blank: false, tokens: ['@', 'SOA', 'a', 'b'] }, { line: 5, blank: false, tokens: ['x'] }] },
  { name: 'comments and blank lines vanish', text: '; top\n\n   ; indented\na A 1 ; tail', want: [{ line: 4, blank: false, tokens: ['a', 'A', '1'] }] },
  { name: 'quoted strings are one token with escapes kept', text: 'a TXT "x y;z" "q\\"r" ""', want: [{ line: 1, blank: false, tokens: ['a', 'TXT', '"x y;z"', '"q\\"r"', '""'] }] },
  { name: 'escaped specials stay inside a plain token', text: 'a\\;b\\(c\\ d TXT x', want: [{ line: 1, blank: false, tokens: ['a\\;b\\(c\\ d', 'TXT', 'x'] }] },
  { name: 'a quote starts a new token', text: 'a TXT x"y"', want: [{ line: 1, blank: false, tokens: ['a', 'TXT', 'x', '"y"'] }] },
  { name: 'CRLF line ends', text: 'a A 1\r\n b A 2\r\n', want: [{ line: 1, blank: false, tokens: ['a', 'A', '1'] }, { line: 2, blank: true, tokens: ['b', 'A', '2'] }] },
] as const;

describe('lexer', () => {
  it.each(cases)('$name', ({ text, want }) => {
    expect(summary(text)).toEqual(want);
  });

  it.each([
    { text: 'a TXT "open', message: 'l.zone:1: unterminated quoted string' },
    { text: 'a TXT "x\ny"', message: 'l.zone:1: newline inside a quoted string' },
    { text: 'a A 1\nb A ) 2', message: "l.zone:2: unbalanced ')'" },
    { text: 'a SOA (\n1\n', message: "l.zone:3: unclosed '(' at end of file" },
  ])('error $message', ({ text, message }) => {
    expect(() => lexZone(text, 'l.zone')).toThrow(message);
  });

  it('gives the same entries when fed in pieces of whole lines, an entry open across them', () => {
    const text = '$TTL 60\n@ SOA ns hm (\n 1 2\n 3 4 5 )\n\twww A 192.0.2.1\n; note\nb TXT "x"';
    const pieces = ['$TTL 60\n@ SOA ns hm (\n', ' 1 2\n', ' 3 4 5 )\n\twww A 192.0.2.1\n; note\n', 'b TXT "x"'];
    const entries: Entry[] = [];
    const lexer = new Lexer('l.zone', (e) => entries.push(e));
    for (const piece of pieces) lexer.feed(piece);
    expect(lexer.end()).toBe(7);
    expect(entries).toEqual(lexZone(text, 'l.zone'));
    expect(entries.map((e) => e.line)).toEqual([1, 2, 5, 7]);
  });

  it('counts the last line without a trailing newline', () => {
    for (const [text, last] of [['', 1], ['a A 1\n', 1], ['a A 1\nb A 2', 2], ['a A 1\n\n', 2]] as const) {
      const lexer = new Lexer('l.zone', () => undefined);
      lexer.feed(text);
      expect(lexer.end()).toBe(last);
    }
  });
});

