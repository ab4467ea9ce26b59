/**
 * Lexer for Wireshark 4.0 display filters. Pull-based: the parser asks for the next token at a position,
 * and scans slice bodies (`[0:2, -1]`) itself through {@link scanSlice}, because inside brackets `:` and `-`
 * are separators while outside they belong to literals (`aa:bb`, `fe80::1`, `-1`).
 *
 * Word tokens are "unparsed" text (tshark's term): a field name or a literal, decided later by the checker
 * from the other side of the comparison. A word stops before `..` so that `{20..30}` is a range.
 * String literals are decoded to bytes here (escapes may produce bytes that are not UTF-8).
 */
import { fail, Messages, MISSING_BRACKET, MISSING_QUOTE } from './errors';

/** CompareOp names every comparison operator once; the token text is kept separately for messages. */
export type CompareOp = 'eq' | 'ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'matches';

/** TokenKind is the class of a token. */
export type TokenKind =
  | 'word'
  | 'string'
  | 'char'
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'dotdot'
  | 'compare'
  | 'and'
  | 'or'
  | 'xor'
  | 'not'
  | 'in'
  | 'any'
  | 'all'
  | 'bitand'
  | 'bad'
  | 'eof';

/** Token is one lexical token with its span in the filter text. */
export interface Token {
  kind: TokenKind;
  /** text is the source text of the token, quotes included. */
  text: string;
  start: number;
  length: number;
  /** op is set for `compare` tokens. */
  op?: CompareOp;
  /** bytes is the decoded value of `string` and `char` tokens. */
  bytes?: Uint8Array;
  /** raw is true for r"…" strings. */
  raw?: boolean;
}

const KEYWORDS: Readonly<Record<string, { kind: TokenKind; op?: CompareOp }>> = {
  and: { kind: 'and' },
  or: { kind: 'or' },
  xor: { kind: 'xor' },
  not: { kind: 'not' },
  in: { kind: 'in' },
  any: { kind: 'any' },
  all: { kind: 'all' },
  bitwise_and: { kind: 'bitand' },
  eq: { kind: 'compare', op: 'eq' },
  any_eq: { kind: 'compare', op: 'eq' },
  ne: { kind: 'compare', op: 'ne' },
  all_ne: { kind: 'compare', op: 'ne' },
  all_eq: { kind: 'compare', op: 'all_eq' },
  any_ne: { kind: 'compare', op: 'any_ne' },
  gt: { kind: 'compare', op: 'gt' },
  ge: { kind: 'compare', op: 'ge' },
  lt: { kind: 'compare', op: 'lt' },
  le: { kind: 'compare', op: 'le' },
  contains: { kind: 'compare', op: 'contains' },
  matches: { kind: 'compare', op: 'matches' },
};

/** Symbols, longest first so that `===` wins over `==`. */
const SYMBOLS: ReadonlyArray<readonly [string, TokenKind, CompareOp?]> = [
  ['===', 'compare', 'all_eq'],
  ['!==', 'compare', 'any_ne'],
  ['==', 'compare', 'eq'],
  ['!=', 'compare', 'ne'],
  ['~=', 'compare', 'any_ne'],
  ['>=', 'compare', 'ge'],
  ['<=', 'compare', 'le'],
  ['&&', 'and'],
  ['||', 'or'],
  ['^^', 'xor'],
  ['..', 'dotdot'],
  ['>', 'compare', 'gt'],
  ['<', 'compare', 'lt'],
  ['~', 'compare', 'matches'],
  ['&', 'bitand'],
  ['!', 'not'],
  ['(', 'lparen'],
  [')', 'rparen'],
  ['[', 'lbracket'],
  ['{', 'lbrace'],
  ['}', 'rbrace'],
  [',', 'comma'],
];

/** isWordChar says whether a character can be part of an unparsed word (field name or literal). */
export function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_\-.:/]/.test(c);
}

