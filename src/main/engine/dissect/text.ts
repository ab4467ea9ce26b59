/**
 * Text helpers shared by the mail dissectors (SMTP, POP, IMF): Wireshark's line finding
 * (`tvb_find_line_end`: a line ends at CR, LF or CRLF) and its two ways of printing protocol text —
 * `format_text` for tree labels and Info (control bytes as `\r`, `\n`, `\ooo`; UTF-8 sequences as the
 * characters they encode when printable, `\uXXXX` when not, U+FFFD when invalid — see {@link nonAscii})
 * and `format_text_wsp` (CR, LF and TAB as spaces). Field values are ASCII strings (bytes ≥ 0x80 as
 * U+FFFD) cut at the first NUL, as Wireshark's ENC_ASCII C strings are.
 */

/** LineEnd is one line of a buffer: [start, start+length) without the terminator; next is after it. */
export interface LineEnd {
  start: number;
  length: number;
  next: number;
  /** terminated is false when the line runs to the end of the buffer without CR or LF. */
  terminated: boolean;
}

/** lineTerminator is the index of the first CR or LF in `bytes[start, end)`, or `end` when there is none. */
function lineTerminator(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && bytes[i] !== 0x0d && bytes[i] !== 0x0a) i++;
  return i;
}

/** afterTerminator is where the line ending at `i` (a CR, an LF or a CRLF there; `end`: none) is followed. */
function afterTerminator(bytes: Uint8Array, i: number, end: number): number {
  return i >= end ? end : bytes[i] === 0x0d && i + 1 < end && bytes[i + 1] === 0x0a ? i + 2 : i + 1;
}

/** findLineEnd finds the line starting at `start` in `bytes[start, end)` (Wireshark's tvb_find_line_end). */
export function findLineEnd(bytes: Uint8Array, start: number, end: number): LineEnd {
  const i = lineTerminator(bytes, start, end);
  return { start, length: i - start, next: afterTerminator(bytes, i, end), terminated: i < end };
}

/** nextLineStart is `findLineEnd(bytes, start, end).next` without the object (walking long texts). */
export function nextLineStart(bytes: Uint8Array, start: number, end: number): number {
  return afterTerminator(bytes, lineTerminator(bytes, start, end), end);
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

/**
 * latin1Slice is Node's native one-byte decoder (ISO-8859-1: byte n is U+00nn, unlike TextDecoder's
 * "latin1", which is windows-1252); called on any Uint8Array it returns a flat string without copying
 * through JS.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

function chars(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  return latin1Slice.call(bytes, start, end);
}

function escapeByte(b: number): string {
  // A backslash stays as it is: tshark 4.0's format_text does not escape it (measured: `C: NOOP a\b`).
  return ESCAPES[b] ?? '\\' + b.toString(8).padStart(3, '0');
}

/** NOT_PRINTABLE: what glib's g_unichar_isprint rejects (controls, format characters, unassigned, surrogates). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]/u;

/** NonAscii is format_text's output for the sequence starting at a byte ≥ 0x80, and its byte count. */
interface NonAscii {
  text: string;
  length: number;
}

/**
 * nonAscii formats the UTF-8 sequence at bytes[i] (≥ 0x80) as tshark 4.0's format_text does (checked
 * byte for byte against tshark in test/conformance/columns.test.ts): the lead byte gives the length; a
 * sequence cut short by a non-continuation byte, a stray continuation byte, F8–FF, a surrogate or a value
 * past U+10FFFF is one U+FFFD; a complete sequence (overlong ones included: C0 80 is U+0000) is the
 * character itself when printable, else `\uXXXX` (`\UXXXXXXXX` above U+FFFF).
 */
function nonAscii(bytes: Uint8Array, i: number, end: number): NonAscii {
  const b = bytes[i];
  let need: number;
  let cp: number;
  if (b < 0xc0) return { text: '\ufffd', length: 1 };
  if (b < 0xe0) {
    need = 1;
    cp = b & 0x1f;
  } else if (b < 0xf0) {
    need = 2;
    cp = b & 0x0f;
  } else if (b < 0xf8) {
    need = 3;
    cp = b & 0x07;
  } else return { text: '\ufffd', length: 1 };
  let n = 1;
  for (; n <= need; n++) {
    const c = i + n < end ? bytes[i + n] : -1;
    if ((c & 0xc0) !== 0x80) return { text: '\ufffd', length: n };
    cp = (cp << 6) | (c & 0x3f);
  }
  if ((cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) return { text: '\ufffd', length: n };
  const ch = String.fromCodePoint(cp);
  if (!NOT_PRINTABLE.test(ch)) return { text: ch, length: n };
  const hex = cp.toString(16).toUpperCase();
  return { text: cp > 0xffff ? '\\U' + hex.padStart(8, '0') : '\\u' + hex.padStart(4, '0'), length: n };
}

/** formatText prints bytes as Wireshark's format_text does (labels, Info). */
export function formatText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f) continue;
    if (i > run) out += chars(bytes, run, i);
    if (b >= 0x80) {
      const u = nonAscii(bytes, i, end);
      out += u.text;
      i += u.length - 1;
    } else out += escapeByte(b);
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
    if (b >= 0x20 && b < 0x7f) continue;
    if (i > run) out += chars(bytes, run, i);
    if (b >= 0x80) {
      const u = nonAscii(bytes, i, end);
      out += u.text;
      i += u.length - 1;
    } else out += b === 0x0d || b === 0x0a || b === 0x09 ? ' ' : escapeByte(b);
    run = i + 1;
  }
  return run === start ? chars(bytes, start, end) : out + chars(bytes, run, end);
}

