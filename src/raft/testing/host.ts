/**
 * A minimal in-memory host for tests and the simulator: it follows the README contract
 * (persist → send → apply → advance) over a MemoryStorage, and keeps the applied entries as
 * its "state machine" so tests can compare replicas. Crash = drop the RawNode and rebuild it
 * from the storage, which holds only what earlier Readys handed out.
 */
import type { Config } from '../config.js';
import { decodeConfChange } from '../confchange_codec.js';
import { RawNode, type Ready } from '../rawnode.js';
import { MemoryStorage } from '../storage.js';
import { EMPTY_CONF_STATE, EntryType, type ConfState, type Entry, type Message, type NodeId, type Snapshot } from '../types.js';

/** One applied entry of the state machine: its log position and its data as text. */
export interface Applied {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

export type HostConfig = Omit<Config, 'storage' | 'id' | 'applied'>;

const dec = new TextDecoder();
const enc = new TextEncoder();

export class TestHost {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  readonly cfg: HostConfig;
  node: RawNode;
  /** The state machine: every applied normal entry (and conf entry as "conf:<...>"), in order. */
  applied: Applied[] = [];
  appliedIndex = 0;
  confState: ConfState = EMPTY_CONF_STATE;
  /** The membership after each applied conf change, to snapshot at any applied index. */
  #confHistory: { index: number; cs: ConfState }[] = [];

  constructor(id: NodeId, cfg: HostConfig, storage = new MemoryStorage()) {
    this.id = id;
    this.cfg = cfg;
    this.storage = storage;
    this.node = this.makeNode();
  }

  private makeNode(): RawNode {
    const snap = this.storage.snapshot();
    this.applied = snap.metadata.index > 0 ? decodeState(snap.data) : [];
    this.appliedIndex = snap.metadata.index;
    this.confState = snap.metadata.confState.voters.length > 0 ? snap.metadata.confState : this.bootstrapConf();
    this.#confHistory = [{ index: snap.metadata.index, cs: this.confState }];
    return new RawNode({ ...this.cfg, id: this.id, storage: this.storage, applied: this.appliedIndex });
  }

  private bootstrapConf(): ConfState {
    const b = this.cfg.bootstrap;
    return b ? { ...EMPTY_CONF_STATE, voters: [...b.voters], learners: [...(b.learners ?? [])] } : EMPTY_CONF_STATE;
  }

  /** Simulates a crash and restart: memory is lost, storage survives. */
  restart(): void {
    this.node = this.makeNode();
  }

  /** Step 1 of the contract: persist snapshot, entries and hard state. */
  persist(rd: Ready): void {
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
  }

  /** Step 3: apply the snapshot and committed entries; conf changes go back to Raft. */
  apply(rd: Ready): void {
    if (rd.snapshot) this.applySnapshot(rd.snapshot);
    for (const e of rd.committedEntries) this.applyEntry(e);
  }

  private applySnapshot(s: Snapshot): void {
    this.applied = decodeState(s.data);
    this.appliedIndex = s.metadata.index;
    this.confState = s.metadata.confState;
    this.#confHistory = [{ index: s.metadata.index, cs: this.confState }];
  }

  private applyEntry(e: Entry): void {
    if (e.index <= this.appliedIndex) throw new Error(`${this.id}: applying ${e.index} twice (applied ${this.appliedIndex})`);
    if (e.index !== this.appliedIndex + 1) throw new Error(`${this.id}: gap in apply: ${this.appliedIndex} -> ${e.index}`);
    this.appliedIndex = e.index;
    if (e.type === EntryType.ConfChange) {
      const cc = decodeConfChange(e.data);
      this.confState = this.node.applyConfChange(cc);
      this.#confHistory.push({ index: e.index, cs: this.confState });
      this.applied.push({ index: e.index, term: e.term, data: `conf:${describeChanges(cc.changes)}` });
    } else if (e.data.byteLength > 0) {
      this.applied.push({ index: e.index, term: e.term, data: dec.decode(e.data) });
    }
  }

  /** Runs one whole Ready cycle and returns the messages to send. */
  handleReady(): { rd: Ready; msgs: readonly Message[] } {
    const rd = this.node.ready();
    this.persist(rd);
    this.apply(rd);
    this.node.advance();
    return { rd, msgs: rd.messages };
  }

  /** Host-side log compaction: snapshot the state machine at `index` (≤ applied) and drop entries. */
  compact(index: number): void {
    if (index > this.appliedIndex || index <= this.storage.snapshot().metadata.index) return;
    const upTo = this.applied.filter((a) => a.index <= index);
    let cs = this.#confHistory[0].cs;
    for (const h of this.#confHistory) if (h.index <= index) cs = h.cs;
    this.storage.createSnapshot(index, cs, encodeState(upTo));
    this.storage.compact(index);
  }
}

export function describeChanges(changes: readonly { type: number; nodeId: string }[]): string {
  if (changes.length === 0) return 'leave-joint';
  return changes.map((c) => `${['v', 'r', 'l'][c.type]}${c.nodeId}`).join(' ');
}

function encodeState(a: readonly Applied[]): Uint8Array {
  return enc.encode(JSON.stringify(a));
}

function decodeState(b: Uint8Array): Applied[] {
  return b.byteLength === 0 ? [] : (JSON.parse(dec.decode(b)) as Applied[]);
}
