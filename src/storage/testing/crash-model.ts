/**
 * The crash test's shared vocabulary: how the child names its entries (so the parent can
 * regenerate and compare every byte) and how both sides read the ack protocol.
 *
 * Child stdout, one line per event:
 *   try <group> <first> <last> <term>   – about to save entries first..last in term
 *   ack <group> <first> <last> <term>   – that save resolved (fdatasync done)
 */
import { EntryType, type Entry } from '../../raft/types.js';

export const CRASH_GROUPS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'] as const;

/** Variable-length payload so records straddle page and segment boundaries differently. */
export function crashEntryData(group: string, index: number, term: number): string {
  return `${group}/${index}/${term}/` + 'x'.repeat((index * 7919) % 1500);
}

export function crashEntry(group: string, index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(crashEntryData(group, index, term)) };
}

export interface Save {
  readonly kind: 'try' | 'ack';
  readonly group: string;
  readonly first: number;
  readonly last: number;
  readonly term: number;
}

export function parseLine(line: string): Save | undefined {
  const m = /^(try|ack) (\S+) (\d+) (\d+) (\d+)$/.exec(line);
  if (m === null) return undefined;
  return { kind: m[1] as Save['kind'], group: m[2], first: +m[3], last: +m[4], term: +m[5] };
}
