/**
 * A segment's replicated state: every cluster's service exports, raw RRsets and the
 * segment's policy. `apply` is deterministic (no clocks, no randomness): the same log
 * gives the same state on every anchor. Lease times live only on the leader (see
 * lease-tracker.ts); the state keeps each export's lease length and generation.
 */
import { internExportStrings } from '../mcs/intern.js';
import type { ClusterExport, ServiceExports } from '../mcs/types.js';
import { DEFAULT_POLICY, type SegmentCommand, type SegmentPolicy, type UpsertRRset } from './commands.js';
import type { Lease } from './lease-tracker.js';

export interface ExportEntry {
  readonly export: ClusterExport;
  readonly leaseSeconds: number | undefined;
  /** Log index of the upsert or renewal that last set this export's lease. */
  readonly generation: number;
}

/** What applying one command did, for the API's reply and the view builder. */
export interface ApplyOutcome {
  /** False when the command found nothing to change (e.g. delete of a missing export). */
  readonly changed: boolean;
  /** Service keys (`namespace/service`) whose records must be rebuilt. */
  readonly services: readonly string[];
  /** Set when the segment's policy refused the command (nothing changed). */
  readonly refused?: string;
  /** A heartbeat: every leased export of `cluster` now has this generation (the view is unchanged). */
  readonly renewed?: { readonly cluster: string; readonly generation: number };
}

interface SnapshotForm {
  readonly version: 1;
  readonly appliedIndex: number;
  readonly serial: number;
  readonly policy: SegmentPolicy;
  readonly services: Array<[string, Array<[string, ExportEntry]>]>;
  readonly rrsets: UpsertRRset[];
}

/**
 * One service's exports, one per cluster, sorted by cluster name; never mutated once stored
 * (replaced on change, so a snapshot capture can hold the old one). An array, not a Map: a
 * service usually has one or two clusters, and at 100k services a Map each cost ~200 bytes
 * more per service and one more object for the GC to mark.
 */
type Exports = readonly ExportEntry[];

const clusterOf = (entry: ExportEntry): string => entry.export.cluster;

/** `exports` with `entry` in its cluster's place (added or replaced), in cluster order. */
function withExport(exports: Exports | undefined, entry: ExportEntry): Exports {
  const cluster = clusterOf(entry);
  const list = exports ?? [];
  let at = 0;
  while (at < list.length && clusterOf(list[at]!) < cluster) at++;
  const replace = at < list.length && clusterOf(list[at]!) === cluster ? 1 : 0;
  return list.slice(0, at).concat(entry, list.slice(at + replace));
}

export class SegmentState {
  #services = new Map<string, Exports>();
  #rrsets = new Map<string, UpsertRRset>();
  #policy: SegmentPolicy = DEFAULT_POLICY;
  #serial: number;
  #appliedIndex = 0;
  /** What the last finished capture wrote, for the next one to copy from. */
  #written: WrittenServices | undefined;

  /** `baseSerial` is the SOA serial of the segment's initial zone file, if any. */
  constructor(baseSerial = 1) {
    this.#serial = baseSerial;
  }

  get serial(): number {
    return this.#serial;
  }
  get appliedIndex(): number {
    return this.#appliedIndex;
  }
  get policy(): SegmentPolicy {
    return this.#policy;
  }

