/**
 * PacketStore: every frame of one capture, indexed for a 1M-frame Packet List.
 *
 * - Bytes are copied at once into an arena of large chunks (the `cap` backend reuses one buffer per
 *   packet, and file readers hand out views of their read buffers), and found again by offset.
 * - Per-frame facts live in growable typed arrays: times, lengths, link type, the interned protocol
 *   stack (`frame.protocols`), flags, and "hot" columns (ip/tcp/udp addresses, ports, tcp.len) that
 *   display filters read without re-dissecting.
 * - The first pass runs once per frame in order, as frames arrive (file load or live capture), so
 *   reassembly and conversation state are frozen; summaries, trees and cold filter fields are
 *   recomputed on demand by re-dissecting from stored bytes (cheap per row, never per frame per render).
 */
import type { FieldDef } from '../../../shared/fields';
import type { FieldOccurrence, FrameFields, FrameSummary } from '../../../shared/model';
import type { CaptureRecord } from '../file/types';
import type { FrameInput, ProtocolModule } from '../decode/protocol';
import { DissectionSession, type FrameResult, type SessionOptions } from '../decode/session';
import { toDetailNodes } from '../decode/detail';
import type { FrameDetail } from '../../../shared/contract';
import { subTime } from '../decode/time';

const ARENA_CHUNK = 16 * 1024 * 1024;
const INITIAL_CAPACITY = 1024;
const FLAG_MARKED = 1;
const FLAG_MALFORMED = 2;
/** FLAG_COLUMNS_STALE: a later frame changed this row after its first pass; its interned columns are re-read. */
const FLAG_COLUMNS_STALE = 4;

/** TextColumn names the Packet List text columns interned at first pass (sorting reads them). */
export type TextColumn = 'source' | 'destination' | 'protocol';

/** HOT_FIELDS are kept in typed arrays at first pass so common filters need no re-dissection. */
export const HOT_FIELDS = ['ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'tcp.len', 'tcp.stream'] as const;
/**
 * INDEXED_PROTOCOLS are the application protocols whose every field occurrence is kept from the first pass
 * (they are a small share of frames), so that filters on them (`smtp.req.command == "MAIL"`, `pop`) need
 * no re-dissection.
 */
export const INDEXED_PROTOCOLS = ['smtp', 'pop', 'imf'] as const;
/** FRAME_FIELDS are answered from the index arrays. */
const FRAME_FIELDS = new Set(['frame', 'frame.number', 'frame.len', 'frame.cap_len', 'frame.time_relative', 'frame.marked', 'frame.protocols', 'frame.interface_id']);
/** Derived hot fields answered from the same arrays. */
const PAIR_FIELDS: Record<string, [string, string]> = {
  'ip.addr': ['ip.src', 'ip.dst'],
  'tcp.port': ['tcp.srcport', 'tcp.dstport'],
  'udp.port': ['udp.srcport', 'udp.dstport'],
};

/** Growable typed array helper. */
function grow<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  let size = a.length;
  while (size < n) size *= 2;
  const b = new (a.constructor as new (len: number) => T)(size);
  b.set(a);
  return b;
}

