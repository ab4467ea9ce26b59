/**
 * Literal conversion: turns the text of a literal into a typed constant for the field type it is compared
 * with, with tshark 4.0's error messages. Which conversion applies depends on the *other* side of the
 * comparison, exactly as in Wireshark: `aa:bb` is a byte string next to `frame[0:2]` and an error next to
 * `tcp.port`. Absolute times without a zone are local time, as in tshark.
 */
import type { FieldDef, FieldType, Timestamp } from '../fields';
import { integerWidth } from '../fields';
import type { Entity } from './ast';
import { fail, Messages } from './errors';
import { utf8Decode } from './lexer';

/** Family groups field types that compare with the same runtime rules. */
export type Family = 'int' | 'bool' | 'double' | 'string' | 'bytes' | 'ipv4' | 'ipv6' | 'time' | 'none';

/** Ipv4Constant is an address with a CIDR mask (all ones without a prefix). */
export interface Ipv4Constant {
  addr: number;
  mask: number;
}
/** Ipv6Constant is an address with a prefix length in bits (128 without a prefix). */
export interface Ipv6Constant {
  bytes: Uint8Array;
  prefix: number;
}
/** Constant is a converted literal. */
export type Constant = number | bigint | boolean | string | Uint8Array | Ipv4Constant | Ipv6Constant | Timestamp;

/** familyOf maps a field type to its comparison family. */
export function familyOf(type: FieldType): Family {
  switch (type) {
    case 'uint8':
    case 'uint16':
    case 'uint24':
    case 'uint32':
    case 'uint64':
    case 'int32':
    case 'framenum':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'double':
    case 'reltime':
      return 'double';
    case 'string':
      return 'string';
    case 'bytes':
    case 'ether':
    case 'protocol':
      return 'bytes';
    case 'ipv4':
      return 'ipv4';
    case 'ipv6':
      return 'ipv6';
    case 'abstime':
      return 'time';
    case 'none':
      return 'none';
  }
}

const BITS_PER_BYTE = 8n;
const IPV4_BITS = 32;
const IPV6_BITS = 128;
const IPV6_BYTES = 16;
const IPV6_GROUPS = 8;
const ETHER_BYTES = 6;
const OCTET_MAX = 255;
const HEX = 16;
const U64_LIMIT = 1n << 64n;
const NANOS_PER_SECOND = 1e9;
const NANO_DIGITS = 9;
const MS_PER_SECOND = 1000;
const DEFAULT_TFS: readonly [string, string] = ['Set', 'Not set'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** LiteralTarget is what a literal is converted for: a type and, for messages and names, the field. */
export interface LiteralTarget {
  type: FieldType;
  def?: FieldDef;
}

/** literalText is the literal's content: a word as typed, a string decoded, a char decoded. */
export function literalText(entity: Entity): string {
  if (entity.kind === 'string' || entity.kind === 'char') return utf8Decode(entity.bytes);
  return entity.kind === 'word' ? entity.text : '';
}

/** convertLiteral converts a literal entity (word, string, char) for the target type or fails. */
export function convertLiteral(entity: Entity, target: LiteralTarget): Constant {
  const { type, def } = target;
  const isWord = entity.kind === 'word';
  const text = literalText(entity);
  switch (familyOf(type)) {
    case 'int':
      return convertInteger(entity, text, type, def);
    case 'bool':
      return convertBoolean(entity, text, def);
    case 'double':
      if (!isWord) fail(Messages.notFromString(type, text), entity.start, entity.length);
      if (type === 'reltime') {
        if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) fail(Messages.notTime(text), entity.start, entity.length);
      } else if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        fail(Messages.notANumber(text), entity.start, entity.length);
      }
      return Number(text);
    case 'string':
      return text;
    case 'bytes':
      if (entity.kind === 'string' || entity.kind === 'char') {
        if (type === 'ether') fail(Messages.notFromString(type, text), entity.start, entity.length);
        return entity.bytes;
      }
      return convertBytes(entity, text, type);
    case 'ipv4':
      if (!isWord) fail(Messages.notFromString(type, text), entity.start, entity.length);
      return convertIpv4(entity, text);
    case 'ipv6':
      if (!isWord) fail(Messages.notFromString(type, text), entity.start, entity.length);
      return convertIpv6(entity, text);
    case 'time': {
      const time = parseAbsoluteTime(text);
      if (!time) fail(Messages.notAbsTime(text), entity.start, entity.length);
      return time;
    }
    case 'none':
      fail(Messages.notFromString(type, text), entity.start, entity.length);
  }
}

