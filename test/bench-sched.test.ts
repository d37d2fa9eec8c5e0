/**
 * The scale benchmark's scheduler figures (bench/lib/sched.js) against real processes: two
 * busy loops pinned to one CPU each wait for it about half the time, and a process that
 * sleeps waits for none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';

interface SchedReaders {
  runQueueWaitNs(pid: number): number;
  kdamondRunNs(): number;
}
// The bench is plain JavaScript outside the typed build; a non-literal specifier keeps tsc out of it.
const SCHED_MODULE: string = '../bench/lib/sched.js';
const sched = (await import(SCHED_MODULE)) as SchedReaders;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const p of started.splice(0)) p.kill('SIGKILL');
});

function pinned(cpu: number, code: string): ChildProcess {
  const p = spawn('taskset', ['-c', String(cpu), process.execPath, '-e', code], { stdio: 'ignore' });
  started.push(p);
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bench scheduler figures', () => {
  it('counts the time a process waits for a CPU it shares', async () => {
    const a = pinned(0, 'for (;;);');
    pinned(0, 'for (;;);');
    const quiet = pinned(0, 'setInterval(() => {}, 1000)');
    await sleep(300);
    const busy0 = sched.runQueueWaitNs(a.pid!);
    const quiet0 = sched.runQueueWaitNs(quiet.pid!);
    const t0 = performance.now();
    await sleep(1000);
    const busyWaitMs = (sched.runQueueWaitNs(a.pid!) - busy0) / 1e6;
    const quietWaitMs = (sched.runQueueWaitNs(quiet.pid!) - quiet0) / 1e6;
    const elapsedMs = performance.now() - t0;
    // Two loops on one CPU: each runs about half the time and waits the other half.
    expect(busyWaitMs).toBeGreaterThan(250);
    expect(busyWaitMs).toBeLessThan(elapsedMs + 20);
    expect(quietWaitMs).toBeLessThan(50);
  });

  it('reads no figure for a process that is gone, and a finite DAMON figure', () => {
    expect(sched.runQueueWaitNs(2 ** 22 + 12345)).toBeNaN();
    const kdamond = sched.kdamondRunNs();
    expect(Number.isFinite(kdamond)).toBe(true);
    expect(kdamond).toBeGreaterThanOrEqual(0);
  });
});
