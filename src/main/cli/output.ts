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
 * Everything goes through {@link OutputBuffer}, which encodes into a reused 64 KiB buffer and hands it to
 * the sink when full (one write syscall per chunk, not per line).
 */
import { formatFieldValue } from '../../shared/format';
import type { FieldDef } from '../../shared/fields';
import type { DataSource, DetailNode } from '../../shared/model';
import { toDetailNodes } from '../engine/decode/detail';
import { ipv4Text } from '../engine/decode/ipv4';
import { COL_MAX_INFO_BYTES, type FrameInput, type TextPiece, type TextWriter } from '../engine/decode/protocol';
import type { FrameResult } from '../engine/decode/session';
import type { TreeItem } from '../engine/decode/tree';
import type { FieldsOptions, TimeFormat } from './args';

/** Sink receives output chunks; it may throw (EPIPE) to stop the run. */
export type Sink = (chunk: string) => void;

/**
 * ByteSink receives output already encoded as UTF-8 (the process's stdout); the bytes are only valid
 * during the call. It may throw (EPIPE) to stop the run.
 */
export type ByteSink = (bytes: Uint8Array) => void;

/** CAPACITY is the output buffer's size: one write syscall per ~64 KiB, not per line. */
const CAPACITY = 64 * 1024;
/** slots of OutputBuffer's Source/Destination block cache (a power of two) */
const PAIR_SLOTS = 64;
const NO_BYTES = new Uint8Array(0);

/**
 * utf8Write is Buffer's native UTF-8 encoder (Buffer#write without its argument checks): it writes whole
 * characters up to the byte limit and lone surrogates as U+FFFD, as Buffer.from(text) does.
 */
const utf8Write = (Buffer.prototype as unknown as { utf8Write(this: Buffer, text: string, offset: number, length: number): number }).utf8Write;

/**
 * OutputBuffer encodes output text into a reused 64 KiB byte buffer and hands it to the sink when full:
 * no per-line strings are concatenated, flattened and re-encoded. The summary line and `-T fields` rows
 * are laid out straight into the bytes ({@link OutputBuffer.writeSummary}, {@link FieldsPrinter.writeRow}).
 * With a {@link ByteSink} the bytes go out as they are; otherwise each chunk is decoded for the string sink
 * (tests that collect output in memory).
 */
export class OutputBuffer implements TextWriter {
  private readonly buf = Buffer.allocUnsafe(CAPACITY);
  private pos = 0;
  /** bytes handed to the byte sink so far */
  private handed = 0;
  constructor(
    private readonly sink: Sink,
    private readonly bytes?: ByteSink,
  ) {}

  /** write appends text, flushing when the buffer is full. */
  write(s: string): void {
    if (s.length * 3 > CAPACITY - this.pos) {
      this.flush();
      if (s.length * 3 > CAPACITY) {
        // Too big for the buffer (a long -V tree): hand it over on its own.
        if (this.bytes !== undefined) {
          const encoded = Buffer.from(s, 'utf8');
          this.handed += encoded.length;
          this.bytes(encoded);
        } else this.sink(s);
        return;
      }
    }
    this.put(s);
  }

  /** flush hands everything buffered to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.handed += n;
    if (this.bytes !== undefined) this.bytes(this.buf.subarray(0, n));
    else this.sink(this.buf.toString('utf8', 0, n));
  }

  /** size is the number of bytes written so far, handed out or still buffered (with a byte sink). */
  get size(): number {
    return this.handed + this.pos;
  }

  /** reserve makes room for `n` bytes (flushing first when they do not fit); false if they never fit. */
  private reserve(n: number): boolean {
    if (n <= CAPACITY - this.pos) return true;
    this.flush();
    return n <= CAPACITY;
  }

