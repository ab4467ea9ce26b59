/**
 * The protocol module contract and the dissector tables (Wireshark's epan model, in TypeScript):
 *  - each protocol file exports one {@link ProtocolModule}: its protocol, its fields (declared once), its
 *    preferences, and a `handoff` that registers it in named tables keyed by value
 *    (`ethertype` 0x0800 → ipv4, `ip.proto` 6 → tcp, `tcp.port` 25 → smtp) or as a heuristic;
 *  - `dissect(ctx, view, parent)` returns the number of bytes consumed, 0 meaning "not mine";
 *  - everything a dissector learns about the packet travels in the {@link DissectCtx} (Wireshark's pinfo):
 *    columns, addresses and ports, data sources, per-frame frozen data and per-conversation state.
 * Frames are dissected once in order on the first pass (`ctx.firstPass`), where conversation state may
 * advance and per-frame results are frozen with `setFrameData`; any later dissection of the same frame
 * (a click in the Packet List, a filter) must only read them, so trees never depend on click order.
 */
import type { FieldDef, FieldType, FieldBase, ProtocolDef } from '../../../shared/fields';
import { FieldRegistry } from '../../../shared/fields';
import type { DataSource } from '../../../shared/model';
import { numberField, type ProtoTree, type TreeItem } from './tree';
import type { ByteView } from './view';

/** FieldSpec is a field declaration without its protocol prefix (see {@link defineFields}). */
export interface FieldSpec {
  name: string;
  type: FieldType;
  base?: FieldBase;
  values?: Readonly<Record<number, string>>;
  bitmask?: number;
  tfs?: readonly [string, string];
  blurb?: string;
  /** abbrev overrides the default `<proto>.<key>` (for Wireshark names that do not follow the key). */
  abbrev?: string;
}

/**
 * defineFields declares a protocol's fields once: `defineFields('tcp', {srcport: {name:'Source Port',
 * type:'uint16'}})` gives `{srcport: FieldDef{abbrev:'tcp.srcport',…}}`. The returned objects are the
 * handles dissectors pass to the tree, as Wireshark's hf_ ids.
 */
export function defineFields<K extends string>(proto: string, specs: Record<K, FieldSpec>): Record<K, FieldDef> {
  const out = {} as Record<K, FieldDef>;
  for (const key of Object.keys(specs) as K[]) {
    const spec = specs[key];
    const def: FieldDef = { abbrev: spec.abbrev ?? `${proto}.${key}`, name: spec.name, type: spec.type };
    if (spec.base !== undefined) def.base = spec.base;
    if (spec.values !== undefined) def.values = spec.values;
    if (spec.bitmask !== undefined) def.bitmask = spec.bitmask;
    if (spec.tfs !== undefined) def.tfs = spec.tfs;
    if (spec.blurb !== undefined) def.blurb = spec.blurb;
    out[key] = Object.freeze(numberField(def));
  }
  return out;
}

/** protocolField is the filterable field of a protocol itself (`smtp`), used for its top tree item. */
export function protocolField(proto: ProtocolDef): FieldDef {
  return Object.freeze(numberField({ abbrev: proto.abbrev, name: proto.name, type: 'protocol' as const }));
}

/** conversationKey names a dissector's conversation: `<proto>:tcp:<stream>`, else the address/port pair. */
export function conversationKey(ctx: DissectCtx, proto: string): string {
  if (ctx.tcp) return `${proto}:tcp:${ctx.tcp.stream}`;
  const a = `${JSON.stringify(ctx.netSrc)}:${ctx.srcPort}`;
  const b = `${JSON.stringify(ctx.netDst)}:${ctx.dstPort}`;
  return `${proto}:${a < b ? a + '|' + b : b + '|' + a}`;
}

/**
 * streamConversation is a payload dissector's state for the current conversation ({@link conversationKey}). On the first pass over TCP it lives in the stream's state
 * (dropped when the stream is evicted, docs/reassembly.md); a first pass without TCP keeps it in the
 * session's conversations; a re-dissection gets a fresh, unstored one (what it needs was frozen per frame).
 */
