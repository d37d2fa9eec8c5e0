/**
 * What the scheduler did to a server during a run, from /proc schedstat (nanoseconds, exact,
 * unlike the 10-ms ticks of /proc/<pid>/stat).
 *
 * Why: on this 2-core VM the tail of a fixed-rate DNS run is set less by the lookup than by
 * the server's thread waiting for a CPU. `perf sched record` of a 1M-name anchor at 20k
 * queries a second (sixteenth session, bench/README.md, Scale) showed the kernel's DAMON
 * thread (kdamond, the host's proactive reclaim: it samples page access bits every 500 ms)
 * running up to 4 ms on the server's CPU while the other CPU idled, the server queued behind
 * it until the next tick. Recording both figures per run lets a reader tell a round whose
 * p99 moved with the machine from one whose lookup got slower.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Field `i` (0: on-CPU ns, 1: run-queue wait ns) of one schedstat file, or 0. */
function schedstat(file, i) {
  try {
    return Number(readFileSync(file, 'latin1').split(' ')[i]) || 0;
  } catch {
    return 0;
  }
}

/** Time every thread of process `pid` has spent runnable but waiting for a CPU, ns. */
export function runQueueWaitNs(pid) {
  let total = 0;
  let tasks = [];
  try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return NaN; }
  for (const tid of tasks) total += schedstat(`/proc/${pid}/task/${tid}/schedstat`, 1);
  return total;
}

/** On-CPU time of the kernel's DAMON threads (kdamond.N), ns; 0 where there are none. */
export function kdamondRunNs() {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (pid.charCodeAt(0) > 57) continue; // not a process directory
    let comm = '';
    try { comm = readFileSync(`/proc/${pid}/comm`, 'latin1'); } catch { continue; }
    if (comm.startsWith('kdamond')) total += schedstat(`/proc/${pid}/schedstat`, 0);
  }
  return total;
}
