/**
 * Operator commands that talk to a running anchor's API: `register`, `deregister`,
 * `heartbeat`, `services`, `segments`. The API address comes from `--api` or
 * ANCHORDNS_API, the token from `--token` or ANCHORDNS_TOKEN. Output is JSON on stdout.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { callApi, type ClientOptions } from './api-client.js';

interface CommonFlags {
  api: string;
  token?: string;
}

function common(command: Command): Command {
  return command
    .addOption(new Option('--api <url>', 'anchor HTTP API').env('ANCHORDNS_API').default('http://127.0.0.1:8053'))
    .addOption(new Option('--token <token>', 'bearer token').env('ANCHORDNS_TOKEN'));
}

function client(flags: CommonFlags): ClientOptions {
  return { api: flags.api, token: flags.token };
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `ns/svc` → [ns, svc], each escaped for a URL path; the API validates the labels. */
function serviceRef(ref: string): [string, string] {
  const parts = ref.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`expected NAMESPACE/SERVICE, got "${ref}"`);
  return [encodeURIComponent(parts[0]), encodeURIComponent(parts[1])];
}

const segment = (text: string) => encodeURIComponent(text);

/** `name:PROTO:port`, `PROTO:port` or `port` (TCP). */
function parsePort(text: string, previous: unknown[] = []): unknown[] {
  const parts = text.split(':');
  const port = Number(parts.pop());
  const protocol = (parts.pop() ?? 'TCP').toUpperCase();
  const name = parts.pop();
  return [...previous, { ...(name && { name }), protocol, port }];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerClientCommands(program: Command): void {
  common(program.command('register <namespace/service>'))
    .description("register (or replace) a cluster's export of a service")
    .requiredOption('--cluster <id>', 'the exporting cluster')
    .option('--type <type>', 'ClusterSetIP or Headless', 'ClusterSetIP')
    .option('--ip <address>', 'ClusterSetIP address (repeatable)', collect)
    .option('--port <[name:]PROTO:port>', 'service port (repeatable)', parsePort)
    .option('--endpoint <address[=hostname]>', 'ready endpoint (repeatable)', collect)
    .option('--weight <n>', 'relative share among clusters', Number)
    .option('--lease <seconds>', 'the export vanishes unless renewed', Number)
    .option('--file <body.json>', 'take the whole export body from a JSON file')
    .action(async (ref: string, flags: CommonFlags & Record<string, any>) => {
      const [namespace, service] = serviceRef(ref);
      const body = flags.file ? JSON.parse(await readFile(flags.file, 'utf8')) : exportBody(flags);
      print(await callApi(client(flags), 'PUT', `v1/services/${namespace}/${service}/clusters/${segment(flags.cluster)}`, body));
    });

  common(program.command('deregister <namespace/service>'))
    .description("remove a cluster's export of a service")
    .requiredOption('--cluster <id>', 'the exporting cluster')
    .action(async (ref: string, flags: CommonFlags & { cluster: string }) => {
      const [namespace, service] = serviceRef(ref);
      print(await callApi(client(flags), 'DELETE', `v1/services/${namespace}/${service}/clusters/${segment(flags.cluster)}`));
    });

  common(program.command('heartbeat <cluster>'))
    .description("renew every lease of a cluster's exports")
    .action(async (cluster: string, flags: CommonFlags) => print(await callApi(client(flags), 'POST', `v1/clusters/${segment(cluster)}/heartbeat`, {})));

  common(program.command('services [namespace/service]'))
    .description('list exported services, or show one')
    .action(async (ref: string | undefined, flags: CommonFlags) => {
      const path = ref ? `v1/services/${serviceRef(ref).join('/')}` : 'v1/services';
      print(await callApi(client(flags), 'GET', path));
    });

  common(program.command('segments'))
    .description('the segments the anchor hosts, with Raft role, leader, term and indexes')
    .action(async (flags: CommonFlags) => print(await callApi(client(flags), 'GET', 'v1/segments')));
}

function exportBody(flags: Record<string, any>): unknown {
  const endpoints = (flags.endpoint as string[] | undefined)?.map((e) => {
    const [address, hostname] = e.split('=');
    return { addresses: [address], ...(hostname && { hostname }), ready: true };
  });
  return {
    type: flags.type,
    ...(flags.ip && { ips: flags.ip }),
    ...(flags.port && { ports: flags.port }),
    ...(endpoints && { endpoints }),
    ...(flags.weight !== undefined && { weight: flags.weight }),
    ...(flags.lease !== undefined && { leaseSeconds: flags.lease }),
  };
}