  /** Applies the command at log `index`; the SOA serial grows with every change. */
  apply(index: number, command: SegmentCommand): ApplyOutcome {
    if (index <= this.#appliedIndex) throw new RangeError(`apply of index ${index} after ${this.#appliedIndex}`);
    this.#appliedIndex = index;
    const outcome = this.#dispatch(index, command);
    if (outcome.changed) this.#serial = (this.#serial + 1) >>> 0 || 1;
    return outcome;
  }

  /** Marks an index applied that carried no command (a leader's no-op, a conf change). */
  skip(index: number): void {
    if (index > this.#appliedIndex) this.#appliedIndex = index;
  }

  #dispatch(index: number, c: SegmentCommand): ApplyOutcome {
    switch (c.op) {
      case 'upsertExport': {
        const refused = this.#policyRefusal(c.export.cluster, c.leaseSeconds);
        if (refused) return { ...NO_CHANGE, refused };
        const key = serviceKey(c.namespace, c.service);
        const entry = { export: internExportStrings(c.export), leaseSeconds: c.leaseSeconds, generation: index };
        this.#services.set(key, withExport(this.#services.get(key), entry));
        return serviceChange(key);
      }
      case 'deleteExport':
        return this.#removeExport(serviceKey(c.namespace, c.service), c.cluster, () => true);
      case 'renewLeases':
        return this.#renew(index, c.cluster);
      case 'expireLeases': {
        const changed = c.exports.flatMap((e) =>
          this.#removeExport(serviceKey(e.namespace, e.service), c.cluster, (entry) => entry.generation === e.generation).services,
        );
        return { changed: changed.length > 0, services: changed };
      }
      case 'upsertRRset':
        this.#rrsets.set(rrsetKey(c.name, c.type), c);
        return { changed: true, services: [] };
      case 'deleteRRset': {
        const changed = this.#rrsets.delete(rrsetKey(c.name, c.type));
        return { changed, services: [] };
      }
      case 'setPolicy':
        this.#policy = c.policy;
        return { changed: true, services: [] };
      default:
        // A command this version does not know (a newer anchor wrote it during a rolling
        // upgrade): every replica of this version skips it alike, so state stays equal.
        return { ...NO_CHANGE, refused: `unknown command "${String((c as { op: unknown }).op)}"` };
    }
  }

  /**
   * The segment's own policy, checked at apply so every replica decides alike and a
   * policy change orders cleanly against the writes around it.
   */
  #policyRefusal(cluster: string, leaseSeconds: number | undefined): string | undefined {
    const { clusters, maxLeaseSeconds } = this.#policy;
    if (clusters.length > 0 && !clusters.includes(cluster)) return `segment policy does not admit cluster "${cluster}"`;
    if (maxLeaseSeconds > 0 && (leaseSeconds === undefined || leaseSeconds > maxLeaseSeconds)) {
      return `segment policy requires leaseSeconds of at most ${maxLeaseSeconds}`;
    }
    return undefined;
  }