export function streamConversation<T>(ctx: DissectCtx, proto: string, create: (key: string, stream: number) => T): T {
  const bag = ctx.tcp?.streamState;
  if (bag !== undefined) {
    // The bag is the stream's own: the protocol names the entry (no key text per call).
    let conv = bag.get(proto) as T | undefined;
    if (conv === undefined) bag.set(proto, (conv = create(conversationKey(ctx, proto), ctx.tcp!.stream)));
    return conv;
  }
  const key = conversationKey(ctx, proto);
  const stream = ctx.tcp ? ctx.tcp.stream : -1;
  if (!ctx.firstPass) return create(key, stream);
  return ctx.conversation<T>(key, () => create(key, stream));
}

/** PrefDef declares a preference such as `smtp.decryption` (set with `-o smtp.decryption:TRUE`). */
export interface PrefDef {
  name: string;
  type: 'boolean' | 'uint' | 'string' | 'range';
  default: boolean | number | string;
  description: string;
}

/** Dissector is a function that dissects `view`, returning bytes consumed (0 = not mine). */
export type Dissector = (ctx: DissectCtx, view: ByteView, parent: TreeItem | null) => number;

/** ProtocolModule is what each protocol file exports. */
export interface ProtocolModule {
  proto: ProtocolDef;
  /** fields declared by this module (its `proto` field is registered implicitly). */
  fields: readonly FieldDef[];
  /** extra protocols declared by the same file (e.g. `_ws.malformed` lives with `frame`). */
  extraProtocols?: readonly { proto: ProtocolDef; fields: readonly FieldDef[] }[];
  prefs?: readonly PrefDef[];
  /** handoff registers the module in dissector tables (called once, after every module registered). */
  handoff?: (tables: DissectorTables) => void;
  /** dissect is the entry used by tables; modules called only directly may omit it. */
  dissect?: Dissector;
}

/** HeuristicDissector returns 0 when the bytes are not its protocol. */
export interface Heuristic {
  name: string;
  dissect: Dissector;
}

const NO_HEURISTICS: readonly Heuristic[] = Object.freeze([]);

/**
 * TableRef names a dissector table (`tableRef('tcp.port')`). Dissectors on the per-frame path hold one as
 * a module constant and pass it to `ctx.callTable` instead of the table's name: the session then finds
 * the table by index, not by hashing the name for every frame.
 */
export interface TableRef {
  readonly name: string;
  readonly id: number;
}

const TABLE_REFS = new Map<string, TableRef>();

/** tableRef returns the one TableRef of a table name. */
export function tableRef(name: string): TableRef {
  let ref = TABLE_REFS.get(name);
  if (ref === undefined) TABLE_REFS.set(name, (ref = Object.freeze({ name, id: TABLE_REFS.size })));
  return ref;
}

/**
 * TableEntry is what a table value leads to: the module and its dissector, read from one object shape
 * (modules are literals of many shapes, so `module.dissect` at one call site would be a megamorphic load).
 */
export class TableEntry {
  constructor(
    readonly module: ProtocolModule,
    readonly dissect: Dissector,
  ) {}
}

/** SMALL_VALUES: integer values below this are found by an array index (ports, EtherTypes, link types). */
const SMALL_VALUES = 65536;

/**
 * EffectiveTable is one table as dissection sees it ("decode as" applied): integer values below
 * SMALL_VALUES through an index array into `entries`, anything else through a map.
 */
class EffectiveTable {
  /** value → 1 + index in entries (0 = none); allocated with the first small value */
  index: Uint16Array | undefined = undefined;
  readonly entries: TableEntry[] = [];
  readonly other = new Map<number | string, TableEntry>();

  set(value: number | string, entry: TableEntry | undefined): void {
    if (typeof value === 'number' && value >= 0 && value < SMALL_VALUES && Number.isInteger(value)) {
      if (this.index !== undefined) this.index[value] = 0;
      if (entry !== undefined && this.entries.length < 0xffff) {
        this.index ??= new Uint16Array(SMALL_VALUES);
        this.entries.push(entry);
        this.index[value] = this.entries.length;
        this.other.delete(value);
        return;
      }
    }
    if (entry === undefined) this.other.delete(value);
    else this.other.set(value, entry);
  }

  get(value: number | string): TableEntry | undefined {
    if (typeof value === 'number' && value >= 0 && value < SMALL_VALUES && (value | 0) === value) {
      const index = this.index;
      if (index !== undefined) {
        const i = index[value];
        if (i !== 0) return this.entries[i - 1];
      }
      if (this.other.size === 0) return undefined;
    }
    return this.other.get(value);
  }
}

