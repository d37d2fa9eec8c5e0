/**
 * Starts real `anchordns serve` processes for black-box tests: the built CLI
 * (dist/cli/main.js, made by `npm test`'s build step) on loopback ports the test picks,
 * waits for the `"msg":"listening"` log line that carries the bound addresses, and stops
 * the process it started by PID (SIGTERM, or SIGKILL when the test says so).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'cli', 'main.js');

export interface AnchorProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dnsPort: number;
  readonly httpPort: number;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly output: string[];
  /** Sends `signal` and resolves with the exit code (or signal name) once it exits. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface StartOptions {
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Flags for node itself, before the CLI (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
  /** Wait for GET /ready to answer 200, as a Kubernetes readiness probe would. Default true. */
  readonly waitReady?: boolean;
}

/** Spawns `anchordns serve ARGS` and waits until it is listening. */
export async function startAnchor(options: StartOptions): Promise<AnchorProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, 'serve', ...options.args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  const listening = new Promise<{ dns: number; http: number; httpHost: string }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`anchor did not start in time:\n${output.join('\n')}`)), options.timeoutMs ?? 20_000);
    collectLines(child, output, (line) => {
      const ports = listeningPorts(line);
      if (ports) {
        clearTimeout(timer);
        done(ports);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`anchor exited (${code}) before listening:\n${output.join('\n')}`));
    });
  });
  const ports = await listening.catch((error: Error) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  });
  if (options.waitReady !== false) {
    await waitReady(`http://${ports.httpHost}:${ports.http}`, options.timeoutMs ?? 20_000, output).catch((error: Error) => {
      child.kill('SIGKILL');
      throw error;
    });
  }
  return {
    child,
    pid: child.pid!,
    dnsPort: ports.dns,
    httpPort: ports.http,
    output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      return exited;
    },
  };
}

async function waitReady(base: string, timeoutMs: number, output: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`anchor not ready in time:\n${output.join('\n')}`);
}

/** Runs `anchordns ARGS` to completion (for start-up failures and client commands). */
export function runCli(args: readonly string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

function collectLines(child: ChildProcess, output: string[], onLine: (line: string) => void): void {
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        onLine(line);
      }
    });
  }
}

function listeningPorts(line: string): { dns: number; http: number; httpHost: string } | undefined {
  if (!line.includes('"msg":"listening"')) return undefined;
  const record = JSON.parse(line) as { dns: string; http: string };
  const colon = (hostPort: string) => hostPort.lastIndexOf(':');
  const port = (hostPort: string) => Number(hostPort.slice(colon(hostPort) + 1));
  const httpHost = record.http.slice(0, colon(record.http)).replace(/^\[(.*)\]$/, '[$1]');
  return { dns: port(record.dns), http: port(record.http), httpHost };
}
