// HTTP layer alone: the anchor's fastify app with a backend whose write resolves at once.
import { fork } from 'node:child_process';
const D = process.env.D ?? '/work/main/dist';
if (process.argv[2] === 'server') {
  const { buildHttpServer } = await import(`${D}/api/http-server.js`);
  const { registerV1Routes } = await import(`${D}/api/routes-v1.js`);
  const { Authenticator } = await import(`${D}/api/auth.js`);
  const { createLogger } = await import(`${D}/anchor/logger.js`);
  const { Registry } = await import('/work/main/node_modules/prom-client/index.js');
  let i = 0;
  const backend = { segmentFor: () => 'clusterset.local', write: async () => ({ index: ++i, serial: i, changed: true }), services: () => [], segments: () => [], apexes: () => ['clusterset.local'] };
  const app = buildHttpServer({ logger: createLogger('warn'), registry: new Registry(), readiness: () => ({ ready: true, reasons: [] }), routes: (a) => registerV1Routes(a, backend, new Authenticator([], '127.0.0.2')) });
  await app.listen({ host: '127.0.0.2', port: 0 });
  process.on('SIGINT', () => process.exit(0)); process.send(app.server.address().port);
} else {
  const child = fork(new URL(import.meta.url).pathname, ['server'], { execArgv: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/mem/hprof'] : [] });
  const port = await new Promise((r) => child.once('message', r));
  const { httpLoad, anchorPut } = await import('/work/main/bench/lib/httpload.js');
  const { cpuMicros } = await import('/work/main/bench/lib/dnsperf.js');
  for (let k = 0; k < 3; k++) { const c0 = cpuMicros(child.pid); const r = await httpLoad({ url: `http://127.0.0.2:${port}`, connections: 1, seconds: 4, request: anchorPut('t') }); console.log('fastify app c=1', Math.round(r.okPerSec), 'req/s; server cpu µs/req', ((cpuMicros(child.pid) - c0) / r.ok).toFixed(0), r.non2xx ? JSON.stringify(r.statusCodes) : ''); }
  child.kill('SIGINT'); await new Promise((r) => setTimeout(r, 500));
}