/** PacketStore holds the frames of one capture. See the file comment. */
export class PacketStore {
  readonly session: DissectionSession;
  private count = 0;
  private tsSec = new Float64Array(INITIAL_CAPACITY);
  private tsNsec = new Uint32Array(INITIAL_CAPACITY);
  private caplen = new Uint32Array(INITIAL_CAPACITY);
  private origLen = new Uint32Array(INITIAL_CAPACITY);
  private linktype = new Uint16Array(INITIAL_CAPACITY);
  private ifaceId = new Uint16Array(INITIAL_CAPACITY);
  private arenaIndex = new Uint32Array(INITIAL_CAPACITY);
  private arenaOffset = new Uint32Array(INITIAL_CAPACITY);
  private layersId = new Uint32Array(INITIAL_CAPACITY);
  private flags = new Uint8Array(INITIAL_CAPACITY);
  /**
   * Source, Destination and Protocol texts of every row, interned (few distinct values): sorting by
   * these columns reads an id per frame instead of re-dissecting it.
   */
  private columnIds: Record<TextColumn, Uint32Array> = {
    source: new Uint32Array(INITIAL_CAPACITY),
    destination: new Uint32Array(INITIAL_CAPACITY),
    protocol: new Uint32Array(INITIAL_CAPACITY),
  };
  private readonly columnTexts: string[] = [];
  private readonly columnTextIds = new Map<string, number>();
  private readonly hot = new Map<string, Float64Array>();
  private readonly comments = new Map<number, string>();
  private readonly arena: Uint8Array[] = [];
  private arenaUsed = 0;
  private readonly layerStrings: string[] = [];
  private readonly layerSets: Set<string>[] = [];
  private readonly layerIds = new Map<string, number>();
  private readonly hotInterest: Set<string>;
  /** indexed: abbrevs of INDEXED_PROTOCOLS' fields (protocols included) */
  readonly indexed = new Set<string>();
  /**
   * cold[n]: frame n's indexed occurrences (undefined: none). A dense array in frame order, read by every
   * filter over an indexed field for every frame: an index, not a hash lookup in a map of 10^5+ entries.
   */
  private readonly cold: (FieldOccurrence[] | undefined)[] = [undefined];
  /** coldSources: copies of reassembled data sources that indexed occurrences point into */
  private readonly coldSources = new Map<number, Map<number, Uint8Array>>();
  private readonly hotDefs = new Map<string, FieldDef>();
  private markedCount = 0;
  interfaceNames: (string | undefined)[] = [];

  constructor(modules: readonly ProtocolModule[], options: SessionOptions = {}) {
    this.session = new DissectionSession(modules, options);
    const reg = this.session.registry.fields;
    for (const name of HOT_FIELDS) {
      const def = reg.get(name);
      if (def) {
        this.hotDefs.set(name, def);
        this.hot.set(name, new Float64Array(INITIAL_CAPACITY).fill(NaN));
      }
    }
    for (const [pair, [a]] of Object.entries(PAIR_FIELDS)) {
      const def = reg.get(pair);
      if (def && this.hotDefs.has(a)) this.hotDefs.set(pair, def);
    }
    this.hotInterest = new Set(HOT_FIELDS.filter((f) => this.hotDefs.has(f)));
    for (const def of reg.all()) {
      const proto = def.abbrev.split('.')[0];
      if ((INDEXED_PROTOCOLS as readonly string[]).includes(proto)) this.indexed.add(def.abbrev);
    }
    for (const abbrev of this.indexed) this.hotInterest.add(abbrev);
  }

  /** size is the number of frames. */
  get size(): number {
    return this.count;
  }

  /** marked is the number of marked frames. */
  get marked(): number {
    return this.markedCount;
  }

  /** append stores a record and runs the first pass over it; returns its summary. */
  append(rec: CaptureRecord): FrameSummary {
    const n = ++this.count;
    this.ensureCapacity(n + 1);
    this.tsSec[n] = rec.tsSec;
    this.tsNsec[n] = rec.tsNsec;
    this.caplen[n] = rec.data.length;
    this.origLen[n] = rec.origLen;
    this.linktype[n] = rec.linktype;
    this.ifaceId[n] = rec.interfaceId;
    if (rec.comment !== undefined) this.comments.set(n, rec.comment);
    this.storeBytes(n, rec.data);
    const result = this.session.dissect(this.frameInput(n), {
      firstPass: true,
      mode: 'fields',
      interest: this.hotInterest,
    });
    this.layersId[n] = this.internLayers(result.layers);
    if (result.layers.includes('_ws.malformed')) this.flags[n] |= FLAG_MALFORMED;
    let cold: FieldOccurrence[] | undefined;
    for (const occ of result.tree.occurrences) {
      const abbrev = occ.field.abbrev;
      const column = this.hot.get(abbrev);
      if (column) {
        if (Number.isNaN(column[n]) && typeof occ.value === 'number') column[n] = occ.value;
      } else if (this.indexed.has(abbrev)) {
        // Plain copies: tree items hold label closures, and byte values may view the reader's buffers.
        const value = occ.value instanceof Uint8Array ? occ.value.slice() : occ.value;
        (cold ??= []).push({ field: occ.field, value, src: occ.src, start: occ.start, length: occ.length });
        if (occ.src !== 0 && occ.field.type === 'protocol') {
          let sources = this.coldSources.get(n);
          if (!sources) this.coldSources.set(n, (sources = new Map()));
          if (!sources.has(occ.src)) sources.set(occ.src, result.sources[occ.src].bytes.slice());
        }
      }
    }
    // Frames are appended in order (n = cold.length), so the array stays dense.
    this.cold[n] = cold;
    const summary = this.toSummary(n, result);
    this.internColumns(n, summary);
    return summary;
  }