const HEX_RADIX = 16;
const OCTAL_RADIX = 8;
const BYTE_MAX = 255;
const MAX_OCTAL_DIGITS = 3;
const MAX_HEX_DIGITS = 2;
const SHORT_UCN_DIGITS = 4;
const LONG_UCN_DIGITS = 8;
/** C11 forbids universal character names below U+00A0 except these three. */
const UCN_MIN = 0xa0;
const UCN_ALLOWED_LOW = new Set([0x24, 0x40, 0x60]);
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;
const UNICODE_MAX = 0x10ffff;

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c,
  '"': 0x22,
  "'": 0x27,
  '?': 0x3f,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/** utf8Encode encodes a string as UTF-8 (kept local: shared code may not rely on TextEncoder typings). */
export function utf8Encode(text: string, out: number[] = []): number[] {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return out;
}

/** utf8Decode decodes UTF-8 leniently (bad sequences become U+FFFD), like Wireshark's display. */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let cp = 0xfffd;
    let need = 0;
    if (b < 0x80) cp = b;
    else if (b >= 0xc2 && b < 0xe0) (need = 1), (cp = b & 0x1f);
    else if (b >= 0xe0 && b < 0xf0) (need = 2), (cp = b & 0x0f);
    else if (b >= 0xf0 && b < 0xf5) (need = 3), (cp = b & 0x07);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok) {
      out += '\ufffd';
      i += 1;
      continue;
    }
    out += String.fromCodePoint(cp > UNICODE_MAX ? 0xfffd : cp);
    i += need + 1;
  }
  return out;
}