  #removeExport(key: string, cluster: string, when: (entry: ExportEntry) => boolean): ApplyOutcome {
    const exports = this.#services.get(key);
    const entry = exports?.find((e) => clusterOf(e) === cluster);
    if (!exports || !entry || !when(entry)) return NO_CHANGE;
    // Copy on write: a snapshot capture may hold the old list (see capture).
    const next = exports.filter((e) => e !== entry);
    if (next.length === 0) this.#services.delete(key);
    else this.#services.set(key, next);
    return serviceChange(key);
  }

  /** A heartbeat moves every leased export of the cluster to this generation. */
  #renew(index: number, cluster: string): ApplyOutcome {
    for (const [key, exports] of this.#services) {
      const entry = exports.find((e) => clusterOf(e) === cluster);
      if (entry?.leaseSeconds === undefined) continue;
      // Copy on write, the cluster keeping its place.
      this.#services.set(key, exports.map((e) => (e === entry ? { ...entry, generation: index } : e)));
    }
    return { ...NO_CHANGE, renewed: { cluster, generation: index } };
  }

  /** The aggregated view of one service, or undefined when no cluster exports it. */
  service(key: string): ServiceExports | undefined {
    const exports = this.#services.get(key);
    if (!exports) return undefined;
    const [namespace, name] = key.split('/') as [string, string];
    return { namespace, name, exports: exports.map((e) => e.export) };
  }

  serviceKeys(): IterableIterator<string> {
    return this.#services.keys();
  }

  /** How many services have at least one export. */
  get serviceCount(): number {
    return this.#services.size;
  }

  /** Every leased export, for a new leader's lease tracker. */
  *leases(): IterableIterator<Lease> {
    for (const key of this.#services.keys()) yield* this.leasesOf(key);
  }

  /** The leased exports of the service at `key` (none when it is gone). */
  leasesOf(key: string): Lease[] {
    const exports = this.#services.get(key);
    if (!exports?.some((entry) => entry.leaseSeconds !== undefined)) return [];
    const [namespace, service] = key.split('/') as [string, string];
    const leases: Lease[] = [];
    for (const entry of exports) {
      if (entry.leaseSeconds !== undefined) leases.push({ namespace, service, cluster: clusterOf(entry), leaseSeconds: entry.leaseSeconds, generation: entry.generation });
    }
    return leases;
  }

  rrsets(): IterableIterator<UpsertRRset> {
    return this.#rrsets.values();
  }

  /** The whole state at once (see capture); the bytes must not be modified. */
  snapshot(): Uint8Array {
    return this.capture().next(Infinity)!;
  }

  /**
   * The state as it is now, to serialise a slice at a time (SnapshotCapture.next) while
   * later commands are applied: serialising 126k services in one go took ~250 ms, long
   * enough, on a loaded leader, to cost it its leadership. The copy taken here is of the
   * top-level map only: a service's list of exports, its export entries and raw records
   * are never mutated once stored, only replaced (copy on write).
   *
   * A service unchanged since the last finished capture (same mark, see exportsMark) is
   * copied from that capture's bytes rather than serialised again (see SnapshotCapture).
   *
   * `reuse`: an earlier snapshot this capture may write over (its whole buffer), when it
   * fits: the caller vouches that nothing reads it any more. A store of steady size then
   * allocates no snapshot-sized buffer per snapshot; each one was off-heap memory V8
   * answers with collections for external-memory pressure (storage/entry-arena.ts).
   */
  capture(reuse?: Uint8Array): SnapshotCapture {
    const head = { version: 1 as const, appliedIndex: this.#appliedIndex, serial: this.#serial, policy: this.#policy };
    // Two flat arrays, not a [key, exports] pair per service: at 250k services the pairs
    // were 35 MiB allocated in one turn (12–50 ms), all of it copied by the next scavenges
    // as it lives through the serialisation; the two arrays are ~4 MiB that V8 keeps in its
    // large-object space, which scavenges do not copy.
    const keys = new Array<string>(this.#services.size);
    const exports = new Array<Exports>(this.#services.size);
    let i = 0;
    this.#services.forEach((value, key) => {
      keys[i] = key;
      exports[i++] = value;
    });
    // Never the buffer the walk copies from.
    const spare = reuse !== undefined && reuse.buffer !== this.#written?.bytes.buffer ? wholeBuffer(reuse) : undefined;
    return new SnapshotCapture(head, keys, exports, [...this.#rrsets.values()], this.#written, (written) => {
      this.#written = written;
    }, spare);
  }

  static restore(data: Uint8Array): SegmentState {
    const form = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as SnapshotForm;
    if (form.version !== 1) throw new TypeError(`segment snapshot version ${String(form.version)} is not supported`);
    const state = new SegmentState(form.serial);
    state.#appliedIndex = form.appliedIndex;
    state.#policy = form.policy;
    // Snapshots list each service's exports in cluster order (withExport keeps them so).
    state.#services = new Map(
      form.services.map(([k, v]) => [
        k,
        v.map(([, entry]) => {
          internExportStrings(entry.export);
          return entry;
        }),
      ]),
    );
    state.#rrsets = new Map(form.rrsets.map((r) => [rrsetKey(r.name, r.type), r]));
    return state;
  }
}

/**
 * The services a finished capture wrote: `keys[i]`, whose JSON is `bytes[spans[2i],
 * spans[2i + 1])` and whose exports had `marks[i]` (see exportsMark). ~24 bytes per service
 * beside the bytes, which the log storage holds anyway as its latest snapshot; it keeps no
 * export alive (a lease renewal replaces every entry of a cluster).
 */
