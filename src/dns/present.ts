/**
 * Presentation form of wire names for logs (RFC 1035 §5.1 escapes): printable ASCII as is,
 * `.` and `\` escaped, other octets as `\DDD`.
 */

/** `nameKey` is length-prefixed labels without the root octet (the scanner's name key). */
export function presentName(nameKey: string): string {
  if (nameKey.length === 0) return '.';
  let out = '';
  let pos = 0;
  while (pos < nameKey.length) {
    const len = nameKey.charCodeAt(pos);
    for (let i = pos + 1; i <= pos + len; i++) out += presentOctet(nameKey.charCodeAt(i));
    out += '.';
    pos += len + 1;
  }
  return out;
}

function presentOctet(c: number): string {
  if (c === 0x2e || c === 0x5c) return '\\' + String.fromCharCode(c);
  if (c > 0x20 && c < 0x7f) return String.fromCharCode(c);
  return '\\' + String(c).padStart(3, '0');
}
