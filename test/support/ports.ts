/**
 * Free ports for tests. Several anchors on one machine listen on 127.0.0.2, 127.0.0.3, …
 * with one shared DNS port (NS glue carries no port), so a port must be free for UDP and
 * TCP on every one of those addresses at once.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A port in 20000–59999 that UDP and TCP can bind on every address in `hosts`. */
export async function freePortOn(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (await allFree(hosts, port)) return port;
  }
  throw new Error(`no port free on ${hosts.join(', ')}`);
}

/** `count` distinct ports, each free on every address in `hosts`. */
export async function freePortsOn(hosts: readonly string[], count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePortOn(hosts));
  return [...ports];
}

async function allFree(hosts: readonly string[], port: number): Promise<boolean> {
  for (const host of hosts) if (!(await tcpFree(host, port)) || !(await udpFree(host, port))) return false;
  return true;
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => done(false));
    socket.bind(port, host, () => socket.close(() => done(true)));
  });
}