interface WrittenServices {
  readonly keys: readonly string[];
  readonly marks: Float64Array;
  readonly spans: Int32Array;
  readonly bytes: Uint8Array;
}

/**
 * What tells a service's list of exports from any other it has had: the newest entry's
 * generation (the log index that made it; every upsert and renewal makes a new entry) times
 * 256, plus the number of entries. Two lists of one service with equal marks are the same
 * list: no entry of the later list is newer than the earlier one's newest, so each of them
 * was already in the earlier list (an entry once removed never returns; a re-added export
 * is a new entry), and there are as many. Exact up to 2^45 log indices and 255 clusters
 * per service, beyond which the mark only stops matching (the service is serialised).
 */
function exportsMark(exports: Exports): number {
  let newest = 0;
  for (const entry of exports) if (entry.generation > newest) newest = entry.generation;
  return exports.length > 255 || newest >= 2 ** 45 ? -1 : newest * 256 + exports.length;
}

/**
 * A snapshot being written: the same JSON as one JSON.stringify of SnapshotForm would give,
 * produced `next(count)` services at a time into one buffer, grown from the size the
 * services so far project when the first guess is short. (Each slice used to become a
 * Buffer of its own, joined at the end: twice the snapshot's size in off-heap memory, ~84
 * MB at 240k services, whose growth pushes V8 into old-generation collections.)
 *
 * Services unchanged since the previous capture are copied from its bytes, runs of them
 * in one copy. Unchanged means the same list of exports (equal marks, see exportsMark): its
 * JSON is then the same text. Serialising was ~2 µs per service, ~500 ms of CPU per
 * snapshot at 250k services on every anchor, and a group written at 64 connections lost
 * half its rate while one of its anchors did it (bench/README.md, thirteenth session). The match
 * walks both captures in order: a JS Map iterates in insertion order, a replaced value keeps
 * its key's place and a new key goes last, so the services of the previous capture that are
 * still there come first and in the same order. A key that is not where the walk expects
 * it is serialised afresh; the walk never matches wrongly, at worst it copies less.
 */
export class SnapshotCapture {
  readonly appliedIndex: number;
  readonly #keys: readonly string[];
  readonly #exports: readonly Exports[];
  readonly #rrsets: UpsertRRset[];
  readonly #previous: WrittenServices | undefined;
  readonly #onWritten: (written: WrittenServices) => void;
  /** Where each service's JSON went in #out, and its mark (see WrittenServices). */
  readonly #spans: Int32Array;
  readonly #marks: Float64Array;
  #out: Buffer;
  #length = 0;
  #done = 0;
  /** The next service of the previous capture the walk expects. */
  #from = 0;
  /** A run of the previous bytes still to copy: [#runStart, #runEnd), to #length onwards. */
  #runStart = 0;
  #runEnd = 0;
  /** The snapshot, once written. */
  #result: Uint8Array | undefined;
  /** #out is an earlier snapshot's buffer given to this capture (kept whatever its room). */
  #reused = false;