  /**
   * put encodes `s` as UTF-8 at the end and returns its byte length; with `max`, only the characters that
   * fit in `max` bytes (never half a character: tshark's Info column limit, see truncateUtf8). Room is
   * checked by the caller (3 bytes per UTF-16 unit). Lone surrogates become U+FFFD, as Buffer does.
   */
  private put(s: string, max = Infinity): number {
    const n = s.length;
    const buf = this.buf;
    const start = this.pos;
    if (n <= 24 && 3 * n <= max) {
      // Short texts (addresses, ports, protocol names, pieces of TCP's Info) are cheaper by hand than a
      // native call; a surrogate (rare) goes to the native encoder.
      let at = start;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) buf[at++] = c;
        else if (c < 0x800) {
          buf[at++] = 0xc0 | (c >> 6);
          buf[at++] = 0x80 | (c & 0x3f);
        } else if (c < 0xd800 || c >= 0xe000) {
          buf[at++] = 0xe0 | (c >> 12);
          buf[at++] = 0x80 | ((c >> 6) & 0x3f);
          buf[at++] = 0x80 | (c & 0x3f);
        } else break;
      }
      if (i === n) {
        this.pos = at;
        return at - start;
      }
    }
    // Native encoding (it stops before a character that would not fit, as truncateUtf8 does).
    const written = utf8Write.call(buf, s, start, Math.min(max, CAPACITY - start));
    this.pos = start + written;
    return written;
  }

  /** text writes a piece of a lazy Info part (room was reserved by writeSummary). */
  text(s: string): void {
    this.put(s);
  }

  /** uint writes a piece of a lazy Info part (room was reserved by writeSummary). */
  uint(n: number): void {
    this.putUint(n);
  }

  /** piece copies a piece's UTF-8 bytes (room was reserved by writeSummary). */
  piece(p: TextPiece): void {
    const bytes = p.bytes;
    const n = bytes.length;
    const buf = this.buf;
    const at = this.pos;
    // A few bytes go faster by hand than through a native call.
    if (n <= 8) for (let i = 0; i < n; i++) buf[at + i] = bytes[i];
    else buf.set(bytes, at);
    this.pos = at + n;
  }

  private putSpaces(n: number): void {
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.pos + i] = 0x20;
    if (n > 0) this.pos += n;
  }

  /** putUint writes a non-negative integer in decimal. */
  private putUint(value: number): number {
    if (!(value >= 0 && value <= 0xffffffff) || !Number.isInteger(value)) return this.put(String(value));
    const digits = decimalDigits(value);
    const buf = this.buf;
    let at = this.pos + digits;
    this.pos = at;
    do {
      const q = Math.floor(value / 10);
      buf[--at] = 0x30 + (value - q * 10);
      value = q;
    } while (value > 0);
    return digits;
  }

  /** putRight writes `s` right-aligned in `width` bytes (a minimum, as tshark's columns). */
  private putRight(s: string, width: number): void {
    const start = this.pos;
    const n = this.put(s);
    if (n >= width) return;
    const pad = width - n;
    const buf = this.buf;
    for (let i = n - 1; i >= 0; i--) buf[start + pad + i] = buf[start + i];
    for (let i = 0; i < pad; i++) buf[start + i] = 0x20;
    this.pos = start + width;
  }

  /**
   * putRelative writes formatRelative(sec, nsec, firstSec, firstNsec, digits) right-aligned in `width`
   * bytes, without building the string.
   */
  private putRelative(sec: number, nsec: number, firstSec: number, firstNsec: number, digits: number, width: number): void {
    const { negative, sec: ds, nsec: dn } = timeDelta(sec, nsec, firstSec, firstNsec);
    if (!(ds <= 0xffffffff) || !(digits >= 0 && digits <= 9)) {
      this.putRight(formatRelative(sec, nsec, firstSec, firstNsec, digits), width);
      return;
    }
    const length = (negative ? 1 : 0) + decimalDigits(ds) + (digits === 0 ? 0 : 1 + digits);
    this.putSpaces(width - length);
    if (negative) this.buf[this.pos++] = 0x2d;
    this.putUint(ds);
    if (digits === 0) return;
    this.buf[this.pos++] = 0x2e;
    let frac = Math.floor(dn / POW10[digits]);
    const buf = this.buf;
    for (let at = this.pos + digits - 1; at >= this.pos; at--) {
      const q = Math.floor(frac / 10);
      buf[at] = 0x30 + (frac - q * 10);
      frac = q;
    }
    this.pos += digits;
  }

  /** the last laid-out Source/Destination blocks, by a hash of the two texts (see putAddresses) */
  private readonly pairSource: string[] = new Array<string>(PAIR_SLOTS).fill('');
  private readonly pairDestination: string[] = new Array<string>(PAIR_SLOTS).fill('');
  private readonly pairBytes: Uint8Array[] = new Array<Uint8Array>(PAIR_SLOTS).fill(NO_BYTES);

  /**
   * putAddresses writes Source right-aligned in 12, ` → `, Destination left-aligned in 12. A capture's
   * frames go back and forth between few address pairs, so the block of a pair is kept as bytes and
   * copied (the address texts are the same strings frame after frame: ipv4Text caches them).
   */
  private putAddresses(source: string, destination: string): void {
    const slot = (source.length * 7 + destination.length * 13 + (source.charCodeAt(source.length - 1) | 0) + 5 * (destination.charCodeAt(destination.length - 1) | 0)) & (PAIR_SLOTS - 1);
    const cached = this.pairBytes[slot];
    const buf = this.buf;
    if (cached.length !== 0 && this.pairSource[slot] === source && this.pairDestination[slot] === destination) {
      buf.set(cached, this.pos);
      this.pos += cached.length;
      return;
    }
    const start = this.pos;
    this.putRight(source, 12);
    const at = this.pos;
    // ` → ` in UTF-8
    buf[at] = 0x20;
    buf[at + 1] = 0xe2;
    buf[at + 2] = 0x86;
    buf[at + 3] = 0x92;
    buf[at + 4] = 0x20;
    this.pos = at + 5;
    this.putSpaces(12 - this.put(destination));
    this.pairSource[slot] = source;
    this.pairDestination[slot] = destination;
    // A plain Uint8Array copy (Buffer#slice would be a view of the reused buffer; measured, set() from a
    // Uint8Array beat a byte loop and Buffer copies).
    this.pairBytes[slot] = new Uint8Array(buf.subarray(start, this.pos));
  }

  /** writeSummary appends tshark's one-line summary of a frame and its newline (as summaryLine). */
  writeSummary(v: FrameView): void {
    const f = v.frame;
    const cols = v.result.columns;
    const source = cols.source;
    const destination = cols.destination;
    const protocol = cols.protocol;
    // The Info column as shown (infoText): cut to COL_MAX_INFO_BYTES while it is encoded. A lazy end
    // (TCP's line) that surely fits is written straight into the buffer, never built as a string.
    let lazy = cols.infoLazy;
    const head = lazy !== undefined && 3 * cols.infoHead.length + lazy.maxBytes() <= COL_MAX_INFO_BYTES ? cols.infoHead : ((lazy = undefined), cols.info);
    const infoMost = lazy !== undefined ? 3 * head.length + lazy.maxBytes() : Math.min(3 * head.length, COL_MAX_INFO_BYTES);
    const most = 64 + 3 * (source.length + destination.length + protocol.length) + infoMost;
    if (!this.reserve(most)) {
      this.write(summaryLine(columnsOf(v)) + '\n');
      return;
    }
    const number = f.number;
    if (number >= 0 && number <= 0xffffffff && Number.isInteger(number)) {
      this.putSpaces(5 - decimalDigits(number));
      this.putUint(number);
    } else this.putRight(String(number), 5);
    this.buf[this.pos++] = 0x20;
    if (v.timeFormat === undefined || v.timeFormat === 'r') this.putRelative(f.tsSec, f.tsNsec, f.firstSec, f.firstNsec, v.timeDigits, 10);
    else this.putRight(timeText(v), 10);
    this.buf[this.pos++] = 0x20;
    this.putAddresses(source, destination);
    const buf = this.buf;
    buf[this.pos++] = 0x20;
    this.put(protocol);
    buf[this.pos++] = 0x20;
    this.putUint(f.origLen);
    buf[this.pos++] = 0x20;
    if (lazy !== undefined) {
      this.put(head);
      lazy.write(this);
    } else this.put(head, COL_MAX_INFO_BYTES);
    buf[this.pos++] = 0x0a;
  }

  /**
   * writeCells appends one `-T fields` row: cells joined by `sep`, each non-empty one quoted with
   * `quote`, then a newline (undefined cells are absent values).
   */
  writeCells(cells: readonly (string | undefined)[], sep: string, quote: string): void {
    let most = 1 + cells.length * (sep.length + 2 * quote.length) * 3;
    for (let i = 0; i < cells.length; i++) most += 3 * (cells[i]?.length ?? 0);
    if (!this.reserve(most)) {
      let line = '';
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i];
        if (i > 0) line += sep;
        if (cell !== undefined && cell !== '') line += quote + cell + quote;
      }
      this.write(line + '\n');
      return;
    }
    const simpleSep = sep.length === 1 && sep.charCodeAt(0) < 0x80 ? sep.charCodeAt(0) : -1;
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) {
        if (simpleSep >= 0) this.buf[this.pos++] = simpleSep;
        else this.put(sep);
      }
      const cell = cells[i];
      // Empty cells are printed without quotes (as tshark does for unknown `_ws.col.*`).
      if (cell === undefined || cell === '') continue;
      if (quote !== '') this.put(quote);
      this.put(cell);
      if (quote !== '') this.put(quote);
    }
    this.buf[this.pos++] = 0x0a;
  }
}

