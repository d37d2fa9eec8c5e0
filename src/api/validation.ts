/**
 * Validation of registration input. Every rule names the field it checks so a 400 tells
 * the operator exactly what to fix: `ips[1]: "10.0.0.300" is not an IP address`.
 * Names follow RFC 1123 labels (≤ 63 octets) and the whole service name must stay
 * ≤ 253 octets once the zone is appended (KEP-1645 README "DNS").
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** An RFC 1123 label: lowercase letters, digits and '-', not at either end, 1–63 octets. */
export const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const label = (what: string) =>
  z.string().refine((s) => s.length <= 63, `${what} must be at most 63 octets`).refine((s) => LABEL.test(s), `${what} must be an RFC 1123 label (a-z, 0-9, '-')`);

/** A cluster id: one label, or two dot-separated labels (KEP-1645 README "Terminology"). */
const clusterId = z
  .string()
  .refine((s) => s.split('.').length <= 2, 'cluster id must be one label or two labels separated by a dot')
  .refine((s) => s.split('.').every((l) => l.length <= 63 && LABEL.test(l)), 'cluster id labels must be RFC 1123 labels of at most 63 octets');

// A zone id (fe80::1%eth0) names an interface of one host: meaningless in DNS.
const ip = z.string().refine((s) => isIP(s) !== 0 && !s.includes('%'), { message: 'must be an IPv4 or IPv6 address (no zone id)' });

/**
 * A port name is an IANA service name (RFC 6335 §5.1, as Kubernetes requires): at most
 * 15 characters, so `_<name>` stays a valid DNS label.
 */
const portName = z.string().refine((s) => s.length <= 15, 'port name must be at most 15 characters (an IANA service name, RFC 6335)').refine((s) => LABEL.test(s) && /[a-z]/.test(s) && !s.includes('--'), "port name must be lowercase letters, digits and single '-' with at least one letter (RFC 6335)");

const port = z.strictObject({
  name: portName.optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']),
  port: z.number().int().min(1).max(65535),
});

const endpoint = z.strictObject({
  addresses: z.array(ip).min(1).max(100),
  hostname: label('hostname').optional(),
  ready: z.boolean().optional(),
  zone: z.string().max(253).optional(),
});

export const exportBodySchema = z
  .strictObject({
    type: z.enum(['ClusterSetIP', 'Headless']),
    ips: z.array(ip).max(16).optional(),
    ports: z.array(port).max(100).optional(),
    endpoints: z.array(endpoint).max(5000).optional(),
    weight: z.number().int().min(1).max(1_000_000).optional(),
    leaseSeconds: z.number().int().min(1).max(86_400 * 365).optional(),
  })
  .refine((b) => b.type === 'Headless' || (b.ips?.length ?? 0) > 0, { message: 'a ClusterSetIP export needs at least one address', path: ['ips'] });

export type ExportBody = z.infer<typeof exportBodySchema>;

export const pathParams = {
  namespace: label('namespace'),
  service: label('service'),
  cluster: clusterId,
};

/** Parses `value` with `schema` or throws a 400 whose message names the first bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [where, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].filter(Boolean).join('.').replace(/\.\[/g, '[');
  throw new ApiError('BAD_REQUEST', `${field}: ${issue.message}`);
}

/** Checks the service name fits in a DNS name below `apex` (≤ 253 octets, RFC 1035 §2.3.4). */
export function checkNameLength(namespace: string, service: string, apex: string): void {
  const length = `${service}.${namespace}.svc.${apex}`.length;
  if (length > 253) throw new ApiError('BAD_REQUEST', `service: ${service}.${namespace}.svc.${apex} is ${length} octets, over the 253 a DNS name allows`);
}
