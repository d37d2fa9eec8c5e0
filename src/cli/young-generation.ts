/**
 * Sizes V8's young generation for `anchordns serve` and turns off V8's memory reducer, by
 * restarting the process in place (execve, same PID) with `--max-semi-space-size` and
 * `--no-memory-reducer`, V8 flags that only take effect when the heap is created.
 *
 * Why: every registration leaves a few KB of records, zone nodes and log entries that
 * live, and each scavenge copies what survived since the last one and walks every page of
 * the old generation, so its cost grows with the store. With V8's default 16 MiB
 * semi-spaces, on a 3-anchor group written at 64 connections, scavenges took 12–15 % of
 * every anchor's time; with 64 MiB they are ~3.5× fewer and the time in them per write is
 * ~30 % lower (leader 20–34 → 13–28 ms per thousand writes as the store grew to 400k;
 * bench/README.md, eighth session). Answering a 1M-name zone gains too: fewer pauses in
 * the tail. The cost is memory: the young generation grows to 2 × 64 MiB under load and
 * V8 does not shrink it, ~85–100 MiB more RSS than the default.
 *
 * Why no memory reducer: it is V8's collector for pages gone idle (browser tabs). When
 * the allocation rate falls it starts full collections that mark and compact the whole
 * heap to give memory back. An anchor's heap is its zone and state, all of it live: at 1M
 * names, two of them started when a saturating burst of queries eased to 20k a second,
 * freed 4 MB of 1,087 each and took ~500 ms of marking steps on the event loop, and that
 * 20k run's p99 was 15.6 ms against 0.2–1.0 ms without the reducer (bench/HISTORY.md, Scale,
 * fourteenth session). Collections that allocation triggers are unchanged, and start-up
 * still ends with a low-memory collection (anchor/load-garbage.ts). The price: garbage a
 * burst of queries leaves stays until the next collection (~30 MiB more RSS after the
 * scale benchmark's query runs at 100k names).
 *
 * Node's own flag wins: `--max-semi-space-size` on the node command line or in
 * NODE_OPTIONS means the operator sets V8's heap flags, and the process is not restarted
 * (NODE_OPTIONS=--max-semi-space-size=16 restores V8's defaults); a `--memory-reducer`
 * or `--no-memory-reducer` given is kept. Without the reexec addon (no C compiler at
 * build time) the process goes on with V8's defaults and says so.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setsSemiSpaceFloor } from '../anchor/load-garbage.js';

/** The semi-space size anchordns asks V8 for, in MiB. */
export const SEMI_SPACE_MIB = 64;

/**
 * The smallest semi-space V8 may shrink to, in MiB (its own floor is 1). Start-up ends with
 * a low-memory collection that shrinks the young generation to this floor
 * (src/anchor/load-garbage.ts), and an anchor that only answers queries allocates too
 * little for V8 to grow it back. With the 1 MiB floor, an anchor of 1M names answering
 * 20k queries a second scavenged 32 times in 20 s, 5–8 ms each (every scavenge walks the
 * remembered set of a 1 GB old generation), and its p99 rose from ~2 to ~3–4 ms; with 16
 * MiB, 5 times. 2 × 16 MiB of resident memory is the price.
 */
export const MIN_SEMI_SPACE_MIB = 16;

/** Set in the restarted process, so that a flag V8 did not keep cannot cause a loop. */
const RESTARTED_ENV = 'ANCHORDNS_YOUNG_GENERATION_SIZED';

const SEMI_SPACE_FLAG = /(?:^|\s)--max[-_]semi[-_]space[-_]size(?:=(\d+))?/;
const MEMORY_REDUCER_FLAG = /(?:^|\s)--(no[-_])?memory[-_]reducer(?=\s|$)/;

export interface YoungGeneration {
  /** The semi-space size asked for, in MiB, or undefined for V8's default. */
  readonly semiSpaceMiB: number | undefined;
  /** Whether V8's memory reducer runs (V8's default is on). */
  readonly memoryReducer: boolean;
  /** How they were chosen. */
  readonly source: 'anchordns' | 'node flag' | 'default';
  /** Why V8's default is kept, when it is. */
  readonly reason?: string;
}