  private internColumns(n: number, summary: FrameSummary): void {
    for (const column of ['source', 'destination', 'protocol'] as const) {
      const text = summary[column];
      let id = this.columnTextIds.get(text);
      if (id === undefined) {
        id = this.columnTexts.length;
        this.columnTexts.push(text);
        this.columnTextIds.set(text, id);
      }
      this.columnIds[column][n] = id;
    }
  }

  /** markRowsChanged notes frames whose row a later frame changed (their interned columns are re-read). */
  markRowsChanged(frames: readonly number[]): void {
    for (const n of frames) if (n >= 1 && n <= this.count) this.flags[n] |= FLAG_COLUMNS_STALE;
  }

  /**
   * columnId returns the interned id of a frame's Source, Destination or Protocol text (index into
   * {@link columnTextTable}); the Protocol of a row changed after its first pass is re-read once first.
   */
  columnId(column: TextColumn, n: number): number {
    // Reassembly changes a row's Protocol and Info, never its addresses.
    if (column === 'protocol' && this.flags[n] & FLAG_COLUMNS_STALE) {
      this.flags[n] &= ~FLAG_COLUMNS_STALE;
      this.internColumns(n, this.summary(n));
    }
    return this.columnIds[column][n];
  }

  /** columnTextTable lists the interned column texts (ids from {@link columnId}); it only grows. */
  get columnTextTable(): readonly string[] {
    return this.columnTexts;
  }

  /** timeSec / timeNsec are frame n's absolute timestamp (seconds, nanoseconds). */
  timeSec(n: number): number {
    return this.tsSec[n];
  }

  timeNsec(n: number): number {
    return this.tsNsec[n];
  }

  /** wireLength is frame n's length on the wire (the Length column, `frame.len`). */
  wireLength(n: number): number {
    return this.origLen[n];
  }

  private ensureCapacity(n: number): void {
    if (n <= this.tsSec.length) return;
    this.tsSec = grow(this.tsSec, n);
    this.tsNsec = grow(this.tsNsec, n);
    this.caplen = grow(this.caplen, n);
    this.origLen = grow(this.origLen, n);
    this.linktype = grow(this.linktype, n);
    this.ifaceId = grow(this.ifaceId, n);
    this.arenaIndex = grow(this.arenaIndex, n);
    this.arenaOffset = grow(this.arenaOffset, n);
    this.layersId = grow(this.layersId, n);
    this.flags = grow(this.flags, n);
    for (const column of ['source', 'destination', 'protocol'] as const) this.columnIds[column] = grow(this.columnIds[column], n);
    for (const [name, column] of this.hot) {
      const old = column.length;
      const next = grow(column, n);
      if (next !== column) next.fill(NaN, old);
      this.hot.set(name, next);
    }
  }

  private storeBytes(n: number, data: Uint8Array): void {
    let chunk = this.arena[this.arena.length - 1];
    if (!chunk || this.arenaUsed + data.length > chunk.length) {
      chunk = new Uint8Array(Math.max(ARENA_CHUNK, data.length));
      this.arena.push(chunk);
      this.arenaUsed = 0;
    }
    chunk.set(data, this.arenaUsed);
    this.arenaIndex[n] = this.arena.length - 1;
    this.arenaOffset[n] = this.arenaUsed;
    this.arenaUsed += data.length;
  }

