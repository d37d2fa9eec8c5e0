import { describe, expect, it } from 'vitest';
import { makeMessage, MessageType } from '../raft/types.js';
import { FrameError } from '../storage/errors.js';
import { decodeHello, decodeMessages, encodeHello, encodeMessageFrames, FrameDecoder, FrameType } from './frame.js';

const msg = (i: number, bytes = 0) =>
  makeMessage({ type: MessageType.MsgApp, from: 'a', to: 'b', index: i, entries: bytes ? [{ index: i, term: 1, type: 0, data: new Uint8Array(bytes) }] : [] });

describe('frames', () => {
  it('parses frames split at every byte boundary', () => {
    const hello = encodeHello({ version: 1, from: 'a', to: 'b' });
    const { bytes } = encodeMessageFrames([{ group: 'g', message: msg(1) }, { group: 'h', message: msg(2) }], 1 << 20);
    const stream = new Uint8Array([...hello, ...bytes]);
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(frames.map((f) => f.type)).toEqual([FrameType.Hello, FrameType.Messages]);
      expect(decodeHello(frames[0].payload)).toEqual({ version: 1, from: 'a', to: 'b' });
      expect(decodeMessages(frames[1].payload).map((m) => `${m.group}:${m.message.index}`)).toEqual(['g:1', 'h:2']);
    }
  });

  it('splits a batch into frames under the limit and refuses single oversized messages', () => {
    const items = [1, 2, 3, 4].map((i) => ({ group: 'g', message: msg(i, 400) }));
    items.splice(2, 0, { group: 'g', message: msg(99, 5000) });
    const { bytes, tooLarge } = encodeMessageFrames(items, 1000);
    expect(tooLarge.map((t) => t.message.index)).toEqual([99]);
    const frames = new FrameDecoder(1000).push(bytes);
    expect(frames.length).toBeGreaterThan(1);
    const got = frames.flatMap((f) => decodeMessages(f.payload).map((m) => m.message.index));
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('rejects oversized, empty and unknown frames as soon as the header arrives', () => {
    expect(() => new FrameDecoder(100).push(new Uint8Array([0, 0, 1, 0, 2]))).toThrow(FrameError);
    expect(() => new FrameDecoder().push(new Uint8Array([0, 0, 0, 0, 2]))).toThrow(/empty frame/);
    expect(() => new FrameDecoder().push(new Uint8Array([0, 0, 0, 9, 77]))).toThrow(/unknown frame type 77/);
  });

  it('rejects a messages frame whose count or body does not match', () => {
    const { bytes } = encodeMessageFrames([{ group: 'g', message: msg(1) }], 1 << 20);
    const frame = new FrameDecoder().push(bytes)[0];
    const longer = new Uint8Array([...frame.payload, 0]);
    expect(() => decodeMessages(longer)).toThrow(/trailing/);
    const lying = frame.payload.slice();
    lying[3] = 2; // claims two messages
    expect(() => decodeMessages(lying)).toThrow();
  });
});