/** DissectorTables maps (table, value) → dissector, plus heuristic lists and "decode as" overrides. */
export class DissectorTables {
  private readonly tables = new Map<string, Map<number | string, ProtocolModule>>();
  private readonly heuristics = new Map<string, Heuristic[]>();
  private readonly overrides = new Map<string, Map<number | string, ProtocolModule>>();
  private readonly modules = new Map<string, ProtocolModule>();
  /** by TableRef id: the tables with overrides applied, as dissection looks them up */
  private readonly effective: (EffectiveTable | undefined)[] = [];
  /** by TableRef id: the heuristics */
  private readonly heuristicsById: (readonly Heuristic[] | undefined)[] = [];

  /** addModule makes a module findable by protocol abbrev (for "decode as"). */
  addModule(module: ProtocolModule): void {
    this.modules.set(module.proto.abbrev, module);
  }

  /** module returns a registered module by protocol abbrev. */
  module(abbrev: string): ProtocolModule | undefined {
    return this.modules.get(abbrev);
  }

  /** add registers `module` for `value` in `table` (dissector_add_uint). */
  add(table: string, value: number | string, module: ProtocolModule): void {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new Map()));
    t.set(value, module);
    this.refresh(table, value);
  }

  /** addHeuristic registers a heuristic dissector on a table (heur_dissector_add). */
  addHeuristic(table: string, heuristic: Heuristic): void {
    let list = this.heuristics.get(table);
    if (!list) this.heuristics.set(table, (list = []));
    list.push(heuristic);
    this.heuristicsById[tableRef(table).id] = list;
  }

  /** decodeAs overrides `table` value → protocol (`-d tcp.port==2525,smtp`); throws for unknown names. */
  decodeAs(table: string, value: number | string, protoAbbrev: string): void {
    const module = this.modules.get(protoAbbrev);
    if (!module) throw new Error(`"${protoAbbrev}" is not a protocol that can be used with decode as`);
    let t = this.overrides.get(table);
    if (!t) this.overrides.set(table, (t = new Map()));
    t.set(value, module);
    this.refresh(table, value);
  }

  /** refresh recomputes what dissection finds for one value ("decode as" first). */
  private refresh(table: string, value: number | string): void {
    const id = tableRef(table).id;
    const effective = (this.effective[id] ??= new EffectiveTable());
    const module = this.overrides.get(table)?.get(value) ?? this.tables.get(table)?.get(value);
    effective.set(value, module?.dissect !== undefined ? new TableEntry(module, module.dissect) : undefined);
  }

  /** lookup finds the module for a value, "decode as" first. */
  lookup(table: string, value: number | string): ProtocolModule | undefined {
    if (this.overrides.size !== 0) {
      const override = this.overrides.get(table)?.get(value);
      if (override !== undefined) return override;
    }
    return this.tables.get(table)?.get(value);
  }

  /** entry finds the dissector dissection calls for a value ("decode as" first); undefined for none. */
  entry(table: TableRef, value: number | string): TableEntry | undefined {
    return this.effective[table.id]?.get(value);
  }

  /** heuristicsFor lists the heuristics of a table. */
  heuristicsFor(table: string | TableRef): readonly Heuristic[] {
    if (typeof table !== 'string') return this.heuristicsById[table.id] ?? NO_HEURISTICS;
    return this.heuristics.get(table) ?? NO_HEURISTICS;
  }

  /** values lists the registered values of a table (for "decode as" menus and docs). */
  values(table: string): (number | string)[] {
    return [...(this.tables.get(table)?.keys() ?? [])];
  }
}

/** Address is a network or link address as Wireshark's pinfo->src/dst. */
export type Address =
  | { type: 'none' }
  | { type: 'ether'; bytes: Uint8Array }
  | { type: 'ipv4'; value: number }
  | { type: 'ipv6'; bytes: Uint8Array };

/**
 * Columns are the Packet List columns a dissection sets (tshark's one-line summary). A dissection made
 * with `columns: false` (Wireshark's "no column info", e.g. `-T fields` without `_ws.col.*`) gets columns
 * whose `enabled` is false: the Info setters do nothing, and dissectors skip building Info text when
 * `ctx.columns.enabled` is false.
 *
 * Info may end in a lazy part ({@link appendInfoLazy}): text formatted only when Info is read or appended
 * to. TCP's "ports [flags] Seq=… Ack=…" is replaced unread by the payload dissector in most data frames,
 * and a run with a display filter never reads the Info of the frames it drops. A reader that lays Info
 * out as bytes (the CLI's summary line) can have the lazy part written into it piece by piece
 * ({@link LazyInfo.write}) instead of reading {@link info}, so no string is built at all.
 */
