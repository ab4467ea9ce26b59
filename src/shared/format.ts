/**
 * Formatting of field values, in the two forms Wireshark has, matched against tshark 4.0:
 *  - the plain form tshark prints for `-T fields` (and "apply as filter"): {@link formatFieldValue};
 *  - the display form inside tree labels (`Source Port: 25`, `Type: IPv4 (0x0800)`,
 *    `0100 .... = Version: 4`): {@link formatDisplayValue}, {@link defaultLabel}, {@link bitPrefix}.
 *
 * tshark 4.0 rules implemented here (checked by test/unit/decode/format.test.ts and the conformance tests):
 *  - integers in `-T fields`: BASE_DEC / BASE_DEC_HEX print decimal; BASE_HEX / BASE_HEX_DEC print
 *    `0x` + lower-case hex zero-padded to the width of the field type (uint8 → 2 digits, uint16 → 4,
 *    uint24 → 6, uint32 → 8), also for masked fields (ip.flags `0x02`); value tables are not applied.
 *  - integers in labels: BASE_DEC `17`, BASE_HEX `0x0800`, BASE_DEC_HEX `7213 (0x1c2d)`, BASE_HEX_DEC
 *    `0x1234 (4660)`; masked hex fields are padded to the number of hex digits of the mask (`0x2`,
 *    `0x62391`); with a value table `UDP (17)` / `IPv4 (0x0800)`, unknown values `Unknown (13)`.
 *  - booleans print `1`/`0` in fields and `Set`/`Not set` (or the field's true/false strings) in labels.
 *  - bitmask fields get the bit picture prefix `.... ..1. = ` covering the field's width.
 *  - bytes print as plain lower-case hex without separators; labels stop after 36 bytes with `…`.
 *  - ether `00:1b:21:0a:0b:0c`, IPv6 compressed as Wireshark's inet_ntop6 does (longest run of ≥ 2 zero
 *    groups, embedded IPv4 for `::a.b.c.d` and `::ffff:a.b.c.d`).
 *  - abstime: `Nov 26, 2026 16:53:03.123456789 UTC`, day space-padded (`Jan  1, 1970`) (Wireshark's local time; Wirelab always uses UTC,
 *    see docs/wireshark-differences.md); an abstime field declared with base `dec` is Wireshark's
 *    ABSOLUTE_TIME_UNIX and prints `1795712694.501488000` (frame.time_epoch).
 *  - reltime: seconds with 9 decimals (`0.000169000`); labels add ` seconds`.
 *  - strings: non-printable characters escaped as Wireshark's format_text does (`\r`, `\n`, `\t`,
 *    `\xhh`), both in fields and labels.
 * Pure TypeScript (used by the renderer too).
 */
import type { FieldDef, FieldType, FieldValue, Timestamp } from './fields';

