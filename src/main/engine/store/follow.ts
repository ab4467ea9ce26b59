/**
 * Follow TCP Stream over a loaded capture, and tshark's `-z follow,tcp,ascii|hex|raw,N` text layouts.
 *
 * The stream's frames are found through the `tcp.stream` hot column (no dissection of other frames);
 * each is dissected once for its payload and sequence number. Per direction, bytes already delivered are
 * dropped (retransmissions, overlaps), so the text is what the application received, in frame order as
 * Wireshark shows it. Node 0 is the side that sent the stream's first frame (normally the client).
 */
import type { FollowChunk, FollowResult } from '../../../shared/contract';
import { formatIpv4 } from '../../../shared/format';
import type { PacketStore } from './packet-store';

const INTEREST = new Set(['tcp.payload', 'tcp.seq', 'tcp.srcport', 'tcp.dstport', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.stream']);

function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/**
 * followStream collects the payload of TCP stream `stream`. Throws when the stream does not exist.
 * `include` limits it to some frames (the CLI's `-c` and `-R`: tshark's follow sees only the frames it read).
 */
export function followStream(store: PacketStore, stream: number, include?: (n: number) => boolean): FollowResult {
  const column = store.hotColumn('tcp.stream');
  if (!column) throw new Error('Follow TCP Stream needs the TCP dissector (tcp.stream is not available).');
  const view = store.fieldsView(INTEREST);
  const chunks: FollowChunk[] = [];
  let client = '';
  let server = '';
  let clientKey = '';
  const next: [number | undefined, number | undefined] = [undefined, undefined];
  for (let n = 1; n <= store.size; n++) {
    if (column[n] !== stream) continue;
    if (include !== undefined && !include(n)) continue;
    const f = view.at(n);
    const srcPort = f.get('tcp.srcport')?.[0]?.value as number;
    const dstPort = f.get('tcp.dstport')?.[0]?.value as number;
    const v4src = f.get('ip.src')?.[0]?.value;
    const v4dst = f.get('ip.dst')?.[0]?.value;
    const v6src = f.get('ipv6.src')?.[0]?.value;
    const v6dst = f.get('ipv6.dst')?.[0]?.value;
    const src =
      typeof v4src === 'number' ? formatIpv4(v4src) : v6src instanceof Uint8Array ? ipv6Text(v6src) : '?';
    const dst =
      typeof v4dst === 'number' ? formatIpv4(v4dst) : v6dst instanceof Uint8Array ? ipv6Text(v6dst) : '?';
    const srcKey = `${src}:${srcPort}`;
    if (clientKey === '') {
      clientKey = srcKey;
      // tshark writes IPv6 endpoints in brackets: [::1]:25
      client = src.includes(':') ? `[${src}]:${srcPort}` : srcKey;
      server = dst.includes(':') ? `[${dst}]:${dstPort}` : `${dst}:${dstPort}`;
    }
    const dir: 0 | 1 = srcKey === clientKey ? 0 : 1;
    const payloadOcc = f.get('tcp.payload')?.[0];
    if (!payloadOcc || !(payloadOcc.value instanceof Uint8Array) || payloadOcc.value.length === 0) continue;
    let bytes = payloadOcc.value;
    const seq = f.get('tcp.seq')?.[0]?.value;
    if (typeof seq === 'number') {
      const expected = next[dir];
      if (expected !== undefined) {
        const already = expected - seq;
        if (already >= bytes.length) continue; // a retransmission of delivered bytes
        if (already > 0) bytes = bytes.subarray(already);
        // Bytes the capture never saw are marked as tshark marks them (the text ends with a NUL byte).
        if (already < 0) chunks.push({ dir, frame: n, bytes: new TextEncoder().encode(`[${-already} bytes missing in capture file]\0`) });
      }
      next[dir] = Math.max(expected ?? 0, seq + payloadOcc.value.length);
    }
    chunks.push({ dir, frame: n, bytes: bytes.slice() });
  }
  if (clientKey === '') throw new Error(`There is no TCP stream ${stream} in this capture.`);
  return { stream, client, server, chunks };
}

const RULE = '===================================================================';

function asciiOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  return s;
}

function hexLines(bytes: Uint8Array, start: number, indent: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex: string[] = [];
    let text = '';
    for (let k = 0; k < row.length; k++) {
      hex.push((k === 8 ? ' ' : '') + row[k].toString(16).padStart(2, '0'));
      if (k === 8) text += ' ';
      text += row[k] >= 0x20 && row[k] < 0x7f ? String.fromCharCode(row[k]) : '.';
    }
    // tshark: upper-case offset, the hex field padded to its full width, the text with trailing blanks cut.
    const offset = (start + i).toString(16).toUpperCase().padStart(8, '0');
    out += `${indent}${offset}  ${hex.join(' ').padEnd(HEX_FIELD_WIDTH)}  ${text.trimEnd()}\n`;
  }
  return out;
}

/** HEX_FIELD_WIDTH is the width of 16 bytes in hex: "xx " × 16 minus the last blank, plus the middle gap. */
const HEX_FIELD_WIDTH = 48;

/** formatFollow prints a FollowResult exactly as `tshark -q -z follow,tcp,MODE,N` does. */
export function formatFollow(result: FollowResult, mode: 'ascii' | 'hex' | 'raw'): string {
  let out = `\n${RULE}\nFollow: tcp,${mode}\nFilter: tcp.stream eq ${result.stream}\nNode 0: ${result.client}\nNode 1: ${result.server}\n`;
  const offsets = [0, 0];
  for (const chunk of result.chunks) {
    const indent = chunk.dir === 1 ? '\t' : '';
    if (mode === 'ascii') out += `${indent}${chunk.bytes.length}\n${asciiOf(chunk.bytes)}\n`;
    else if (mode === 'raw') out += `${indent}${Buffer.from(chunk.bytes).toString('hex')}\n`;
    else out += hexLines(chunk.bytes, offsets[chunk.dir], indent);
    offsets[chunk.dir] += chunk.bytes.length;
  }
  return out + `${RULE}\n`;
}