/** integerLimits gives the inclusive range of an integer field type. */
export function integerLimits(type: FieldType): { min: bigint; max: bigint } {
  const width = integerWidth(type) ?? { bytes: 8, signed: false };
  const bits = BigInt(width.bytes) * BITS_PER_BYTE;
  if (width.signed) return { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
  return { min: 0n, max: (1n << bits) - 1n };
}

/** parseIntegerText parses dec, 0x hex, 0 octal, 0b binary; returns undefined when not a number. */
export function parseIntegerText(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^0[bB][01]+$/.test(text)) return BigInt(text.toLowerCase());
  if (/^0[0-7]*$/.test(text)) return BigInt('0o' + (text.slice(1) || '0'));
  if (/^[1-9][0-9]*$/.test(text)) return BigInt(text);
  return undefined;
}

function toNumeric(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

function lookupValueName(def: FieldDef | undefined, name: string): number | undefined {
  if (!def?.values) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, label] of Object.entries(def.values)) if (label.toLowerCase() === wanted) return Number(key);
  return undefined;
}

function convertInteger(entity: Entity, text: string, type: FieldType, def: FieldDef | undefined): number | bigint {
  if (entity.kind === 'char') return entity.bytes[0]!;
  const named = lookupValueName(def, text);
  if (named !== undefined) return named;
  if (entity.kind === 'string') {
    if (def?.values) fail(Messages.notInValues(text, def.abbrev), entity.start, entity.length);
    fail(Messages.notFromString(type, text), entity.start, entity.length);
  }
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  const magnitude = parseIntegerText(digits);
  if (magnitude === undefined) {
    if (def?.values) fail(Messages.notInValues(text, def.abbrev), entity.start, entity.length);
    fail(Messages.notANumber(text), entity.start, entity.length);
  }
  if (magnitude >= U64_LIMIT) fail(Messages.overflow(text), entity.start, entity.length);
  const { min, max } = integerLimits(type);
  if (!negative) {
    if (magnitude > max) fail(Messages.tooBig(text, max.toString()), entity.start, entity.length);
    return toNumeric(magnitude);
  }
  if (min === 0n) {
    // tshark 4.0 accepts a negative literal for an unsigned field, and then no comparison with it
    // holds (`tcp.len == -1`, `> -1` and `< -1` all match nothing); NaN is unordered the same way.
    return Number.NaN;
  }
  // tshark reports the magnitude (without the sign) against the maximum, underlining the digits.
  if (magnitude > max) fail(Messages.tooBig(digits, max.toString()), entity.start + 1, entity.length - 1);
  return toNumeric(-magnitude);
}

function convertBoolean(entity: Entity, text: string, def: FieldDef | undefined): boolean {
  const number = entity.kind === 'word' ? parseIntegerText(text) : undefined;
  if (number !== undefined) return number !== 0n;
  const lower = text.toLowerCase();
  // `true`/`false` are accepted as in Wireshark 4.2 (tshark 4.0 rejects them: docs/filters.md).
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const tfs = def?.tfs ?? DEFAULT_TFS;
  if (lower === tfs[0].toLowerCase()) return true;
  if (lower === tfs[1].toLowerCase()) return false;
  fail(Messages.notInValues(text, def?.abbrev ?? 'this field'), entity.start, entity.length);
}

/** parseHexBytes parses `aa:bb:cc`, `aa-bb`, `aabb.ccdd`, `aabbcc`; returns undefined when invalid. */
export function parseHexBytes(text: string): Uint8Array | undefined {
  const out: number[] = [];
  const parts = /[:.\-]/.test(text) ? text.split(/[:.\-]/) : [text];
  const separated = parts.length > 1;
  for (const part of parts) {
    if (!/^[0-9a-fA-F]+$/.test(part)) return undefined;
    if (separated && part.length === 1) {
      out.push(parseInt(part, HEX));
      continue;
    }
    if (part.length % 2 !== 0 || (separated && part.length > 4)) return undefined;
    for (let i = 0; i < part.length; i += 2) out.push(parseInt(part.slice(i, i + 2), HEX));
  }
  return Uint8Array.from(out);
}

