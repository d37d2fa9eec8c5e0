/** The DNS front end's public surface. */
export { createDnsServer } from './server.js';
export type { DnsServer, DnsServerOptions } from './server.js';
export { SwappableViewSource, EMPTY_VIEW } from './view-source.js';
export type { ViewSource } from './view-source.js';
export { PromDnsMetrics } from './metrics.js';
export type { DnsMetrics } from './metrics.js';
export { Responder, responseLimit, rcodeOf } from './responder.js';
export { Rcode } from './constants.js';