/** The first match of `flag` in node's flags: its command line, then NODE_OPTIONS. */
function givenFlag(flag: RegExp, execArgv: readonly string[], nodeOptions: string | undefined): RegExpExecArray | undefined {
  return flag.exec(execArgv.join(' ')) ?? flag.exec(nodeOptions ?? '') ?? undefined;
}

/** The semi-space size given to node itself (command line first, then NODE_OPTIONS). */
export function givenSemiSpace(execArgv: readonly string[], nodeOptions: string | undefined): number | 'unknown' | undefined {
  const match = givenFlag(SEMI_SPACE_FLAG, execArgv, nodeOptions);
  if (match === undefined) return undefined;
  return match[1] === undefined ? 'unknown' : Number(match[1]);
}

/** Whether node's flags (command line, then NODE_OPTIONS) turn V8's memory reducer on or off; undefined if they do not say. */
export function givenMemoryReducer(execArgv: readonly string[], nodeOptions: string | undefined): boolean | undefined {
  const match = givenFlag(MEMORY_REDUCER_FLAG, execArgv, nodeOptions);
  return match === undefined ? undefined : match[1] === undefined;
}

/**
 * The argv that runs this same script again with the heap flags before it: the floor only
 * when node's command line has none (V8 refuses it in NODE_OPTIONS), and the memory
 * reducer off unless node's flags say otherwise.
 */
export function restartArgv(execPath: string, execArgv: readonly string[], argv: readonly string[], nodeOptions?: string): string[] {
  const flags = [
    `--max-semi-space-size=${SEMI_SPACE_MIB}`,
    ...(setsSemiSpaceFloor(execArgv) ? [] : [`--min-semi-space-size=${MIN_SEMI_SPACE_MIB}`]),
    ...(givenMemoryReducer(execArgv, nodeOptions) === undefined ? ['--no-memory-reducer'] : []),
  ];
  return [execPath, ...execArgv, ...flags, ...argv.slice(1)];
}

interface ReexecBinding {
  exec(file: string, argv: string[], env: string[]): never;
}

const ADDON_PATHS = [
  fileURLToPath(new URL('../native/reexec.node', import.meta.url)),
  fileURLToPath(new URL('../../build/reexec.node', import.meta.url)),
];

function loadReexec(): ReexecBinding | undefined {
  const file = ADDON_PATHS.find((p) => existsSync(p));
  return file === undefined ? undefined : (createRequire(import.meta.url)(file) as ReexecBinding);
}

/**
 * Restarts the process with the young generation sized and the memory reducer off, unless
 * node was given a semi-space size already. Returns only when the process goes on as it
 * is, saying why.
 */
export function sizeYoungGeneration(): YoungGeneration {
  // Read once and removed, so that processes this one starts decide for themselves.
  const restarted = process.env[RESTARTED_ENV] === '1';
  delete process.env[RESTARTED_ENV];
  const given = givenSemiSpace(process.execArgv, process.env.NODE_OPTIONS);
  const memoryReducer = givenMemoryReducer(process.execArgv, process.env.NODE_OPTIONS) ?? true;
  if (given !== undefined) {
    return restarted && given === SEMI_SPACE_MIB
      ? { semiSpaceMiB: given, memoryReducer, source: 'anchordns' }
      : { semiSpaceMiB: given === 'unknown' ? undefined : given, memoryReducer, source: 'node flag' };
  }
  const asIs = (reason: string): YoungGeneration => ({ semiSpaceMiB: undefined, memoryReducer, source: 'default', reason });
  if (restarted) return asIs('the restarted process did not keep --max-semi-space-size');
  let binding: ReexecBinding | undefined;
  try {
    binding = loadReexec();
  } catch (error) {
    return asIs(`the reexec addon did not load: ${(error as Error).message}`);
  }
  if (binding === undefined) return asIs('the reexec addon is not built (npm run build needs a C compiler)');
  const env = Object.entries({ ...process.env, [RESTARTED_ENV]: '1' }).map(([k, v]) => `${k}=${v ?? ''}`);
  try {
    return binding.exec(process.execPath, restartArgv(process.execPath, process.execArgv, process.argv, process.env.NODE_OPTIONS), env);
  } catch (error) {
    return asIs((error as Error).message);
  }
}
