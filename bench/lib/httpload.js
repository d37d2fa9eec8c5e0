/**
 * HTTP write load with autocannon's JS API: every request gets a fresh sequence number
 * (so each PUT registers a new service, each etcd put writes a new key), and the result is
 * reduced to committed writes per second (2xx only) and latency p50/p99.
 */
import autocannon from 'autocannon';

let sequence = 0;

/**
 * @param {{ url: string, connections: number, seconds: number, request: (n: number) => { method: string, path: string, body: string } }} o
 * @returns {Promise<{ connections: number, seconds: number, ok: number, okPerSec: number, p50Ms: number, p99Ms: number, avgMs: number, non2xx: number, errors: number, timeouts: number, statusCodes: Record<string, number> }>}
 */
export async function httpLoad(o) {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, ...o.request(sequence++) }) }],
  });
  const statusCodes = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(s.count);
  const ok = Object.entries(statusCodes).filter(([c]) => c.startsWith('2')).reduce((s, [, n]) => s + n, 0);
  return {
    connections: o.connections, seconds: result.duration, ok, okPerSec: ok / result.duration,
    p50Ms: result.latency.p50, p99Ms: result.latency.p99, avgMs: result.latency.average,
    non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, statusCodes,
  };
}

/** A registration body as a cluster controller would PUT it. */
export function registration(n) {
  return JSON.stringify({ type: 'ClusterSetIP', ips: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
}

/** PUT /v1/services/bench/w-<n>/clusters/east on anchordns. */
export const anchorPut = (prefix) => (n) => ({ method: 'PUT', path: `/v1/services/bench/${prefix}-${n}/clusters/east`, body: registration(n) });

/** The same registration written to etcd 3.4's gRPC gateway: POST /v3/kv/put, base64 key/value. */
export const etcdPut = (prefix) => (n) => ({
  method: 'POST', path: '/v3/kv/put',
  body: JSON.stringify({ key: Buffer.from(`/services/bench/${prefix}-${n}/clusters/east`).toString('base64'), value: Buffer.from(registration(n)).toString('base64') }),
});
