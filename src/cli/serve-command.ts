/**
 * `anchordns serve`: validates the config (a bad file stops start-up with a message
 * naming the field), sizes V8's young generation (young-generation.ts), starts the
 * anchor, and wires the process signals: SIGTERM/SIGINT stop accepting and exit cleanly,
 * SIGHUP reloads zone files.
 */
import type { Command } from 'commander';
import { loadConfig, DEFAULTS, type ConfigFlags } from '../anchor/config.js';
import { startAnchor } from '../anchor/anchor.js';
import { sizeYoungGeneration } from './young-generation.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run an anchor: DNS on --dns, HTTP API/health/metrics on --http')
    .option('--config <file>', 'YAML config file; flags override it')
    .option('--zones <dir>', `zone files (*.zone), one segment each (default ${DEFAULTS.zones})`)
    .option('--dns <host:port>', `UDP and TCP DNS listener (default ${DEFAULTS.dns})`)
    .option('--http <host:port>', `HTTP listener (default ${DEFAULTS.http})`)
    .option('--data <dir>', `Raft WAL and snapshots (default ${DEFAULTS.data})`)
    .option('--id <id>', 'anchor id (default: the host name)')
    .option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (default ${DEFAULTS.logLevel})`)
    .option('--query-log', 'log every DNS query (off by default)')
    .option('--udp-engine <engine>', 'auto|batch|dgram: how UDP is read and sent (default auto, or ANCHORDNS_UDP)')
    .action(async (flags: ConfigFlags) => {
      // First, before anything is opened: it may restart the process in place.
      const youngGeneration = sizeYoungGeneration();
      const config = await loadConfig(flags);
      const anchor = await startAnchor(config);
      anchor.logger.info(youngGeneration, 'V8 young generation');
      const stop = (signal: string) => {
        anchor.logger.info({ signal }, 'stopping');
        anchor.close().then(
          () => process.exit(0),
          (error: unknown) => {
            anchor.logger.error({ err: error }, 'unclean stop');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      process.on('SIGHUP', () => void anchor.reload());
    });
}
