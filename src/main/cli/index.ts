/**
 * `wirelab` command line: a tshark-compatible front end to the engine, run under plain Node from
 * `bin/wirelab.js` (after `npm run build`) or directly as `node out/main/cli.js`. The same flags as
 * tshark 4.0 (`-r FILE -Y FILTER -T fields -e FIELD -E … -V -x -w -c -o -d -2 -R -z`) give the same
 * output byte for byte where the engine dissects like Wireshark, so any answer can be diffed with tshark
 * (docs/cli.md lists the differences). Subcommands owned by other parts of the app are routed through
 * {@link SUBCOMMANDS}.
 *
 * Exit codes are tshark's: 0 success, 1 bad command line (usage, unknown preference, bad field), 2 a file
 * that cannot be read or is damaged (after printing every readable frame), 2 an invalid filter, 1 a live
 * capture that cannot start or fails (`-i`, see ./capture.ts).
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import type { DissectionSession } from '../engine/decode/session';
import { openCaptureWriter, type CaptureWriter } from '../engine/file/writer';
import { CaptureFileError, type CaptureFileInfo, type CaptureRecord } from '../engine/file/types';
import { CaptureError } from '../engine/capture/types';
import { parseArgs, USAGE, type CliOptions } from './args';
import { OutputBuffer, jsonFrame, type ByteSink, type FrameView, type Sink } from './output';
import { parallelRefusal, runParallel, shardCount, workerFile } from './parallel';
import { planRun, writeFrame } from './plan';
import { OpenError, runPipeline, type PipelineResult, type PipelineSpec } from './pipeline';
import type { CaptureTarget, LiveResult } from './capture';
import { credentialsReport, followReport } from './stats';

const VERSION = '0.1.0';

/** CliIO is where the CLI writes; tests pass their own to capture output in-process. */
export interface CliIO {
  /** stdout sink; may throw {@link BrokenPipe} to stop the run quietly. */
  stdout: Sink;
  /** the same stdout for bytes already encoded as UTF-8 (optional: without it, output goes to `stdout`). */
  stdoutBytes?: ByteSink;
  stderr: (text: string) => void;
  /**
   * true when stdout and stderr are the same file (a terminal, `2>&1`): tshark then separates the
   * frames from a read error with an empty line on stderr.
   */
  sameTarget: boolean;
}

/** BrokenPipe is thrown by the stdout sink when the reader went away (`wirelab … | head`). */
export class BrokenPipe extends Error {
  constructor() {
    super('broken pipe');
    this.name = 'BrokenPipe';
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** fdSink writes text synchronously to a file descriptor (see fdBytesSink). */
function fdSink(fd: number): Sink {
  const write = fdBytesSink(fd);
  return (chunk: string) => write(Buffer.from(chunk, 'utf8'));
}

/** fdBytesSink writes synchronously to a file descriptor, retrying EAGAIN; EPIPE becomes BrokenPipe. */
function fdBytesSink(fd: number): ByteSink {
  return (bytes: Uint8Array) => {
    let offset = 0;
    let wait = 0.05;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset);
        wait = 0.05;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EAGAIN') {
          // A non-blocking descriptor whose reader is behind: wait a little, longer while it stays full
          // (50 µs doubling to 2 ms), so a fast reader is not kept waiting a whole millisecond each time.
          Atomics.wait(pause, 0, 0, wait);
          wait = Math.min(wait * 2, 2);
          continue;
        }
        if (code === 'EPIPE') throw new BrokenPipe();
        throw error;
      }
    }
  };
}

