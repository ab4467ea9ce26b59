/**
 * `-z` statistics of the CLI. `-z credentials` prints the login attempts the SMTP/POP dissectors
 * collected on the first pass (src/main/engine/dissect/mailinfo.ts) in tshark 4.0's table layout
 * (ui/cli/tap-credentials.c: `%-10s %-16s %-16s %-16s` columns between two rules of 67 `=`).
 * `-z follow,tcp,ascii|hex|raw,N` loads the capture into a packet store and prints the stream with
 * src/main/engine/store/follow.ts in tshark's layout (an unknown stream prints tshark's empty report).
 */
import { compileFilter } from '../../shared/filter/index';
import type { DissectionSession } from '../engine/decode/session';
import { followStream, formatFollow } from '../engine/store/follow';
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
      out.push({ kind: 'follow', mode: follow[1] as 'ascii' | 'hex' | 'raw', stream: Number(follow[2]) });
      continue;
    }
    if (arg.startsWith('follow,')) {
      throw new Error(`Invalid -z follow argument "${arg}": the form is follow,tcp,ascii|hex|raw,<stream index>`);
    }
    throw new Error(`Invalid -z argument "${arg}"; it must be one of:\n     credentials\n     follow,tcp,ascii|hex|raw,<stream>`);
  }
  return out;
}

const RULE = '='.repeat(67);

/** col pads to `width` bytes of UTF-8, as C's printf("%-16s") does (`张三` is 6 bytes wide). */
function col(text: string, width: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes >= width ? text : text + ' '.repeat(width - bytes);
}

/**
 * credentialsReport lays out tshark's `-z credentials` table from the rows tshark's dissectors would
 * tap (Credential.tap): the packet carrying the password, the username as the dissector showed it,
 * and `Username in packet N` when the username came in another frame.
 */
export function credentialsReport(session: DissectionSession): string {
  let out = `${RULE}\n${col('Packet', 10)} ${col('Protocol', 16)} ${col('Username', 16)} ${col('Info', 16)}\n`;
  out += '------     --------         --------         --------\n';
  const taps = credentials(session)
    .flatMap((c) => (c.tap ? [c.tap] : []))
    .sort((a, b) => a.frame - b.frame);
  for (const t of taps) {
    const info = t.userFrame !== t.frame ? `Username in packet ${t.userFrame}` : '';
    out += `${col(String(t.frame), 10)} ${col(t.proto, 16)} ${col(t.username, 16)} ${col(info, 16)}\n`;
  }
  return out + RULE + '\n';
}

/** followReport prints `-z follow,tcp,MODE,N` for a capture file, as tshark does. */
export async function followReport(
  path: string,
  mode: 'ascii' | 'hex' | 'raw',
  stream: number,
  prefs: Record<string, string> = {},
  read: { count?: number; readFilter?: string } = {},
): Promise<string> {
  // Loaded on demand: the workbench (packet store, filters' planner, …) is not needed by other runs.
  const { Workbench } = await import('../engine/workbench');
  const workbench = new Workbench({ labServer: false });
  for (const [name, value] of Object.entries(prefs)) workbench['prefs.set'](name, value);
  await workbench['file.open'](path);
  // tshark's follow sees the frames it read: the first `-c` ones, and with `-2 -R` those the read filter
  // keeps (a display filter, -Y, does not hide frames from it).
  const store = workbench.packetStore;
  const count = read.count ?? Infinity;
  let include: ((n: number) => boolean) | undefined = count < store.size ? (n) => n <= count : undefined;
  if (read.readFilter !== undefined) {
    const compiled = compileFilter(read.readFilter, store.session.registry.fields);
    if (compiled.ok) {
      const view = store.fieldsView(new Set(compiled.filter.fields));
      include = (n) => n <= count && compiled.filter.evaluate(view.at(n));
    }
  }
  try {
    return formatFollow(followStream(store, stream, include), mode);
  } catch {
    // tshark prints the frame of an empty report for a stream that does not exist.
    return formatFollow({ stream, client: ':0', server: ':0', chunks: [] }, mode);
  }
}
