/**
 * Text helpers shared by the mail dissectors (SMTP, POP, IMF): Wireshark's line finding
 * (`tvb_find_line_end`: a line ends at CR, LF or CRLF) and its two ways of printing protocol text —
 * `format_text` for tree labels and Info (control bytes as `\r`, `\n`, `\ooo`; bytes ≥ 0x80, which
 * ENC_ASCII cannot represent, as U+FFFD) and `format_text_wsp` (CR, LF and TAB as spaces). Field values are
 * ASCII strings cut at the first NUL, as Wireshark's C strings are.
 */

/** LineEnd is one line of a buffer: [start, start+length) without the terminator; next is after it. */
export interface LineEnd {
  start: number;
  length: number;
  next: number;
  /** terminated is false when the line runs to the end of the buffer without CR or LF. */
  terminated: boolean;
}

/** findLineEnd finds the line starting at `start` in `bytes[start, end)` (Wireshark's tvb_find_line_end). */
export function findLineEnd(bytes: Uint8Array, start: number, end: number): LineEnd {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x0d || b === 0x0a) {
      const next = b === 0x0d && i + 1 < end && bytes[i + 1] === 0x0a ? i + 2 : i + 1;
      return { start, length: i - start, next, terminated: true };
    }
  }
  return { start, length: end - start, next: end, terminated: false };
}

/** splitLines splits bytes[start, end) into lines (the last one may be unterminated). */
export function splitLines(bytes: Uint8Array, start: number, end: number): LineEnd[] {
  const lines: LineEnd[] = [];
  let offset = start;
  while (offset < end) {
    const line = findLineEnd(bytes, offset, end);
    lines.push(line);
    offset = line.next;
  }
  return lines;
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/** CHARS_CHUNK bounds String.fromCharCode.apply's argument count. */
const CHARS_CHUNK = 8192;

/** chars decodes bytes[start, end) one byte per UTF-16 unit, a run at a time (not a string per byte). */
function chars(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  let out = '';
  for (let at = start; at < end; at += CHARS_CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(end, at + CHARS_CHUNK)) as unknown as number[]);
  }
  return out;
}

/** escapeByte is format_text's text for a byte that is not printed as itself. */
function escapeByte(b: number): string {
  if (b === 0x5c) return '\\\\';
  if (b >= 0x80) return '\ufffd';
  return ESCAPES[b] ?? '\\' + b.toString(8).padStart(3, '0');
}

/** formatText prints bytes as Wireshark's format_text does (labels, Info). */
export function formatText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) continue;
    if (i > run) out += chars(bytes, run, i);
    out += escapeByte(b);
    run = i + 1;
  }
  return run === start ? chars(bytes, start, end) : out + chars(bytes, run, end);
}

/** formatTextWsp prints bytes as format_text_wsp: like formatText, with CR, LF and TAB as spaces. */
export function formatTextWsp(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) continue;
    if (i > run) out += chars(bytes, run, i);
    out += b === 0x0d || b === 0x0a || b === 0x09 ? ' ' : escapeByte(b);
    run = i + 1;
  }
  return run === start ? chars(bytes, start, end) : out + chars(bytes, run, end);
}

/** asciiValue decodes a field value as ENC_ASCII: cut at NUL, bytes ≥ 0x80 as U+FFFD. */
export function asciiValue(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b > 0 && b < 0x80) continue;
    if (i > run) out += chars(bytes, run, i);
    if (b === 0) return out;
    out += '\ufffd';
    run = i + 1;
  }
  return run === start ? chars(bytes, start, end) : out + chars(bytes, run, end);
}

/** hasNul tells whether bytes[start, end) contain a NUL (Wireshark flags "Trailing stray characters"). */
export function hasNul(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** latin1 decodes bytes one to one (for comparisons of protocol keywords). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return chars(bytes, start, end);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/**
 * base64Decode decodes leniently as GLib's g_base64_decode (skips characters outside the alphabet, stops
 * at `=`); returns undefined when nothing decodes.
 */
export function base64Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) break;
    const v = c < 256 ? B64_INDEX[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out.length > 0 ? Uint8Array.from(out) : undefined;
}

/** cString reads decoded bytes as a C string (up to the first NUL), ASCII-decoded. */
export function cString(bytes: Uint8Array, start = 0): string {
  return asciiValue(bytes, start, bytes.length);
}

/** startsWithCi tells whether bytes at `start` begin with `word` (ASCII, case-insensitive). */
export function startsWithCi(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start < word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let b = bytes[start + i];
    if (b >= 0x61 && b <= 0x7a) b -= 0x20;
    let w = word.charCodeAt(i);
    if (w >= 0x61 && w <= 0x7a) w -= 0x20;
    if (b !== w) return false;
  }
  return true;
}

/** concatBytes joins chunks into one buffer. */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  const length = total ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    const n = Math.min(c.length, length - offset);
    out.set(c.subarray(0, n), offset);
    offset += n;
    if (offset >= length) break;
  }
  return out;
}
