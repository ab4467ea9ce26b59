/**
 * Text layouts of Follow TCP Stream in the renderer (ASCII, hex dump, raw), as Wireshark's dialog shows
 * them: ASCII keeps CR, LF and printable bytes (as tshark) and shows others as "."; the hex dump counts offsets per
 * direction; raw is the bytes as hex. Pure functions, so the dialog and its tests share them.
 */
import type { FollowChunk } from '../../../../shared/contract';

/** FollowMode is how the data is shown. */
export type FollowMode = 'ascii' | 'hex' | 'raw';

/** asciiText shows bytes as text (non-printable bytes as "."). */
export function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  return s;
}

/** hexDump is the hex dump of one chunk starting at `offset` within its direction. */
export function hexDump(bytes: Uint8Array, offset: number): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    let hex = '';
    let text = '';
    for (let k = 0; k < 16; k++) {
      if (k === 8) hex += ' ';
      hex += k < row.length ? `${row[k].toString(16).padStart(2, '0')} ` : '   ';
      if (k < row.length) text += row[k] >= 0x20 && row[k] < 0x7f ? String.fromCharCode(row[k]) : '.';
    }
    out += `${(offset + i).toString(16).padStart(8, '0')}  ${hex} ${text}\n`;
  }
  return out;
}

/** rawHex is the bytes as one hex string and a newline. */
export function rawHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return `${s}\n`;
}

/** chunkTexts renders every chunk in a mode (hex offsets count per direction). */
export function chunkTexts(chunks: readonly FollowChunk[], mode: FollowMode): string[] {
  const offsets = [0, 0];
  return chunks.map((chunk) => {
    const text = mode === 'ascii' ? asciiText(chunk.bytes) : mode === 'hex' ? hexDump(chunk.bytes, offsets[chunk.dir]) : rawHex(chunk.bytes);
    offsets[chunk.dir] += chunk.bytes.length;
    return text;
  });
}
