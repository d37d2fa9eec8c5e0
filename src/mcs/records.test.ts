import { describe, expect, it } from 'vitest';
import { RRType, type RRset } from '../zone/types.js';
import { buildServiceRecords, dashedHostname, type GroupedRRset } from './records.js';
import type { ClusterExport, ServiceExports } from './types.js';

const APEX = ['clusterset', 'local'];

function service(exports: ClusterExport[], name = 'hello', namespace = 'demo'): ServiceExports {
  return { name, namespace, exports };
}

/** Decodes the RRsets back to `owner TYPE data` lines so cases read like zone files. */
function lines(rrsets: readonly RRset[]): string[] {
  return rrsets.flatMap((set) => set.rdata.map((rd) => `${set.owner.join('.')} ${set.ttl} ${typeName(set.type)} ${rdataText(set.type, rd)}`));
}

function typeName(type: number): string {
  return Object.entries(RRType).find(([, v]) => v === type)![0];
}

function rdataText(type: number, rd: Uint8Array): string {
  if (type === RRType.A) return [...rd].join('.');
  if (type === RRType.AAAA) return Buffer.from(rd).toString('hex');
  const view = new DataView(rd.buffer, rd.byteOffset);
  const labels: string[] = [];
  for (let i = 6; rd[i]! > 0; i += rd[i]! + 1) labels.push(Buffer.from(rd.subarray(i + 1, i + 1 + rd[i]!)).toString('latin1'));
  return `${view.getUint16(0)} ${view.getUint16(2)} ${view.getUint16(4)} ${labels.join('.')}`;
}

const TCP_UDP_42 = [
  { name: 'tcp', protocol: 'TCP', port: 42 },
  { name: 'udp', protocol: 'UDP', port: 42 },
] as const;

describe('ClusterSetIP records (specification.md §2.3)', () => {
  it('answers the ips of clusters with a ready endpoint, grouped by cluster for ordering', () => {
    const records = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [...TCP_UDP_42], endpoints: [{ addresses: ['10.244.1.5'], ready: true }] },
      { cluster: 'west', type: 'ClusterSetIP', ips: ['10.97.0.10', 'fd00::10'], ports: [...TCP_UDP_42], weight: 50 },
      { cluster: 'north', type: 'ClusterSetIP', ips: ['10.98.0.10'], ports: [...TCP_UDP_42], endpoints: [{ addresses: ['10.246.0.1'], ready: false }] },
    ]));
    expect(lines(records.rrsets).filter((l) => / A{1,4} /.test(l))).toEqual([
      'hello.demo.svc.clusterset.local 5 A 10.96.0.10',
      'hello.demo.svc.clusterset.local 5 A 10.97.0.10',
      'hello.demo.svc.clusterset.local 5 AAAA fd000000000000000000000000000010',
    ]);
    const a = records.rrsets.find((s) => s.type === RRType.A) as GroupedRRset;
    expect(a.groups).toEqual([{ cluster: 'east', weight: 100, count: 1 }, { cluster: 'west', weight: 50, count: 1 }]);
  });

  it('answers every cluster when none has a ready endpoint', () => {
    const records = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [], endpoints: [] },
      { cluster: 'west', type: 'ClusterSetIP', ips: ['10.97.0.10'], ports: [], endpoints: [{ addresses: ['10.1.1.1'], ready: false }] },
    ]));
    expect(lines(records.rrsets)).toEqual([
      'hello.demo.svc.clusterset.local 5 A 10.96.0.10',
      'hello.demo.svc.clusterset.local 5 A 10.97.0.10',
    ]);
  });

  it('collapses TCP and UDP on one port into one SRV on the bare name (conformance C2)', () => {
    const records = buildServiceRecords(APEX, service([{ cluster: 'east', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [...TCP_UDP_42, { protocol: 'TCP', port: 8080 }] }]));
    expect(lines(records.rrsets).filter((l) => l.includes(' SRV '))).toEqual([
      '_tcp._tcp.hello.demo.svc.clusterset.local 5 SRV 0 100 42 hello.demo.svc.clusterset.local',
      'hello.demo.svc.clusterset.local 5 SRV 0 100 42 hello.demo.svc.clusterset.local',
      '_udp._udp.hello.demo.svc.clusterset.local 5 SRV 0 100 42 hello.demo.svc.clusterset.local',
    ]);
  });

  it('deduplicates an address two clusters both export', () => {
    const records = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [] },
      { cluster: 'west', type: 'ClusterSetIP', ips: ['10.96.0.10'], ports: [] },
    ]));
    expect(lines(records.rrsets)).toEqual(['hello.demo.svc.clusterset.local 5 A 10.96.0.10']);
  });
});

