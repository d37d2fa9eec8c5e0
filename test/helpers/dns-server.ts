/** Starts an in-process DNS server on a free loopback port (IPv4 and ::1) for a test file. */
import { createDnsServer } from '../../src/dns/server.js';
import type { DnsServer, DnsServerOptions } from '../../src/dns/server.js';
import { SwappableViewSource } from '../../src/dns/view-source.js';
import { loadTestZones } from './dns-zone.js';

export interface TestServer {
  server: DnsServer;
  source: SwappableViewSource;
  port: number;
}

export async function startTestServer(options: Partial<DnsServerOptions> = {}): Promise<TestServer> {
  const source = new SwappableViewSource(await loadTestZones());
  const server = createDnsServer({ host: ['127.0.0.1', '::1'], port: 0, source, ...options });
  const { udpPort } = await server.listen();
  return { server, source, port: udpPort };
}
