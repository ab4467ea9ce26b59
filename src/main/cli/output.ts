/**
 * Output formats of `wirelab`, laid out byte for byte as tshark 4.0.17 prints them (its print_columns,
 * print_hex_data_buffer, proto_tree_print and write_fields code), so that our output can be diffed:
 *  - the one-line summary: No. right-aligned in 5, Time right-aligned in 10, Source right-aligned in 12,
 *    ` → `, Destination left-aligned in 12, then Protocol, Length and Info separated by one space; widths
 *    are minimums counted in UTF-8 bytes (tshark uses strlen), longer texts push the rest right;
 *  - `-T fields` with every `-E` option (separator, occurrence, aggregator, quote, header, bom) and the
 *    `_ws.col.*` pseudo fields;
 *  - `-V`: the detail tree, four spaces per level, hidden items skipped, generated items in brackets;
 *  - `-x`: the hex dump of every data source, with "Name (N bytes):" headers when there are several;
 *  - `-T json`: Wirelab's own JSON (docs/cli.md), one frame object per line inside one array.
 * Everything goes through {@link OutputBuffer}, which builds big strings and hands them to the sink in
 * chunks of about 64 KiB (one write syscall per chunk, not per line).
 */
import { formatFieldValue } from '../../shared/format';
import type { FieldDef } from '../../shared/fields';
import type { DataSource, DetailNode } from '../../shared/model';
import { toDetailNodes } from '../engine/decode/detail';
import type { FrameInput } from '../engine/decode/protocol';
import type { FrameResult } from '../engine/decode/session';
import type { TreeItem } from '../engine/decode/tree';
import type { FieldsOptions } from './args';

/** Sink receives output chunks; it may throw (EPIPE) to stop the run. */
export type Sink = (chunk: string) => void;

const CHUNK = 64 * 1024;

/** OutputBuffer collects output text and flushes it to a sink in ~64 KiB chunks. */
export class OutputBuffer {
  private text = '';
  constructor(private readonly sink: Sink) {}

  /** write appends text, flushing when the buffer is large. */
  write(s: string): void {
    this.text += s;
    if (this.text.length >= CHUNK) this.flush();
  }

  /** flush hands everything buffered to the sink. */
  flush(): void {
    if (this.text.length === 0) return;
    const t = this.text;
    this.text = '';
    this.sink(t);
  }
}

/** utf8Length is strlen() of the UTF-8 encoding (tshark pads columns by bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 2; // surrogate pair: 4 bytes for 2 UTF-16 units
        i++;
      } else n += 2;
    }
  }
  return n;
}

const SPACES = ' '.repeat(64);

function spaces(n: number): string {
  return n <= 64 ? SPACES.slice(0, n) : ' '.repeat(n);
}

/** padLeft right-aligns `s` in `width` bytes. */
function padLeft(s: string, width: number): string {
  const n = utf8Length(s);
  return n >= width ? s : spaces(width - n) + s;
}

/** padRight left-aligns `s` in `width` bytes. */
function padRight(s: string, width: number): string {
  const n = utf8Length(s);
  return n >= width ? s : s + spaces(width - n);
}

/**
 * timePrecision gives the number of decimals tshark's "auto" time precision uses for a record of an
 * interface with this many nanoseconds per tick: 1000 → 6, 1 → 9 (pcapng binary resolutions round up).
 */
export function timePrecision(tsResolNs: number): number {
  if (!(tsResolNs > 0)) return 9;
  const digits = Math.ceil(-Math.log10(tsResolNs / 1e9) - 1e-9);
  return Math.min(9, Math.max(0, digits));
}

const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

/** formatRelative prints (sec,nsec) − (firstSec,firstNsec) with `digits` decimals, truncating as Wireshark does. */
export function formatRelative(sec: number, nsec: number, firstSec: number, firstNsec: number, digits: number): string {
  let ds = sec - firstSec;
  let dn = nsec - firstNsec;
  let negative = false;
  if (ds < 0 || (ds === 0 && dn < 0)) {
    negative = true;
    ds = -ds;
    dn = -dn;
  }
  if (dn < 0) {
    ds -= 1;
    dn += 1e9;
  }
  const sign = negative ? '-' : '';
  if (digits === 0) return sign + ds;
  const frac = Math.floor(dn / POW10[digits]);
  let f = String(frac);
  if (f.length < digits) f = '000000000'.slice(0, digits - f.length) + f;
  return `${sign}${ds}.${f}`;
}

/** SummaryColumns are the seven default columns of one frame. */
export interface SummaryColumns {
  number: string;
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: string;
  info: string;
}

/** summaryLine lays out tshark's default one-line summary (without the newline). */
export function summaryLine(c: SummaryColumns): string {
  return (
    padLeft(c.number, 5) +
    ' ' +
    padLeft(c.time, 10) +
    ' ' +
    padLeft(c.source, 12) +
    ' \u2192 ' +
    padRight(c.destination, 12) +
    ' ' +
    c.protocol +
    ' ' +
    c.length +
    ' ' +
    c.info
  );
}

