/**
 * The HTTP layer in isolation: validation, auth and status codes. The backend here
 * applies commands straight to a real SegmentState (no Raft); test/ covers the same API
 * through real anchor processes.
 */
import { createHash } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../anchor/logger.js';
import { SegmentState } from '../segment/state.js';
import type { SegmentCommand } from '../segment/commands.js';
import { Authenticator } from './auth.js';
import { buildHttpServer } from './http-server.js';
import { registerV1Routes, type RegistrationBackend } from './routes-v1.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = [
  { name: 'east-controller', sha256: sha('east-secret'), clusters: ['east'] },
  { name: 'ops', sha256: sha('ops-secret'), admin: true },
];

function stateBackend(state: SegmentState): RegistrationBackend {
  let index = 0;
  return {
    segmentFor: () => 'clusterset.local',
    apexes: () => ['clusterset.local'],
    async write(_apex: string, command: SegmentCommand) {
      const outcome = state.apply(++index, command);
      return { index, serial: state.serial, changed: outcome.changed, refused: outcome.refused };
    },
    services: () => [...state.serviceKeys()].map((k) => state.service(k)!),
    segments: () => [],
  };
}

/** A fresh segment state behind the real HTTP server and routes. */
async function startApi(): Promise<{ state: SegmentState; app: ReturnType<typeof buildHttpServer> }> {
  const state = new SegmentState();
  const backend = stateBackend(state);
  const app = buildHttpServer({ logger: createLogger('silent'), registry: new Registry(), readiness: () => ({ ready: true, reasons: [] }), routes: (a) => registerV1Routes(a, backend, new Authenticator(TOKENS)) });
  await app.ready();
  return { state, app };
}

const GOOD = { type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] };

describe('v1 registration routes', () => {
  let state: SegmentState;
  let app: ReturnType<typeof buildHttpServer>;
  const put = (body: unknown, token?: string, path = '/v1/services/demo/web/clusters/east') =>
    app.inject({ method: 'PUT', url: path, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) } });

  beforeEach(async () => {
    ({ state, app } = await startApi());
  });
  afterEach(() => app.close());

  it('registers with a granted token and answers index and serial', async () => {
    const res = await put(GOOD, 'east-secret');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ index: 1, serial: 2 });
    expect(state.service('demo/web')!.exports[0]!.ips).toEqual(['10.96.0.10']);
  });

  it.each([
    ['{"type": "ClusterSetIP",', 'body: not valid JSON'],
    [{ ...GOOD, ips: ['10.0.0.300'] }, 'body.ips[0]: must be an IPv4 or IPv6 address'],
    [{ ...GOOD, colour: 'blue' }, 'body: Unrecognized key: "colour"'],
    [{ ...GOOD, ports: [{ name: 'http', protocol: 'TCP', port: 70000 }] }, 'body.ports[0].port:'],
    [{ ...GOOD, ports: [{ name: 'x'.repeat(64), protocol: 'TCP', port: 80 }] }, 'body.ports[0].name: port name must be at most 15 characters'],
    [{ ...GOOD, ips: ['fe80::1%eth0'] }, 'body.ips[0]: must be an IPv4 or IPv6 address (no zone id)'],
    [{ type: 'ClusterSetIP', ips: [] }, 'body.ips: a ClusterSetIP export needs at least one address'],
    [{ ...GOOD, type: 'LoadBalancer' }, 'body.type:'],
  ])('rejects %j with a 400 naming the field, changing nothing', async (body, message) => {
    const res = await put(body, 'east-secret');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toContain(message);
    expect(state.service('demo/web')).toBeUndefined();
  });

  it('rejects a label over 63 octets in the path', async () => {
    const res = await put(GOOD, 'ops-secret', `/v1/services/${'n'.repeat(64)}/web/clusters/east`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('namespace must be at most 63 octets');
  });

  it.each([
    [undefined, 401, 'missing "Authorization: Bearer <token>"'],
    ['wrong', 401, 'unknown token'],
  ])('answers %s with %i', async (token, status, message) => {
    const res = await put(GOOD, token);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toContain(message);
    expect(state.service('demo/web')).toBeUndefined();
  });

  it('forbids writing another cluster with 403, and lets admin write any', async () => {
    const other = await put(GOOD, 'east-secret', '/v1/services/demo/web/clusters/west');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('FORBIDDEN');
    expect((await put(GOOD, 'ops-secret', '/v1/services/demo/web/clusters/west')).statusCode).toBe(200);
  });

  it('deletes an export, then answers 404 for it', async () => {
    await put(GOOD, 'east-secret');
    const del = () => app.inject({ method: 'DELETE', url: '/v1/services/demo/web/clusters/east', headers: { authorization: 'Bearer east-secret' } });
    expect((await del()).statusCode).toBe(200);
    const again = await del();
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('NOT_FOUND');
  });

  it('takes a heartbeat with an empty body and lists services', async () => {
    await put(GOOD, 'east-secret');
    const hb = await app.inject({ method: 'POST', url: '/v1/clusters/east/heartbeat', headers: { authorization: 'Bearer east-secret', 'content-type': 'application/json' } });
    expect(hb.statusCode).toBe(200);
    const list = await app.inject({ method: 'GET', url: '/v1/services' });
    expect(list.json().services).toEqual([{ namespace: 'demo', name: 'web', clusters: [expect.objectContaining({ cluster: 'east', ips: ['10.96.0.10'] })] }]);
    expect((await app.inject({ method: 'GET', url: '/v1/services/demo/nope' })).statusCode).toBe(404);
  });
});

