/**
 * Which UDP engine a server gets: the addon when it is built, dgram when asked for (option
 * or ANCHORDNS_UDP), and a clear error for an engine name that does not exist.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveUdpEngine } from './udp-listener.js';
import { udpBatchBinding } from './udp-batch-binding.js';

const saved = process.env.ANCHORDNS_UDP;
afterEach(() => {
  if (saved === undefined) delete process.env.ANCHORDNS_UDP;
  else process.env.ANCHORDNS_UDP = saved;
});

describe('UDP engine choice', () => {
  it('finds the addon built by npm run build', () => {
    expect(udpBatchBinding()).not.toBeNull();
    expect(udpBatchBinding()!.BATCH).toBeGreaterThan(1);
  });

  it('auto picks batch; an option or ANCHORDNS_UDP=dgram picks dgram', () => {
    delete process.env.ANCHORDNS_UDP;
    expect(resolveUdpEngine()).toBe('batch');
    expect(resolveUdpEngine('dgram')).toBe('dgram');
    process.env.ANCHORDNS_UDP = 'dgram';
    expect(resolveUdpEngine()).toBe('dgram');
    expect(resolveUdpEngine('batch')).toBe('batch'); // an explicit option wins over the environment
  });

  it('names the variable and the value when ANCHORDNS_UDP is not an engine', () => {
    process.env.ANCHORDNS_UDP = 'turbo';
    expect(() => resolveUdpEngine()).toThrow(/ANCHORDNS_UDP must be auto, batch or dgram, not "turbo"/);
  });
});
