import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PromDnsMetrics } from './metrics.js';

describe('PromDnsMetrics', () => {
  it('exposes CoreDNS-named counters and a cumulative histogram at scrape time', async () => {
    const registry = new Registry();
    const metrics = new PromDnsMetrics(registry);
    metrics.request('udp', 4, 1);
    metrics.request('tcp', 6, 33);
    metrics.request('udp', 4, 999);
    metrics.response(0, 0.0001);
    metrics.response(3, 0.002);
    metrics.cacheHit();
    metrics.cacheMiss();
    metrics.cacheMiss();
    const text = await registry.metrics();
    expect(text).toContain('coredns_dns_requests_total{proto="udp",family="1",type="A"} 1');
    expect(text).toContain('coredns_dns_requests_total{proto="tcp",family="2",type="SRV"} 1');
    expect(text).toContain('coredns_dns_requests_total{proto="udp",family="1",type="other"} 1');
    expect(text).toContain('coredns_dns_responses_total{rcode="NXDOMAIN"} 1');
    expect(text).toContain('coredns_dns_request_duration_seconds_bucket{le="0.00025"} 1');
    expect(text).toContain('coredns_dns_request_duration_seconds_bucket{le="0.002"} 2');
    expect(text).toContain('coredns_dns_request_duration_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('coredns_dns_request_duration_seconds_count 2');
    expect(text).toContain('coredns_cache_hits_total 1');
    expect(text).toContain('coredns_cache_misses_total 2');
  });
});
