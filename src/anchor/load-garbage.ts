/**
 * One full garbage collection at the end of start-up, before the anchor listens.
 *
 * Loading a large zone leaves its garbage (parse temporaries, outgrown arrays) in V8's
 * old generation, and the heap grows to hold it. Left alone, the collection that frees it
 * comes seconds later, while queries are being answered: at 1M names its incremental
 * marking took 1.3 s in steps of up to 40 ms, and the resident size stayed ~20 % higher
 * until then (bench/HISTORY.md, Scale). Done here, it costs start-up that time once and
 * leaves the next old-generation collection far off, as answering allocates little that
 * survives (the response cache).
 *
 * V8 offers no supported call for this without `--expose-gc`: the flag is set at run time
 * and the `gc` function taken from a fresh context, as Jest's leak detector does, then the
 * flag is cleared again; the anchor's own globals never see it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function collectLoadGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  setFlagsFromString('--no-expose-gc'); // contexts made later get no `gc`
  if (typeof gc === 'function') gc();
}
