/**
 * Formatting of field values, in the two forms Wireshark has: the display form inside tree labels
 * (`Source Port: 25`, `Flags: 0x018 (PSH, ACK)`), and the plain form tshark prints for `-T fields`
 * (`25`, `0x0018`) which is also what "apply as filter" inserts. Pure TypeScript (used by the renderer too).
 *
 * TODO(decode owner): align every type with tshark 4.0 output (checked by conformance tests).
 */
import type { FieldDef, FieldValue, Timestamp } from './fields';

function isTimestamp(v: FieldValue): v is Timestamp {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

function hex(bytes: Uint8Array, sep: string): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i && sep ? sep : '') + bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** formatIpv4 prints a u32 as dotted quad. */
export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** formatFieldValue prints a value as tshark's `-T fields` does. */
export function formatFieldValue(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  if (def.type === 'ipv4' && typeof value === 'number') return formatIpv4(value);
  if (value instanceof Uint8Array) return hex(value, def.type === 'ether' ? ':' : '');
  if (isTimestamp(value)) return `${value.sec}.${String(value.nsec).padStart(9, '0')}`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** formatDisplayValue prints a value as it appears in a tree label after `Name: `. */
export function formatDisplayValue(def: FieldDef, value: FieldValue): string {
  if (typeof value === 'number' && def.values && def.values[value] !== undefined) return `${def.values[value]} (${value})`;
  return formatFieldValue(def, value);
}

/** defaultLabel is the label of an item that has none of its own: `Name: value`. */
export function defaultLabel(def: FieldDef, value: FieldValue): string {
  if (def.type === 'protocol' || def.type === 'none') return def.name;
  return `${def.name}: ${formatDisplayValue(def, value)}`;
}
