#!/usr/bin/env node
/**
 * Quick UDP throughput check of the DNS front end.
 *
 * Starts the server in a child process on a loopback port, serving a generated zone of
 * 10 000 names, and drives it from this process with a windowed UDP load generator (each
 * socket keeps WINDOW queries in flight and sends the next on every reply). Three mixes:
 *   hit      cache on, 100 hot names (every query after the first round is a cache hit)
 *   nocache  cache off, all 10 000 names (scan + lookup + encode on every query)
 *   miss     cache on, a fresh nonexistent name per query (lookup + encode + cache insert)
 *   nxnocache  cache off, the same fresh nonexistent names (what `miss` costs without a cache)
 *
 * Usage: npm run build && node bench/dns-quick.js [seconds] [mix…]
 *        node bench/dns-quick.js --inproc   (the responder alone, no sockets)
 *        node bench/dns-quick.js --dnsperf [seconds]   (dnsperf against us and, if
 *          installed, knotd with one UDP worker on the same zone; qps and server CPU)
 * (ANCHORDNS_DIST=/path/to/compiled/root points at another build; default ../dist.)
 */
import { execFile, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeQuery } from './lib/dnsclient.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.ANCHORDNS_DIST ?? path.join(here, '..', 'dist');
const NAMES = 10_000;
const SOCKETS = 4;
const WINDOW = 64;

async function importDns() {
  return import(pathToFileURL(path.join(dist, 'dns/index.js')).href);
}

/** The generated zone set: SOA, NS, and NAMES A records svc0…svc9999. */
async function benchZoneSet() {
  const { buildZone } = await import(pathToFileURL(path.join(dist, 'zone/zone.js')).href);
  const { ZoneSet } = await import(pathToFileURL(path.join(dist, 'zone/zone-set.js')).href);
  const { aRdata, nameRdata, soaRdata } = await import(pathToFileURL(path.join(dist, 'zone/rdata-build.js')).href);
  const origin = ['bench', 'clusterset', 'local'];
  const n = (label) => [label, ...origin];
  const rrsets = [
    { owner: origin, type: 6, ttl: 5, rdata: [soaRdata({ mname: n('ns'), rname: n('hostmaster'), serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })] },
    { owner: origin, type: 2, ttl: 5, rdata: [nameRdata(n('ns'))] },
    { owner: n('ns'), type: 1, ttl: 5, rdata: [aRdata('127.0.0.1')] },
  ];
  for (let i = 0; i < NAMES; i++) {
    rrsets.push({ owner: n(`svc${i}`), type: 1, ttl: 5, rdata: [aRdata(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)] });
  }
  return ZoneSet.of([buildZone(origin, rrsets)]);
}

async function serve(cacheSize) {
  const { createDnsServer, SwappableViewSource } = await importDns();
  const source = new SwappableViewSource(await benchZoneSet());
  const server = createDnsServer({ host: '127.0.0.1', port: 0, source, cacheSize });
  const { udpPort } = await server.listen();
  process.send({ port: udpPort });
  // CPU time is the robust figure on a shared machine: the parent brackets its counting
  // window with `mark` messages and gets the server's user+system µs for that window.
  let mark = process.cpuUsage();
  process.on('message', (m) => {
    if (m !== 'mark') return;
    const used = process.cpuUsage(mark);
    mark = process.cpuUsage();
    process.send({ cpuMicros: used.user + used.system });
  });
  process.on('disconnect', () => server.close().then(() => process.exit(0)));
}


/** Asks the server child for its CPU µs since the last mark. */
function cpuMark(child) {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m.cpuMicros));
    child.send('mark');
  });
}

/** Sends for `seconds` with SOCKETS × WINDOW queries in flight; returns answered count and server CPU µs. */
function load(child, port, seconds, nextName) {
  return new Promise((resolve) => {
    let answered = 0;
    let counting = false;
    const sockets = [];
    const send = (s) => s.send(encodeQuery(Math.floor(Math.random() * 65536), nextName()), port, '127.0.0.1');
    for (let i = 0; i < SOCKETS; i++) {
      const s = dgram.createSocket('udp4');
      s.on('message', () => {
        if (counting) answered++;
        send(s);
      });
      sockets.push(s);
      s.bind(0, () => {
        for (let w = 0; w < WINDOW; w++) send(s);
      });
    }
    // Lost datagrams would shrink the window: top it up every 50 ms.
    const refill = setInterval(() => sockets.forEach((s) => send(s)), 50);
    setTimeout(() => {
      counting = true; // after warm-up
      void cpuMark(child);
    }, 500);
    setTimeout(async () => {
      counting = false;
      const cpuMicros = await cpuMark(child);
      clearInterval(refill);
      sockets.forEach((s) => s.close());
      resolve({ answered, cpuMicros });
    }, 500 + seconds * 1000);
  });
}

async function run(mix, seconds) {
  const cacheSize = mix.endsWith('nocache') ? 0 : 10_000;
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(cacheSize)], {
    stdio: 'inherit',
    execArgv: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  let i = 0;
  const nextName = {
    hit: () => `svc${i++ % 100}.bench.clusterset.local`,
    nocache: () => `svc${i++ % NAMES}.bench.clusterset.local`,
    miss: () => `x${i++}.bench.clusterset.local`,
    nxnocache: () => `x${i++}.bench.clusterset.local`,
  }[mix];
  const { answered, cpuMicros } = await load(child, port, seconds, nextName);
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.disconnect();
  });
  const perQuery = cpuMicros / answered;
  console.log(
    `udp ${mix.padEnd(9)} ${Math.round(answered / seconds)} qps answered, ` +
      `server CPU ${perQuery.toFixed(2)} µs/query (${Math.round(1e6 / perQuery)} qps per core)`,
  );
}

