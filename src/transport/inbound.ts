/**
 * The receiving side of one accepted link. The first frame must be a hello naming this
 * anchor and our protocol version; after it, only messages frames. Any protocol error —
 * oversized, unknown or malformed frame, missing hello — closes this link only; the
 * error is reported, never thrown into the event loop, so garbage from one socket cannot
 * take the anchor down or disturb its other peers.
 */
import type { NodeId } from '../raft/types.js';
import { FrameError } from '../storage/errors.js';
import { decodeHello, decodeMessages, FrameDecoder, FrameType, PROTOCOL_VERSION, type Frame, type GroupMessage } from './frame.js';
import type { Link } from './link.js';

export interface InboundOptions {
  readonly self: NodeId;
  readonly maxFrameBytes: number;
  readonly deliver: (from: NodeId, batch: readonly GroupMessage[]) => void;
  readonly onError: (err: Error) => void;
  /** Called when the hello is accepted, so removePeer can close the link later. */
  readonly onHello: (from: NodeId, link: Link) => void;
}

export function acceptInbound(link: Link, o: InboundOptions): void {
  const decoder = new FrameDecoder(o.maxFrameBytes);
  let from: NodeId | undefined;
  let dead = false;
  link.onData((chunk) => {
    if (dead) return;
    try {
      for (const f of decoder.push(chunk)) from = handleFrame(f, from, link, o);
    } catch (err) {
      dead = true;
      link.close();
      const e = err instanceof FrameError ? err : new FrameError(`from ${link.remote}: ${(err as Error).message}`, { cause: err });
      o.onError(e);
    }
  });
}

function handleFrame(f: Frame, from: NodeId | undefined, link: Link, o: InboundOptions): NodeId {
  if (from === undefined) {
    if (f.type !== FrameType.Hello) throw new FrameError(`from ${link.remote}: first frame is not a hello`);
    const h = decodeHello(f.payload);
    if (h.version !== PROTOCOL_VERSION) throw new FrameError(`from ${h.from}: protocol version ${h.version}, want ${PROTOCOL_VERSION}`);
    if (h.to !== o.self) throw new FrameError(`from ${h.from}: hello addressed to "${h.to}", this is "${o.self}"`);
    o.onHello(h.from, link);
    return h.from;
  }
  if (f.type !== FrameType.Messages) throw new FrameError(`from ${from}: unexpected frame type ${f.type}`);
  const batch = decodeMessages(f.payload);
  // A link speaks for the anchor that said hello, to this anchor only: no relaying, no spoofing.
  for (const { message: m } of batch) {
    if (m.from !== from || m.to !== o.self) throw new FrameError(`from ${from}: message ${m.from} → ${m.to} on this link`);
  }
  o.deliver(from, batch);
  return from;
}