/** FrameView is what the output formats need of one displayed frame. */
export interface FrameView {
  frame: FrameInput;
  result: FrameResult;
  /** decimals of the Time column (from the interface's timestamp resolution). */
  timeDigits: number;
}

/** columnsOf computes the seven summary columns of a frame. */
export function columnsOf(v: FrameView): SummaryColumns {
  const f = v.frame;
  const cols = v.result.columns;
  return {
    number: String(f.number),
    time: formatRelative(f.tsSec, f.tsNsec, f.firstSec, f.firstNsec, v.timeDigits),
    source: cols.source,
    destination: cols.destination,
    protocol: cols.protocol,
    length: String(f.origLen),
    info: cols.infoText(),
  };
}

// --- -T fields --------------------------------------------------------------------------------------

/** COLUMN_NAMES are the `_ws.col.<title>` names of the default columns (tshark's column titles). */
const COLUMN_NAMES = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info'] as const;

type FieldSlot =
  | { kind: 'field'; abbrev: string; def: FieldDef }
  | { kind: 'column'; column: (typeof COLUMN_NAMES)[number] | null };

/** FieldsPrinter prints `-T fields` rows; it is built once per run and reused for every frame. */
export class FieldsPrinter {
  private readonly slots: FieldSlot[];
  private readonly slotOf = new Map<string, number[]>();
  private readonly values: string[][];
  private readonly needColumns: boolean;
  private readonly sep: string;
  private readonly agg: string;
  private readonly quote: string;
  private readonly occurrence: 'f' | 'l' | 'a';
  /** per-field cache of formatted small integers (ports, lengths, frame numbers repeat a lot). */
  private readonly intCache = new Map<FieldDef, string[]>();

  /**
   * @param fields the `-e` names; `lookup` returns the definition of a registered field.
   * Throws nothing: unknown names are reported by {@link invalidFields} before printing starts.
   */
  constructor(
    readonly fields: readonly string[],
    lookup: (abbrev: string) => FieldDef | undefined,
    readonly options: FieldsOptions,
  ) {
    this.slots = fields.map((name, index): FieldSlot => {
      if (name.startsWith('_ws.col.')) {
        const title = name.slice('_ws.col.'.length);
        const column = (COLUMN_NAMES as readonly string[]).includes(title) ? (title as (typeof COLUMN_NAMES)[number]) : null;
        return { kind: 'column', column };
      }
      const def = lookup(name)!;
      let list = this.slotOf.get(name);
      if (!list) this.slotOf.set(name, (list = []));
      list.push(index);
      return { kind: 'field', abbrev: name, def };
    });
    this.values = fields.map(() => []);
    this.needColumns = this.slots.some((s) => s.kind === 'column');
    this.sep = options.separator;
    this.agg = options.aggregator;
    this.quote = options.quote;
    this.occurrence = options.occurrence;
  }

  /** invalidFields lists `-e` names that are neither registered fields nor `_ws.col.*`. */
  static invalidFields(fields: readonly string[], lookup: (abbrev: string) => FieldDef | undefined): string[] {
    return fields.filter((f) => !f.startsWith('_ws.col.') && lookup(f) === undefined);
  }

  /** usesColumns tells whether a `_ws.col.*` field needs the Packet List columns. */
  usesColumns(): boolean {
    return this.needColumns;
  }

  /** interest is the set of abbrevs the tree must keep in `fields` mode. */
  interest(): string[] {
    return [...this.slotOf.keys()];
  }

  /** header is the `-E header=y` line. */
  header(): string {
    return (this.options.bom ? '\ufeff' : '') + this.fields.join(this.sep) + '\n';
  }

  private format(def: FieldDef, item: TreeItem): string {
    const value = item.value;
    if (typeof value === 'number' && value >= 0 && value < 65536 && Number.isInteger(value)) {
      let cache = this.intCache.get(def);
      // A dense array of 65536 strings ('' = not formatted yet): sparse writes would turn a plain [] into
      // a slow dictionary-mode array.
      if (cache === undefined) this.intCache.set(def, (cache = new Array<string>(65536).fill('')));
      let s = cache[value];
      if (s === '') cache[value] = s = formatFieldValue(def, value);
      return s;
    }
    if (def.type === 'protocol') return item.labelText() ?? def.name;
    // A present FT_NONE field (tcp.analysis.flags, smtp.req…) has no value; tshark prints "1".
    if (def.type === 'none') return '1';
    return formatFieldValue(def, value);
  }

