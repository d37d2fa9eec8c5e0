/**
 * Which UDP engine a server gets: the addon when it is built and auto or batch is asked
 * for, dgram when asked for. (The anchor's config decides what to ask: config.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { resolveUdpEngine } from './udp-listener.js';
import { udpBatchBinding } from './udp-batch-binding.js';

describe('UDP engine choice', () => {
  it('finds the addon built by npm run build', () => {
    expect(udpBatchBinding()).not.toBeNull();
    expect(udpBatchBinding()!.BATCH).toBeGreaterThan(1);
  });

  it('auto and batch pick the addon; dgram picks dgram', () => {
    expect(resolveUdpEngine()).toBe('batch');
    expect(resolveUdpEngine('auto')).toBe('batch');
    expect(resolveUdpEngine('batch')).toBe('batch');
    expect(resolveUdpEngine('dgram')).toBe('dgram');
  });
});
