/**
 * Query metrics under CoreDNS's names, so existing dashboards work: requests by protocol,
 * address family and type, responses by rcode, request duration, cache hits and misses.
 * Label children are bound once at construction; the hot path only calls `inc`/`observe`
 * on a looked-up child.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Transport } from './constants.js';

/** Types CoreDNS names individually in `type`; any other is counted as "other". */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA',
  33: 'SRV', 35: 'NAPTR', 43: 'DS', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 252: 'AXFR',
  251: 'IXFR', 255: 'ANY',
};

const RCODE_NAMES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE', 'RCODE11', 'RCODE12', 'RCODE13', 'RCODE14', 'RCODE15',
  'BADVERS',
] as const;

/** What the server reports per query. */
export interface DnsMetrics {
  request(proto: Transport, family: 4 | 6, qtype: number): void;
  response(rcode: number, seconds: number): void;
  cacheHit(): void;
  cacheMiss(): void;
}

type Inc = { inc(): void };

/** DnsMetrics on a prom-client Registry (the HTTP side serves /metrics from it). */
export class PromDnsMetrics implements DnsMetrics {
  readonly #requests = new Map<number, Inc>();
  readonly #responses: Inc[];
  readonly #duration: Histogram;
  readonly #hits: Counter;
  readonly #misses: Counter;
  readonly #requestCounter: Counter<'proto' | 'family' | 'type'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#requestCounter = new Counter({
      name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per protocol, family and type.',
      labelNames: ['proto', 'family', 'type'] as const, registers,
    });
    const responses = new Counter({
      name: 'coredns_dns_responses_total', help: 'Counter of response status codes.',
      labelNames: ['rcode'] as const, registers,
    });
    this.#responses = RCODE_NAMES.map((rcode) => responses.labels({ rcode }));
    this.#duration = new Histogram({
      name: 'coredns_dns_request_duration_seconds', help: 'Histogram of the time (in seconds) each request took.',
      // CoreDNS's plugin.TimeBuckets: 16 exponential buckets from 0.25 ms.
      buckets: Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i),
      registers,
    });
    this.#hits = new Counter({ name: 'coredns_cache_hits_total', help: 'The count of cache hits.', registers });
    this.#misses = new Counter({ name: 'coredns_cache_misses_total', help: 'The count of cache misses.', registers });
  }

  request(proto: Transport, family: 4 | 6, qtype: number): void {
    const type = TYPE_NAMES[qtype] === undefined ? 0 : qtype;
    const slot = (type << 2) | (family === 6 ? 2 : 0) | (proto === 'tcp' ? 1 : 0);
    let child = this.#requests.get(slot);
    if (child === undefined) {
      child = this.#requestCounter.labels({
        proto, family: family === 6 ? '2' : '1', type: TYPE_NAMES[type] ?? 'other',
      });
      this.#requests.set(slot, child);
    }
    child.inc();
  }

  response(rcode: number, seconds: number): void {
    (this.#responses[rcode] ?? this.#responses[RCODE_NAMES.length - 1]).inc();
    this.#duration.observe(seconds);
  }

  cacheHit(): void {
    this.#hits.inc();
  }

  cacheMiss(): void {
    this.#misses.inc();
  }
}
