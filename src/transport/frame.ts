/**
 * Peer wire format: a stream of frames
 *
 *   [length u32][type u8][payload]      length = 1 + payload bytes, big-endian
 *
 * Frame types:
 *   hello     version:uvarint from:string to:string   – first frame on every connection; the
 *             receiver checks it is the intended `to` and speaks `version`.
 *   messages  count:u32 (group:string Message)*       – Raft messages of any groups, in
 *             send order (raft-codec Message encoding, shared with the WAL).
 *
 * A frame longer than the receiver's limit, of unknown type, or whose payload does not
 * decode exactly, is a protocol error: the connection is closed (FrameError), nothing
 * else is affected.
 */
import type { Message, NodeId } from '../raft/types.js';
import { ByteReader, ByteWriter } from '../storage/bytes.js';
import { FrameError } from '../storage/errors.js';
import { readMessage, writeMessage } from '../storage/raft-codec.js';

export const PROTOCOL_VERSION = 1;
export const FrameType = { Hello: 1, Messages: 2 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HEADER = 5;

export interface Frame {
  readonly type: FrameType;
  readonly payload: Uint8Array;
}

export interface Hello {
  readonly version: number;
  readonly from: NodeId;
  readonly to: NodeId;
}

export interface GroupMessage {
  readonly group: string;
  readonly message: Message;
}

export function encodeHello(h: Hello): Uint8Array {
  const w = new ByteWriter(64);
  w.u32(0);
  w.u8(FrameType.Hello);
  w.uvarint(h.version);
  w.string(h.from);
  w.string(h.to);
  w.patchU32(0, w.length - 4);
  return w.view();
}

export function decodeHello(payload: Uint8Array): Hello {
  const r = new ByteReader(payload);
  const h = { version: r.uvarint(), from: r.string(), to: r.string() };
  r.end();
  return h;
}

/**
 * Packs queued messages into as few messages frames as the size limit allows. Messages
 * that alone exceed the limit cannot be sent at all; they are returned in `tooLarge` so
 * the caller can report them (Raft retries; a snapshot that big needs a bigger limit).
 */
export function encodeMessageFrames(items: readonly GroupMessage[], maxFrameBytes: number): { bytes: Uint8Array; tooLarge: GroupMessage[] } {
  const fw = new MessageFrameWriter(maxFrameBytes);
  const tooLarge = items.filter((it) => !fw.add(it));
  return { bytes: fw.finish(), tooLarge };
}

/** Builds consecutive messages frames in one buffer. Invariant: #start < 0 ⇔ no frame open. */
class MessageFrameWriter {
  readonly #max: number;
  readonly #w = new ByteWriter(1024);
  #start = -1;
  #count = 0;

  constructor(maxFrameBytes: number) {
    this.#max = maxFrameBytes;
  }

  /** Adds to the open frame, or to a new one if it would overflow; false if no frame can hold it. */
  add(item: GroupMessage): boolean {
    if (this.#start >= 0 && this.#tryAppend(item)) return true;
    this.#closeFrame();
    this.#openFrame();
    if (this.#tryAppend(item)) return true;
    this.#w.truncate(this.#start);
    this.#start = -1;
    return false;
  }

  finish(): Uint8Array {
    this.#closeFrame();
    return this.#w.view().slice();
  }

  #tryAppend(item: GroupMessage): boolean {
    const before = this.#w.length;
    this.#w.string(item.group);
    writeMessage(this.#w, item.message);
    if (this.#w.length - this.#start - 4 <= this.#max) {
      this.#count++;
      return true;
    }
    this.#w.truncate(before);
    return false;
  }

  #openFrame(): void {
    this.#start = this.#w.length;
    this.#count = 0;
    this.#w.u32(0); // length, patched on close
    this.#w.u8(FrameType.Messages);
    this.#w.u32(0); // count, patched on close
  }

  #closeFrame(): void {
    if (this.#start < 0) return;
    this.#w.patchU32(this.#start, this.#w.length - this.#start - 4);
    this.#w.patchU32(this.#start + HEADER, this.#count);
    this.#start = -1;
  }
}

export function decodeMessages(payload: Uint8Array): GroupMessage[] {
  const r = new ByteReader(payload);
  const n = r.u32();
  if (n > r.remaining) throw new FrameError(`message count ${n} exceeds frame`);
  const out: GroupMessage[] = [];
  for (let i = 0; i < n; i++) out.push({ group: r.string(), message: readMessage(r) });
  r.end();
  return out;
}

/**
 * Incremental frame parser over a byte stream. Chunks are kept as received and joined
 * once per frame, so a multi-megabyte snapshot arriving in 64 KiB reads costs one copy,
 * not one per read.
 */
export class FrameDecoder {
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#max = maxFrameBytes;
  }

  /** Adds bytes and returns every frame now complete; throws FrameError on a bad frame. */
  push(chunk: Uint8Array): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      const f = this.#next();
      if (f === undefined) return frames;
      frames.push(f);
    }
  }

  #next(): Frame | undefined {
    if (this.#buffered < HEADER) return undefined;
    const head = this.#peek(HEADER);
    const len = new DataView(head.buffer, head.byteOffset, HEADER).getUint32(0);
    if (len > this.#max) throw new FrameError(`frame of ${len} bytes exceeds limit ${this.#max}`);
    if (len < 1) throw new FrameError('empty frame');
    const type = head[4];
    if (type !== FrameType.Hello && type !== FrameType.Messages) throw new FrameError(`unknown frame type ${type}`);
    if (this.#buffered < 4 + len) return undefined;
    const whole = this.#take(4 + len);
    return { type, payload: whole.subarray(HEADER) };
  }

  /** The first n buffered bytes (joining chunks only if the first is too short). */
  #peek(n: number): Uint8Array {
    if (this.#chunks[0].length < n) this.#chunks = [concat(this.#chunks, this.#buffered)];
    return this.#chunks[0];
  }

  #take(n: number): Uint8Array {
    const all = this.#chunks.length === 1 ? this.#chunks[0] : concat(this.#chunks, this.#buffered);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return all.subarray(0, n);
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
