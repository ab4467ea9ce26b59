/**
 * DissectionSession: dissection state of one capture (file or live). It runs the frame dissector for one
 * record, in a chosen tree mode, and owns what must persist between frames: per-frame data frozen on the
 * first pass, per-conversation state, preferences and "decode as" overrides.
 *
 * Invariant: `firstPass` dissections happen exactly once per frame, in frame order. Any other dissection
 * (re-dissection for the detail pane, filtering) reads frozen data and never mutates conversation state, so
 * the result for a frame does not depend on which frames were looked at before.
 */
import type { DataSource } from '../../../shared/model';
import {
  Columns,
  ProtocolRegistry,
  type Address,
  type DissectCtx,
  DissectorTables,
  type FrameInput,
  type PortType,
  type ProtocolModule,
  type TableRef,
  type TcpInfo,
  tableRef,
} from './protocol';
import { ProtoTree, type TreeItem, type TreeMode } from './tree';
import { ByteView } from './view';

/** FrameResult is the outcome of dissecting one frame. */
export interface FrameResult {
  columns: Columns;
  tree: ProtoTree;
  sources: DataSource[];
  layers: string[];
  netSrc: Address;
  netDst: Address;
  srcPort: number;
  dstPort: number;
  ptype: PortType;
}

/** SessionOptions configure a session: preferences (`-o`), "decode as" entries, frozen-data retention. */
export interface SessionOptions {
  prefs?: Record<string, string | number | boolean>;
  /** decodeAs entries such as `{table:'tcp.port', value:2525, proto:'smtp'}` */
  decodeAs?: { table: string; value: number | string; proto: string }[];
  /**
   * keepFrameData: keep per-frame frozen data for re-dissection (the GUI, two-pass CLI). A one-pass CLI
   * run can turn it off to keep memory flat on huge files.
   */
  keepFrameData?: boolean;
  /**
   * trackRowUpdates: collect the earlier frames whose row changed (see takeRowUpdates). Hosts that never
   * re-fetch rows (the one-pass CLI) turn it off so that the set does not grow with the file.
   */
  trackRowUpdates?: boolean;
  /**
   * tcpPayloads: false skips reassembling and dissecting TCP payloads, for a one-pass reader (no
   * re-dissection) whose output and filters read only fields for which `fieldNeedsTcpPayload` is false —
   * e.g. `-T fields -e ip.src -e tcp.srcport`. Demand-driven, like Wireshark building no tree when none
   * is shown: the printed values are the same. Default true.
   */
  tcpPayloads?: boolean;
  /**
   * tcpStreamFilter: for a one-pass reader whose display filter reads only fields that every frame of a
   * TCP stream shares (`tcp.port`, `tcp`): given a frame dissected up to its TCP header, false when the
   * filter rejects it, and with it every frame of its stream. TCP then still numbers the stream but
   * skips its sequence analysis, reassembly and payload dissection: nothing of it is printed, and no
   * other stream's output depends on it (DissectCtx.tcpStreamShown). Demand-driven, like tcpPayloads.
   */
  tcpStreamFilter?: (frame: FrameResult) => boolean;
}

/** DissectOptions choose the tree mode of one dissection. */
export interface DissectOptions {
  firstPass: boolean;
  mode: TreeMode;
  interest?: ReadonlySet<string>;
  /**
   * columns: false skips the Packet List columns (Wireshark's "no column info"): `-T fields` without
   * `_ws.col.*` never reads them, so dissectors need not build Info strings. Default true.
   */
  columns?: boolean;
  /**
   * reuse: the caller reads the result only until its next `dissect` call (a one-pass reader that prints
   * each frame and drops it), so the session reuses its per-frame objects (context, tree, columns)
   * instead of allocating them for every frame. Default false: every result stays valid.
   */
  reuse?: boolean;
}

/** parsePrefValue converts a `-o name:value` string to the preference's type, or throws a clear error. */
export function parsePrefValue(registry: ProtocolRegistry, name: string, raw: string | number | boolean): string | number | boolean {
  const def = registry.prefDefs.get(name);
  if (!def) throw new Error(`Invalid -o flag "${name}": No such preference`);
  if (typeof raw !== 'string') return raw;
  switch (def.type) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new Error(`Invalid -o flag "${name}:${raw}": "${raw}" is not TRUE or FALSE`);
    }
    case 'uint': {
      if (!/^\d+$/.test(raw)) throw new Error(`Invalid -o flag "${name}:${raw}": not an unsigned integer`);
      return Number(raw);
    }
    default:
      return raw;
  }
}

/** NO_ADDRESS is the shared "no address" value every frame starts with (dissectors assign, never mutate). */
const NO_ADDRESS: Address = Object.freeze({ type: 'none' }) as Address;

/**
 * SessionState is what a session shares with the per-frame contexts: preferences, frozen per-frame data,
 * conversation state and row updates.
 */
