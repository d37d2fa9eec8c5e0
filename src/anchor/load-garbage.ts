/**
 * One memory-reducing garbage collection at the end of start-up, before the anchor listens.
 *
 * Loading a large zone leaves its garbage (parse temporaries, outgrown arrays) in V8's
 * old generation, and the heap grows to hold it. Left alone, the collection that frees it
 * comes seconds later, while queries are being answered: at 1M names its incremental
 * marking took 1.3 s in steps of up to 40 ms, and the resident size stayed ~20 % higher
 * until then (bench/HISTORY.md, Scale). Done here, it costs start-up that time once and
 * leaves the next old-generation collection far off, as answering allocates little that
 * survives (the response cache).
 *
 * With the heap-trim addon (native/heap-trim.cc) the collection is V8's low-memory one: it
 * also compacts, returns emptied pages and shrinks the young generation, which loading
 * grew to its maximum (64 MiB semi-spaces, young-generation.ts) and which a plain full
 * collection leaves as it is. A 300k-service zone: 633 → 453 MiB resident, against no change
 * with a plain one. Knot DNS likewise calls malloc_trim after loading a zone. Writes grow the
 * young generation back within their first scavenges. V8 always makes it two full
 * collections, and at 1M names the second (~0.7 s) frees nothing. Tried instead (eighteenth
 * session): `MemoryPressureNotification(kCritical)`, one collection (0.68 s) with the same
 * compaction and resident size, but V8 then judged the committed-but-free space worth
 * another and started incremental marking, which ran 457 ms in steps of up to 29 ms on the
 * event loop after the anchor listened: the pause this collection exists to keep away.
 *
 * The low-memory collection shrinks the young generation to its floor, so it runs only when
 * node was started with one (`--min-semi-space-size`, which `serve` adds when it sizes the
 * young generation): at V8's own 1 MiB floor, an anchor that only answers queries
 * scavenges every fraction of a second, and each scavenge of a large zone's heap costs
 * milliseconds (src/cli/young-generation.ts).
 *
 * Otherwise (no floor, or no addon because there was no C++ compiler at build time) a
 * plain full collection is done: V8
 * offers no supported call for it without `--expose-gc`, so the flag is set at run time
 * and the `gc` function taken from a fresh context, as Jest's leak detector does, then the
 * flag is cleared again; the anchor's own globals never see it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadNativeAddon } from '../dns/native-addon.js';

interface HeapTrimBinding {
  lowMemoryNotification(): void;
}

let binding: HeapTrimBinding | null | undefined;

function heapTrim(): HeapTrimBinding | null {
  if (binding === undefined) {
    try {
      binding = loadNativeAddon<HeapTrimBinding>('heap-trim') ?? null;
    } catch {
      binding = null; // not loadable here (built with `-z now`, so missing V8 symbols land here too)
    }
  }
  return binding;
}

const FLOOR_FLAG = /(?:^|\s)--min[-_]semi[-_]space[-_]size\b/;

/** Whether node's flags (its command line: V8 refuses this one in NODE_OPTIONS) set a young-generation floor. */
export function setsSemiSpaceFloor(execArgv: readonly string[]): boolean {
  return FLOOR_FLAG.test(execArgv.join(' '));
}

/** Which collection collectLoadGarbage runs for a process started with `execArgv`. */
export function loadGarbageCollection(execArgv: readonly string[] = process.execArgv): 'low-memory' | 'full' {
  return heapTrim() !== null && setsSemiSpaceFloor(execArgv) ? 'low-memory' : 'full';
}

/** Runs the collection loadGarbageCollection chooses, and says which it was. */
export function collectLoadGarbage(execArgv: readonly string[] = process.execArgv): 'low-memory' | 'full' {
  const kind = loadGarbageCollection(execArgv);
  if (kind === 'low-memory') {
    heapTrim()!.lowMemoryNotification();
    return kind;
  }
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  setFlagsFromString('--no-expose-gc'); // contexts made later get no `gc`
  if (typeof gc === 'function') gc();
  return kind;
}
