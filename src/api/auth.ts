/**
 * Who may write. Tokens are bearer secrets whose SHA-256 (lowercase hex of the UTF-8
 * bytes) is in the config; a principal writes only the clusters it is granted, or any
 * when admin. With no tokens configured, writes are accepted only from 127.0.0.1 or ::1,
 * and only while the HTTP listener itself is bound to loopback: behind a sidecar proxy
 * (Istio connects from 127.0.0.6) or on a reachable address, loopback proves nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenConfig } from '../anchor/config.js';
import { ApiError } from './errors.js';

export interface Principal {
  readonly name: string;
  readonly admin: boolean;
  readonly clusters: ReadonlySet<string>;
}

const LOOPBACK_PRINCIPAL: Principal = Object.freeze({ name: 'loopback', admin: true, clusters: new Set<string>() });

export class Authenticator {
  readonly #tokens: ReadonlyArray<{ digest: Buffer; principal: Principal }>;
  readonly #loopbackListener: boolean;

  /** `listenHost`: the address the HTTP listener is bound to. */
  constructor(tokens: readonly TokenConfig[], listenHost = '127.0.0.1') {
    this.#loopbackListener = isLoopbackHost(listenHost);
    this.#tokens = tokens.map((t) => ({
      digest: Buffer.from(t.sha256, 'hex'),
      principal: { name: t.name, admin: t.admin === true, clusters: new Set(t.clusters ?? []) },
    }));
  }

  /** The principal behind a request, or a 401/403 ApiError. */
  authenticate(authorization: string | undefined, remoteAddress: string | undefined): Principal {
    if (this.#tokens.length === 0) {
      if (this.#loopbackListener && isLocalClient(remoteAddress)) return LOOPBACK_PRINCIPAL;
      throw new ApiError('FORBIDDEN', this.#loopbackListener
        ? 'no API tokens are configured: writes are accepted from 127.0.0.1 or ::1 only'
        : 'no API tokens are configured and the HTTP listener is not on loopback: configure tokens to allow writes');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new ApiError('UNAUTHORIZED', 'missing "Authorization: Bearer <token>" header');
    const digest = createHash('sha256').update(match[1]!, 'utf8').digest();
    const found = this.#tokens.find((t) => timingSafeEqual(t.digest, digest));
    if (!found) throw new ApiError('UNAUTHORIZED', 'unknown token');
    return found.principal;
  }

  /** Throws 403 unless `principal` may write `cluster`'s exports. */
  authorize(principal: Principal, cluster: string): void {
    if (principal.admin || principal.clusters.has(cluster)) return;
    throw new ApiError('FORBIDDEN', `principal "${principal.name}" may not write cluster "${cluster}"`);
  }
}

function isLocalClient(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