export class Columns {
  protocol = '';
  /** infoHead: Info's text before the lazy part (all of Info when there is none) */
  infoHead = '';
  /** infoLazy: the lazy part, formatted when Info is read; undefined when there is none */
  infoLazy: LazyInfo | undefined = undefined;
  /** infoFence: text before this index is kept by setInfo (Wireshark's col_set_fence). */
  private infoFence = 0;
  private sourceText = '';
  private destinationText = '';
  /** addresses whose text is computed on first read (a later layer usually replaces them unread) */
  private lazySource: unknown = undefined;
  private lazyDestination: unknown = undefined;
  private lazyFormat: ((address: unknown) => string) | undefined = undefined;

  constructor(public enabled = true) {}

  /** reset empties every column for the next frame (a session reusing its per-frame objects). */
  reset(enabled: boolean): void {
    this.enabled = enabled;
    this.protocol = '';
    this.infoHead = '';
    this.infoLazy = undefined;
    this.infoFence = 0;
    this.sourceText = '';
    this.destinationText = '';
    this.lazySource = undefined;
    this.lazyDestination = undefined;
    this.lazyFormat = undefined;
  }

  get source(): string {
    if (this.lazySource !== undefined) {
      this.sourceText = this.lazyFormat!(this.lazySource);
      this.lazySource = undefined;
    }
    return this.sourceText;
  }

  set source(text: string) {
    this.sourceText = text;
    this.lazySource = undefined;
  }

  get destination(): string {
    if (this.lazyDestination !== undefined) {
      this.destinationText = this.lazyFormat!(this.lazyDestination);
      this.lazyDestination = undefined;
    }
    return this.destinationText;
  }

  set destination(text: string) {
    this.destinationText = text;
    this.lazyDestination = undefined;
  }

  /**
   * setAddressesLazy sets Source and Destination to `format(src)` / `format(dst)`, computed only when
   * read: Ethernet's resolved MAC names are almost always replaced by the network layer's addresses, and
   * a run that prints no column (`-T fields`, frames a filter drops) never formats them.
   */
  setAddressesLazy<T extends object | number>(src: T, dst: T, format: (address: T) => string): void {
    this.lazySource = src;
    this.lazyDestination = dst;
    this.lazyFormat = format as (address: unknown) => string;
  }

  /** info is the whole Info text (its lazy part formatted now, once). */
  get info(): string {
    if (this.infoLazy !== undefined) {
      this.infoHead += lazyInfoText(this.infoLazy);
      this.infoLazy = undefined;
    }
    return this.infoHead;
  }

  set info(text: string) {
    this.infoHead = text;
    this.infoLazy = undefined;
  }

  /**
   * appendInfoLazy appends `part` to Info, formatted only when Info is read or appended to (a later
   * setInfo/clearInfo drops it unformatted). `part` must not change while Info may still be read.
   */
  appendInfoLazy(part: LazyInfo): void {
    if (!this.enabled || this.infoFull()) return;
    this.infoLazy = part;
  }

  /**
   * restoreInfo sets Info back to what {@link infoHead} and {@link infoLazy} held (a rollback that saved
   * them, so that saving never formats the lazy part).
   */
  restoreInfo(head: string, lazy: LazyInfo | undefined): void {
    this.infoHead = head;
    this.infoLazy = lazy;
  }

  /** setInfo replaces the Info text after the fence (the fence never falls inside the lazy part). */
  setInfo(text: string): void {
    if (!this.enabled) return;
    this.infoHead = this.infoFence === 0 ? text : this.infoHead.slice(0, this.infoFence) + text;
    this.infoLazy = undefined;
  }

  /** appendInfo appends to Info. */
  appendInfo(text: string): void {
    if (!this.enabled || this.infoFull()) return;
    this.info += text;
  }

  /** appendInfoSep appends with a separator when Info after the fence is not empty (col_append_sep_str). */
  appendInfoSep(separator: string, text: string): void {
    if (!this.enabled || this.infoFull()) return;
    this.info += this.info.length > this.infoFence ? separator + text : text;
  }