/** PlainLines is {@link formatPlainLines}'s result: the text and the offset after its last line. */
export interface PlainLines {
  text: string;
  next: number;
}

/** PLAIN_LINES_SCRATCH holds the bytes formatPlainLines lays out (one decode per call, no string per line). */
const PLAIN_LINES_SCRATCH = new Uint8Array(16384);

/**
 * formatPlainLines is `', ' + formatTextWsp(line)` for the lines of bytes[start, end) (as findLineEnd
 * splits them), joined in one string: while the text so far is shorter than `room` another line is added.
 * It stops before a line that needs escaping (a byte outside printable ASCII other than CR, LF and TAB)
 * or that does not fit its scratch buffer; `out.next` is where it stopped.
 */
export function formatPlainLines(bytes: Uint8Array, start: number, end: number, room: number, out: PlainLines): PlainLines {
  const scratch = PLAIN_LINES_SCRATCH;
  const cap = scratch.length;
  let n = 0;
  let at = start;
  lines: while (at < end && n < room) {
    let p = n;
    if (p + 2 > cap) break;
    scratch[p++] = 0x2c;
    scratch[p++] = 0x20;
    let i = at;
    for (;;) {
      if (i >= end) break;
      if (p >= cap) break lines;
      const b = bytes[i];
      if (b >= 0x20 && b < 0x7f) {
        scratch[p++] = b;
        i++;
      } else if (b === 0x09) {
        scratch[p++] = 0x20;
        i++;
      } else if (b === 0x0d || b === 0x0a) {
        scratch[p++] = 0x20;
        i++;
        if (b === 0x0d && i < end && bytes[i] === 0x0a) {
          if (p >= cap) break lines;
          scratch[p++] = 0x20;
          i++;
        }
        break;
      } else break lines;
    }
    n = p;
    at = i;
  }
  out.text = n === 0 ? '' : latin1Slice.call(scratch, 0, n);
  out.next = at;
  return out;
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

/** nulOrEnd is the offset of the first NUL in bytes[start, end), or end: where a string item's value stops. */
export function nulOrEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] === 0) return i;
  return end;
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

const UTF8 = new TextDecoder('utf-8');

/**
 * cString reads decoded bytes (a base64 credential) as a C string, up to the first NUL, in UTF-8 as
 * tshark keeps it (`User: 张三`); an invalid sequence becomes U+FFFD.
 */
export function cString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const nul = bytes.indexOf(0, start);
  return UTF8.decode(bytes.subarray(start, nul >= 0 && nul < end ? nul : end));
}

/** nulParts splits decoded SASL PLAIN bytes (`authzid \0 user \0 pass`) at NULs, each part in UTF-8. */
export function nulParts(bytes: Uint8Array): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let nul = bytes.indexOf(0); nul >= 0; nul = bytes.indexOf(0, from)) {
    parts.push(UTF8.decode(bytes.subarray(from, nul)));
    from = nul + 1;
  }
  parts.push(UTF8.decode(bytes.subarray(from)));
  return parts;
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
    out.set(n === c.length ? c : c.subarray(0, n), offset);
    offset += n;
    if (offset >= length) break;
  }
  return out;
}

/**
 * ByteAccumulator collects copies of byte ranges in one growing buffer (a mail message, line by line):
 * each range is copied once, with no array per range to join again at the end.
 */
export class ByteAccumulator {
  private buf = new Uint8Array(0);
  /** bytes collected so far */
  length = 0;

  /** append copies bytes[start, end). */
  append(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    const at = this.length;
    if (at + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(256, 2 * this.buf.length, at + n));
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
    }
    const buf = this.buf;
    if (n <= 64) for (let i = 0; i < n; i++) buf[at + i] = bytes[start + i];
    else buf.set(bytes.subarray(start, end), at);
    this.length = at + n;
  }

  /** take returns the collected bytes (exactly `length` of them, not shared with the accumulator). */
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