interface SessionState {
  readonly prefs: Map<string, string | number | boolean>;
  /**
   * frameData: per key (a module's abbrev and suffix), frame number → what the first pass froze. One map
   * per key rather than one small Map per frame: a 1M-frame capture holds a few big maps instead of a
   * million objects (about 100 bytes each).
   */
  readonly frameData: Map<string, Map<number, unknown>>;
  /** frames that froze anything (first passes run in frame order, so the last one is enough to count) */
  frameDataFrames: { count: number; last: number };
  readonly conversations: Map<string, unknown>;
  readonly rowUpdates: Set<number>;
  readonly keepFrameData: boolean;
  readonly trackRowUpdates: boolean;
  readonly tcpPayloads: boolean;
  readonly tcpStreamFilter: ((frame: FrameResult) => boolean) | undefined;
}

/**
 * FrameCtx is the DissectCtx of one dissection (Wireshark's pinfo). It is a class so that its services
 * live on the prototype: a frame costs one object, not a literal with a dozen closures. It doubles as the
 * {@link FrameResult} the session returns.
 */
class FrameCtx implements DissectCtx, FrameResult {
  frame: FrameInput;
  firstPass: boolean;
  reuse = false;
  netSrc: Address = NO_ADDRESS;
  netDst: Address = NO_ADDRESS;
  linkSrc: Address = NO_ADDRESS;
  linkDst: Address = NO_ADDRESS;
  ptype: PortType = 'none';
  srcPort = 0;
  dstPort = 0;
  matchValue: number | string | undefined = undefined;
  tcp: TcpInfo | undefined = undefined;
  desegment: { offset: number; needed: number } | undefined = undefined;
  readonly layers: string[] = [];
  readonly sources: DataSource[];

  constructor(
    private readonly state: SessionState,
    frame: FrameInput,
    firstPass: boolean,
    readonly tree: ProtoTree,
    readonly tables: DissectorTables,
    readonly columns: Columns,
  ) {
    this.frame = frame;
    this.firstPass = firstPass;
    this.sources = [{ name: 'Frame', bytes: frame.data }];
  }

  /** reset makes this context the fresh context of another frame (see DissectOptions.reuse). */
  reset(frame: FrameInput, options: DissectOptions): void {
    this.frame = frame;
    this.firstPass = options.firstPass;
    this.reuse = options.reuse === true && !this.state.keepFrameData;
    this.tree.reset(options.mode, options.interest);
    this.columns.reset(options.columns ?? true);
    this.netSrc = NO_ADDRESS;
    this.netDst = NO_ADDRESS;
    this.linkSrc = NO_ADDRESS;
    this.linkDst = NO_ADDRESS;
    this.ptype = 'none';
    this.srcPort = 0;
    this.dstPort = 0;
    this.matchValue = undefined;
    this.tcp = undefined;
    this.desegment = undefined;
    // Emptied by pops, not `length = 0`, which would drop the arrays' backing stores every frame.
    const layers = this.layers;
    while (layers.length > 0) layers.pop();
    const sources = this.sources;
    while (sources.length > 1) sources.pop();
    // The frame's source object is this context's own (replaced only by bufferContext): rewritten too.
    sources[0].bytes = frame.data;
  }

  get tcpPayloads(): boolean {
    return this.state.tcpPayloads;
  }

  tcpStreamShown(): boolean {
    const filter = this.state.tcpStreamFilter;
    return filter === undefined || filter(this);
  }

  pref<T extends boolean | number | string>(name: string): T {
    const value = this.state.prefs.get(name);
    if (value === undefined) throw new Error(`unknown preference ${name}`);
    return value as T;
  }

  addSource(name: string, bytes: Uint8Array): number {
    this.sources.push({ name, bytes });
    return this.sources.length - 1;
  }

  callTable(table: TableRef | string, value: number | string, view: ByteView, parent: TreeItem | null): number {
    const entry = this.tables.entry(typeof table === 'string' ? tableRef(table) : table, value);
    if (entry === undefined) return 0;
    const saved = this.matchValue;
    this.matchValue = value;
    try {
      return entry.dissect.call(entry.module, this, view, parent);
    } finally {
      this.matchValue = saved;
    }
  }

  callHeuristics(table: TableRef | string, view: ByteView, parent: TreeItem | null): number {
    for (const h of this.tables.heuristicsFor(table)) {
      const n = h.dissect(this, view, parent);
      if (n > 0) return n;
    }
    return 0;
  }

  callData(view: ByteView, parent: TreeItem | null): number {
    const data = this.tables.module('data');
    return data?.dissect ? data.dissect(this, view, parent) : view.length;
  }

  getFrameData<T>(key: string): T | undefined {
    const frameData = this.state.frameData;
    if (frameData.size === 0) return undefined;
    return frameData.get(key)?.get(this.frame.number) as T | undefined;
  }

  setFrameData<T>(key: string, value: T): void {
    if (!this.firstPass || !this.state.keepFrameData) return;
    const state = this.state;
    let map = state.frameData.get(key);
    if (!map) state.frameData.set(key, (map = new Map()));
    const n = this.frame.number;
    map.set(n, value);
    if (n !== state.frameDataFrames.last) {
      state.frameDataFrames.last = n;
      state.frameDataFrames.count++;
    }
  }

