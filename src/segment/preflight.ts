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
  if (!(view instanceof SegmentZone) || !serviceMeetsOtherRecords(base, [c.service, c.namespace, 'svc', ...base.domain])) return undefined;
  const before = cache.get(key)?.rrsets ?? [];
  view.zone.withChanges({ upsert: records.rrsets, remove: before.map((r) => ({ owner: r.owner, type: r.type })) });
  return undefined;
}

/** The zone file's names under `svc.<domain>`, as keys, for serviceMeetsOtherRecords. */
interface FileNamesUnderServices {
  /** `svc.<domain>` lies outside the segment's zone: every registration gets the trial. */
  readonly outside: boolean;
  /** Owners of the file's records under `svc.<domain>`. */
  readonly owners: ReadonlySet<string>;
  /** Those owners and each of their ancestors down to `svc.<domain>`. */
  readonly ownersAndAncestors: ReadonlySet<string>;
}

const fileNamesUnderServices = new WeakMap<SegmentBase, FileNamesUnderServices>();

const nameKey = (name: Labels): string => lowerName(name).join('\u0000');

function fileNamesOf(base: SegmentBase): FileNamesUnderServices {
  let found = fileNamesUnderServices.get(base);
  if (found === undefined) {
    const services = lowerName(['svc', ...base.domain]);
    const owners = new Set<string>();
    const ownersAndAncestors = new Set<string>();
    for (const r of base.fileRRsets) {
      const owner = lowerName(r.owner);
      if (!isSubdomain(owner, services)) continue;
      owners.add(nameKey(owner));
      for (let i = 0; i <= owner.length - services.length; i++) ownersAndAncestors.add(nameKey(owner.slice(i)));
    }
    found = { outside: !isSubdomain(services, lowerName(base.apex)), owners, ownersAndAncestors };
    fileNamesUnderServices.set(base, found);
  }
  return found;
}

/**
 * Whether a service's records (at `owner` and below) can clash with records that are not
 * registrations: only with a zone-file record at `owner` or below it (a CNAME at the
 * service's name or at its SRV owner), or, to stay on the safe side of whatever the zone's
 * rules make of a delegation or DNAME, at an ancestor down to `svc.<domain>`; or when that
 * subtree lies outside the segment's zone. Raw records are refused under
 * `svc` (checkRawRRset) and name lengths are checked above, so otherwise a registration
 * cannot make the zone invalid and the trial update, as costly as the real one and on
 * the leader's path before the proposal leaves, is skipped. The sample zone has services
 * under `svc`, so until this looked at the service's own names every write paid for it.
 */
function serviceMeetsOtherRecords(base: SegmentBase, owner: Labels): boolean {
  const names = fileNamesOf(base);
  if (names.outside) return true;
  if (names.owners.size === 0) return false;
  if (names.ownersAndAncestors.has(nameKey(owner))) return true; // a file record at or below it
  // A file record at a proper ancestor, down to svc.<domain> (owner.length - domain.length - 1 labels up).
  for (let i = 1; i <= owner.length - base.domain.length - 1; i++) if (names.owners.has(nameKey(owner.slice(i)))) return true;
  return false;
}

/** Raw records stay out of the services' namespace (`svc.<domain>`), which registrations own. */
function checkRawRRset(c: Extract<SegmentCommand, { op: 'upsertRRset' }>, base: SegmentBase, view: unknown): string | undefined {
  const rrset = rawRRset(c, base.apex);
  const services: Labels = ['svc', ...base.domain];
  if (isSubdomain(lowerName(rrset.owner), lowerName(services))) return `${c.name}: names under svc.${base.domain.join('.')} belong to service registrations`;
  if (view instanceof SegmentZone) view.zone.withChanges({ upsert: [rrset] });
  return undefined;
}
