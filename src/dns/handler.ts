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

/**
 * Answers one UDP message into `out` at `at` (room for SERVER_UDP_SIZE bytes); returns
 * the reply's length, or -1 for no reply.
 */
export type UdpIntoHandler = (msg: Buffer, family: 4 | 6, client: string, out: Buffer, at: number) => number;

export interface QueryHandlers {
  /** For TCP and the dgram UDP engine. */
  readonly answer: QueryHandler;
  /** For the batched UDP engine, which sends from its own reply slots. */
  readonly answerUdpInto: UdpIntoHandler;
}

export interface HandlerOptions {
  responder: Responder;
  metrics?: DnsMetrics;
  queryLog?: Logger;
  logger?: Logger;
}

export function createQueryHandlers(options: HandlerOptions): QueryHandlers {
  const { responder, metrics, queryLog, logger } = options;
  const failed = (err: unknown, msg: Buffer, transport: Transport): Buffer | null => {
    logger?.error({ err }, 'dns: query handling failed');
    responder.lastRcode = Rcode.SERVFAIL;
    return servfail(msg, transport);
  };
  const answered = (started: number, transport: Transport, client: string): void => {
    metrics?.response(responder.lastRcode, (performance.now() - started) / 1000);
    if (queryLog !== undefined) logQuery(queryLog, responder, transport, client);
  };
  const now = (): number => (metrics === undefined ? 0 : performance.now());
  return {
    answer: (msg, transport, family, client) => {
      const started = now();
      let reply: Buffer | null;
      try {
        reply = responder.respond(msg, transport, family, client);
      } catch (err) {
        reply = failed(err, msg, transport);
      }
      if (reply !== null) answered(started, transport, client);
      return reply;
    },
    answerUdpInto: (msg, family, client, out, at) => {
      const started = now();
      let length: number;
      try {
        length = responder.respondInto(msg, family, client, out, at);
      } catch (err) {
        const reply = failed(err, msg, 'udp');
        if (reply !== null) out.set(reply, at);
        length = reply?.length ?? -1;
      }
      if (length >= 0) answered(started, 'udp', client);
      return length;
    },
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
