/**
 * The registration API of DESIGN.md ("HTTP API"): clusters PUT and DELETE their exports,
 * renew leases by heartbeat, and read the aggregated view. A write returns once its
 * command is committed and applied on this anchor, so the writer's next query to this
 * anchor sees it. Writes reach the leader through Raft (a follower's proposal is
 * forwarded as MsgProp); with no leader the backend throws a 503 with Retry-After.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SegmentCommand } from '../segment/commands.js';
import type { ServiceExports } from '../mcs/types.js';
import type { Authenticator } from './auth.js';
import { ApiError } from './errors.js';
import { checkNameLength, exportBodySchema, parseOrThrow, pathParams } from './validation.js';
import { registerSegmentAdminRoutes } from './routes-segments.js';

export interface WriteResult {
  readonly index: number;
  readonly serial: number;
  /** False when the command changed nothing (a delete of a missing export). */
  readonly changed: boolean;
  /** Why the segment's policy refused the command, if it did. */
  readonly refused?: string | undefined;
}

export interface SegmentStatus {
  readonly apex: string;
  readonly role: 'leader' | 'follower' | 'candidate';
  readonly leader: string | null;
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly members: ReadonlyArray<{ id: string; peer: string; dns: string }>;
}

/** What the API needs from the anchor host. */
export interface RegistrationBackend {
  /** The apex of the hosted segment that holds `<service>.<namespace>.svc`, or undefined. */
  segmentFor(namespace: string, service: string): string | undefined;
  write(apex: string, command: SegmentCommand): Promise<WriteResult>;
  /** Every hosted segment's view of services, merged. */
  services(): ServiceExports[];
  segments(): SegmentStatus[];
  apexes(): string[];
}

const exportParams = z.strictObject(pathParams);
const serviceParams = z.strictObject({ namespace: pathParams.namespace, service: pathParams.service });
const clusterParams = z.strictObject({ cluster: pathParams.cluster });
const heartbeatBody = z.union([z.strictObject({}), z.undefined(), z.null()]);

export function registerV1Routes(app: FastifyInstance, backend: RegistrationBackend, auth: Authenticator): void {
  // An empty body with a JSON content type is a valid heartbeat, not a parse error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ApiError('BAD_REQUEST', `body: not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  app.put('/v1/services/:namespace/:service/clusters/:cluster', async (request) => {
    const { namespace, service, cluster } = parseOrThrow(exportParams, request.params, '');
    authorize(auth, request, cluster);
    const body = parseOrThrow(exportBodySchema, request.body, 'body');
    const apex = segmentOf(backend, namespace, service);
    checkNameLength(namespace, service, apex);
    const { leaseSeconds, ...rest } = body;
    const command: SegmentCommand = {
      op: 'upsertExport', namespace, service, leaseSeconds,
      export: { cluster, type: rest.type, ips: rest.ips ?? [], ports: rest.ports ?? [], endpoints: rest.endpoints, weight: rest.weight },
    };
    const result = await backend.write(apex, command);
    if (result.refused) throw new ApiError('FORBIDDEN', result.refused);
    return { index: result.index, serial: result.serial };
  });

  app.delete('/v1/services/:namespace/:service/clusters/:cluster', async (request) => {
    const { namespace, service, cluster } = parseOrThrow(exportParams, request.params, '');
    authorize(auth, request, cluster);
    const result = await backend.write(segmentOf(backend, namespace, service), { op: 'deleteExport', namespace, service, cluster });
    if (!result.changed) throw new ApiError('NOT_FOUND', `cluster "${cluster}" exports no service ${namespace}/${service}`);
    return { index: result.index, serial: result.serial };
  });

  app.post('/v1/clusters/:cluster/heartbeat', async (request) => {
    const { cluster } = parseOrThrow(clusterParams, request.params, '');
    authorize(auth, request, cluster);
    parseOrThrow(heartbeatBody, request.body, 'body');
    const results = await Promise.all(backend.apexes().map((apex) => backend.write(apex, { op: 'renewLeases', cluster })));
    return { renewed: results.map((r, i) => ({ apex: backend.apexes()[i], index: r.index })) };
  });

  app.get('/v1/services', async () => ({ services: backend.services().map(serviceView) }));

  app.get('/v1/services/:namespace/:service', async (request) => {
    const { namespace, service } = parseOrThrow(serviceParams, request.params, '');
    const found = backend.services().find((s) => s.namespace === namespace && s.name === service);
    if (!found) throw new ApiError('NOT_FOUND', `no cluster exports ${namespace}/${service}`);
    return serviceView(found);
  });

  app.get('/v1/segments', async () => ({ segments: backend.segments() }));
  registerSegmentAdminRoutes(app, backend, auth);
}

function authorize(auth: Authenticator, request: FastifyRequest, cluster: string): void {
  const principal = auth.authenticate(request.headers.authorization, request.socket.remoteAddress);
  auth.authorize(principal, cluster);
}

function segmentOf(backend: RegistrationBackend, namespace: string, service: string): string {
  const apex = backend.segmentFor(namespace, service);
  if (!apex) throw new ApiError('NOT_FOUND', `no segment on this anchor holds ${service}.${namespace}.svc`);
  return apex;
}

function serviceView(s: ServiceExports) {
  return { namespace: s.namespace, name: s.name, clusters: s.exports };
}
