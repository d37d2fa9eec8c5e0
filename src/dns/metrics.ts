/**
 * Query metrics under CoreDNS's names, so existing dashboards work: requests by protocol,
 * address family and type, responses by rcode, request duration, cache hits and misses.
 *
 * The hot path only bumps numbers in typed arrays (a few ns); prom-client reads them when
 * /metrics is scraped, through collectors registered on the Registry. Calling prom-client
 * per query cost ~6% of a query's CPU (bench/results/dns.txt profile).
 */
import type { Registry } from 'prom-client';
import type { Transport } from './constants.js';

/** Types CoreDNS names individually in `type`; any other is counted as "other". */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA',
  33: 'SRV', 35: 'NAPTR', 43: 'DS', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 252: 'AXFR',
  251: 'IXFR', 255: 'ANY',
};
const TYPE_SLOTS: readonly number[] = [0, ...Object.keys(TYPE_NAMES).map(Number)];

const RCODE_NAMES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE', 'RCODE11', 'RCODE12', 'RCODE13', 'RCODE14', 'RCODE15',
  'BADVERS',
] as const;

/** CoreDNS's plugin.TimeBuckets: 16 exponential buckets from 0.25 ms. */
const BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** What the server reports per query. */
export interface DnsMetrics {
  request(proto: Transport, family: 4 | 6, qtype: number): void;
  response(rcode: number, seconds: number): void;
  cacheHit(): void;
  cacheMiss(): void;
}

/** One sample of prom-client's MetricObject shape. */
interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
}

/** DnsMetrics on a prom-client Registry (the HTTP side serves /metrics from it). */
export class PromDnsMetrics implements DnsMetrics {
  /** requests[(typeSlot << 2) | family bit | proto bit]. */
  readonly #requests = new Float64Array(256 * 4);
  readonly #responses = new Float64Array(RCODE_NAMES.length);
  readonly #buckets = new Float64Array(BUCKETS.length + 1);
  #durationSum = 0;
  #hits = 0;
  #misses = 0;

  constructor(registry: Registry) {
    const add = (name: string, help: string, type: 'counter' | 'histogram', samples: () => Sample[]) =>
      registry.registerMetric({
        name, help, type, aggregator: 'sum',
        get: async () => ({ name, help, type, aggregator: 'sum', values: samples() }),
        reset: () => undefined,
      } as unknown as Parameters<Registry['registerMetric']>[0]);
    add('coredns_dns_requests_total', 'Counter of DNS requests made per protocol, family and type.', 'counter', () => this.#requestSamples());
    add('coredns_dns_responses_total', 'Counter of response status codes.', 'counter', () =>
      RCODE_NAMES.flatMap((rcode, i) => (this.#responses[i]! > 0 || i === 0 ? [{ value: this.#responses[i]!, labels: { rcode } }] : [])));
    add('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took.', 'histogram', () => this.#durationSamples());
    add('coredns_cache_hits_total', 'The count of cache hits.', 'counter', () => [{ value: this.#hits, labels: {} }]);
    add('coredns_cache_misses_total', 'The count of cache misses.', 'counter', () => [{ value: this.#misses, labels: {} }]);
  }

  request(proto: Transport, family: 4 | 6, qtype: number): void {
    const type = TYPE_NAMES[qtype] === undefined ? 0 : qtype;
    this.#requests[(type << 2) | (family === 6 ? 2 : 0) | (proto === 'tcp' ? 1 : 0)]!++;
  }

  response(rcode: number, seconds: number): void {
    this.#responses[rcode < RCODE_NAMES.length ? rcode : RCODE_NAMES.length - 1]!++;
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]!) b++;
    this.#buckets[b]!++;
    this.#durationSum += seconds;
  }

  cacheHit(): void {
    this.#hits++;
  }

  cacheMiss(): void {
    this.#misses++;
  }

  #requestSamples(): Sample[] {
    const out: Sample[] = [];
    for (const type of TYPE_SLOTS) {
      for (let bits = 0; bits < 4; bits++) {
        const value = this.#requests[(type << 2) | bits]!;
        if (value === 0) continue;
        out.push({ value, labels: { proto: bits & 1 ? 'tcp' : 'udp', family: bits & 2 ? '2' : '1', type: TYPE_NAMES[type] ?? 'other' } });
      }
    }
    return out;
  }

  /** Cumulative buckets, as Prometheus histograms are exposed. */
  #durationSamples(): Sample[] {
    const name = 'coredns_dns_request_duration_seconds';
    const out: Sample[] = [];
    let cumulative = 0;
    BUCKETS.forEach((le, i) => {
      cumulative += this.#buckets[i]!;
      out.push({ value: cumulative, labels: { le }, metricName: `${name}_bucket` });
    });
    cumulative += this.#buckets[BUCKETS.length]!;
    out.push({ value: cumulative, labels: { le: '+Inf' }, metricName: `${name}_bucket` });
    out.push({ value: this.#durationSum, labels: {}, metricName: `${name}_sum` });
    out.push({ value: cumulative, labels: {}, metricName: `${name}_count` });
    return out;
  }
}
