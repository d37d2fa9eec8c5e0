/**
 * `HOST:PORT` listener addresses as the CLI and config file write them:
 * `127.0.0.1:1053`, `[::1]:1053`, `0.0.0.0:53`. IPv6 hosts need brackets so the port
 * cannot be mistaken for the last group of the address.
 */
import { isIP } from 'node:net';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `HOST:PORT`; returns an error message instead of throwing so callers can name the field. */
export function parseHostPort(text: string): HostPort | string {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return `expected HOST:PORT (IPv6 as [addr]:port), got "${text}"`;
  const host = match[1]!;
  const port = Number(match[2]);
  if (port > 65535) return `port ${port} is out of range 0-65535`;
  if (bracketed && isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  if (!bracketed && isIP(host) === 0 && !isHostName(host)) return `"${host}" is not an IP address or host name`;
  return { host, port };
}

/** Formats a listener address back to `HOST:PORT`, bracketing IPv6. */
export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function isHostName(text: string): boolean {
  return /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(text);
}