  /**
   * infoFull tells that appending to Info can no longer change what is shown: it already holds at least
   * COL_MAX_INFO_BYTES UTF-16 units, so at least that many UTF-8 bytes, and {@link infoText} keeps only
   * those. Appends are then dropped (a long mail body stops being formatted into Info); a later
   * setInfo/clearInfo keeps the text before the fence, which still starts with everything shown.
   */
  infoFull(): boolean {
    return this.info.length >= COL_MAX_INFO_BYTES;
  }

  /** clearInfo empties Info after the fence. */
  clearInfo(): void {
    if (!this.enabled) return;
    this.infoHead = this.infoFence === 0 ? '' : this.infoHead.slice(0, this.infoFence);
    this.infoLazy = undefined;
  }

  /** fence is the length of the Info text setInfo/clearInfo keep (0: none). */
  get fence(): number {
    return this.infoFence;
  }

  /** fenceInfo protects the current Info from later setInfo/clearInfo (several PDUs in one frame). */
  fenceInfo(): void {
    this.infoFence = this.info.length;
  }

  /**
   * infoText is the Info column as shown: Wireshark keeps at most COL_MAX_INFO_LEN − 1 = 4095 bytes of
   * UTF-8 and drops what does not fit (a long mail body in one frame's Info ends mid-word, as in tshark).
   * Appends only ever add at the end, so cutting the final text equals Wireshark cutting at each append.
   */
  infoText(): string {
    return truncateUtf8(this.info, COL_MAX_INFO_BYTES);
  }
}

/**
 * TextWriter receives text in pieces: a string writer concatenates them ({@link lazyInfoText}); the CLI's
 * output buffer encodes them straight into its bytes.
 */
export interface TextWriter {
  /** text appends a string. */
  text(s: string): void;
  /** uint appends a non-negative integer in decimal (as String(n)). */
  uint(n: number): void;
  /** piece appends a text whose UTF-8 bytes are made already (a byte writer copies them). */
  piece(p: TextPiece): void;
}

/**
 * TextPiece is a text together with its UTF-8 bytes, for the pieces a lazy Info part writes frame after
 * frame (TCP's `ports [flags] Seq=`): copying bytes costs a third of encoding the characters again.
 */
export interface TextPiece {
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** textPiece makes the piece of `text` (lone surrogates become U+FFFD, as TextEncoder does). */
export function textPiece(text: string): TextPiece {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) return { text, bytes: new TextEncoder().encode(text) };
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  // Short texts made per stream (TCP's ports): encoded by hand, TextEncoder's call costs more.
  const bytes = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes[at++] = c;
    else if (c < 0x800) {
      bytes[at++] = 0xc0 | (c >> 6);
      bytes[at++] = 0x80 | (c & 0x3f);
    } else {
      bytes[at++] = 0xe0 | (c >> 12);
      bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[at++] = 0x80 | (c & 0x3f);
    }
  }
  return { text, bytes };
}

/**
 * LazyInfo is the lazy end of the Info column ({@link Columns.appendInfoLazy}): it writes its text on
 * demand, and tells an upper bound of its UTF-8 length so a byte writer can reserve room first.
 */
export interface LazyInfo {
  write(out: TextWriter): void;
  maxBytes(): number;
}

/** StringWriter is the TextWriter that builds a string (one per thread: formatting never nests). */
class StringWriter implements TextWriter {
  s = '';
  text(s: string): void {
    this.s += s;
  }
  uint(n: number): void {
    this.s += uintText(n);
  }
  piece(p: TextPiece): void {
    this.s += p.text;
  }
}
const stringWriter = new StringWriter();

/** lazyInfoText formats a lazy Info part as a string. */
export function lazyInfoText(part: LazyInfo): string {
  stringWriter.s = '';
  part.write(stringWriter);
  const s = stringWriter.s;
  stringWriter.s = '';
  return s;
}

/** UINT_TEXT caches the decimal text of 0…65535 ('' = not made yet): ports, lengths, windows, small seqs. */
const UINT_TEXT: string[] = new Array<string>(65536).fill('');

/**
 * uintText is `String(n)` for Info texts, cached below 65536: V8's own number-string cache is small, and
 * a first pass converts a handful of ports, lengths and sequence numbers per frame.
 */
export function uintText(n: number): string {
  if (n >= 0 && n < 65536 && (n | 0) === n) {
    let s = UINT_TEXT[n];
    if (s === '') UINT_TEXT[n] = s = String(n);
    return s;
  }
  return String(n);
}

