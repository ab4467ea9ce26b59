/**
 * Runtime comparison of field values with constants and with each other, per comparison family. These
 * functions run for every occurrence during evaluation, so they avoid allocation on the common paths
 * (numbers, strings, byte equality).
 */
import type { FieldValue, Timestamp } from '../fields';
import type { FieldOccurrence, FrameFields } from '../model';
import type { Constant, Family, Ipv4Constant, Ipv6Constant } from './literals';
import { utf8Decode, utf8Encode } from './lexer';

const IPV4_BYTES = 4;
const BYTE_BITS = 8;
const BYTE_MASK = 0xff;
const FULL_BYTE_MASK = 0xff00;
const LATIN1_CHUNK = 8192;

/** occurrenceBytes is the bytes an occurrence covers in its data source (how protocols compare). */
export function occurrenceBytes(frame: FrameFields, occ: FieldOccurrence): Uint8Array {
  return frame.sourceBytes(occ.src).subarray(occ.start, occ.start + occ.length);
}

/**
 * occurrenceData is a protocol's whole data from its start (FieldOccurrence.dataLength): what tshark's
 * `contains` and `matches` read. Other occurrences give their own bytes.
 */
export function occurrenceData(frame: FrameFields, occ: FieldOccurrence): Uint8Array {
  return frame.sourceBytes(occ.src).subarray(occ.start, occ.start + (occ.dataLength ?? occ.length));
}

/** compareNumeric orders two integers that may be number or bigint. */
export function compareNumeric(a: number | bigint, b: number | bigint): number {
  // NaN (a negative literal for an unsigned field) is unordered: every comparison with it is false.
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
  const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * compareBytes orders byte strings as Wireshark 4.0 does: the shorter one is smaller, and only equal
 * lengths compare byte by byte (verified: `tcp.payload > 4e` matches a payload starting with 0x4d).
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** bytesEqual compares byte strings for equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** indexOfBytes finds needle in haystack (naive search: subjects are single field occurrences). */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = 0; i <= last; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** compareTime orders absolute times. */
export function compareTime(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? (a.sec < b.sec ? -1 : 1) : a.nsec - b.nsec;
}

function ipv6PrefixEqual(value: Uint8Array, c: Ipv6Constant): boolean {
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= BYTE_BITS) {
    const mask = bits >= BYTE_BITS ? BYTE_MASK : (FULL_BYTE_MASK >> bits) & BYTE_MASK;
    if (((value[i]! ^ c.bytes[i]!) & mask) !== 0) return false;
  }
  return true;
}

/** latin1 turns bytes into a string of code units 0–255 so a regex can match binary data byte-wise. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += LATIN1_CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + LATIN1_CHUNK));
  }
  return out;
}

/** ipv4Bytes gives the 4 network-order bytes of an address. */
export function ipv4Bytes(addr: number): Uint8Array {
  const out = new Uint8Array(IPV4_BYTES);
  for (let i = 0; i < IPV4_BYTES; i++) out[i] = (addr >>> ((IPV4_BYTES - 1 - i) * BYTE_BITS)) & BYTE_MASK;
  return out;
}

/** asBytes views a value of a sliceable family as bytes (strings as UTF-8). */
export function asBytes(family: Family, value: FieldValue): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (family === 'string' && typeof value === 'string') return Uint8Array.from(utf8Encode(value));
  if (family === 'ipv4' && typeof value === 'number') return ipv4Bytes(value);
  return undefined;
}

/** asText gives the string a regex or `contains` sees for a string or bytes value. */
export function asText(value: FieldValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return latin1(value);
  return '';
}

/** equalsConstant builds the equality test of a value with a constant of a family. */
export function equalsConstant(family: Family, c: Constant): (v: FieldValue) => boolean {
  switch (family) {
    case 'int':
      if (typeof c === 'number') return (v) => v === c || (typeof v === 'bigint' && compareNumeric(v, c) === 0);
      return (v) => (typeof v === 'number' || typeof v === 'bigint') && compareNumeric(v, c as bigint) === 0;
    case 'bool':
      return (v) => !!v === c;
    case 'double':
      return (v) => v === c;
    case 'string':
      return (v) => v === c;
    case 'bytes': {
      const bytes = c as Uint8Array;
      return (v) => v instanceof Uint8Array && bytesEqual(v, bytes);
    }
    case 'ipv4': {
      const { addr, mask } = c as Ipv4Constant;
      return (v) => typeof v === 'number' && ((v ^ addr) & mask) === 0;
    }
    case 'ipv6':
      return (v) => v instanceof Uint8Array && ipv6PrefixEqual(v, c as Ipv6Constant);
    case 'time': {
      const t = c as Timestamp;
      return (v) => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.sec === t.sec && v.nsec === t.nsec;
    }
    case 'none':
      return () => false;
  }
}

/** compareConstant builds the ordering of a value against a constant (NaN when incomparable). */
export function compareConstant(family: Family, c: Constant): (v: FieldValue) => number {
  switch (family) {
    case 'int':
      return (v) => (typeof v === 'number' || typeof v === 'bigint' ? compareNumeric(v, c as number | bigint) : NaN);
    case 'bool':
      return (v) => Number(!!v) - Number(c as boolean);
    case 'double':
      return (v) => (typeof v === 'number' ? (v < (c as number) ? -1 : v > (c as number) ? 1 : 0) : NaN);
    case 'string':
      return (v) => (typeof v === 'string' ? (v < (c as string) ? -1 : v > (c as string) ? 1 : 0) : NaN);
    case 'bytes':
      return (v) => (v instanceof Uint8Array ? compareBytes(v, c as Uint8Array) : NaN);
    case 'ipv4':
      return (v) => (typeof v === 'number' ? compareNumeric(v, (c as Ipv4Constant).addr) : NaN);
    case 'ipv6':
      return (v) => (v instanceof Uint8Array ? compareBytes(v, (c as Ipv6Constant).bytes) : NaN);
    case 'time':
      return (v) => (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) ? compareTime(v, c as Timestamp) : NaN);
    case 'none':
      return () => NaN;
  }
}

/** compareValues orders two runtime values of the same family (field against field). */
export function compareValues(family: Family, a: FieldValue, b: FieldValue): number {
  switch (family) {
    case 'int':
    case 'ipv4':
      return (typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')
        ? compareNumeric(a, b)
        : NaN;
    case 'bool':
      return Number(!!a) - Number(!!b);
    case 'double':
      return typeof a === 'number' && typeof b === 'number' ? (a < b ? -1 : a > b ? 1 : 0) : NaN;
    case 'string':
      return typeof a === 'string' && typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : NaN;
    case 'bytes':
    case 'ipv6':
      return a instanceof Uint8Array && b instanceof Uint8Array ? compareBytes(a, b) : NaN;
    case 'time':
      return isTimestamp(a) && isTimestamp(b) ? compareTime(a, b) : NaN;
    case 'none':
      return NaN;
  }
}

function isTimestamp(v: FieldValue): v is Timestamp {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

/** displayString renders a value as the `string()` function sees it (Wireshark's display form, simplified). */
export function displayString(family: Family, value: FieldValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (family === 'ipv4' && typeof value === 'number') return Array.from(ipv4Bytes(value)).join('.');
    return value.toString();
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(':');
  if (value && typeof value === 'object') return `${value.sec}.${String(value.nsec).padStart(9, '0')}`;
  return '';
}

export { utf8Decode };