  private internLayers(layers: string[]): number {
    const key = layers.join(':');
    let id = this.layerIds.get(key);
    if (id === undefined) {
      id = this.layerStrings.length;
      this.layerStrings.push(key);
      this.layerSets.push(new Set(layers));
      this.layerIds.set(key, id);
    }
    return id;
  }

  /** bytes returns a frame's captured bytes (a view into the arena). */
  bytes(n: number): Uint8Array {
    this.checkFrame(n);
    const offset = this.arenaOffset[n];
    return this.arena[this.arenaIndex[n]].subarray(offset, offset + this.caplen[n]);
  }

  /** record returns a frame as a capture record (for saving). */
  record(n: number): { tsSec: number; tsNsec: number; data: Uint8Array; origLen: number; linktype: number; interfaceId: number; comment?: string } {
    const rec = {
      tsSec: this.tsSec[n],
      tsNsec: this.tsNsec[n],
      data: this.bytes(n),
      origLen: this.origLen[n],
      linktype: this.linktype[n],
      interfaceId: this.ifaceId[n],
    };
    const comment = this.comments.get(n);
    return comment === undefined ? rec : { ...rec, comment };
  }

  private checkFrame(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.count) throw new RangeError(`no frame ${n} (capture has ${this.count})`);
  }

  /** frameInput builds the dissector input of frame n from the index. */
  frameInput(n: number): FrameInput {
    this.checkFrame(n);
    const prev = n > 1 ? n - 1 : n;
    const input: FrameInput = {
      number: n,
      tsSec: this.tsSec[n],
      tsNsec: this.tsNsec[n],
      firstSec: this.tsSec[1],
      firstNsec: this.tsNsec[1],
      prevSec: this.tsSec[prev],
      prevNsec: this.tsNsec[prev],
      caplen: this.caplen[n],
      origLen: this.origLen[n],
      linktype: this.linktype[n],
      interfaceId: this.ifaceId[n],
      data: this.bytes(n),
      marked: (this.flags[n] & FLAG_MARKED) !== 0,
    };
    const name = this.interfaceNames[this.ifaceId[n]];
    if (name !== undefined) input.interfaceName = name;
    const comment = this.comments.get(n);
    if (comment !== undefined) input.comment = comment;
    return input;
  }

  /** relativeTime is frame n's time since the first frame, in seconds. */
  relativeTime(n: number): number {
    return subTime(this.tsSec[n], this.tsNsec[n], this.tsSec[1], this.tsNsec[1]);
  }

  /** layers returns the set of protocol abbrevs in frame n. */
  layers(n: number): ReadonlySet<string> {
    return this.layerSets[this.layersId[n]];
  }

  /** layersIdOf is the interned id of frame n's protocol stack (equal ids, equal stacks). */
  layersIdOf(n: number): number {
    return this.layersId[n];
  }

  /** layerSetById is the protocol stack an id stands for. */
  layerSetById(id: number): ReadonlySet<string> {
    return this.layerSets[id];
  }

  /** summary re-dissects frame n (reading frozen state only) and returns its Packet List row. */
  summary(n: number): FrameSummary {
    const result = this.session.dissect(this.frameInput(n), { firstPass: false, mode: 'none' });
    return this.toSummary(n, result);
  }

  private toSummary(n: number, r: FrameResult): FrameSummary {
    const summary: FrameSummary = {
      number: n,
      time: this.relativeTime(n),
      source: r.columns.source,
      destination: r.columns.destination,
      protocol: r.columns.protocol,
      length: this.origLen[n],
      info: r.columns.infoText(),
      colour: colourOf(r.layers, r.columns.info),
    };
    if (this.flags[n] & FLAG_MARKED) summary.marked = true;
    return summary;
  }

  /** detail re-dissects frame n with the full tree. */
  detail(n: number): FrameDetail {
    const result = this.session.dissect(this.frameInput(n), { firstPass: false, mode: 'full' });
    return {
      number: n,
      tree: toDetailNodes(result.tree),
      sources: result.sources.map((s) => ({ name: s.name, bytes: s.bytes })),
    };
  }

  /** isMarked tells whether frame n is marked. */
  isMarked(n: number): boolean {
    return (this.flags[n] & FLAG_MARKED) !== 0;
  }

  /** setMarked marks or unmarks frames. */
  setMarked(frames: readonly number[], marked: boolean): void {
    for (const n of frames) {
      this.checkFrame(n);
      const was = (this.flags[n] & FLAG_MARKED) !== 0;
      if (was === marked) continue;
      this.flags[n] ^= FLAG_MARKED;
      this.markedCount += marked ? 1 : -1;
    }
  }

  /**
   * fieldsView returns a reusable {@link FrameFields} for filter evaluation: hot fields come from the
   * typed arrays; a field whose protocol is not in the frame's protocol stack has no occurrence without
   * any dissection; anything else re-dissects the frame once in `fields` mode with `interest`.
   */
  fieldsView(interest: ReadonlySet<string>): StoreFrameFields {
    return new StoreFrameFields(this, interest);
  }

  /** coldOccurrences returns the indexed occurrences of frame n kept from the first pass. */
  coldOccurrences(n: number): readonly FieldOccurrence[] | undefined {
    return this.cold[n];
  }

  /** coldSource returns a copy of a reassembled source an indexed protocol occurrence of frame n covers. */
  coldSource(n: number, src: number): Uint8Array | undefined {
    return this.coldSources.get(n)?.get(src);
  }

  /** frameField answers a `frame.*` field of frame n from the index arrays. */
  frameFieldValue(abbrev: string, n: number): FieldOccurrence['value'] {
    switch (abbrev) {
      case 'frame.number':
        return n;
      case 'frame.len':
        return this.origLen[n];
      case 'frame.cap_len':
        return this.caplen[n];
      case 'frame.time_relative':
        return this.relativeTime(n);
      case 'frame.marked':
        return (this.flags[n] & FLAG_MARKED) !== 0;
      case 'frame.protocols':
        return this.layerStrings[this.layersId[n]];
      case 'frame.interface_id':
        return this.ifaceId[n];
      default:
        return null;
    }
  }

  /** hotColumn exposes a hot column (for StoreFrameFields). */
  hotColumn(name: string): Float64Array | undefined {
    return this.hot.get(name);
  }

  /** hotDef returns the definition of a hot (or pair) field. */
  hotDef(name: string): FieldDef | undefined {
    return this.hotDefs.get(name);
  }
}

