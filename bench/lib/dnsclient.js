/**
 * A minimal DNS-over-UDP client for readiness checks, propagation and failover probes:
 * builds an RD=0 query, sends it, and resolves with the rcode and answer count (or
 * 'timeout'). One socket per client; replies are matched by message ID.
 */
import dgram from 'node:dgram';

const TYPES = { A: 1, NS: 2, SOA: 6, TXT: 16, AAAA: 28, SRV: 33 };

/** Wire form of a query for `name` `type`, RD=0. */
export function encodeQuery(id, name, type = 'A') {
  const labels = name.replace(/\.$/, '').split('.');
  const b = Buffer.alloc(12 + labels.reduce((s, l) => s + l.length + 1, 0) + 1 + 4);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(1, 4);
  let at = 12;
  for (const l of labels) {
    b[at++] = l.length;
    at += b.write(l, at, 'latin1');
  }
  b[at++] = 0;
  b.writeUInt16BE(TYPES[type] ?? 1, at);
  b.writeUInt16BE(1, at + 2);
  return b;
}

export class UdpClient {
  #socket = dgram.createSocket('udp4');
  #pending = new Map();
  #nextId = 1;

  constructor() {
    this.#socket.on('message', (msg) => {
      if (msg.length < 12) return;
      const p = this.#pending.get(msg.readUInt16BE(0));
      if (!p) return;
      this.#pending.delete(msg.readUInt16BE(0));
      clearTimeout(p.timer);
      p.resolve({ rcode: msg[3] & 15, answers: msg.readUInt16BE(6), aa: (msg[2] & 4) !== 0 });
    });
    this.#socket.on('error', () => {});
  }

  /**
   * @returns {Promise<{ rcode: number, answers: number, aa: boolean } | 'timeout'>}
   */
  query(host, port, name, type = 'A', timeoutMs = 1000) {
    let id = this.#nextId;
    for (let i = 0; i < 65536 && this.#pending.has(id); i++) id = (id + 1) & 0xffff || 1;
    this.#nextId = (id + 1) & 0xffff || 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.#pending.delete(id); resolve('timeout'); }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
      this.#socket.send(encodeQuery(id, name, type), port, host, (err) => {
        if (err) { clearTimeout(timer); this.#pending.delete(id); resolve('timeout'); }
      });
    });
  }

  close() {
    for (const p of this.#pending.values()) { clearTimeout(p.timer); p.resolve('timeout'); }
    this.#pending.clear();
    try { this.#socket.close(); } catch { /* closed */ }
  }
}
