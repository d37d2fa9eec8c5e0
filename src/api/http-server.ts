/**
 * The anchor's HTTP listener (fastify): `/health`, `/ready`, `/metrics` now, the `/v1`
 * registration API as the anchor grows. Every error leaves as
 * `{"error": {"code", "message"}}` with the status from the catalogue in errors.ts.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../anchor/logger.js';
import { ApiError, ErrorStatus, errorBody } from './errors.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready, one line per unready part; shown in the 503 body. */
  readonly reasons: readonly string[];
}

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: () => Readiness;
  /** Adds more routes (the /v1 API) before the server starts listening. */
  readonly routes?: (app: FastifyInstance) => void;
}

/** The catalogue code for a status fastify itself chose (body too large, bad media type…). */
function codeFor(status: number): string {
  const found = (Object.entries(ErrorStatus) as Array<[string, number]>).find(([, s]) => s === status);
  return found?.[0] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  // Per-request logs would drown the DNS query log: the HTTP child logs warnings and up.
  const logger = options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger;
  // A two-label cluster id is up to 127 octets, a DNS name 253: room for both in a path parameter.
  const app = Fastify({ loggerInstance: logger, bodyLimit: 1 << 20, routerOptions: { maxParamLength: 300 } });
  app.setErrorHandler((error: FastifyError | ApiError, _request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
      return reply.status(error.status).send(errorBody(error.code, error.message));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) options.logger.error({ err: error }, 'http handler failed');
    return reply.status(status).send(errorBody(codeFor(status), error.message));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url}`)));

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const readiness = options.readiness();
    return reply.status(readiness.ready ? 200 : 503).send({ ready: readiness.ready, reasons: readiness.reasons });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await options.registry.metrics();
    return reply.header('content-type', options.registry.contentType).send(text);
  });
  options.routes?.(app);
  return app;
}