/** colourOf picks a Packet List colouring rule, Wireshark's defaults reduced to the lab's protocols. */
export function colourOf(layers: readonly string[], info: string): string {
  if (layers.includes('_ws.malformed')) return 'malformed';
  if (layers.includes('tcp') && /\[(RST|RST, ACK)\]/.test(info)) return 'rst';
  if (layers.includes('smtp')) return 'smtp';
  if (layers.includes('pop')) return 'pop';
  if (layers.includes('imf')) return 'smtp';
  if (layers.includes('tcp')) return /\[(SYN|FIN)/.test(info) ? 'tcp-syn' : 'tcp';
  if (layers.includes('udp')) return 'udp';
  if (layers.includes('arp')) return 'arp';
  if (layers.includes('icmp') || layers.includes('icmpv6')) return 'icmp';
  return 'other';
}

/** protocolOf finds the protocol a field belongs to: its longest registered protocol prefix. */
function protocolOf(abbrev: string, isProtocol: (p: string) => boolean): string | undefined {
  let name = abbrev;
  for (;;) {
    if (isProtocol(name)) return name;
    const dot = name.lastIndexOf('.');
    if (dot < 0) return undefined;
    name = name.slice(0, dot);
  }
}

/**
 * FieldPlan is how a {@link StoreFrameFields} answers one field. `stacks` caches, per interned protocol
 * stack id, whether the stack has the field's protocol (0 unknown, 1 no, 2 yes).
 */
type FieldPlan =
  | HotPlan
  | { kind: 'cold' }
  | { kind: 'frame'; def: FieldDef | undefined }
  | { kind: 'proto'; proto: string; def: FieldDef; stacks: Uint8Array }
  | { kind: 'dissect'; proto: string | undefined; stacks: Uint8Array };

/**
 * HotPlan answers a field from hot columns (two for a pair field such as `ip.addr`): its occurrence
 * objects and their list are made once and rewritten for each frame (`at` moves on), so a filter over a
 * million frames allocates nothing for them.
 */
interface HotPlan {
  kind: 'hot';
  def: FieldDef;
  /** the columns' names, in occurrence order */
  names: readonly string[];
  occurrences: FieldOccurrence[];
  list: FieldOccurrence[];
  /** the position (StoreFrameFields.epoch) the list was made for */
  epoch: number;
}

/** StoreFrameFields is the FrameFields a filter evaluates, positioned on one frame at a time. */
export class StoreFrameFields implements FrameFields {
  private n = 0;
  /** counts calls of `at`: a hot field's list is valid for one position */
  private epoch = 0;
  private result: FrameResult | null = null;
  private grouped: Map<string, FieldOccurrence[]> | null = null;
  private readonly plans = new Map<string, FieldPlan>();

  constructor(
    private readonly store: PacketStore,
    private readonly interest: ReadonlySet<string>,
  ) {}

  /** at positions the view on frame n (clears the per-frame cache). */
  at(n: number): this {
    this.n = n;
    this.epoch++;
    this.result = null;
    this.grouped = null;
    return this;
  }

  get(abbrev: string): readonly FieldOccurrence[] | undefined {
    const plan = this.plans.get(abbrev) ?? this.planFor(abbrev);
    const store = this.store;
    const n = this.n;
    switch (plan.kind) {
      case 'hot':
        return this.hotOccurrences(plan);
      case 'cold': {
        const cold = store.coldOccurrences(n);
        if (!cold) return undefined;
        let out: FieldOccurrence[] | undefined;
        for (const occ of cold) if (occ.field.abbrev === abbrev) (out ??= []).push(occ);
        return out;
      }
      case 'frame':
        if (!plan.def) return undefined;
        if (abbrev === 'frame') return [{ field: plan.def, value: null, src: 0, start: 0, length: store.bytes(n).length }];
        return [{ field: plan.def, value: store.frameFieldValue(abbrev, n), src: 0, start: 0, length: 0 }];
      default:
        // Invariant: a dissector that adds items of protocol P pushes P to ctx.layers, so a field whose
        // protocol is absent from the frame's stack cannot occur and needs no dissection.
        if (plan.proto !== undefined && !this.stackHas(plan, store.layersIdOf(n))) return undefined;
        // Protocol existence needs no dissection; its byte range is found only if a comparison reads it.
        if (plan.kind === 'proto') return [new LazyOccurrence(this, abbrev, plan.def)];
        return this.dissected().get(abbrev);
    }
  }

  /**
   * planFor decides once per field how this view answers it (a filter asks the same fields for every
   * frame): from a hot column, the cold index, the frame's own data, or — when the frame's protocol stack
   * has the field's protocol — a re-dissection. Per frame that is one map lookup, not five.
   */
  private planFor(abbrev: string): FieldPlan {
    const store = this.store;
    let plan: FieldPlan;
    const hotDef = store.hotDef(abbrev);
    if (hotDef) {
      const names = PAIR_FIELDS[abbrev] ?? [abbrev];
      const occurrences = names.map((): FieldOccurrence => ({ field: hotDef, value: 0, src: 0, start: 0, length: 0 }));
      plan = { kind: 'hot', def: hotDef, names, occurrences, list: [], epoch: -1 };
    }
    else if (store.indexed.has(abbrev)) plan = { kind: 'cold' };
    else if (FRAME_FIELDS.has(abbrev)) plan = { kind: 'frame', def: store.session.registry.fields.get(abbrev) };
    else {
      const reg = store.session.registry.fields;
      const found = protocolOf(abbrev, (p) => reg.protocol(p) !== undefined);
      const proto = found === 'frame' ? undefined : found;
      plan =
        proto !== undefined && proto === abbrev
          ? { kind: 'proto', proto, def: reg.get(abbrev)!, stacks: new Uint8Array(16) }
          : { kind: 'dissect', proto, stacks: new Uint8Array(16) };
    }
    this.plans.set(abbrev, plan);
    return plan;
  }

  /** stackHas tells whether protocol stack `id` contains the plan's protocol (cached per stack id). */
  private stackHas(plan: FieldPlan & { stacks: Uint8Array; proto?: string }, id: number): boolean {
    if (id >= plan.stacks.length) {
      const grown = new Uint8Array(Math.max(id + 1, plan.stacks.length * 2));
      grown.set(plan.stacks);
      plan.stacks = grown;
    }
    let known = plan.stacks[id];
    if (known === 0) known = plan.stacks[id] = this.store.layerSetById(id).has(plan.proto!) ? 2 : 1;
    return known === 2;
  }

  private hotOccurrences(plan: HotPlan): FieldOccurrence[] | undefined {
    const list = plan.list;
    if (plan.epoch !== this.epoch) {
      plan.epoch = this.epoch;
      while (list.length > 0) list.pop();
      const names = plan.names;
      for (let i = 0; i < names.length; i++) {
        // Looked up each time: a live capture's store replaces a column when it grows.
        const value = this.store.hotColumn(names[i])![this.n];
        if (Number.isNaN(value)) continue;
        const occurrence = plan.occurrences[i];
        occurrence.value = value;
        list.push(occurrence);
      }
    }
    return list.length > 0 ? list : undefined;
  }

  /** dissected re-dissects the current frame once with the view's interest (cached until at()). */
  dissected(): Map<string, FieldOccurrence[]> {
    if (this.grouped) return this.grouped;
    const result = this.store.session.dissect(this.store.frameInput(this.n), {
      firstPass: false,
      mode: 'fields',
      interest: this.interest,
    });
    this.result = result;
    const grouped = new Map<string, FieldOccurrence[]>();
    for (const occ of result.tree.occurrences) {
      let list = grouped.get(occ.field.abbrev);
      if (!list) grouped.set(occ.field.abbrev, (list = []));
      list.push(occ);
    }
    this.grouped = grouped;
    return grouped;
  }

  /** interestFor widens the interest for a lazily resolved protocol occurrence. */
  hasInterest(abbrev: string): boolean {
    return this.interest.has(abbrev);
  }

  sourceBytes(src: number): Uint8Array {
    if (src === 0) return this.store.bytes(this.n);
    const kept = this.store.coldSource(this.n, src);
    if (kept) return kept;
    if (!this.result) this.dissected();
    return this.result!.sources[src]?.bytes ?? new Uint8Array(0);
  }
}

/**
 * LazyOccurrence stands for a protocol's occurrence in a frame whose stack contains it: existence tests
 * read nothing from it; a comparison that needs its bytes (`smtp contains "Mail OK"`) resolves the byte
 * range by re-dissecting the frame.
 */
class LazyOccurrence implements FieldOccurrence {
  private resolved: FieldOccurrence | undefined;

  constructor(
    private readonly fields: StoreFrameFields,
    private readonly abbrev: string,
    readonly field: FieldDef,
  ) {}

  private occurrence(): FieldOccurrence {
    if (!this.resolved) {
      const found = this.fields.hasInterest(this.abbrev) ? this.fields.dissected().get(this.abbrev)?.[0] : undefined;
      this.resolved = found ?? { field: this.field, value: null, src: 0, start: 0, length: 0 };
    }
    return this.resolved;
  }

  get value() {
    return null;
  }
  get src() {
    return this.occurrence().src;
  }
  get start() {
    return this.occurrence().start;
  }
  get length() {
    return this.occurrence().length;
  }
  get dataLength() {
    return this.occurrence().dataLength;
  }
}
