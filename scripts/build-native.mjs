#!/usr/bin/env node
/**
 * Builds the native addons with the system C compiler against the running Node's headers.
 * Part of `npm run build`. Each is one C file → build/<name>.node, copied to dist/native/:
 * - udp-batch (native/udp-batch.c): batched UDP reads and replies;
 * - reexec (native/reexec.c): execve, so `serve` can size V8's young generation.
 *
 * The addons are optimisations, not dependencies: when there is no compiler or no headers
 * the build says what falls back and goes on (src/dns/udp-listener.ts uses Node's dgram
 * sockets; src/cli/young-generation.ts keeps V8's default). Node-API keeps the binaries
 * valid across Node versions. No node-gyp: one C file needs one compiler call, and no
 * headers are downloaded.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const ADDONS = [
  { name: 'udp-batch', fallback: "UDP falls back to Node's dgram sockets (slower, same answers)", linuxOnly: 'recvmmsg/sendmmsg are Linux-only' },
  { name: 'reexec', fallback: "serve keeps V8's default young generation (slower writes on large stores)" },
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
  const source = path.join(root, 'native', `${addon.name}.c`);
  const output = path.join(root, 'build', `${addon.name}.node`);
  // Also beside the compiled code, so that a copy of dist/ (the benchmarks run one) has it.
  const distCopy = path.join(root, 'dist', 'native', `${addon.name}.node`);
  const skip = (reason) => {
    rmSync(output, { force: true });
    rmSync(distCopy, { force: true });
    return reason;
  };
  if (addon.linuxOnly && process.platform !== 'linux') return skip(addon.linuxOnly);
  const fresh = existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs;
  if (!fresh) {
    if (include === undefined) return skip("Node's C headers (node_api.h, uv.h) were not found");
    mkdirSync(path.dirname(output), { recursive: true });
    const compiler = process.env.CC || 'cc';
    const args = ['-O2', '-Wall', '-Wextra', '-shared', '-fPIC', `-I${include}`, '-o', output, source];
    const result = spawnSync(compiler, args, { stdio: 'inherit' });
    if (result.error) return skip(`${compiler} could not run (${result.error.message})`);
    if (result.status !== 0) return skip(`${compiler} ${args.join(' ')} exited ${result.status}`);
  }
  mkdirSync(path.dirname(distCopy), { recursive: true });
  copyFileSync(output, distCopy);
  return undefined;
}

const include = headerDirectory();
for (const addon of ADDONS) {
  const skipped = build(addon, include);
  if (skipped !== undefined) console.warn(`build-native: ${addon.name}: ${skipped}; ${addon.fallback}`);
}
