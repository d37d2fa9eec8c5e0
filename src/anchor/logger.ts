/**
 * One pino logger per process, JSON to stdout. The level comes from the config
 * (`--log-level`); fastify logs through the same instance so a request and the DNS
 * events around it share one stream.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}