  /** `keys[i]` is the service whose exports are `exports[i]`. */
  constructor(
    head: Omit<SnapshotForm, 'services' | 'rrsets'>,
    keys: readonly string[],
    exports: readonly Exports[],
    rrsets: UpsertRRset[],
    previous?: WrittenServices,
    onWritten: (written: WrittenServices) => void = () => undefined,
    spare?: Buffer,
  ) {
    this.appliedIndex = head.appliedIndex;
    this.#keys = keys;
    this.#exports = exports;
    this.#rrsets = rrsets;
    // Spans are 32-bit: past 2 GiB (~12M services) they wrapped, so nothing is copied then.
    this.#previous = previous !== undefined && previous.bytes.length <= MAX_SPAN ? previous : undefined;
    this.#onWritten = onWritten;
    this.#spans = new Int32Array(keys.length * 2);
    this.#marks = new Float64Array(keys.length);
    const guess = firstGuess(keys.length, this.#previous);
    // An earlier snapshot's buffer, when it holds about as much as the guess: at least what
    // the previous capture projects without the guess's 1/16 of room (a steady store's
    // snapshots differ by a few bytes; one that outgrows it grows as any does), and not
    // much more (it is kept whatever its room, as the snapshot, see capture).
    const fits = spare !== undefined && spare.length >= guess - (guess >> 4) && spare.length <= guess + (guess >> 2);
    this.#out = fits ? spare : Buffer.allocUnsafe(guess);
    this.#reused = fits;
    const headText = JSON.stringify(head);
    this.#append(`${headText.slice(0, -1)},"services":[`, 0);
  }

  /**
   * Serialises up to `count` more services; returns the snapshot bytes once all are done
   * (the same bytes on any later call). They must not be modified: the next capture copies
   * unchanged services from them.
   */
  next(count: number): Uint8Array | undefined {
    if (this.#result !== undefined) return this.#result;
    const end = Math.min(this.#keys.length, this.#done + count);
    for (let i = this.#done; i < end; i++) {
      this.#marks[i] = exportsMark(this.#exports[i]!);
      const from = this.#unchanged(i);
      if (from >= 0) {
        this.#copy(i, from);
        continue;
      }
      this.#flushRun(i);
      if (i > 0) this.#append(',', i);
      const start = this.#length;
      // The snapshot form keeps [cluster, entry] pairs, as when these were Maps.
      this.#append(JSON.stringify([this.#keys[i]!, this.#exports[i]!.map((e) => [clusterOf(e), e])]), i);
      this.#spans[2 * i] = start;
      this.#spans[2 * i + 1] = this.#length;
    }
    this.#flushRun(end);
    this.#done = end;
    if (end < this.#keys.length) return undefined;
    this.#append(`],"rrsets":${JSON.stringify(this.#rrsets)}}`, end);
    const written = this.#out.subarray(0, this.#length);
    // The log storage holds the snapshot until the next one: not with much room to spare.
    const bytes = !this.#reused && this.#out.length - this.#length > this.#length / 8 ? Buffer.from(written) : written;
    this.#result = bytes;
    this.#onWritten({ keys: this.#keys, marks: this.#marks, spans: this.#spans, bytes });
    return bytes;
  }

  /** The previous capture's index of service `i` when it is unchanged since then, or -1. */
  #unchanged(i: number): number {
    const previous = this.#previous;
    if (previous === undefined) return -1;
    const key = this.#keys[i]!;
    // A service of the previous capture not met here was deleted or re-added (then it is
    // last now): skip it. Where service i is new, everything left of the previous capture
    // is of that kind, so the walk may run to its end.
    while (this.#from < previous.keys.length && previous.keys[this.#from] !== key) this.#from++;
    if (this.#from === previous.keys.length) return -1;
    const from = this.#from++;
    const mark = this.#marks[i]!;
    return mark >= 0 && previous.marks[from] === mark ? from : -1;
  }

  /**
   * Copies service `i` (with the comma before it) from the previous capture's service
   * `from`: into the pending run when it follows that run there too, the comma between them
   * included; otherwise the run is written out and a new one starts.
   */
  #copy(i: number, from: number): void {
    const spans = this.#previous!.spans;
    const start = spans[2 * from]!;
    const end = spans[2 * from + 1]!;
    if (this.#runEnd > this.#runStart && start === this.#runEnd + 1 && this.#previous!.bytes[this.#runEnd] === COMMA) {
      this.#spans[2 * i] = this.#length + (start - this.#runStart);
      this.#runEnd = end;
    } else {
      this.#flushRun(i);
      if (i > 0) this.#append(',', i);
      this.#runStart = start;
      this.#runEnd = end;
      this.#spans[2 * i] = this.#length;
    }
    this.#spans[2 * i + 1] = this.#spans[2 * i]! + (end - start);
  }

  /** Copies the pending run into the output (`served`: services whose JSON is then complete). */
  #flushRun(served: number): void {
    if (this.#runEnd === this.#runStart) return;
    const size = this.#runEnd - this.#runStart;
    this.#reserve(size, served);
    this.#out.set(this.#previous!.bytes.subarray(this.#runStart, this.#runEnd), this.#length);
    this.#length += size;
    this.#runStart = this.#runEnd = 0;
  }

  /** Appends `text`, which ends the JSON of the first `served` services. */
  #append(text: string, served: number): void {
    const size = Buffer.byteLength(text, 'utf8');
    this.#reserve(size, served);
    this.#length += this.#out.write(text, this.#length, size, 'utf8');
  }

  /** Makes room for `size` more bytes after the JSON of the first `served` services. */
  #reserve(size: number, served: number): void {
    if (this.#length + size <= this.#out.length) return;
    // Short of the guess (larger services than it assumed): grow to what the services
    // written so far project for all of them, so it grows once, not by doublings.
    const projected = served > 0 ? Math.ceil((((this.#length + size) / served) * this.#keys.length * 17) / 16) + 1024 : 0;
    const grown = Buffer.allocUnsafe(Math.max(this.#length + size, projected, this.#out.length + (this.#out.length >> 1)));
    this.#out.copy(grown, 0, 0, this.#length);
    this.#out = grown;
    this.#reused = false;
  }
}

const COMMA = 0x2c;
/** The largest offset an Int32Array span holds. */
const MAX_SPAN = 2 ** 31 - 1;

/** Bytes reserved per service before serialising (a one-cluster ClusterSetIP export is ~175). */
const BYTES_PER_SERVICE_GUESS = 192;

/**
 * All of the buffer `bytes` starts a view of, from there on: a snapshot is a view of the
 * start of its capture's buffer. Undefined unless that buffer is one large allocation of
 * its own: a small Buffer may sit in Node's shared pool beside other Buffers.
 */
function wholeBuffer(bytes: Uint8Array): Buffer | undefined {
  const buffer = bytes.buffer;
  if (bytes.byteOffset !== 0 || buffer.byteLength < REUSE_MIN_BYTES || !(buffer instanceof ArrayBuffer)) return undefined;
  return Buffer.from(buffer, 0, buffer.byteLength);
}

/** Buffers at least this large are reused (Node's pool is 8 KiB). */
const REUSE_MIN_BYTES = 1 << 20;

/**
 * The buffer a capture of `services` starts with: scaled from the previous capture's size
 * when there is one, with 1/16 to spare, else BYTES_PER_SERVICE_GUESS each. A guess from
 * the fixed figure was ~40 % too large for the benchmark's services, so every snapshot
 * was copied into an exact buffer at the end: two large off-heap buffers per snapshot (~100
 * MB at 300k services) where one will do. Off-heap memory retired faster than V8's
 * mark-compacts run makes V8 collect for external memory pressure, the stalls of a
 * loaded group (entry-arena.ts).
 */
function firstGuess(services: number, previous: WrittenServices | undefined): number {
  if (previous === undefined || previous.keys.length === 0) return 1024 + services * BYTES_PER_SERVICE_GUESS;
  const scaled = (previous.bytes.length / previous.keys.length) * services;
  return Math.ceil(scaled + scaled / 16) + 1024;
}

const NO_CHANGE: ApplyOutcome = Object.freeze({ changed: false, services: [] });

function serviceChange(key: string): ApplyOutcome {
  return { changed: true, services: [key] };
}

export function serviceKey(namespace: string, service: string): string {
  return `${namespace.toLowerCase()}/${service.toLowerCase()}`;
}

function rrsetKey(name: string, type: string): string {
  return `${name.toLowerCase()} ${type.toUpperCase()}`;
}
