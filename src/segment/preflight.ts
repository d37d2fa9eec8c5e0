/**
 * Checks a write against the segment as it stands before it is proposed. Apply is
 * deterministic, so a command whose records cannot exist in the zone (a name over 255
 * octets, a CNAME beside a service's A) would fail the same way on every replica, at
 * every replay: a poison entry. Such writes are refused here with the reason instead.
 */
import { isSubdomain, lowerName } from '../zone/name.js';
import type { Labels } from '../zone/types.js';
import { buildServiceRecords } from '../mcs/records.js';
import type { SegmentCommand } from './commands.js';
import type { SegmentState } from './state.js';
import { serviceKey } from './state.js';
import { checkServiceRecords, type ServiceRecordCache } from './service-records.js';
import { rawRRset, SegmentZone, type SegmentBase } from './view.js';

/** Why `command` may not be proposed, or undefined when it may. */
export function preflight(command: SegmentCommand, base: SegmentBase, state: SegmentState, cache: ServiceRecordCache, view: unknown): string | undefined {
  try {
    switch (command.op) {
      case 'upsertExport':
        return checkExport(command, base, state, cache, view);
      case 'upsertRRset':
        return checkRawRRset(command, base, view);
      default:
        return undefined;
    }
  } catch (error) {
    return (error as Error).message;
  }
}

function checkExport(c: Extract<SegmentCommand, { op: 'upsertExport' }>, base: SegmentBase, state: SegmentState, cache: ServiceRecordCache, view: unknown): string | undefined {
  const key = serviceKey(c.namespace, c.service);
  const current = state.service(key);
  const others = current?.exports.filter((e) => e.cluster !== c.export.cluster) ?? [];
  const merged = { namespace: c.namespace, name: c.service, exports: [...others, c.export] };
  const records = checkServiceRecords(buildServiceRecords(base.domain, merged, state.policy.serviceTtl));
  if (!(view instanceof SegmentZone) || !servicesMeetOtherRecords(base)) return undefined;
  const before = cache.get(key)?.rrsets ?? [];
  view.zone.withChanges({ upsert: records.rrsets, remove: before.map((r) => ({ owner: r.owner, type: r.type })) });
  return undefined;
}

const meetsOtherRecords = new WeakMap<SegmentBase, boolean>();

/**
 * Whether a service's records can clash with records that are not registrations: only
 * when the zone file holds names under `svc.<domain>` (a CNAME there, say), or when that
 * subtree lies outside the segment's zone. Raw records are refused there
 * (checkRawRRset) and name lengths are checked above, so otherwise a registration cannot
 * make the zone invalid and the trial update (as costly as the real one) is skipped.
 */
function servicesMeetOtherRecords(base: SegmentBase): boolean {
  let meets = meetsOtherRecords.get(base);
  if (meets === undefined) {
    const services = lowerName(['svc', ...base.domain]);
    meets = !isSubdomain(services, lowerName(base.apex)) || base.fileRRsets.some((r) => isSubdomain(lowerName(r.owner), services));
    meetsOtherRecords.set(base, meets);
  }
  return meets;
}

/** Raw records stay out of the services' namespace (`svc.<domain>`), which registrations own. */
function checkRawRRset(c: Extract<SegmentCommand, { op: 'upsertRRset' }>, base: SegmentBase, view: unknown): string | undefined {
  const rrset = rawRRset(c, base.apex);
  const services: Labels = ['svc', ...base.domain];
  if (isSubdomain(lowerName(rrset.owner), lowerName(services))) return `${c.name}: names under svc.${base.domain.join('.')} belong to service registrations`;
  if (view instanceof SegmentZone) view.zone.withChanges({ upsert: [rrset] });
  return undefined;
}
