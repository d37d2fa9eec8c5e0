/**
 * WriteStream with explicit times (ms), for a hold of 1 ms: when a leader's writes count as
 * a stream whose next append will carry the commit.
 */
import { describe, expect, it } from 'vitest';
import { WriteStream } from './write-stream.js';

/** A writer that proposes every `period` ms, each `turnaround` ms after the apply before it. */
function writer(stream: WriteStream, writes: number, period: number, turnaround: number): number {
  let t = 100;
  for (let i = 0; i < writes; i++, t += period) {
    stream.applied(t - turnaround);
    stream.proposed(t);
  }
  return t - period;
}

describe('WriteStream', () => {
  it.each([
    { what: 'a writer that answers each reply at once, every ~1 ms, is a stream', period: 0.9, turnaround: 0.3, askedAfter: 0.5, streaming: true },
    { what: 'a writer that waits between writes is not', period: 1.5, turnaround: 0.8, askedAfter: 0.5, streaming: false },
    { what: 'a stream ends once no write has come for twice the hold', period: 0.9, turnaround: 0.3, askedAfter: 2.5, streaming: false },
  ])('$what', ({ period, turnaround, askedAfter, streaming }) => {
    const stream = new WriteStream(1);
    const last = writer(stream, 5, period, turnaround);
    expect(stream.streaming(last + askedAfter)).toBe(streaming);
  });

  it('is not a stream for a lone write', () => {
    const stream = new WriteStream(1);
    stream.proposed(100);
    expect(stream.streaming(100.5)).toBe(false);
  });

  it('is not a stream while followers forward writes', () => {
    const stream = new WriteStream(1);
    const last = writer(stream, 5, 0.9, 0.3);
    stream.forwarded(last + 0.1);
    expect(stream.streaming(last + 0.5)).toBe(false);
    // The leader's own writes go on; 2 ms after the forwarded one they stream again.
    for (const t of [last + 0.9, last + 1.8, last + 2.7]) {
      stream.applied(t - 0.3);
      stream.proposed(t);
    }
    expect(stream.streaming(last + 2.8)).toBe(true);
  });

  it('never is with a hold of 0', () => {
    const stream = new WriteStream(0);
    const last = writer(stream, 5, 0.1, 0);
    expect(stream.streaming(last)).toBe(false);
  });
});
