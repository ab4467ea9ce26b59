/**
 * tshark as the test oracle. Every run pins TZ=UTC and `tcp.desegment_tcp_streams:TRUE` (TESTING.md) so
 * results do not depend on the machine; callers add `smtp.decryption` and friends through `prefs`. The
 * "Running as user root" warning on stderr is ignored; any other stderr output with a non-zero exit
 * rejects.
 */
import { run, stripRootWarning, ToolError, type RunResult } from './tools';

/** TsharkFieldOptions adds a display filter, preferences, decode-as rules or two-pass analysis. */
export interface TsharkFieldOptions {
  /** display filter (`-Y`). */
  filter?: string;
  /** preferences (`-o name:value`), applied after the pinned ones so they can override them. */
  prefs?: Record<string, string>;
  /** decode-as rules (`-d tcp.port==2525,smtp`). */
  decodeAs?: string[];
  /** two-pass analysis (`-2`). */
  twoPass?: boolean;
  timeoutMs?: number;
}

const PINNED_PREFS = ['-o', 'tcp.desegment_tcp_streams:TRUE'];

function tsharkEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };
}

/** tsharkArgs builds the common part of a tshark command line for `file`. */
export function tsharkArgs(file: string, options: TsharkFieldOptions = {}): string[] {
  const args = ['-r', file, ...PINNED_PREFS];
  for (const [name, value] of Object.entries(options.prefs ?? {})) args.push('-o', `${name}:${value}`);
  for (const rule of options.decodeAs ?? []) args.push('-d', rule);
  if (options.twoPass) args.push('-2');
  if (options.filter !== undefined) args.push('-Y', options.filter);
  return args;
}

/**
 * tsharkFields runs `tshark -T fields` and returns one row per frame, one cell per field; repeated
 * occurrences of a field are joined with "," (`-E occurrence=a -E aggregator=,`).
 */
export async function tsharkFields(file: string, fields: string[], options: TsharkFieldOptions = {}): Promise<string[][]> {
  if (fields.length === 0) throw new Error('tsharkFields: no fields');
  const args = [
    ...tsharkArgs(file, options),
    '-T',
    'fields',
    '-E',
    'header=n',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
  ];
  for (const field of fields) args.push('-e', field);
  const result = await tsharkRaw(args, options.timeoutMs);
  if (result.code !== 0) {
    throw new ToolError(`tshark ${args.join(' ')}: exit ${result.code}\n${stripRootWarning(result.stderr)}`, undefined);
  }
  const text = result.stdout.replace(/\n$/, '');
  if (text === '') return [];
  return text.split('\n').map((line) => line.split('\t'));
}

/** tsharkRaw runs tshark with exactly `args` (plus TZ=UTC) and returns the outcome; it never rejects on exit codes. */
export async function tsharkRaw(args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const result: RunResult = await run('tshark', args, { env: tsharkEnv(), timeoutMs, allowFailure: true });
  return { stdout: result.stdout, stderr: stripRootWarning(result.stderr), code: result.code };
}
