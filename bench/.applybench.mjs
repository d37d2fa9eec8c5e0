// In-process: apply one upsert + rebuild the view, at N services; µs per write.
const D = process.env.D ?? '/work/main/dist';
const { SegmentState } = await import(`${D}/segment/state.js`);
const { ServiceRecordCache } = await import(`${D}/segment/service-records.js`);
const { SegmentViewBuilder } = await import(`${D}/segment/view-builder.js`);
const { encodeEnvelope, decodeEnvelope } = await import(`${D}/anchor/proposals.js`).catch(() => ({}));
const APEX = ['clusterset', 'local'];
const base = { apex: APEX, domain: APEX, fileRRsets: [], members: [{ id: 'a1', dns: '127.0.0.2' }] };
const N = Number(process.env.N ?? 20000);
const state = new SegmentState(); const cache = new ServiceRecordCache(); const views = new SegmentViewBuilder();
let idx = 0;
const cmd = (n) => ({ op: 'upsertExport', namespace: 'bench', service: `w-${n}`, export: { cluster: 'east', type: 'ClusterSetIP', ips: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } });
let view = views.next(base, state, cache, 'all');
function write(n) {
  const out = state.apply(++idx, cmd(n));
  const changes = cache.refresh(base.domain, state, new Set(out.services));
  view = views.next(base, state, cache, changes);
}
for (let i = 0; i < N; i++) write(i);
for (let round = 0; round < 3; round++) {
  const M = 20000; const t = performance.now();
  for (let i = 0; i < M; i++) write(N + round * M + i);
  const dt = performance.now() - t;
  console.log(`apply+rebuild at ~${N + round * M} services: ${(dt * 1000 / M).toFixed(1)} µs/write`);
}
