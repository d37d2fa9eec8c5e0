/**
 * The top level of query handling shared by the UDP and TCP listeners: time the query,
 * run the responder, count and optionally log it, and turn any exception into SERVFAIL so
 * the server keeps serving (as CoreDNS's server does).
 */
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { Flag, HEADER_SIZE, Rcode } from './constants.js';
import type { Transport } from './constants.js';
import type { DnsMetrics } from './metrics.js';
import type { Responder } from './responder.js';
import { presentName } from './present.js';

/** Answers one message; returns the bytes to send (length-prefixed for TCP) or null. */
export type QueryHandler = (msg: Buffer, transport: Transport, family: 4 | 6, client: string) => Buffer | null;

export interface HandlerOptions {
  responder: Responder;
  metrics?: DnsMetrics;
  queryLog?: Logger;
  logger?: Logger;
}

export function createQueryHandler(options: HandlerOptions): QueryHandler {
  const { responder, metrics, queryLog, logger } = options;
  return (msg, transport, family, client) => {
    const started = metrics === undefined ? 0 : performance.now();
    let reply: Buffer | null;
    try {
      reply = responder.respond(msg, transport, family, client);
    } catch (err) {
      logger?.error({ err }, 'dns: query handling failed');
      reply = servfail(msg, transport);
      responder.lastRcode = Rcode.SERVFAIL;
    }
    if (reply === null) return null;
    metrics?.response(responder.lastRcode, (performance.now() - started) / 1000);
    if (queryLog !== undefined) logQuery(queryLog, responder, transport, client);
    return reply;
  };
}

function logQuery(log: Logger, responder: Responder, proto: Transport, client: string): void {
  const q = responder.query;
  log.info({ proto, client, qname: presentName(q.nameKey), qtype: q.qtype, rcode: responder.lastRcode }, 'dns query');
}

/** A bare SERVFAIL for the header of `msg` (ID, opcode and RD kept), or null if too short. */
export function servfail(msg: Buffer, transport: Transport): Buffer | null {
  if (msg.length < HEADER_SIZE || (msg[2] & 0x80) !== 0) return null;
  const prefix = transport === 'tcp' ? 2 : 0;
  const out = Buffer.alloc(prefix + HEADER_SIZE);
  if (prefix !== 0) out.writeUInt16BE(HEADER_SIZE, 0);
  out[prefix] = msg[0];
  out[prefix + 1] = msg[1];
  out.writeUInt16BE(Flag.QR | (((msg[2] << 8) | msg[3]) & (0x7800 | Flag.RD)) | Rcode.SERVFAIL, prefix + 2);
  return out;
}
