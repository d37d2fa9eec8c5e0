#!/usr/bin/env node
/**
 * Builds the native addons with the system C (C++) compiler against the running Node's
 * headers. Part of `npm run build`. Each is one source file → build/<name>.node, copied to
 * dist/native/:
 * - udp-batch (native/udp-batch.c): batched UDP reads and replies;
 * - reexec (native/reexec.c): execve, so `serve` can size V8's young generation;
 * - heap-trim (native/heap-trim.cc): V8's low-memory notification, once after start-up.
 *
 * heap-trim uses V8's C++ API, not Node-API alone, so it is rebuilt whenever Node's version
 * changes (a stamp file beside it).
 *
 * The addons are optimisations, not dependencies: when there is no compiler or no headers
 * the build says what falls back and goes on (src/dns/udp-listener.ts uses Node's dgram
 * sockets; src/cli/young-generation.ts keeps V8's default; src/anchor/load-garbage.ts runs a
 * plain full collection). Node-API keeps the C addons valid across Node versions. No
 * node-gyp: one source file needs one compiler call, and no headers are downloaded.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const ADDONS = [
  { name: 'udp-batch', fallback: "UDP falls back to Node's dgram sockets (slower, same answers)", linuxOnly: 'recvmmsg/sendmmsg are Linux-only' },
  { name: 'reexec', fallback: "serve keeps V8's default young generation (slower writes on large stores)" },
  { name: 'heap-trim', cxx: true, fallback: 'start-up ends with a plain full collection (the young generation keeps the size loading grew it to)' },
];

function headerDirectory() {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'node_api.h')) && existsSync(path.join(dir, 'uv.h')));
}

/** Builds one addon; returns a reason when it is skipped. */
function build(addon, include) {
  const source = path.join(root, 'native', `${addon.name}.${addon.cxx ? 'cc' : 'c'}`);
  const output = path.join(root, 'build', `${addon.name}.node`);
  // Also beside the compiled code, so that a copy of dist/ (the benchmarks run one) has it.
  const distCopy = path.join(root, 'dist', 'native', `${addon.name}.node`);
  const skip = (reason) => {
    rmSync(output, { force: true });
    rmSync(distCopy, { force: true });
    return reason;
  };
  if (addon.linuxOnly && process.platform !== 'linux') return skip(addon.linuxOnly);
  // Fresh: newer than its source and built by this Node (the C++ addon uses V8's own ABI).
  const stamp = `${output}.node-version`;
  const fresh = existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs && (!addon.cxx || readStamp(stamp) === process.version);
  if (!fresh) {
    if (include === undefined) return skip("Node's C headers (node_api.h, uv.h) were not found");
    if (addon.cxx && !existsSync(path.join(include, 'v8.h'))) return skip(`V8's headers (v8.h) are not in ${include}`);
    mkdirSync(path.dirname(output), { recursive: true });
    const compiler = addon.cxx ? process.env.CXX || 'c++' : process.env.CC || 'cc';
    // V8's headers need C++17 (C++20 in later Node versions) and are not clean under
    // -Wextra. `-z now` resolves V8's symbols when the addon is loaded, not at its first
    // call: a Node without them then fails the require (the caller falls back) instead of
    // killing the process with "symbol lookup error".
    const flags = addon.cxx ? ['-std=c++20', '-Wall', '-Wl,-z,now'] : ['-Wall', '-Wextra'];
    const args = ['-O2', ...flags, '-shared', '-fPIC', `-I${include}`, '-o', output, source];
    const result = spawnSync(compiler, args, { stdio: 'inherit' });
    if (result.error) return skip(`${compiler} could not run (${result.error.message})`);
    if (result.status !== 0) return skip(`${compiler} ${args.join(' ')} exited ${result.status}`);
    if (addon.cxx) writeFileSync(stamp, process.version);
  }
  mkdirSync(path.dirname(distCopy), { recursive: true });
  copyFileSync(output, distCopy);
  return undefined;
}

function readStamp(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const include = headerDirectory();
for (const addon of ADDONS) {
  const skipped = build(addon, include);
  if (skipped !== undefined) console.warn(`build-native: ${addon.name}: ${skipped}; ${addon.fallback}`);
}
