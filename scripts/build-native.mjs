#!/usr/bin/env node
/**
 * Builds the batched-UDP addon (native/udp-batch.c → build/udp-batch.node) with the
 * system C compiler against the running Node's headers. Part of `npm run build`.
 *
 * The addon is an optimisation, not a dependency: when there is no compiler or no headers
 * the build says so and goes on, and the server uses Node's dgram sockets
 * (src/dns/udp-listener.ts). Node-API keeps the binary valid across Node versions.
 * No node-gyp: one C file needs one compiler call, and no headers are downloaded.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'native', 'udp-batch.c');
const output = path.join(root, 'build', 'udp-batch.node');
// Also beside the compiled code, so that a copy of dist/ (the benchmarks run one) has it.
const distCopy = path.join(root, 'dist', 'native', 'udp-batch.node');

function copyToDist() {
  mkdirSync(path.dirname(distCopy), { recursive: true });
  copyFileSync(output, distCopy);
}

function headerDirectory() {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'node_api.h')) && existsSync(path.join(dir, 'uv.h')));
}

function skip(reason) {
  rmSync(output, { force: true });
  rmSync(distCopy, { force: true });
  console.warn(`build-native: ${reason}; UDP falls back to Node's dgram sockets (slower, same answers)`);
  process.exit(0);
}

if (process.platform !== 'linux') skip('recvmmsg/sendmmsg are Linux-only');
if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) {
  copyToDist();
  process.exit(0);
}
const include = headerDirectory();
if (include === undefined) skip("Node's C headers (node_api.h, uv.h) were not found");
mkdirSync(path.dirname(output), { recursive: true });
const compiler = process.env.CC || 'cc';
const args = ['-O2', '-Wall', '-Wextra', '-shared', '-fPIC', `-I${include}`, '-o', output, source];
const result = spawnSync(compiler, args, { stdio: 'inherit' });
if (result.error) skip(`${compiler} could not run (${result.error.message})`);
if (result.status !== 0) skip(`${compiler} ${args.join(' ')} exited ${result.status}`);
copyToDist();