/** COL_MAX_INFO_BYTES is the most Wireshark keeps of the Info column (COL_MAX_INFO_LEN 4096 with its NUL). */
export const COL_MAX_INFO_BYTES = 4095;

/** truncateUtf8 cuts `text` to at most `max` UTF-8 bytes, never inside a character. */
export function truncateUtf8(text: string, max: number): string {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short texts need no count.
  if (text.length * 3 <= max) return text;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let n: number;
    let units = 1;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n = 4;
        units = 2;
      } else n = 3;
    } else n = 3;
    if (bytes + n > max) return text.slice(0, i);
    bytes += n;
    i += units - 1;
  }
  return text;
}

/** FrameInput is one captured record plus what the store knows about its neighbours. */
export interface FrameInput {
  number: number;
  tsSec: number;
  tsNsec: number;
  /** time of the first frame (for frame.time_relative) */
  firstSec: number;
  firstNsec: number;
  /** time of the previous captured frame (for frame.time_delta); equals ts for frame 1 */
  prevSec: number;
  prevNsec: number;
  /** time of the previous displayed frame (frame.time_delta_displayed); equals prev when unknown */
  prevDisplayedSec?: number;
  prevDisplayedNsec?: number;
  caplen: number;
  origLen: number;
  linktype: number;
  interfaceId: number;
  /** interface name, when the file says it (pcapng if_name) */
  interfaceName?: string;
  comment?: string;
  marked?: boolean;
  data: Uint8Array;
}

/** ONE_MORE_SEGMENT asks TCP for one more segment when a PDU's length is not known yet (Wireshark's). */
export const ONE_MORE_SEGMENT = 0x0fffffff;

/**
 * TcpInfo is what the TCP dissector tells its payload dissectors (Wireshark's struct tcpinfo). The TCP
 * module owns its meaning and may extend it.
 */
export interface TcpInfo {
  /** tcp.stream index */
  stream: number;
  /** relative sequence number of the first payload byte of the view being dissected */
  seq: number;
  /** relative sequence number after it */
  nextSeq: number;
  /** true when the view is a reassembled buffer spanning several segments */
  reassembled: boolean;
  /**
   * true when every byte of the view was dissected before (a fast retransmission of a whole line, which
   * tshark dissects again): a dissector shows it but must not advance its conversation state with it
   */
  resent?: boolean;
  /**
   * true for a segment quoted in an ICMP error (tshark's in_error_pkt): no part of its connection, so a
   * dissector must not ask for more data (DissectCtx.desegment) and shows what the quote holds
   */
  quoted?: boolean;
  /**
   * streamState: per-stream state of the payload dissectors (first pass only). It lives with the TCP
   * stream's live state and is dropped when that is evicted (docs/reassembly.md, "Per-stream memory"), so
   * dissectors keep conversation state here rather than in ctx.conversation, which is never freed.
   */
  streamState?: Map<string, unknown>;
}

/** PortType is the transport of the current packet (pinfo->ptype). */
export type PortType = 'none' | 'tcp' | 'udp';

/**
 * DissectCtx is everything known about the packet being dissected (Wireshark's pinfo) plus the services a
 * dissector needs: the tree, the tables, per-frame frozen data and conversation state.
 */