function isTimestamp(v: FieldValue): v is Timestamp {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

const HEX = '0123456789abcdef';

/** formatHexBytes prints bytes as lower-case hex with an optional separator. */
export function formatHexBytes(bytes: Uint8Array, sep = '', max = bytes.length): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    if (i && sep) s += sep;
    const b = bytes[i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

/** formatIpv4 prints a u32 as dotted quad. */
export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** formatEther prints six bytes as `aa:bb:cc:dd:ee:ff`. */
export function formatEther(bytes: Uint8Array): string {
  return formatHexBytes(bytes, ':');
}

/**
 * formatIpv6 prints 16 bytes as Wireshark's ws_inet_ntop6 (BSD inet_ntop): the longest run of at least
 * two zero groups becomes `::` (the first of equal runs), groups in lower-case hex without leading zeros,
 * and IPv4-compatible (`::a.b.c.d`) or IPv4-mapped (`::ffff:a.b.c.d`) addresses end in dotted quad.
 */
export function formatIpv6(bytes: Uint8Array): string {
  if (bytes.length !== 16) return formatHexBytes(bytes, ':');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    s += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ':';
  return s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** formatAbsTime prints Wireshark's absolute time in UTC: `Nov 26, 2026 16:53:03.123456789 UTC`. */
export function formatAbsTime(ts: Timestamp): string {
  const d = new Date(ts.sec * 1000);
  if (Number.isNaN(d.getTime())) return 'Not representable';
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(ts.nsec, 9)} UTC`
  );
}

/** formatEpochTime prints `seconds.nanoseconds` with 9 decimals (ABSOLUTE_TIME_UNIX). */
export function formatEpochTime(ts: Timestamp): string {
  if (ts.sec < 0 && ts.nsec > 0) {
    // Wireshark prints the sign once and the magnitude of the fraction.
    return `-${-ts.sec - 1}.${pad(1_000_000_000 - ts.nsec, 9)}`;
  }
  return `${ts.sec}.${pad(ts.nsec, 9)}`;
}

/** formatRelTime prints seconds with 9 decimals, as Wireshark prints relative times. */
export function formatRelTime(seconds: number): string {
  const negative = seconds < 0;
  const abs = Math.abs(seconds);
  let whole = Math.floor(abs);
  let nanos = Math.round((abs - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  return `${negative ? '-' : ''}${whole}.${pad(nanos, 9)}`;
}

/**
 * escapeText escapes a string as Wireshark's format_text: printable ASCII and printable non-ASCII
 * characters stay, `\a \b \f \n \r \t \v` are C escapes, other ASCII control characters octal (`\001`,
 * `\177`) and C1 controls `\u0085`.
 */
export function escapeText(s: string): string {
  let out: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0)) {
      if (out !== undefined) out += s[i];
      continue;
    }
    if (out === undefined) out = s.slice(0, i);
    switch (c) {
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 11:
        out += '\\v';
        break;
      default:
        // tshark 4.0's format_text: an ASCII control character in octal, a C1 one as \uXXXX.
        out += c < 0x80 ? '\\' + c.toString(8).padStart(3, '0') : '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out ?? s;
}

/** typeBits is the width in bits of an integer field type (0 for other types). */
export function typeBits(type: FieldType): number {
  switch (type) {
    case 'uint8':
      return 8;
    case 'uint16':
      return 16;
    case 'uint24':
      return 24;
    case 'uint32':
    case 'int32':
    case 'framenum':
      return 32;
    case 'uint64':
      return 64;
    default:
      return 0;
  }
}

function maskShift(mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return shift;
}

function bitCount(n: number): number {
  let count = 0;
  for (let m = n >>> 0; m; m >>>= 1) if (m & 1) count++;
  return count;
}

/** fieldBits is the width of the bit picture for a masked field: the type width, or for booleans the mask's bytes. */
export function fieldBits(def: FieldDef): number {
  const width = typeBits(def.type);
  if (width) return width;
  const mask = def.bitmask ?? 0;
  let top = 0;
  for (let m = mask >>> 0; m; m >>>= 1) top++;
  return Math.max(8, Math.ceil(top / 8) * 8);
}

/**
 * bitPrefix is Wireshark's bit picture of a masked field, e.g. `.... ..1. .... .... .... .... = `
 * (`value` is the field value, i.e. already masked and shifted; booleans give 1/0). `widthBits`
 * overrides the picture width (TCP's 12-bit flags).
 */
export function bitPrefix(def: FieldDef, value: FieldValue, widthBits = fieldBits(def)): string {
  const mask = def.bitmask ?? 0;
  const shift = maskShift(mask);
  const raw = typeof value === 'boolean' ? (value ? mask : 0) : typeof value === 'number' ? (value * 2 ** shift) : 0;
  let s = '';
  for (let bit = widthBits - 1; bit >= 0; bit--) {
    const inMask = Math.floor(mask / 2 ** bit) % 2 === 1;
    s += inMask ? (Math.floor(raw / 2 ** bit) % 2 === 1 ? '1' : '0') : '.';
    if (bit % 4 === 0 && bit !== 0) s += ' ';
  }
  return s + ' = ';
}

function hexDigitsFor(def: FieldDef): number {
  if (def.bitmask) return Math.max(1, Math.ceil(bitCount(def.bitmask) / 4));
  return Math.max(2, typeBits(def.type) / 4);
}

function hexOf(value: number | bigint, digits: number): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}

/** formatFieldValue prints a value as tshark's `-T fields` does. */
export function formatFieldValue(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  switch (def.type) {
    case 'ipv4':
      return typeof value === 'number' ? formatIpv4(value) : String(value);
    case 'ipv6':
      return value instanceof Uint8Array ? formatIpv6(value) : String(value);
    case 'ether':
      return value instanceof Uint8Array ? formatEther(value) : String(value);
    case 'abstime':
      if (!isTimestamp(value)) return String(value);
      return def.base === 'dec' ? formatEpochTime(value) : formatAbsTime(value);
    case 'reltime':
      return typeof value === 'number' ? formatRelTime(value) : String(value);
    case 'string':
      return typeof value === 'string' ? escapeText(value) : String(value);
    case 'boolean':
      return value === true || (typeof value === 'number' && value !== 0) ? '1' : '0';
    default:
      break;
  }
  if (value instanceof Uint8Array) return formatHexBytes(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'bigint') {
    if ((def.base === 'hex' || def.base === 'hex_dec') && typeBits(def.type)) {
      return hexOf(value, typeBits(def.type) / 4);
    }
    if (def.base === 'oct') return value === 0 || value === 0n ? '0' : '0' + value.toString(8);
    return String(value);
  }
  if (isTimestamp(value)) return formatEpochTime(value);
  return String(value);
}

/** formatInteger prints an integer as it appears in a label, without a value table. */
export function formatInteger(def: FieldDef, value: number | bigint): string {
  switch (def.base) {
    case 'hex':
      return hexOf(value, hexDigitsFor(def));
    case 'hex_dec':
      return `${hexOf(value, hexDigitsFor(def))} (${value})`;
    case 'dec_hex':
      return `${value} (${hexOf(value, hexDigitsFor(def))})`;
    case 'oct':
      return value === 0 || value === 0n ? '0' : '0' + value.toString(8);
    default:
      return String(value);
  }
}

/** formatDisplayValue prints a value as it appears in a tree label after `Name: `. */
export function formatDisplayValue(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  switch (def.type) {
    case 'boolean': {
      const on = value === true || (typeof value === 'number' && value !== 0);
      const tfs = def.tfs ?? ['Set', 'Not set'];
      return on ? tfs[0] : tfs[1];
    }
    case 'bytes':
      if (value instanceof Uint8Array) {
        return value.length > 36 ? formatHexBytes(value, '', 36) + '…' : formatHexBytes(value);
      }
      break;
    case 'abstime':
      if (isTimestamp(value)) return def.base === 'dec' ? `${formatEpochTime(value)} seconds` : formatAbsTime(value);
      break;
    case 'reltime':
      if (typeof value === 'number') return `${formatRelTime(value)} seconds`;
      break;
    default:
      break;
  }
  if ((typeof value === 'number' || typeof value === 'bigint') && typeBits(def.type)) {
    if (def.values && typeof value === 'number') {
      const meaning = def.values[value] ?? 'Unknown';
      // BASE_NONE value strings (checksum status) show the meaning alone.
      if (def.base === 'none') return meaning;
      const raw = def.base === 'hex' || def.base === 'hex_dec' ? hexOf(value, hexDigitsFor(def)) : String(value);
      return `${meaning} (${raw})`;
    }
    return formatInteger(def, value);
  }
  return formatFieldValue(def, value);
}

/**
 * bitfieldLabel is `<bit picture> = Name: value` with an explicit picture width in bits — for boolean
 * fields that Wireshark declares wider than their mask (DNS flags are 16-bit, TCP flags 12-bit).
 */
export function bitfieldLabel(def: FieldDef, value: FieldValue, widthBits?: number): string {
  return bitPrefix(def, value, widthBits) + `${def.name}: ${formatDisplayValue(def, value)}`;
}

/** defaultLabel is the label of an item that has none of its own: `Name: value`, with the bit picture of masked fields. */
export function defaultLabel(def: FieldDef, value: FieldValue): string {
  if (def.type === 'protocol' || def.type === 'none') return def.name;
  const text = `${def.name}: ${formatDisplayValue(def, value)}`;
  return def.bitmask ? bitPrefix(def, value) + text : text;
}
