import { describe, expect, it } from 'vitest';
import { presentName } from './present.js';

describe('presentName', () => {
  it('prints the root and plain names', () => {
    expect(presentName('')).toBe('.');
    expect(presentName('\x03www\x07example')).toBe('www.example.');
  });
  it('escapes dots, backslashes and unprintable octets (RFC 1035 §5.1)', () => {
    expect(presentName('\x03a.b\x02\\\x00')).toBe('a\\.b.\\\\\\000.');
  });
});