/**
 * The query path without sockets: Responder.respond on prebuilt queries, so the cost of
 * scan + cache or lookup + encode is measured apart from syscalls.
 */
async function inProcess() {
  const { Responder, SwappableViewSource } = await importDns();
  const source = new SwappableViewSource(await benchZoneSet());
  const count = 100_000;
  const cases = {
    hit: [10_000, (i) => `svc${i % 100}.bench.clusterset.local`],
    nocache: [0, (i) => `svc${i % NAMES}.bench.clusterset.local`],
    miss: [10_000, (i) => `x${i}.bench.clusterset.local`],
    nxnocache: [0, (i) => `x${i}.bench.clusterset.local`],
  };
  const only = process.argv.slice(3);
  for (const [mix, [cacheSize, name]] of Object.entries(cases)) {
    if (only.length > 0 && !only.includes(mix)) continue;
    const results = [];
    for (let round = 0; round < 5; round++) {
      // Fresh names per round (the `miss` mixes must never repeat a name).
      const queries = Array.from({ length: count }, (_, i) => encodeQuery(i & 0xffff, name(round * count + i)));
      const responder = new Responder({ source, cacheSize });
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) responder.respond(queries[i], 'udp', 4);
      results.push(Number(process.hrtime.bigint() - started) / count);
    }
    const ns = results.sort((a, b) => a - b)[2];
    console.log(`in-process ${mix.padEnd(9)} ${ns.toFixed(0)} ns/query  (${Math.round(1e9 / ns)} qps, median of 5)`);
  }
}

/** Server CPU seconds (user + system) of `pid` from /proc (Linux). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ
}

function dnsperf(port, file, seconds, pid) {
  return new Promise((resolve, reject) => {
    const before = cpuSeconds(pid);
    const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'];
    execFile('dnsperf', args, (err, out) => {
      if (err) return reject(err);
      const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      const cpu = cpuSeconds(pid) - before;
      resolve({ qps: Math.round(qps), cpuMicros: (cpu * 1e6) / (qps * seconds) });
    });
  });
}

function zoneText() {
  const lines = ['$ORIGIN bench.clusterset.local.', '$TTL 5', '@ IN SOA ns hostmaster 1 7200 1800 86400 5', '@ IN NS ns', 'ns IN A 127.0.0.1'];
  for (let i = 0; i < NAMES; i++) lines.push(`svc${i} IN A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return lines.join('\n') + '\n';
}

async function startKnot(dir, port) {
  writeFileSync(path.join(dir, 'bench.clusterset.local.zone'), zoneText());
  writeFileSync(path.join(dir, 'knot.conf'), [
    'server:', `  rundir: "${dir}"`, `  listen: 127.0.0.1@${port}`, '  udp-workers: 1', '  tcp-workers: 1', '  background-workers: 1',
    'database:', `  storage: "${dir}"`, 'log:', '  - target: stderr', '    any: error',
    'zone:', '  - domain: bench.clusterset.local', `    storage: "${dir}"`, '    file: "bench.clusterset.local.zone"', '',
  ].join('\n'));
  const knot = spawn('knotd', ['-c', path.join(dir, 'knot.conf')], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 1500));
  return knot;
}

async function compareWithDnsperf(seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dns-quick-'));
  const hot = path.join(dir, 'hot.txt');
  const all = path.join(dir, 'all.txt');
  writeFileSync(hot, Array.from({ length: 100 }, (_, i) => `svc${i}.bench.clusterset.local A\n`).join(''));
  writeFileSync(all, Array.from({ length: NAMES }, (_, i) => `svc${i}.bench.clusterset.local A\n`).join(''));
  const report = (who, mix, r) => console.log(`dnsperf ${who.padEnd(9)} ${mix.padEnd(8)} ${r.qps} qps, server CPU ${r.cpuMicros.toFixed(2)} µs/query`);
  for (const [mix, cacheSize, file] of [['hot100', 10_000, hot], ['all10k', 0, all]]) {
    const child = fork(fileURLToPath(import.meta.url), ['--serve', String(cacheSize)], { stdio: 'inherit' });
    const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
    report('anchordns', mix + (cacheSize ? '' : '/nocache'), await dnsperf(port, file, seconds, child.pid));
    await new Promise((resolve) => { child.once('exit', resolve); child.disconnect(); });
  }
  const knotPort = 20000 + Math.floor(Math.random() * 20000);
  const knot = await startKnot(dir, knotPort).catch(() => null);
  if (knot !== null && knot.exitCode === null) {
    for (const [mix, file] of [['hot100', hot], ['all10k', all]]) report('knotd', mix, await dnsperf(knotPort, file, seconds, knot.pid));
    // Knot writes its journal and timers into `dir` until it exits: wait before removing it.
    await new Promise((resolve) => { knot.once('exit', resolve); knot.kill(); });
  }
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--dnsperf') {
  await compareWithDnsperf(Number(process.argv[3] ?? 5));
} else if (process.argv[2] === '--inproc') {
  await inProcess();
} else if (process.argv[2] === '--serve') {
  await serve(Number(process.argv[3]));
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const mixes = process.argv.slice(3);
  for (const mix of mixes.length > 0 ? mixes : ['hit', 'nocache', 'miss', 'nxnocache']) await run(mix, seconds);
}
