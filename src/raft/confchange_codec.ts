/**
 * Encoding of a ConfChange into the `data` of an EntryType.ConfChange entry. JSON with the
 * context in base64: conf changes are rare, so readability beats compactness. The host uses
 * decodeConfChange when it applies such an entry, then calls RawNode.applyConfChange.
 */
import { ConfChangeType, type ConfChange, type ConfChangeSingle } from './types.js';

interface Wire {
  t: ConfChange['transition'];
  c: [number, string][];
  x: string;
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const w: Wire = {
    t: cc.transition,
    c: cc.changes.map((c) => [c.type, c.nodeId]),
    x: Buffer.from(cc.context).toString('base64'),
  };
  return new TextEncoder().encode(JSON.stringify(w));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const w = JSON.parse(new TextDecoder().decode(data)) as Wire;
  const changes: ConfChangeSingle[] = w.c.map(([type, nodeId]) => {
    if (type !== ConfChangeType.AddNode && type !== ConfChangeType.RemoveNode && type !== ConfChangeType.AddLearner) {
      throw new Error(`unknown conf change type ${type}`);
    }
    return { type, nodeId };
  });
  return { transition: w.t, changes, context: new Uint8Array(Buffer.from(w.x, 'base64')) };
}

/** The empty conf change that leaves a joint configuration (thesis §4.3). */
export const LEAVE_JOINT: ConfChange = Object.freeze({ transition: 'auto', changes: [], context: new Uint8Array(0) });

/** Shorthand for tests and hosts: `simpleChange('add', 'n4')`. */
export function confChange(changes: readonly ConfChangeSingle[], transition: ConfChange['transition'] = 'auto'): ConfChange {
  return { transition, changes, context: new Uint8Array(0) };
}
