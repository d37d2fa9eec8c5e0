#!/usr/bin/env node
/**
 * The `anchordns` command: `serve` runs an anchor; the other commands are clients of a
 * running anchor's HTTP API. Flags are documented in README.md ("CLI reference").
 */
import { Command } from 'commander';
import { registerServeCommand } from './serve-command.js';
import { registerClientCommands } from './client-commands.js';
import { registerDemoCommand } from './demo-command.js';

const program = new Command();
program
  .name('anchordns')
  .description('Authoritative DNS for clusterset.local, replicated by Raft anchor groups')
  .version('0.1.0');

registerServeCommand(program);
registerClientCommands(program);
registerDemoCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`anchordns: ${(error as Error).message}\n`);
  process.exit(1);
});
