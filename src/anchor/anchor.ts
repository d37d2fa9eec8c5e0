/**
 * The anchor process: loads zones, starts the DNS front end and the HTTP listener, and
 * keeps them in step. Readiness is announced as one JSON log line `"msg":"listening"`
 * carrying the bound addresses (tests start with port 0 and read the real ports from it).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { AnchorConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { ZoneViewHolder } from './view-holder.js';
import { formatHostPort } from './address.js';
import { loadZoneDirectory } from '../zone/load.js';
import { createDnsServer } from '../dns/server.js';
import { buildHttpServer } from '../api/http-server.js';

export interface RunningAnchor {
  readonly logger: Logger;
  readonly dnsPort: number;
  readonly httpPort: number;
  /** Re-reads the zone files; a bad file keeps the old data and logs why. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

export async function startAnchor(config: AnchorConfig): Promise<RunningAnchor> {
  const logger = createLogger(config.logLevel, { anchor: config.id });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const views = new ZoneViewHolder(await loadZoneDirectory(config.zonesDir));
  const dns = createDnsServer({
    host: config.dns.host,
    port: config.dns.port,
    source: views,
    logger,
    metrics: registry,
    queryLog: config.queryLog,
  });
  const { udpPort: dnsPort } = await dns.listen();

  const http = buildHttpServer({ logger, registry, readiness: () => ({ ready: true, reasons: [] }) });
  await http.listen({ host: config.http.host, port: config.http.port });
  const httpAddress = http.server.address();
  const httpPort = typeof httpAddress === 'object' && httpAddress ? httpAddress.port : config.http.port;

  logger.info(
    { dns: formatHostPort({ host: config.dns.host, port: dnsPort }), http: formatHostPort({ host: config.http.host, port: httpPort }), zones: config.zonesDir },
    'listening',
  );

  return {
    logger,
    dnsPort,
    httpPort,
    async reload() {
      try {
        views.swap(await loadZoneDirectory(config.zonesDir));
        logger.info({ zones: config.zonesDir }, 'zones reloaded');
        return true;
      } catch (error) {
        logger.error({ err: error }, `zone reload failed, keeping the old data: ${(error as Error).message}`);
        return false;
      }
    },
    async close() {
      await Promise.all([dns.close(), http.close()]);
    },
  };
}