describe('Headless records (specification.md §2.4)', () => {
  it('answers ready endpoints, per-pod names with dashed fallback and two-label cluster ids', () => {
    const records = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'Headless', ips: [], ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [
        { addresses: ['10.244.1.5'], hostname: 'web-0' },
        { addresses: ['10.244.1.6'], ready: false, hostname: 'web-1' },
      ] },
      { cluster: 'cluster-a.registry-x', type: 'Headless', ips: [], ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [
        { addresses: ['10.245.0.7', 'fd00::7'] },
      ] },
    ], 'web', 'prod'));
    expect(lines(records.rrsets)).toEqual([
      'web.prod.svc.clusterset.local 5 A 10.244.1.5',
      'web.prod.svc.clusterset.local 5 A 10.245.0.7',
      'web-0.east.web.prod.svc.clusterset.local 5 A 10.244.1.5',
      '10-245-0-7.cluster-a.registry-x.web.prod.svc.clusterset.local 5 A 10.245.0.7',
      'web.prod.svc.clusterset.local 5 AAAA fd000000000000000000000000000007',
      'fd00--7.cluster-a.registry-x.web.prod.svc.clusterset.local 5 AAAA fd000000000000000000000000000007',
      '_http._tcp.web.prod.svc.clusterset.local 5 SRV 0 33 80 web-0.east.web.prod.svc.clusterset.local',
      '_http._tcp.web.prod.svc.clusterset.local 5 SRV 0 33 80 10-245-0-7.cluster-a.registry-x.web.prod.svc.clusterset.local',
      '_http._tcp.web.prod.svc.clusterset.local 5 SRV 0 33 80 fd00--7.cluster-a.registry-x.web.prod.svc.clusterset.local',
      'web.prod.svc.clusterset.local 5 SRV 0 33 80 web-0.east.web.prod.svc.clusterset.local',
      'web.prod.svc.clusterset.local 5 SRV 0 33 80 10-245-0-7.cluster-a.registry-x.web.prod.svc.clusterset.local',
      'web.prod.svc.clusterset.local 5 SRV 0 33 80 fd00--7.cluster-a.registry-x.web.prod.svc.clusterset.local',
    ]);
  });

  it('yields nothing when no endpoint is ready, so the name is NXDOMAIN', () => {
    const records = buildServiceRecords(APEX, service([{ cluster: 'east', type: 'Headless', ips: [], ports: [], endpoints: [{ addresses: ['10.0.0.1'], ready: false }] }]));
    expect(records.rrsets).toEqual([]);
    expect(records.serviceName).toEqual(['hello', 'demo', 'svc', 'clusterset', 'local']);
  });

  it('keeps one SRV per (pod, port) in first-seen order however many pods there are', () => {
    // 40 pods × (TCP and UDP on 53, plus 8080): each pod's duplicate port collapses at
    // the service name, and no pod's record is taken for another's.
    const ports = [{ name: 'dns', protocol: 'TCP', port: 53 }, { name: 'dns', protocol: 'UDP', port: 53 }, { name: 'admin', protocol: 'TCP', port: 8080 }] as const;
    const endpoints = Array.from({ length: 40 }, (_, i) => ({ addresses: [`10.1.0.${i + 1}`], hostname: `p${i}` }));
    const records = buildServiceRecords(APEX, service([{ cluster: 'east', type: 'Headless', ips: [], ports: [...ports], endpoints }]));
    const srv = lines(records.rrsets.filter((r) => r.type === RRType.SRV));
    const pod = (i: number) => `p${i}.east.hello.demo.svc.clusterset.local`;
    const pods = Array.from({ length: 40 }, (_, i) => i);
    expect(srv).toEqual([
      ...pods.map((i) => `_dns._tcp.hello.demo.svc.clusterset.local 5 SRV 0 2 53 ${pod(i)}`),
      ...pods.flatMap((i) => [`hello.demo.svc.clusterset.local 5 SRV 0 1 53 ${pod(i)}`, `hello.demo.svc.clusterset.local 5 SRV 0 1 8080 ${pod(i)}`]),
      ...pods.map((i) => `_dns._udp.hello.demo.svc.clusterset.local 5 SRV 0 2 53 ${pod(i)}`),
      ...pods.map((i) => `_admin._tcp.hello.demo.svc.clusterset.local 5 SRV 0 2 8080 ${pod(i)}`),
    ]);
  });

  it('gives unnamed ports no SRV', () => {
    const records = buildServiceRecords(APEX, service([{ cluster: 'east', type: 'Headless', ips: [], ports: [{ protocol: 'TCP', port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], hostname: 'a' }] }]));
    expect(records.rrsets.some((s) => s.type === RRType.SRV)).toBe(false);
  });
});

