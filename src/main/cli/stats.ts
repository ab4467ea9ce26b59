/**
 * `-z` statistics of the CLI. `-z credentials` prints the login attempts the SMTP/POP dissectors
 * collected on the first pass (src/main/engine/dissect/mailinfo.ts) in tshark 4.0's table layout
 * (ui/cli/tap-credentials.c: `%-10s %-16s %-16s %-16s` columns between two rules of 67 `=`).
 * `-z follow,tcp,ascii|hex|raw,N` is accepted but reports that it is not available yet: it needs a TCP
 * stream collector from the reassembly owner.
 */
import type { DissectionSession } from '../engine/decode/session';
import { credentials } from '../engine/dissect/mailinfo';

/** StatsRequest is one parsed `-z` argument. */
export type StatsRequest = { kind: 'credentials' } | { kind: 'follow'; mode: 'ascii' | 'hex' | 'raw'; stream: number };

/** parseStats checks every `-z` argument; throws with tshark-like words for unknown ones. */
export function parseStats(args: readonly string[]): StatsRequest[] {
  const out: StatsRequest[] = [];
  for (const arg of args) {
    if (arg === 'credentials') {
      out.push({ kind: 'credentials' });
      continue;
    }
    const follow = /^follow,tcp,(ascii|hex|raw),(\d+)$/.exec(arg);
    if (follow) {
      throw new Error(
        `-z ${arg}: following a TCP stream is not available yet in Wirelab (it needs the TCP stream collector); ` +
          'use -Y "tcp.stream eq N" -T fields -e tcp.payload meanwhile',
      );
    }
    if (arg.startsWith('follow,')) {
      throw new Error(`Invalid -z follow argument "${arg}": the form is follow,tcp,ascii|hex|raw,<stream index>`);
    }
    throw new Error(`Invalid -z argument "${arg}"; it must be one of:\n     credentials\n     follow,tcp,ascii|hex|raw,<stream>`);
  }
  return out;
}

const RULE = '='.repeat(67);

function col(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * credentialsReport lays out tshark's `-z credentials` table: the packet is the one carrying the
 * password (or the last frame of the attempt), the username as the dissector shows it, and the frame of
 * the username in Info.
 */
export function credentialsReport(session: DissectionSession): string {
  let out = `${RULE}\n${col('Packet', 10)} ${col('Protocol', 16)} ${col('Username', 16)} ${col('Info', 16)}\n`;
  out += '------     --------         --------         --------\n';
  for (const c of credentials(session)) {
    const packet = c.frames[1] ?? c.frames[0] ?? 0;
    const info = c.frames[0] !== undefined ? `Username in packet ${c.frames[0]}` : c.mechanism;
    out += `${col(String(packet), 10)} ${col(c.protocol.toUpperCase(), 16)} ${col(c.username ?? '', 16)} ${col(info, 16)}\n`;
  }
  return out + RULE + '\n';
}
