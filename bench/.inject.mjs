const D = process.env.D ?? '/work/main/dist';
const { buildHttpServer } = await import(`${D}/api/http-server.js`);
const { registerV1Routes } = await import(`${D}/api/routes-v1.js`);
const { Authenticator } = await import(`${D}/api/auth.js`);
const { createLogger } = await import(`${D}/anchor/logger.js`);
const { Registry } = await import('/work/main/node_modules/prom-client/index.js');
let i = 0;
const backend = { segmentFor: () => 'clusterset.local', write: async () => ({ index: ++i, serial: i, changed: true }), services: () => [], segments: () => [], apexes: () => ['clusterset.local'] };
const app = buildHttpServer({ logger: createLogger('warn'), registry: new Registry(), readiness: () => ({ ready: true, reasons: [] }), routes: (a) => registerV1Routes(a, backend, new Authenticator([], '127.0.0.1')) });
await app.ready();
const body = (n) => JSON.stringify({ type: 'ClusterSetIP', ips: [`10.0.${(n >> 8) & 255}.${n & 255}`], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
for (let r = 0; r < 4; r++) {
  const N = 20000; const t = performance.now();
  for (let k = 0; k < N; k++) { const res = await app.inject({ method: 'PUT', url: `/v1/services/bench/w-${k}/clusters/east`, headers: { 'content-type': 'application/json' }, body: body(k), remoteAddress: '127.0.0.1' }); if (res.statusCode !== 200) throw new Error(res.body); }
  console.log('inject PUT µs', ((performance.now() - t) * 1000 / N).toFixed(1));
}