function convertBytes(entity: Entity, text: string, type: FieldType): Uint8Array {
  if (type === 'ether') {
    const bytes = parseHexBytes(text);
    if (!bytes) fail(Messages.notEther(text), entity.start, entity.length);
    if (bytes.length < ETHER_BYTES) fail(Messages.etherFew(text), entity.start, entity.length);
    if (bytes.length > ETHER_BYTES) fail(Messages.etherMany(text), entity.start, entity.length);
    return bytes;
  }
  const hexNumber = /^0[xX]([0-9a-fA-F]{1,2})$/.exec(text);
  if (hexNumber) return Uint8Array.of(parseInt(hexNumber[1]!, HEX));
  const bytes = parseHexBytes(text);
  if (!bytes) fail(Messages.notBytes(text), entity.start, entity.length);
  return bytes;
}

/** parseIpv4 parses a dotted quad to a u32, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let addr = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > OCTET_MAX) return undefined;
    addr = addr * (OCTET_MAX + 1) + octet;
  }
  return addr;
}

function convertIpv4(entity: Entity, text: string): Ipv4Constant {
  const slash = text.indexOf('/');
  const host = slash >= 0 ? text.slice(0, slash) : text;
  const addr = parseIpv4(host);
  if (addr === undefined) fail(Messages.notIPv4(host), entity.start, entity.length);
  if (slash < 0) return { addr, mask: 0xffffffff };
  const bitsText = text.slice(slash + 1);
  if (!/^\d+$/.test(bitsText)) fail(Messages.notIPv4(text), entity.start, entity.length);
  const bits = Number(bitsText);
  if (bits > IPV4_BITS) fail(Messages.netmask(bitsText), entity.start, entity.length);
  const mask = bits === 0 ? 0 : (0xffffffff << (IPV4_BITS - bits)) >>> 0;
  return { addr: (addr & mask) >>> 0, mask };
}

/** parseIpv6 parses RFC 4291 text (with `::` and a trailing dotted quad) to 16 bytes, or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(parseInt(piece, HEX));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = IPV6_GROUPS - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(IPV6_BYTES);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function convertIpv6(entity: Entity, text: string): Ipv6Constant {
  const slash = text.indexOf('/');
  const host = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseIpv6(host);
  if (!bytes) fail(Messages.notIPv6(host), entity.start, entity.length);
  if (slash < 0) return { bytes, prefix: IPV6_BITS };
  const bitsText = text.slice(slash + 1);
  if (!/^\d+$/.test(bitsText)) fail(Messages.notIPv6(text), entity.start, entity.length);
  const prefix = Number(bitsText);
  if (prefix > IPV6_BITS) fail(Messages.prefix(bitsText), entity.start, entity.length);
  return { bytes, prefix };
}

/**
 * parseAbsoluteTime accepts tshark 4.0's forms: `2011-07-04 12:34:56[.frac]` (also with `T`),
 * `Nov 12, 1999 08:55:44[.frac]`, seconds optional, and a trailing `Z`/`UTC` for UTC; otherwise local time.
 */
export function parseAbsoluteTime(text: string): Timestamp | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC)?$/i.exec(text.trim());
  let year: number, month: number, day: number;
  if (m) {
    year = Number(m[1]);
    month = Number(m[2]) - 1;
    day = Number(m[3]);
  } else {
    m = /^([A-Za-z]{3}) +(\d{1,2}), *(\d{4}) +(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC)?$/i.exec(text.trim());
    if (!m) return undefined;
    month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return undefined;
    day = Number(m[2]);
    year = Number(m[3]);
  }
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? '' : m[7].slice(1);
  const nsec = Number((fraction + '0'.repeat(NANO_DIGITS)).slice(0, NANO_DIGITS));
  const utc = m[8] !== undefined;
  const date = utc ? new Date(Date.UTC(year, month, day, hour, minute, second)) : new Date(year, month, day, hour, minute, second);
  // Reject dates the Date constructor normalised (Feb 30 → Mar 2), as strptime would.
  const check = utc
    ? [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()]
    : [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes()];
  if (Number.isNaN(date.getTime()) || check[0] !== year || check[1] !== month || check[2] !== day || check[4] !== minute) {
    return undefined;
  }
  return { sec: Math.floor(date.getTime() / MS_PER_SECOND), nsec: nsec % NANOS_PER_SECOND };
}
