// The full collection before listening: it runs, frees what is garbage, and leaves the
// anchor's own globals without a `gc`.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectLoadGarbage } from './load-garbage.js';

describe('collectLoadGarbage', () => {
  it('collects unreachable objects and exposes nothing globally', async () => {
    let garbage: object | undefined = { payload: new Array(1000).fill('x') };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    // A WeakRef keeps its target alive until the current job ends (ECMA-262 KeepDuringJob).
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectLoadGarbage();
    expect(ref.deref()).toBeUndefined();
    expect('gc' in globalThis).toBe(false);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
