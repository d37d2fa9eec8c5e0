import { describe, expect, it } from 'vitest';
import { InlineWritePolicy } from './inline-writes.js';

describe('inline WAL writes', () => {
  it('writes small batches inline while the disk is fast, large ones never', () => {
    const p = new InlineWritePolicy({ maxMs: 1, maxBytes: 1000 });
    expect(p.inline(1000)).toBe(true);
    expect(p.inline(1001)).toBe(false);
    for (let i = 0; i < 20; i++) p.observe(0.3);
    expect(p.inline(200)).toBe(true);
  });

  it('leaves the event loop after one slow write and comes back once writes are fast again', () => {
    const p = new InlineWritePolicy({ maxMs: 1, maxBytes: 1000 });
    for (let i = 0; i < 20; i++) p.observe(0.3);
    p.observe(40); // a stalled device
    expect(p.inline(200)).toBe(false);
    let writes = 0;
    while (!p.inline(200)) {
      p.observe(0.4);
      writes++;
    }
    expect(writes).toBeGreaterThan(5);
    expect(writes).toBeLessThan(30);
    expect(p.averageMs).toBeLessThan(1);
  });

  it('never writes inline with maxMs 0', () => {
    const p = new InlineWritePolicy({ maxMs: 0, maxBytes: 1000 });
    expect(p.inline(1)).toBe(false);
  });
});
