/** Formatting of the Packet Bytes pane: 16 bytes per line, offset / hex / ASCII as in Wireshark. */

/** BYTES_PER_LINE as in Wireshark's default hex pane. */
export const BYTES_PER_LINE = 16;

/** offsetText writes a line offset with 4 hex digits, more when the source is larger than 64 KiB. */
export function offsetText(offset: number, total: number): string {
  const digits = total > 0xffff ? Math.max(4, (total - 1).toString(16).length) : 4;
  return offset.toString(16).padStart(digits, '0');
}

/** hexByte is a byte as two lower-case hex digits. */
export function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** asciiChar shows printable ASCII and a dot for anything else. */
export function asciiChar(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}
