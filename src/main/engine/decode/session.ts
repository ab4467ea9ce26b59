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
  type FrameInput,
  type PortType,
  type ProtocolModule,
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
}

/** DissectOptions choose the tree mode of one dissection. */
export interface DissectOptions {
  firstPass: boolean;
  mode: TreeMode;
  interest?: ReadonlySet<string>;
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

/** DissectionSession dissects the frames of one capture. */
export class DissectionSession {
  readonly registry: ProtocolRegistry;
  private readonly prefs = new Map<string, string | number | boolean>();
  private readonly frameData = new Map<number, Map<string, unknown>>();
  private readonly conversations = new Map<string, unknown>();
  private readonly rowUpdates = new Set<number>();
  private readonly keepFrameData: boolean;
  private readonly frameModule: ProtocolModule;

  constructor(modules: readonly ProtocolModule[], options: SessionOptions = {}) {
    this.registry = new ProtocolRegistry(modules);
    for (const [name, def] of this.registry.prefDefs) this.prefs.set(name, def.default);
    for (const [name, value] of Object.entries(options.prefs ?? {})) {
      this.prefs.set(name, parsePrefValue(this.registry, name, value));
    }
    for (const d of options.decodeAs ?? []) this.registry.tables.decodeAs(d.table, d.value, d.proto);
    this.keepFrameData = options.keepFrameData ?? true;
    const frame = this.registry.tables.module('frame');
    if (!frame?.dissect) throw new Error('the frame module must be registered first');
    this.frameModule = frame;
  }

  /** pref returns a preference's current value. */
  pref<T extends boolean | number | string>(name: string): T {
    if (!this.prefs.has(name)) throw new Error(`unknown preference ${name}`);
    return this.prefs.get(name) as T;
  }

  /** dissect runs every layer over one frame. It never throws for bad packet bytes. */
  dissect(frame: FrameInput, options: DissectOptions): FrameResult {
    const tree = new ProtoTree(options.mode, options.interest);
    const columns = new Columns();
    const sources: DataSource[] = [{ name: 'Frame', bytes: frame.data }];
    const layers: string[] = [];
    const session = this;
    const tables = this.registry.tables;
    const frameNumber = frame.number;
    const firstPass = options.firstPass;
    const ctx: DissectCtx = {
      frame,
      firstPass,
      tree,
      tables,
      columns,
      layers,
      sources,
      netSrc: { type: 'none' },
      netDst: { type: 'none' },
      linkSrc: { type: 'none' },
      linkDst: { type: 'none' },
      ptype: 'none',
      srcPort: 0,
      dstPort: 0,
      matchValue: undefined,
      tcp: undefined,
      desegment: undefined,
      pref: <T extends boolean | number | string>(name: string) => session.pref<T>(name),
      addSource(name, bytes) {
        sources.push({ name, bytes });
        return sources.length - 1;
      },
      callTable(table, value, view, parent) {
        const module = tables.lookup(table, value);
        if (!module?.dissect) return 0;
        const saved = ctx.matchValue;
        ctx.matchValue = value;
        try {
          return module.dissect(ctx, view, parent);
        } finally {
          ctx.matchValue = saved;
        }
      },
      callHeuristics(table, view, parent) {
        for (const h of tables.heuristicsFor(table)) {
          const n = h.dissect(ctx, view, parent);
          if (n > 0) return n;
        }
        return 0;
      },
      callData(view, parent) {
        const data = tables.module('data');
        return data?.dissect ? data.dissect(ctx, view, parent) : view.length;
      },
      getFrameData<T>(key: string): T | undefined {
        return session.frameData.get(frameNumber)?.get(key) as T | undefined;
      },
      setFrameData<T>(key: string, value: T): void {
        if (!firstPass || !session.keepFrameData) return;
        let map = session.frameData.get(frameNumber);
        if (!map) session.frameData.set(frameNumber, (map = new Map()));
        map.set(key, value);
      },
      conversation<T>(key: string, create: () => T): T {
        let state = session.conversations.get(key) as T | undefined;
        if (state === undefined) {
          state = create();
          session.conversations.set(key, state);
        }
        return state;
      },
      markRowChanged(frameNumber: number): void {
        if (firstPass && frameNumber !== frame.number) session.rowUpdates.add(frameNumber);
      },
    };
    const view = new ByteView(frame.data, 0, frame.data.length, 'frame', 0, frame.origLen);
    this.frameModule.dissect!(ctx, view, null as TreeItem | null);
    return {
      columns,
      tree,
      sources,
      layers,
      netSrc: ctx.netSrc,
      netDst: ctx.netDst,
      srcPort: ctx.srcPort,
      dstPort: ctx.dstPort,
      ptype: ctx.ptype,
    };
  }

  /**
   * takeRowUpdates returns the frames (ascending) whose summary or frozen data changed after their own
   * first pass — e.g. TCP segments that learned the frame their PDU is reassembled in — and forgets them.
   * Hosts re-fetch those rows; the list is empty when nothing changed since the last call.
   */
  takeRowUpdates(): number[] {
    const out = [...this.rowUpdates].sort((a, b) => a - b);
    this.rowUpdates.clear();
    return out;
  }

  /** hasFrameData tells whether the first pass froze anything for a frame (tests, memory accounting). */
  frameDataSize(): number {
    return this.frameData.size;
  }
}
