/** Text renderings of messages, entries and Readys for golden transcripts and failure reports. */
import type { Ready } from '../rawnode.js';
import { decodeConfChange } from '../confchange_codec.js';
import { describeChanges } from './host.js';
import { EntryType, MessageType, type Entry, type HardState, type Message } from '../types.js';

const dec = new TextDecoder();
const TYPE_NAMES = new Map<number, string>(Object.entries(MessageType).map(([k, v]) => [v, k]));

export function typeName(t: number): string {
  return TYPE_NAMES.get(t) ?? `Msg${t}`;
}

export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) return `${e.term}/${e.index} EntryConfChange ${describeChanges(decodeConfChange(e.data).changes)}`;
  const d = dec.decode(e.data);
  return `${e.term}/${e.index} EntryNormal ${JSON.stringify(d)}`;
}

export function describeEntries(es: readonly Entry[]): string {
  return es.map(describeEntry).join(', ');
}

export function describeHardState(h: HardState): string {
  return `HardState Term:${h.term}${h.vote ? ` Vote:${h.vote}` : ''} Commit:${h.commit}`;
}

/** etcd-like: `1->2 MsgApp Term:1 Log:1/2 Commit:2 Entries:[1/3 EntryNormal "foo"]`. */
export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${typeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.entries.length > 0) {
    const isRead = m.type === MessageType.MsgReadIndex || m.type === MessageType.MsgReadIndexResp;
    s += isRead ? ` ctx:${JSON.stringify(dec.decode(m.entries[0].data))}` : ` Entries:[${describeEntries(m.entries)}]`;
  }
  if (m.context.byteLength > 0) s += ` Context:${JSON.stringify(dec.decode(m.context))}`;
  if (m.snapshot) {
    const md = m.snapshot.metadata;
    s += ` Snapshot: Index:${md.index} Term:${md.term} Voters:(${md.confState.voters.join(',')})`;
    if (md.confState.learners.length > 0) s += ` Learners:(${md.confState.learners.join(',')})`;
  }
  return s;
}

export function describeReady(rd: Ready): string[] {
  const out: string[] = [];
  if (rd.softState) out.push(`Lead:${rd.softState.lead || 'none'} State:${rd.softState.role}`);
  if (rd.hardState) out.push(describeHardState(rd.hardState));
  if (rd.entries.length > 0) {
    out.push('Entries:');
    for (const e of rd.entries) out.push(`  ${describeEntry(e)}`);
  }
  if (rd.snapshot) {
    const md = rd.snapshot.metadata;
    out.push(`Snapshot Index:${md.index} Term:${md.term} Voters:(${md.confState.voters.join(',')})`);
  }
  if (rd.committedEntries.length > 0) {
    out.push('CommittedEntries:');
    for (const e of rd.committedEntries) out.push(`  ${describeEntry(e)}`);
  }
  if (rd.messages.length > 0) {
    out.push('Messages:');
    for (const m of rd.messages) out.push(`  ${describeMessage(m)}`);
  }
  for (const rs of rd.readStates) out.push(`ReadState Index:${rs.index} ctx:${JSON.stringify(dec.decode(rs.requestCtx))}`);
  return out;
}