describe('dashedHostname', () => {
  it.each([
    ['10.244.1.5', '10-244-1-5'],
    ['2001:db8::1', '2001-db8--1'],
    ['fd00::', 'fd00--0'],
  ])('%s → %s', (address, expected) => expect(dashedHostname(address)).toBe(expected));
});

describe('what service records share (fewer objects per registered service)', () => {
  const oneCluster = (ip: string, name: string): ServiceExports => service([{ cluster: 'east', type: 'ClusterSetIP', ips: [ip], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] }], name);

  it('gives single-cluster services one frozen groups list per (cluster, weight, count)', () => {
    const a = buildServiceRecords(APEX, oneCluster('10.0.0.1', 'a')).rrsets[0] as GroupedRRset;
    const b = buildServiceRecords(APEX, oneCluster('10.0.0.2', 'b')).rrsets[0] as GroupedRRset;
    expect(a.groups).toEqual([{ cluster: 'east', weight: 100, count: 1 }]);
    expect(b.groups).toBe(a.groups);
    expect(Object.isFrozen(a.groups) && Object.isFrozen(a.groups[0])).toBe(true);
    const two = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'ClusterSetIP', ips: ['10.0.0.3'], ports: [] },
      { cluster: 'west', type: 'ClusterSetIP', ips: ['10.0.0.4'], ports: [] },
    ])).rrsets[0] as GroupedRRset;
    expect(two.groups).toEqual([{ cluster: 'east', weight: 100, count: 1 }, { cluster: 'west', weight: 100, count: 1 }]);
  });

  it('shares the SRV record list of the port owner and the service name when they hold the same records', () => {
    const [, byPort, byService] = buildServiceRecords(APEX, oneCluster('10.0.0.1', 'a')).rrsets;
    expect(byPort!.owner.slice(0, 2)).toEqual(['_http', '_tcp']);
    expect(byService!.owner[0]).toBe('a');
    expect(byService!.rdata).toBe(byPort!.rdata);
    // Two named ports: the lists differ (weight 50 at the service name), single records are still shared.
    const twoPorts = buildServiceRecords(APEX, service([{ cluster: 'east', type: 'ClusterSetIP', ips: ['10.0.0.1'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'grpc', protocol: 'TCP', port: 90 }] }]));
    expect(lines(twoPorts.rrsets.filter((r) => r.type === RRType.SRV))).toEqual([
      '_http._tcp.hello.demo.svc.clusterset.local 5 SRV 0 100 80 hello.demo.svc.clusterset.local',
      'hello.demo.svc.clusterset.local 5 SRV 0 50 80 hello.demo.svc.clusterset.local',
      'hello.demo.svc.clusterset.local 5 SRV 0 50 90 hello.demo.svc.clusterset.local',
      '_grpc._tcp.hello.demo.svc.clusterset.local 5 SRV 0 100 90 hello.demo.svc.clusterset.local',
    ]);
  });

  it('keeps a port named "undefined" apart from an unnamed one on the same number (union of two clusters)', () => {
    const records = buildServiceRecords(APEX, service([
      { cluster: 'east', type: 'ClusterSetIP', ips: ['10.0.0.1'], ports: [{ name: 'undefined', protocol: 'TCP', port: 80 }] },
      { cluster: 'west', type: 'ClusterSetIP', ips: ['10.0.0.2'], ports: [{ protocol: 'TCP', port: 80 }] },
    ]));
    expect(lines(records.rrsets.filter((r) => r.type === RRType.SRV))).toEqual([
      '_undefined._tcp.hello.demo.svc.clusterset.local 5 SRV 0 100 80 hello.demo.svc.clusterset.local',
      'hello.demo.svc.clusterset.local 5 SRV 0 100 80 hello.demo.svc.clusterset.local',
    ]);
  });
});
