/**
 * Admin routes for a segment's own content: its policy and raw RRsets (zone-file records
 * that are not MCS registrations). An extension of DESIGN.md's API, admin tokens only
 * (or loopback when no tokens are configured). RDATA is parsed here, before proposing,
 * so text that does not parse never enters the log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rawRRset } from '../segment/view.js';
import { parseName } from '../zone/name.js';
import type { SegmentCommand } from '../segment/commands.js';
import type { Authenticator } from './auth.js';
import { ApiError } from './errors.js';
import { parseOrThrow } from './validation.js';
import type { RegistrationBackend } from './routes-v1.js';

const policyBody = z.strictObject({
  serviceTtl: z.number().int().min(0).max(3600),
  maxLeaseSeconds: z.number().int().min(0).max(86_400 * 365),
  clusters: z.array(z.string().min(1).max(127)).max(1000),
});

const rrsetBody = z.strictObject({
  ttl: z.number().int().min(0).max(0x7fffffff),
  rdata: z.array(z.string().min(1).max(65535)).min(1).max(1000),
});

const rrsetParams = z.strictObject({ apex: z.string().min(1), name: z.string().min(1).max(253), type: z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'must be an RR type name like A or TYPE65280') });

export function registerSegmentAdminRoutes(app: FastifyInstance, backend: RegistrationBackend, auth: Authenticator): void {
  app.put('/v1/segments/:apex/policy', async (request) => {
    const apex = hostedApex(backend, request, auth);
    const policy = parseOrThrow(policyBody, request.body, 'body');
    return written(await backend.write(apex, { op: 'setPolicy', policy }));
  });

  app.put('/v1/segments/:apex/rrsets/:name/:type', async (request) => {
    const apex = hostedApex(backend, request, auth);
    const { name, type } = parseOrThrow(rrsetParams, request.params, '');
    const body = parseOrThrow(rrsetBody, request.body, 'body');
    const command: SegmentCommand = { op: 'upsertRRset', name, type: type.toUpperCase(), ttl: body.ttl, rdata: body.rdata };
    checkRRset(command, apex);
    return written(await backend.write(apex, command));
  });

  app.delete('/v1/segments/:apex/rrsets/:name/:type', async (request) => {
    const apex = hostedApex(backend, request, auth);
    const { name, type } = parseOrThrow(rrsetParams, request.params, '');
    const result = await backend.write(apex, { op: 'deleteRRset', name, type: type.toUpperCase() });
    if (!result.changed) throw new ApiError('NOT_FOUND', `no ${type} RRset at ${name} in ${apex}`);
    return written(result);
  });
}

function hostedApex(backend: RegistrationBackend, request: FastifyRequest, auth: Authenticator): string {
  const principal = auth.authenticate(request.headers.authorization, request.socket.remoteAddress);
  if (!principal.admin) throw new ApiError('FORBIDDEN', `principal "${principal.name}" is not an admin`);
  const apex = String((request.params as { apex: string }).apex).toLowerCase().replace(/\.$/, '');
  if (!backend.apexes().includes(apex)) throw new ApiError('NOT_FOUND', `segment ${apex} is not hosted here`);
  return apex;
}

/** Parses the RRset as every replica will, so a bad one is a 400 here and never a log entry. */
function checkRRset(command: Extract<SegmentCommand, { op: 'upsertRRset' }>, apex: string): void {
  const apexLabels = parseName(`${apex}.`);
  try {
    const rrset = rawRRset(command, apexLabels);
    const inside = rrset.owner.length >= apexLabels.length && rrset.owner.slice(rrset.owner.length - apexLabels.length).every((l, i) => l.toLowerCase() === apexLabels[i]);
    if (!inside) throw new Error(`${command.name} is outside the segment ${apex}`);
    if (['SOA', 'NS'].includes(command.type) && rrset.owner.length === apexLabels.length) throw new Error(`the apex ${command.type} belongs to the anchor group`);
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `rrset: ${(error as Error).message}`);
  }
}

function written(result: { index: number; serial: number; refused?: string | undefined }) {
  if (result.refused) throw new ApiError('FORBIDDEN', result.refused);
  return { index: result.index, serial: result.serial };
}
