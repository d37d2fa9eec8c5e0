import { describe, expect, it } from 'vitest';
import { EMPTY_CONF_STATE, MessageType, makeMessage } from '../raft/types.js';
import { detachSnapshots } from './detach-snapshots.js';

describe('detachSnapshots', () => {
  it('gives a MsgSnap its own copy of the data, so writing over the original changes nothing sent', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const snap = makeMessage({ type: MessageType.MsgSnap, from: 'a', to: 'b', term: 2, snapshot: { metadata: { index: 9, term: 2, confState: EMPTY_CONF_STATE }, data } });
    const app = makeMessage({ type: MessageType.MsgApp, from: 'a', to: 'c', term: 2 });
    const out = detachSnapshots([app, snap]);
    data.fill(0);
    expect(out[0]).toBe(app);
    expect(out[1]!.snapshot!.data).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(out[1]!.snapshot!.metadata).toBe(snap.snapshot!.metadata);
    expect({ ...out[1]!, snapshot: undefined }).toEqual({ ...snap, snapshot: undefined });
  });

  it('passes the same array through when it holds no MsgSnap', () => {
    const batch = [makeMessage({ type: MessageType.MsgHeartbeat, from: 'a', to: 'b', term: 1 })];
    expect(detachSnapshots(batch)).toBe(batch);
  });
});