function sameFile(a: number, b: number): boolean {
  try {
    const x = fstatSync(a);
    const y = fstatSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** processIO is the real process's stdout/stderr. */
export function processIO(): CliIO {
  const stderr = fdSink(2);
  return {
    stdout: fdSink(1),
    stdoutBytes: fdBytesSink(1),
    stderr: (text) => {
      try {
        stderr(text);
      } catch {
        // nowhere left to report
      }
    },
    sameTarget: sameFile(1, 2),
  };
}

/** Subcommand runs `wirelab NAME …` with the words after NAME and resolves to the exit code. */
export type Subcommand = (argv: string[], io: CliIO) => Promise<number>;

/**
 * SUBCOMMANDS is the dispatch table for `wirelab NAME …`: owners plug their command in here. Modules
 * are imported on demand so that `wirelab -r` does not load the web host.
 */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  check: async (argv) => (await import('./check')).runCheckCommand(argv),
  web: async (argv) => (await import('../web/main')).runWebCommand(argv),
  labserver: async (argv, io) => (await import('./labserver')).runLabServerCommand(argv, io),
};

/** main runs the CLI with `argv` (without `node` and the script) and resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const sub = argv.length > 0 ? SUBCOMMANDS[argv[0]] : undefined;
  if (sub !== undefined && Object.hasOwn(SUBCOMMANDS, argv[0])) return sub(argv.slice(1), io);
  if (argv.length === 0) {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    const [first, ...rest] = parsed.error.lines;
    io.stderr(`wirelab: ${first}\n` + rest.map((l) => l + '\n').join('') + (parsed.error.usage ? '\n' + USAGE : ''));
    return parsed.error.exitCode;
  }
  const options = parsed.options;
  if (options.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (options.version) {
    io.stdout(`wirelab ${VERSION} (Wirelab's tshark-compatible command line; output modelled on TShark 4.0)\n`);
    return 0;
  }
  if (options.listInterfaces) {
    const report = (await import('./capture')).interfacesReport();
    io.stdout(report.stdout);
    if (report.stderr !== '') io.stderr(`wirelab: ${report.stderr}`);
    return report.code;
  }
  try {
    return await run(options, io);
  } catch (error) {
    if (error instanceof BrokenPipe) return 0;
    throw error;
  }
}

/** bytesOut is a byte sink that follows what `out` buffered so far (text written before stays first). */
function bytesOut(out: OutputBuffer, io: CliIO): ByteSink {
  out.flush();
  if (io.stdoutBytes) return io.stdoutBytes;
  const decoder = new StringDecoder('utf8');
  return (bytes) => io.stdout(decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
}

/** fileSize is the size of a file to read, 0 when it cannot be told (reading reports why). */
function fileSize(path: string | undefined): number {
  try {
    return path === undefined ? 0 : statSync(path).size;
  } catch {
    return 0;
  }
}

/** fail prints `wirelab: message` and returns the exit code. */
function fail(io: CliIO, message: string, code: number): number {
  io.stderr(`wirelab: ${message}\n`);
  return code;
}

/** fileErrorMessage words a capture file problem as tshark does, with our precise reason after it. */
function fileErrorMessage(path: string, error: CaptureFileError): string {
  // tshark names `-r -` "the standard input".
  const file = path === '-' ? 'The standard input' : `The file "${path}"`;
  if (error.code === 'bad-magic' || error.code === 'bad-version') {
    return `${file} isn't a capture file in a format Wirelab understands.\n(${error.message})`;
  }
  if (error.code === 'truncated') {
    return `${file} appears to have been cut short in the middle of a packet.\n(${error.message})`;
  }
  if (error.code === 'io') return `An error occurred while reading from ${path === '-' ? 'the standard input' : `the file "${path}"`}.\n(${error.message})`;
  return `${file} appears to be damaged or corrupt.\n(${error.message})`;
}

/**
 * spoolStdin copies standard input to its end into a temporary file and returns its path (`-r -`): the
 * reader, `-2`'s second pass and `-z follow` read a file by path, and gzip input is recognised there.
 */
function spoolStdin(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelab-stdin-')), 'stdin');
  const fd = openSync(file, 'w');
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EAGAIN') {
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        if (code === 'EOF') break;
        throw error;
      }
      if (n === 0) break;
      for (let done = 0; done < n; ) done += writeSync(fd, buffer, done, n - done);
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

async function run(o: CliOptions, io: CliIO): Promise<number> {
  if (o.readFile !== '-') return runWith(o, io, o.readFile);
  // `-r -` reads standard input, as tshark does; messages still name the file "-".
  let spool: string;
  try {
    spool = spoolStdin();
  } catch (error) {
    return fail(io, `An error occurred while reading from the standard input.\n(${(error as Error).message})`, 2);
  }
  try {
    return await runWith(o, io, spool);
  } finally {
    rmSync(dirname(spool), { recursive: true, force: true });
  }
}

/** runWith runs the options, reading the capture from `readPath` (o.readFile, or the spool of stdin). */
async function runWith(o: CliOptions, io: CliIO, readPath: string | undefined): Promise<number> {
  // Live capture: `-i` is a name or the number `-D` prints (resolved first, as tshark's option loop does).
  let live: CaptureTarget | undefined;
  if (o.iface !== undefined) {
    const target = (await import('./capture')).captureTarget(o.iface);
    if ('error' in target) return fail(io, target.error, 1);
    live = target;
  }
  // The registry, preferences, decode-as rules, fields and filters are checked before reading.
  const planned = planRun(o);
  for (const warning of planned.ok ? planned.plan.warnings : planned.warnings) io.stderr(`wirelab: ${warning}\n`);
  if (!planned.ok) return fail(io, planned.message, planned.code);
  const plan = planned.plan;
  const { readFilter, displayFilter, stats, printing, json, fields, mode, interest, columns } = plan;

  const out = new OutputBuffer(io.stdout, io.stdoutBytes);
  let sessionUsed: DissectionSession | undefined;
  const makeSession = (): DissectionSession => (sessionUsed = plan.makeSession());

  let writer: CaptureWriter | undefined;
  let writerError: string | undefined;
  // `-w -` writes the capture to standard output, as tshark does (args.ts refuses packet output with it).
  // A string-only stdout (an in-process caller) gets the bytes as latin1 text, one character a byte.
  const sink =
    o.writeFile !== '-' ? undefined : (io.stdoutBytes ?? ((bytes: Uint8Array) => io.stdout(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'))));
  const openWriter = (info: CaptureFileInfo): void => {
    if (writer !== undefined || writerError !== undefined || o.writeFile === undefined) return;
    try {
      if (o.writeFormat === 'pcap' || o.writeFormat === 'nsecpcap') {
        const linktypes = new Set(info.interfaces.map((i) => i.linktype));
        if (linktypes.size > 1) throw new Error('a pcap file holds one link type; this capture has several (use -F pcapng)');
        const first = info.interfaces[0];
        writer = openCaptureWriter(o.writeFile, {
          sink,
          format: 'pcap',
          linktype: first?.linktype ?? 1,
          snaplen: first?.snaplen || 262144,
          // tshark's "pcap" is the microsecond format (nanoseconds are truncated), "nsecpcap" the other.
          nanosecond: o.writeFormat === 'nsecpcap',
        });
      } else {
        const decimal = info.interfaces.every((i) => Number.isInteger(Math.log10(i.tsResolNs)) && i.tsResolNs <= 1e9);
        writer = openCaptureWriter(o.writeFile, {
          sink,
          format: 'pcapng',
          linktype: info.interfaces[0]?.linktype ?? 1,
          ...(decimal ? { interfaces: info.interfaces } : { nanosecond: true }),
        });
      }
    } catch (error) {
      writerError = error instanceof Error ? error.message : String(error);
    }
  };
  let captureInfo: CaptureFileInfo | undefined;

  if (fields && o.fieldsOptions.header) out.write(fields.header());
  else if (fields && o.fieldsOptions.bom) out.write('\ufeff');
  let jsonCount = 0;
  if (json) out.write('[\n');

  const onFrame = (v: FrameView, record: CaptureRecord): void => {
    if (o.writeFile !== undefined && writerError === undefined) {
      if (writer === undefined) openWriter(infoOf(record));
      if (writer !== undefined) {
        const rec: Parameters<CaptureWriter['write']>[0] = {
          tsSec: record.tsSec,
          tsNsec: record.tsNsec,
          data: record.data,
          origLen: record.origLen,
          interfaceId: record.interfaceId,
        };
        if (record.comment !== undefined) rec.comment = record.comment;
        writer.write(rec);
      }
    }
    if (!printing) return;
    if (json) out.write((jsonCount++ === 0 ? '  ' : ',\n  ') + jsonFrame(v));
    else writeFrame(plan, out, v, o.onlyProtocols);
    // Live capture prints every frame as it arrives.
    if (o.lineBuffered || live !== undefined) out.flush();
  };
  // The writer needs the file's interfaces; the pipeline hands records, so keep the latest info.
  const infoOf = (record: CaptureRecord): CaptureFileInfo =>
    captureInfo ?? { format: 'pcap', nanosecond: false, byteOrder: 'le', versionMajor: 2, versionMinor: 4, compressed: false, interfaces: [{ linktype: record.linktype, snaplen: 262144, tsResolNs: 1000 }], comments: [] };

  let result: PipelineResult;
  let captured: LiveResult | undefined;
  try {
    const spec: PipelineSpec = {
      path: readPath ?? '',
      makeSession,
      mode,
      interest: mode === 'fields' ? interest : undefined,
      columns,
      count: o.count,
      twoPass: o.twoPass,
      displayFilter,
      readFilter,
      timeFormat: o.timeFormat,
      skip: plan.skip,
      onFrame,
      onInfo: (info) => {
        captureInfo = info;
      },
    };
    if (live !== undefined) {
      captured = await captureLive(live, o, io, spec);
      if (captured.failure !== undefined) throw captured.failure;
      result = { info: captured.info, error: null, read: captured.status.packets, displayed: captured.displayed };
    } else {
      // Big files are sharded across worker threads when nothing printed depends on other shards.
      const shards = parallelRefusal(o, plan) === undefined ? shardCount(fileSize(readPath)) : 0;
      const file = shards > 0 ? workerFile(import.meta.url) : undefined;
      result =
        file !== undefined
          ? await runParallel({ path: spec.path, file, shards, plan, options: o, count: o.count, onInfo: spec.onInfo, out: bytesOut(out, io), err: io.stderr })
          : await runPipeline(spec);
    }
  } catch (error) {
    writer?.abort();
    if (error instanceof BrokenPipe) throw error;
    out.flush();
    if (error instanceof CaptureError) {
      // As tshark: the reason, then the count (nothing was captured, no file was written).
      io.stderr(`wirelab: ${error.message}\n0 packets captured\n`);
      return 1;
    }
    if (error instanceof OpenError) return fail(io, error.message, 2);
    if (error instanceof CaptureFileError) return fail(io, fileErrorMessage(o.readFile!, error), 2);
    throw error;
  }
  if (json) out.write(jsonCount > 0 ? '\n]\n' : ']\n');

  let code = 0;
  if (o.writeFile !== undefined) {
    if (writer === undefined && writerError === undefined && result.info !== undefined) openWriter(result.info);
    if (writer === undefined && writerError === undefined && result.info === undefined) {
      writerError = 'the input has no capture file header to copy the link type from';
    }
    if (writerError !== undefined) {
      out.flush();
      writer?.abort();
      return fail(io, `The file "${o.writeFile}" could not be written: ${writerError}`, 2);
    }
    try {
      writer!.close();
    } catch (error) {
      out.flush();
      return fail(io, `The file "${o.writeFile}" could not be written: ${(error as Error).message}`, 2);
    }
  }
  for (const s of stats) {
    if (s.kind === 'credentials' && sessionUsed !== undefined) out.write(credentialsReport(sessionUsed));
    if (s.kind === 'follow' && o.readFile !== undefined) out.write(await followReport(readPath!, s.mode, s.stream, {}, { count: o.count, readFilter: o.twoPass ? o.readFilter : undefined }));
  }
  out.flush();
  if (result.error !== null) {
    if (printing && io.sameTarget) io.stderr('\n');
    io.stderr(`wirelab: ${fileErrorMessage(o.readFile!, result.error)}\n`);
    code = 2;
  }
  if (captured !== undefined) {
    const { status } = captured;
    if (status.state === 'error') {
      io.stderr(`wirelab: ${status.error ?? 'the capture failed'}\n`);
      code = 1;
    }
    io.stderr(`${status.packets} packet${status.packets === 1 ? '' : 's'} captured\n`);
  }
  return code;
}

/**
 * captureLive runs `spec` on a live capture (`-i`): tshark's `Capturing on '…'` on stderr, then every
 * captured record through the same single pass and `onFrame` as a file. `-c N` and `-a packets:N` stop
 * after N captured packets (the smaller wins), `-a duration:S` after S seconds, `-a filesize:KB` after
 * KB × 1000 captured bytes; SIGINT/SIGTERM stop it. Rejects with a CaptureError when it cannot start.
 */
async function captureLive(target: CaptureTarget, o: CliOptions, io: CliIO, spec: PipelineSpec): Promise<LiveResult> {
  const { runLive } = await import('./capture');
  const limits = [o.count, o.autostop.packets].filter((n): n is number => n !== undefined);
  io.stderr(`Capturing on '${target.label}'\n`);
  return runLive({
    ...spec,
    iface: target.name,
    captureFilter: o.captureFilter,
    autostop: {
      seconds: o.autostop.duration,
      packets: limits.length > 0 ? Math.min(...limits) : undefined,
      bytes: o.autostop.filesize !== undefined ? o.autostop.filesize * 1000 : undefined,
    },
  });
}

/** isDirectRun is true when this module is the script Node was started with (not imported by bin/). */
function isDirectRun(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isDirectRun()) {
  process.exitCode = await main(process.argv.slice(2));
}