  conversation<T>(key: string, create: () => T): T {
    const conversations = this.state.conversations;
    let state = conversations.get(key) as T | undefined;
    if (state === undefined) {
      state = create();
      conversations.set(key, state);
    }
    return state;
  }

  markRowChanged(frameNumber: number): void {
    if (this.firstPass && frameNumber !== this.frame.number && this.state.trackRowUpdates) this.state.rowUpdates.add(frameNumber);
  }
}

/**
 * bufferContext is a context for running one dissector over bytes that are not a captured frame (a mail
 * message read back for the mail view): a full tree, the bytes as data source 0, no preferences, tables
 * or conversation state, and nothing frozen.
 */
export function bufferContext(bytes: Uint8Array, sourceName: string): DissectCtx {
  const state: SessionState = {
    prefs: new Map(),
    frameData: new Map(),
    frameDataFrames: { count: 0, last: 0 },
    conversations: new Map(),
    rowUpdates: new Set(),
    keepFrameData: false,
    trackRowUpdates: false,
    tcpPayloads: true,
    tcpStreamFilter: undefined,
  };
  const frame: FrameInput = {
    number: 0,
    tsSec: 0,
    tsNsec: 0,
    firstSec: 0,
    firstNsec: 0,
    prevSec: 0,
    prevNsec: 0,
    caplen: bytes.length,
    origLen: bytes.length,
    linktype: 0,
    interfaceId: 0,
    data: bytes,
  };
  const ctx = new FrameCtx(state, frame, false, new ProtoTree('full'), new DissectorTables(), new Columns());
  ctx.sources[0] = { name: sourceName, bytes };
  return ctx;
}

/** DissectionSession dissects the frames of one capture. */
export class DissectionSession {
  readonly registry: ProtocolRegistry;
  private readonly state: SessionState;
  private readonly frameModule: ProtocolModule;
  /** the context handed out by the last `reuse` dissection, reset for the next one */
  private reusable: FrameCtx | undefined = undefined;

  constructor(modules: readonly ProtocolModule[], options: SessionOptions = {}) {
    this.registry = new ProtocolRegistry(modules);
    const prefs = new Map<string, string | number | boolean>();
    for (const [name, def] of this.registry.prefDefs) prefs.set(name, def.default);
    for (const [name, value] of Object.entries(options.prefs ?? {})) {
      prefs.set(name, parsePrefValue(this.registry, name, value));
    }
    for (const d of options.decodeAs ?? []) this.registry.tables.decodeAs(d.table, d.value, d.proto);
    this.state = {
      prefs,
      frameData: new Map(),
      frameDataFrames: { count: 0, last: 0 },
      conversations: new Map(),
      rowUpdates: new Set(),
      keepFrameData: options.keepFrameData ?? true,
      trackRowUpdates: options.trackRowUpdates ?? true,
      tcpPayloads: options.tcpPayloads ?? true,
      tcpStreamFilter: options.tcpStreamFilter,
    };
    const frame = this.registry.tables.module('frame');
    if (!frame?.dissect) throw new Error('the frame module must be registered first');
    this.frameModule = frame;
  }

  /** pref returns a preference's current value. */
  pref<T extends boolean | number | string>(name: string): T {
    const value = this.state.prefs.get(name);
    if (value === undefined) throw new Error(`unknown preference ${name}`);
    return value as T;
  }

  /** dissect runs every layer over one frame. It never throws for bad packet bytes. */
  dissect(frame: FrameInput, options: DissectOptions): FrameResult {
    let ctx = options.reuse === true ? this.reusable : undefined;
    if (ctx !== undefined) ctx.reset(frame, options);
    else {
      const tree = new ProtoTree(options.mode, options.interest);
      const columns = new Columns(options.columns ?? true);
      ctx = new FrameCtx(this.state, frame, options.firstPass, tree, this.registry.tables, columns);
      if (options.reuse === true) {
        this.reusable = ctx;
        ctx.reuse = !this.state.keepFrameData;
      }
    }
    const view = new ByteView(frame.data, 0, frame.data.length, 'frame', 0, frame.origLen);
    this.frameModule.dissect!(ctx, view, null);
    return ctx;
  }

  /**
   * takeRowUpdates returns the frames (ascending) whose summary or frozen data changed after their own
   * first pass — e.g. TCP segments that learned the frame their PDU is reassembled in — and forgets them.
   * Hosts re-fetch those rows; the list is empty when nothing changed since the last call.
   */
  takeRowUpdates(): number[] {
    const rowUpdates = this.state.rowUpdates;
    if (rowUpdates.size === 0) return [];
    const out = [...rowUpdates].sort((a, b) => a - b);
    rowUpdates.clear();
    return out;
  }

  /** hasFrameData tells whether the first pass froze anything for a frame (tests, memory accounting). */
  frameDataSize(): number {
    return this.state.frameDataFrames.count;
  }
}
