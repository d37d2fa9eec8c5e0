/**
 * Messages as the transport may keep them: a MsgSnap's snapshot data copied. The transport
 * queues messages per peer until the link takes them (a peer down or backed up can hold
 * them for seconds), while the anchor writes later snapshots over the buffer of an earlier
 * one (SegmentGroup's snapshot reuse). Snapshots go out rarely; every other message is
 * passed through, and so is the array when it holds no MsgSnap.
 */
import { MessageType, type Message } from '../raft/types.js';

export function detachSnapshots(messages: readonly Message[]): readonly Message[] {
  return messages.some(isSnapshotMessage) ? messages.map(detach) : messages;
}

function isSnapshotMessage(m: Message): boolean {
  return m.type === MessageType.MsgSnap && m.snapshot !== undefined;
}

function detach(m: Message): Message {
  if (!isSnapshotMessage(m)) return m;
  const snap = m.snapshot!;
  return { ...m, snapshot: { metadata: snap.metadata, data: snap.data.slice() } };
}