/** decimalDigits is the number of decimal digits of a non-negative integer below 2^32. */
function decimalDigits(n: number): number {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
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

/** The magnitude and sign of a time difference, shared by both Time formatters (reused: no allocation per frame). */
const DELTA = { negative: false, sec: 0, nsec: 0 };

/** timeDelta splits (sec,nsec) − (firstSec,firstNsec) into a sign and a non-negative (sec, nsec < 1e9). */
function timeDelta(sec: number, nsec: number, firstSec: number, firstNsec: number): typeof DELTA {
  let ds = sec - firstSec;
  let dn = nsec - firstNsec;
  DELTA.negative = ds < 0 || (ds === 0 && dn < 0);
  if (DELTA.negative) {
    ds = -ds;
    dn = -dn;
  }
  if (dn < 0) {
    ds -= 1;
    dn += 1e9;
  }
  DELTA.sec = ds;
  DELTA.nsec = dn;
  return DELTA;
}

/** formatRelative prints (sec,nsec) − (firstSec,firstNsec) with `digits` decimals, truncating as Wireshark does. */
export function formatRelative(sec: number, nsec: number, firstSec: number, firstNsec: number, digits: number): string {
  const { negative, sec: ds, nsec: dn } = timeDelta(sec, nsec, firstSec, firstNsec);
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
  /** `-t`: the Time column's format (default `r`, relative to the first frame) */
  timeFormat?: TimeFormat;
}

/**
 * timeText is the Time column as tshark's `-t` prints it: `r` relative to the first frame, `d` to the
 * previous captured one, `dd` to the previous displayed one, `e` seconds since the epoch, `a`/`u` the time
 * of day (local / UTC), `ad`/`ud` with the date, `adoy`/`udoy` with the year and day of the year. The
 * fraction has the interface's decimals, truncated.
 */
export function timeText(v: FrameView): string {
  const f = v.frame;
  const digits = v.timeDigits;
  const format = v.timeFormat ?? 'r';
  switch (format) {
    case 'r':
      return formatRelative(f.tsSec, f.tsNsec, f.firstSec, f.firstNsec, digits);
    case 'd':
      return formatRelative(f.tsSec, f.tsNsec, f.prevSec, f.prevNsec, digits);
    case 'dd':
      return formatRelative(f.tsSec, f.tsNsec, f.prevDisplayedSec ?? f.prevSec, f.prevDisplayedNsec ?? f.prevNsec, digits);
    case 'e':
      return formatRelative(f.tsSec, f.tsNsec, 0, 0, digits);
    default: {
      const [utc, date] = CLOCK_FORMATS[format];
      return clockTime(f.tsSec, f.tsNsec, digits, utc, date);
    }
  }
}

/** the time-of-day `-t` types: UTC or local time, and the date written before it */
const CLOCK_FORMATS: Record<Exclude<TimeFormat, 'r' | 'd' | 'dd' | 'e'>, [utc: boolean, date: '' | 'ymd' | 'doy']> = {
  a: [false, ''],
  ad: [false, 'ymd'],
  adoy: [false, 'doy'],
  u: [true, ''],
  ud: [true, 'ymd'],
  udoy: [true, 'doy'],
};

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** clockTime is `[date ]HH:MM:SS[.fraction]` in local time or UTC (a time out of Date's range: epoch seconds). */
function clockTime(sec: number, nsec: number, digits: number, utc: boolean, date: '' | 'ymd' | 'doy'): string {
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return formatRelative(sec, nsec, 0, 0, digits);
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  let text = `${two(utc ? d.getUTCHours() : d.getHours())}:${two(utc ? d.getUTCMinutes() : d.getMinutes())}:${two(utc ? d.getUTCSeconds() : d.getSeconds())}`;
  if (digits > 0) text += '.' + String(Math.floor(nsec / POW10[digits])).padStart(digits, '0');
  if (date === 'ymd') return `${year}-${two(month + 1)}-${two(day)} ${text}`;
  if (date === 'doy') {
    const dayOfYear = (Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
    return `${year}/${String(dayOfYear).padStart(3, '0')} ${text}`;
  }
  return text;
}

/** columnsOf computes the seven summary columns of a frame. */
export function columnsOf(v: FrameView): SummaryColumns {
  const f = v.frame;
  const cols = v.result.columns;
  return {
    number: String(f.number),
    time: timeText(v),
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

/** FIELDS_ESCAPES: the characters tshark's `-T fields` writes as C escapes (measured for 0x01–0x1f). */
const FIELDS_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/**
 * fieldsText is a string value as tshark's `-T fields` prints it: backspace, tab, LF, form feed and CR as
 * `\b`, `\t`, `\n`, `\f`, `\r`, every other character as it is — other control characters and
 * backslashes included, unlike the labels' escaping (escapeText).
 */
export function fieldsText(value: string): string {
  return /[\b\t\n\f\r]/.test(value) ? value.replace(/[\b\t\n\f\r]/g, (c) => FIELDS_ESCAPES[c]) : value;
}

/** FieldsPrinter prints `-T fields` rows; it is built once per run and reused for every frame. */
export class FieldsPrinter {
  private readonly slots: FieldSlot[];
  private readonly slotOf = new Map<string, number[]>();
  /** slotOf by field id, filled on first sight (null: not printed); dense, so never a dictionary array */
  private readonly targetsById: (number[] | null | undefined)[] = new Array<number[] | null | undefined>(8192).fill(undefined);
  private readonly values: string[][];
  private readonly counts: number[];
  private readonly cells: (string | undefined)[];
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
      // A field named twice is printed in its last column only, the earlier ones left empty (tshark 4.0).
      this.slotOf.set(name, [index]);
      return { kind: 'field', abbrev: name, def };
    });
    this.values = fields.map(() => []);
    this.counts = fields.map(() => 0);
    this.cells = fields.map(() => undefined);
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
    if (def.type === 'ipv4' && typeof value === 'number') return ipv4Text(value);
    if (def.type === 'protocol') return item.labelText() ?? def.name;
    // A present FT_NONE field (tcp.analysis.flags, smtp.req…) has no value; tshark prints "1".
    if (def.type === 'none') return '1';
    if (def.type === 'string' && typeof value === 'string') return fieldsText(value);
    return formatFieldValue(def, value);
  }

  /** targetsOf is the slots printing a field (by its dense id when it has one: no string hashing per item). */
  private targetsOf(field: FieldDef): number[] | undefined {
    const id = field.id;
    if (id === undefined || id >= this.targetsById.length) return this.slotOf.get(field.abbrev);
    let targets = this.targetsById[id];
    if (targets === undefined) {
      targets = this.slotOf.get(field.abbrev) ?? null;
      this.targetsById[id] = targets;
    }
    return targets ?? undefined;
  }

  /** cellsOf computes one frame's cells into a reused array (undefined: the field has no value). */
  private cellsOf(v: FrameView): (string | undefined)[] {
    // values[i][0 … counts[i]) are slot i's texts; the arrays keep their capacity from frame to frame.
    const values = this.values;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) counts[i] = 0;
    const occurrences = v.result.tree.occurrences;
    for (let i = 0; i < occurrences.length; i++) {
      const item = occurrences[i];
      const targets = this.targetsOf(item.field);
      if (targets === undefined) continue;
      const text = this.format(item.field, item);
      for (let t = 0; t < targets.length; t++) {
        const slot = targets[t];
        values[slot][counts[slot]++] = text;
      }
    }
    const cols = this.needColumns ? columnsOf(v) : undefined;
    const cells = this.cells;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot.kind === 'column') {
        cells[i] = columnText(cols!, slot.column);
        continue;
      }
      const list = values[i];
      const n = counts[i];
      if (n === 0) cells[i] = undefined;
      else if (this.occurrence === 'f') cells[i] = list[0];
      else if (this.occurrence === 'l') cells[i] = list[n - 1];
      else {
        let joined = list[0];
        for (let k = 1; k < n; k++) joined += this.agg + list[k];
        cells[i] = joined;
      }
    }
    return cells;
  }

  /** row formats one frame's line (with the newline). */
  row(v: FrameView): string {
    const cells = this.cellsOf(v);
    let line = '';
    const q = this.quote;
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) line += this.sep;
      const cell = cells[i];
      // Empty cells are printed without quotes (as tshark does for unknown `_ws.col.*`).
      if (cell !== undefined && cell !== '') line += q === '' ? cell : q + cell + q;
    }
    return line + '\n';
  }

  /** writeRow appends one frame's line to `out` (the same bytes as {@link row}, without the string). */
  writeRow(out: OutputBuffer, v: FrameView): void {
    out.writeCells(this.cellsOf(v), this.sep, this.quote);
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
