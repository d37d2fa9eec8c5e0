/**
 * A cluster's export of a service, as registered through the API (DESIGN.md "HTTP API"),
 * and the aggregated service the DNS records are built from (KEP-1645 specification.md).
 */

export type ServiceType = 'ClusterSetIP' | 'Headless';
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  /** Unnamed ports get no SRV record (specification.md §2.3.2, §2.4.2). */
  readonly name?: string | undefined;
  readonly protocol: PortProtocol;
  readonly port: number;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  readonly hostname?: string | undefined;
  /** Absent = ready: an unknown condition counts as ready (CoreDNS endpointsliceReady). */
  readonly ready?: boolean | undefined;
  readonly zone?: string | undefined;
}

/** One cluster's export of one service. */
export interface ClusterExport {
  readonly cluster: string;
  readonly type: ServiceType;
  /** ClusterSetIP: where this cluster's export is reached. */
  readonly ips: readonly string[];
  readonly ports: readonly ServicePort[];
  /** Undefined when the cluster gave no endpoint list (then it counts as serving). */
  readonly endpoints?: readonly Endpoint[] | undefined;
  /** Relative share among clusters when answers rotate (default 100). */
  readonly weight?: number | undefined;
}

/** Every cluster's export of `<name>.<namespace>`, in a stable (cluster id) order. */
export interface ServiceExports {
  readonly namespace: string;
  readonly name: string;
  readonly exports: readonly ClusterExport[];
}
