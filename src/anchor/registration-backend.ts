/**
 * The API's view of this anchor's segments (RegistrationBackend): which hosted segment
 * holds a service (longest suffix of `<svc>.<ns>.svc.<domain>`), writes through that
 * segment's Raft group, and status for /v1/segments.
 */
import type { RegistrationBackend, SegmentStatus, WriteResult } from '../api/routes-v1.js';
import { ApiError } from '../api/errors.js';
import type { ServiceExports } from '../mcs/types.js';
import type { SegmentCommand } from '../segment/commands.js';
import type { RaftMetrics } from './raft-metrics.js';
import type { SegmentGroup } from './segment-group.js';
import type { SegmentSpec } from './segment-specs.js';

export function registrationBackend(groups: ReadonlyMap<string, { group: SegmentGroup; spec: SegmentSpec }>, domain: string, metrics: RaftMetrics, members: (apex: string) => SegmentStatus['members']): RegistrationBackend {
  const byLength = [...groups.keys()].sort((a, b) => b.length - a.length);
  return {
    segmentFor(namespace, service) {
      const name = `${service}.${namespace}.svc.${domain}`;
      return byLength.find((apex) => name === apex || name.endsWith(`.${apex}`));
    },
    async write(apex: string, command: SegmentCommand): Promise<WriteResult> {
      const hosted = groups.get(apex);
      if (!hosted) throw new ApiError('NOT_FOUND', `segment ${apex} is not hosted here`);
      const end = metrics.proposalSeconds.startTimer({ segment: apex });
      const applied = await hosted.group.propose(command);
      end();
      return applied;
    },
    services(): ServiceExports[] {
      const all: ServiceExports[] = [];
      for (const { group } of groups.values()) for (const key of group.state.serviceKeys()) all.push(group.state.service(key)!);
      return all;
    },
    segments(): SegmentStatus[] {
      return [...groups.values()].map(({ group, spec }) => {
        const s = group.status();
        const role = s.role === 'precandidate' ? 'candidate' : s.role;
        return { apex: spec.apex, role, leader: s.leader, term: s.term, commitIndex: s.commitIndex, appliedIndex: s.appliedIndex, members: members(spec.apex) };
      });
    },
    apexes: () => [...groups.keys()],
  };
}