export interface DissectCtx {
  readonly frame: FrameInput;
  /** firstPass: conversation state may advance and per-frame data is frozen; false: read only. */
  readonly firstPass: boolean;
  /**
   * reuse: this dissection's results are read only until the session's next dissection, and the session
   * freezes nothing (DissectOptions.reuse on a session with keepFrameData off: the one-pass CLI). A
   * dissector may then rewrite, frame after frame, a per-frame object that nothing else keeps (TCP's
   * header, Info and the analysis of a segment without payload). False: every result stays valid.
   */
  readonly reuse: boolean;
  readonly tree: ProtoTree;
  readonly tables: DissectorTables;
  readonly columns: Columns;
  /** layers lists protocol abbrevs in order (frame.protocols: `eth:ethertype:ip:tcp:smtp`). */
  readonly layers: string[];
  /** sources are the data sources (0 = the frame); dissectors add reassembled buffers. */
  readonly sources: DataSource[];
  netSrc: Address;
  netDst: Address;
  linkSrc: Address;
  linkDst: Address;
  ptype: PortType;
  srcPort: number;
  dstPort: number;
  /** matchValue is the table value that selected the running dissector (pinfo->match_uint). */
  matchValue: number | string | undefined;
  /** tcp is set by the TCP dissector while its payload is dissected. */
  tcp: TcpInfo | undefined;
  /**
   * tcpPayloads: TCP payloads are reassembled and dissected (default). False only in a one-pass reader
   * whose output reads no field that depends on them (see `fieldNeedsTcpPayload` in tcp.ts).
   */
  readonly tcpPayloads: boolean;
  /**
   * tcpStreamShown is asked by TCP on the first pass, once the frame's TCP header items are in the tree:
   * false means no frame of this TCP stream can pass the run's display filter (a one-pass reader whose
   * filter reads only fields every frame of a stream shares, see SessionOptions.tcpStreamFilter), so TCP
   * skips the stream's analysis and payloads. True without such a filter.
   */
  tcpStreamShown(): boolean;
  /**
   * desegment is set by a payload dissector over TCP when the PDU starting at `offset` (in the view it
   * was given) needs `needed` more bytes, or {@link ONE_MORE_SEGMENT} when it cannot tell.
   *
   * `lineEnd` (with ONE_MORE_SEGMENT) is a line-framed dissector's promise: the bytes from `offset` hold
   * no line end (CR or LF), and its answer stays "one more segment" until a CR or LF arrives or the PDU
   * grows past `lineEnd` bytes. TCP then appends segments without CR/LF to the pending PDU without
   * calling the dissector again, until anything else of the stream (the other direction) is dissected.
   * A line typed one key per segment costs one call at its end instead of one per key.
   */
  desegment: { offset: number; needed: number; lineEnd?: number } | undefined;
  /** pref reads a preference value (registered by a module, overridden with -o). */
  pref<T extends boolean | number | string>(name: string): T;
  /** addSource adds a data source and returns its index for tree items. */
  addSource(name: string, bytes: Uint8Array): number;
  /**
   * callTable dissects `view` with the module `table`/`value` points to; returns bytes consumed (0 =
   * none). Per-frame call sites pass a {@link TableRef}; a name works too (looked up each call).
   */
  callTable(table: TableRef | string, value: number | string, view: ByteView, parent: TreeItem | null): number;
  /** callHeuristics tries the heuristics of `table` in order; returns bytes consumed (0 = none). */
  callHeuristics(table: TableRef | string, view: ByteView, parent: TreeItem | null): number;
  /** callData dissects `view` as undissected data ("Data (N bytes)"). */
  callData(view: ByteView, parent: TreeItem | null): number;
  /** getFrameData reads what the first pass froze for this frame under `key` (proto abbrev + suffix). */
  getFrameData<T>(key: string): T | undefined;
  /** setFrameData freezes per-frame data; only meaningful on the first pass. */
  setFrameData<T>(key: string, value: T): void;
  /** conversation returns per-capture state for `key`, creating it with `create` on first use. */
  conversation<T>(key: string, create: () => T): T;
  /**
   * markRowChanged records that an *earlier* frame's summary or frozen data changed during this first-pass
   * dissection (a PDU completed here, so frames 6…18 now know "[Reassembled PDU in frame: 20]"). Hosts
   * collect them with DissectionSession.takeRowUpdates(). Optional so that test contexts may omit it.
   */
  markRowChanged?(frameNumber: number): void;
}

/** ProtocolRegistry owns every module, the field registry built from them, the tables and preferences. */
export class ProtocolRegistry {
  readonly fields = new FieldRegistry();
  readonly tables = new DissectorTables();
  readonly prefDefs = new Map<string, PrefDef>();
  readonly modules: ProtocolModule[] = [];

  constructor(modules: readonly ProtocolModule[]) {
    for (const m of modules) {
      this.fields.registerProtocol(m.proto);
      this.fields.registerFields(m.proto.abbrev, m.fields);
      for (const extra of m.extraProtocols ?? []) {
        this.fields.registerProtocol(extra.proto);
        this.fields.registerFields(extra.proto.abbrev, extra.fields);
      }
      for (const p of m.prefs ?? []) {
        if (this.prefDefs.has(p.name)) throw new Error(`duplicate preference ${p.name}`);
        this.prefDefs.set(p.name, p);
      }
      this.tables.addModule(m);
      this.modules.push(m);
    }
    for (const m of modules) m.handoff?.(this.tables);
  }
}