  /** row formats one frame's line (with the newline). */
  row(v: FrameView): string {
    const values = this.values;
    for (let i = 0; i < values.length; i++) values[i].length = 0;
    const occurrences = v.result.tree.occurrences;
    for (let i = 0; i < occurrences.length; i++) {
      const item = occurrences[i];
      const targets = this.slotOf.get(item.field.abbrev);
      if (targets === undefined) continue;
      const text = this.format(item.field, item);
      for (let t = 0; t < targets.length; t++) values[targets[t]].push(text);
    }
    const cols = this.needColumns ? columnsOf(v) : undefined;
    let line = '';
    const q = this.quote;
    for (let i = 0; i < this.slots.length; i++) {
      if (i > 0) line += this.sep;
      const slot = this.slots[i];
      let cell: string | undefined;
      if (slot.kind === 'column') {
        cell = columnText(cols!, slot.column);
      } else {
        const list = values[i];
        if (list.length === 0) continue;
        if (this.occurrence === 'a') cell = list.length === 1 ? list[0] : list.join(this.agg);
        else cell = this.occurrence === 'f' ? list[0] : list[list.length - 1];
      }
      // Empty cells are printed without quotes (as tshark does for unknown `_ws.col.*`).
      if (cell !== '') line += q === '' ? cell : q + cell + q;
    }
    return line + '\n';
  }
}

function columnText(c: SummaryColumns, column: (typeof COLUMN_NAMES)[number] | null): string {
  switch (column) {
    case 'No.':
      return c.number;
    case 'Time':
      return c.time;
    case 'Source':
      return c.source;
    case 'Destination':
      return c.destination;
    case 'Protocol':
      return c.protocol;
    case 'Length':
      return c.length;
    case 'Info':
      return c.info;
    default:
      return '';
  }
}

// --- -V -----------------------------------------------------------------------------------------------

/**
 * detailText renders the tree as `tshark -V`: four spaces per level, hidden items skipped. With `only`
 * (`-O`), top-level items of other protocols are printed without their children.
 */
export function detailText(v: FrameView, only?: readonly string[]): string {
  const nodes = toDetailNodes(v.result.tree);
  let out = '';
  const walk = (list: readonly DetailNode[], indent: string): void => {
    for (const node of list) {
      if (node.hidden) continue;
      out += indent + node.label + '\n';
      if (node.children) walk(node.children, indent + '    ');
    }
  };
  for (const node of nodes) {
    if (node.hidden) continue;
    if (only !== undefined && !(node.field !== undefined && only.includes(node.field))) {
      out += node.label + '\n';
      continue;
    }
    walk([node], '');
  }
  return out;
}

// --- -x -----------------------------------------------------------------------------------------------

const HEX = '0123456789abcdef';

/** hexDump lays out one buffer as tshark's print_hex_data_buffer (offset, 16 bytes, ASCII). */
export function hexDump(bytes: Uint8Array): string {
  const length = bytes.length;
  const max = length - 1;
  const digits = max >= 0x10000000 ? 8 : max >= 0x1000000 ? 7 : max >= 0x100000 ? 6 : max >= 0x10000 ? 5 : 4;
  let out = '';
  for (let line = 0; line < length; line += 16) {
    let offset = line.toString(16);
    if (offset.length < digits) offset = '00000000'.slice(0, digits - offset.length) + offset;
    let hex = '';
    let ascii = '';
    const end = Math.min(length, line + 16);
    for (let i = line; i < end; i++) {
      const b = bytes[i];
      hex += HEX[b >> 4] + HEX[b & 15] + ' ';
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    out += offset + '  ' + hex + spaces(48 - hex.length) + '  ' + ascii + '\n';
  }
  return out;
}

/** sourceTitle is Wireshark's data source name: `Frame (67 bytes)`, `Reassembled TCP (17 bytes)`. */
export function sourceTitle(source: DataSource): string {
  if (/\(\d+ bytes?\)$/.test(source.name)) return source.name;
  const n = source.bytes.length;
  return `${source.name} (${n} byte${n === 1 ? '' : 's'})`;
}

/** hexText prints every data source of a frame as tshark's print_hex_data. */
export function hexText(sources: readonly DataSource[]): string {
  const multiple = sources.length > 1;
  let out = '';
  for (const source of sources) {
    if (multiple) out += sourceTitle(source) + ':\n';
    // tshark stops at the first empty data source.
    if (source.bytes.length === 0) return out;
    out += hexDump(source.bytes);
  }
  return out;
}

// --- -T json ------------------------------------------------------------------------------------------

/** jsonFrame builds Wirelab's JSON object for one frame (docs/cli.md). */
export function jsonFrame(v: FrameView): string {
  const c = columnsOf(v);
  const fields: Record<string, string[]> = {};
  for (const item of v.result.tree.occurrences) {
    const def = item.field;
    const text = def.type === 'protocol' ? (item.labelText() ?? def.name) : formatFieldValue(def, item.value);
    (fields[def.abbrev] ??= []).push(text);
  }
  const f = v.frame;
  return JSON.stringify({
    number: f.number,
    timestamp: `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`,
    columns: {
      no: f.number,
      time: c.time,
      source: c.source,
      destination: c.destination,
      protocol: c.protocol,
      length: f.origLen,
      info: c.info,
    },
    protocols: v.result.layers.join(':'),
    sources: v.result.sources.map((s) => ({ name: sourceTitle(s), length: s.bytes.length })),
    fields,
    tree: toDetailNodes(v.result.tree),
  });
}