describe('segment admin routes', () => {
  let state: SegmentState;
  let app: ReturnType<typeof buildHttpServer>;
  const call = (method: 'PUT' | 'DELETE', url: string, body: unknown, token = 'ops-secret') =>
    app.inject({ method, url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });

  beforeEach(async () => {
    ({ state, app } = await startApi());
  });
  afterEach(() => app.close());

  it('sets the policy, which then refuses other clusters with 403', async () => {
    expect((await call('PUT', '/v1/segments/clusterset.local/policy', { serviceTtl: 5, maxLeaseSeconds: 0, clusters: ['east'] })).statusCode).toBe(200);
    const res = await call('PUT', '/v1/services/demo/web/clusters/west', GOOD);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('segment policy does not admit cluster "west"');
    expect(state.service('demo/web')).toBeUndefined();
  });

  it('upserts and deletes a raw RRset, rejecting RDATA that does not parse', async () => {
    expect((await call('PUT', '/v1/segments/clusterset.local/rrsets/www/A', { ttl: 60, rdata: ['192.0.2.1'] })).statusCode).toBe(200);
    expect([...state.rrsets()].map((r) => r.name)).toEqual(['www']);
    const bad = await call('PUT', '/v1/segments/clusterset.local/rrsets/www/A', { ttl: 60, rdata: ['192.0.2.300'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^rrset: /);
    const outside = await call('PUT', '/v1/segments/clusterset.local/rrsets/www.example.com./A', { ttl: 60, rdata: ['192.0.2.1'] });
    expect(outside.json().error.message).toContain('outside the segment');
    expect((await call('DELETE', '/v1/segments/clusterset.local/rrsets/www/A', undefined)).statusCode).toBe(200);
    expect((await call('DELETE', '/v1/segments/clusterset.local/rrsets/www/A', undefined)).statusCode).toBe(404);
  });

  it('is for admins only', async () => {
    const res = await call('PUT', '/v1/segments/clusterset.local/policy', { serviceTtl: 5, maxLeaseSeconds: 0, clusters: [] }, 'east-secret');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('not an admin');
  });
});

describe('writes without configured tokens', () => {
  it('are accepted from 127.0.0.1 or ::1 only, on a loopback listener', () => {
    const auth = new Authenticator([], '127.0.0.2');
    expect(auth.authenticate(undefined, '127.0.0.1').name).toBe('loopback');
    expect(auth.authenticate(undefined, '::ffff:127.0.0.1').name).toBe('loopback');
    expect(() => auth.authenticate(undefined, '127.0.0.6')).toThrow('127.0.0.1 or ::1 only');
    expect(() => auth.authenticate(undefined, '10.0.0.1')).toThrow('127.0.0.1 or ::1 only');
  });

  it('are refused on a listener reachable from elsewhere', () => {
    const auth = new Authenticator([], '0.0.0.0');
    expect(() => auth.authenticate(undefined, '127.0.0.1')).toThrow('configure tokens');
  });
});