/** Lexer yields tokens on demand from a position. */
export class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  /** peek returns the next token without consuming it. */
  peek(): Token {
    const saved = this.pos;
    const token = this.next();
    this.pos = saved;
    return token;
  }

  /** next consumes and returns the next token. */
  next(): Token {
    const text = this.text;
    while (this.pos < text.length && /\s/.test(text[this.pos]!)) this.pos++;
    const start = this.pos;
    if (start >= text.length) return { kind: 'eof', text: '', start: text.length, length: 0 };
    const c = text[start]!;
    if (c === '"') return this.scanString(start, start + 1, false);
    if (c === 'r' && text[start + 1] === '"') return this.scanString(start, start + 2, true);
    if (c === "'") return this.scanChar(start);
    for (const [symbol, kind, op] of SYMBOLS) {
      if (text.startsWith(symbol, start)) {
        // A word may start with '.' (".5"), but ".." is always the range operator.
        this.pos = start + symbol.length;
        const token: Token = { kind, text: symbol, start, length: symbol.length };
        if (op) token.op = op;
        return token;
      }
    }
    if (isWordChar(c)) {
      let end = start;
      while (end < text.length && isWordChar(text[end]!) && !text.startsWith('..', end)) end++;
      this.pos = end;
      const word = text.slice(start, end);
      const keyword = Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : undefined;
      const token: Token = { kind: keyword ? keyword.kind : 'word', text: word, start, length: end - start };
      if (keyword?.op) token.op = keyword.op;
      return token;
    }
    // One unknown character (a whole code point) is a token of its own: tshark reports it as unexpected.
    const cp = text.codePointAt(start)!;
    const width = cp > 0xffff ? 2 : 1;
    this.pos = start + width;
    return { kind: 'bad', text: text.slice(start, start + width), start, length: width };
  }

  private scanString(start: number, bodyStart: number, raw: boolean): Token {
    const text = this.text;
    const bytes: number[] = [];
    let i = bodyStart;
    for (;;) {
      if (i >= text.length) fail(MISSING_QUOTE, text.length, 0);
      const c = text[i]!;
      if (c === '"') break;
      if (c === '\\') {
        if (raw) {
          // Raw strings keep the backslash; a backslash still protects the next quote, as in Python.
          bytes.push(0x5c);
          i++;
          if (i < text.length) {
            utf8Encode(text[i]!, bytes);
            i++;
          }
          continue;
        }
        i = this.scanEscape(i, bytes);
        continue;
      }
      const cp = text.codePointAt(i)!;
      utf8Encode(String.fromCodePoint(cp), bytes);
      i += cp > 0xffff ? 2 : 1;
    }
    this.pos = i + 1;
    const token: Token = { kind: 'string', text: text.slice(start, i + 1), start, length: i + 1 - start };
    token.bytes = Uint8Array.from(bytes);
    if (raw) token.raw = true;
    return token;
  }

  private scanChar(start: number): Token {
    const text = this.text;
    const bytes: number[] = [];
    let i = start + 1;
    for (;;) {
      if (i >= text.length) fail(MISSING_QUOTE, text.length, 0);
      const c = text[i]!;
      if (c === "'") break;
      if (c === '\\') {
        i = this.scanEscape(i, bytes);
        continue;
      }
      const cp = text.codePointAt(i)!;
      utf8Encode(String.fromCodePoint(cp), bytes);
      i += cp > 0xffff ? 2 : 1;
    }
    this.pos = i + 1;
    const literal = text.slice(start, i + 1);
    if (bytes.length !== 1) fail(Messages.charTooLong(literal), start, literal.length);
    const token: Token = { kind: 'char', text: literal, start, length: literal.length };
    token.bytes = Uint8Array.from(bytes);
    return token;
  }

  /** scanEscape decodes the escape at i (the backslash) into bytes and returns the index after it. */
  private scanEscape(i: number, bytes: number[]): number {
    const text = this.text;
    const e = text[i + 1];
    if (e === undefined) fail(MISSING_QUOTE, text.length, 0);
    if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
      bytes.push(SIMPLE_ESCAPES[e]!);
      return i + 2;
    }
    if (/[0-7]/.test(e)) {
      let end = i + 1;
      while (end < text.length && end - (i + 1) < MAX_OCTAL_DIGITS && /[0-7]/.test(text[end]!)) end++;
      const value = parseInt(text.slice(i + 1, end), OCTAL_RADIX);
      if (value > BYTE_MAX) fail(Messages.octalTooBig(text.slice(i, end)), i, end - i);
      bytes.push(value);
      return end;
    }
    if (e === 'x') {
      let end = i + 2;
      while (end < text.length && end - (i + 2) < MAX_HEX_DIGITS && /[0-9a-fA-F]/.test(text[end]!)) end++;
      if (end === i + 2) fail(Messages.badEscape('\\x'), i, 2);
      bytes.push(parseInt(text.slice(i + 2, end), HEX_RADIX));
      return end;
    }
    if (e === 'u' || e === 'U') {
      const digits = e === 'u' ? SHORT_UCN_DIGITS : LONG_UCN_DIGITS;
      const hex = text.slice(i + 2, i + 2 + digits);
      const escape = text.slice(i, i + 2 + hex.length);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) fail(Messages.badUniversal(escape), i, escape.length);
      const cp = parseInt(hex, HEX_RADIX);
      const forbidden =
        (cp < UCN_MIN && !UCN_ALLOWED_LOW.has(cp)) || (cp >= SURROGATE_FIRST && cp <= SURROGATE_LAST) || cp > UNICODE_MAX;
      if (forbidden) fail(Messages.badUniversal(escape), i, escape.length);
      utf8Encode(String.fromCodePoint(cp), bytes);
      return i + 2 + digits;
    }
    const cp = text.codePointAt(i + 1)!;
    const width = cp > 0xffff ? 2 : 1;
    fail(Messages.badEscape(text.slice(i, i + 1 + width)), i, 1 + width);
  }

  /**
   * scanSlice reads a slice body after `[` up to `]` and returns its raw items with spans. The parser
   * turns them into ranges; tshark's messages for bad ranges name the item text.
   */
  scanSlice(): { items: Array<{ text: string; start: number }>; end: number } {
    const text = this.text;
    const close = text.indexOf(']', this.pos);
    if (close < 0) fail(MISSING_BRACKET, text.length, 0);
    const items: Array<{ text: string; start: number }> = [];
    let itemStart = this.pos;
    for (let i = this.pos; i <= close; i++) {
      if (i === close || text[i] === ',') {
        const raw = text.slice(itemStart, i);
        const lead = raw.length - raw.trimStart().length;
        items.push({ text: raw.trim(), start: itemStart + lead });
        itemStart = i + 1;
      }
    }
    this.pos = close + 1;
    return { items, end: close + 1 };
  }
}
