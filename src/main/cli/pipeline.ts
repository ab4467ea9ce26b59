/**
 * The CLI's dissection pipeline: records stream from the capture file (the file layer's push parser, fed
 * 1 MiB chunks read synchronously, or gunzipped chunks for .gz) and each chunk's records are dissected
 * synchronously, one after the other, by a {@link DissectionSession} — no Promise per frame. For every
 * record the pipeline computes the times tshark uses (first frame, previous captured frame, previous
 * displayed frame), dissects in the tree mode the output needs (`none` for summaries, `fields` with an
 * interest set for `-T fields` and filters, `full` for -V/-x/json), evaluates the read and display
 * filters through a reused {@link TreeFrameFields}, and hands displayed frames to `onFrame`.
 *
 * Two-pass mode (`-2`) re-reads the file instead of keeping records in memory, so memory stays flat on
 * big files (the session keeps only the per-frame data its dissectors freeze): pass 1 dissects every
 * record with `firstPass: true` and no tree, pass 2 dissects again with `firstPass: false` and prints.
 * With `-R` (only valid with `-2`), records failing the read filter are dropped before numbering, as
 * tshark does: a first scan finds the kept records, then both passes run on them alone, renumbered.
 */
import { closeSync, openSync, readSync, createReadStream, statSync, type Stats } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { CompiledFilter } from '../../shared/filter/index';
import { CaptureParser, READ_CHUNK_SIZE } from '../engine/file/reader';
import { CaptureFileError, type CaptureFileInfo, type CaptureRecord } from '../engine/file/types';
import type { FrameInput } from '../engine/decode/protocol';
import type { DissectionSession, DissectOptions } from '../engine/decode/session';
import type { TreeMode } from '../engine/decode/tree';
import { TreeFrameFields } from '../engine/store/frame-fields';
import { timePrecision, type FrameView } from './output';
import type { TimeFormat } from './args';

/** OpenError is a file that could not be opened at all (tshark exits 2 with these words). */
export class OpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenError';
  }
}

/** ReadOutcome is how reading ended. */
export interface ReadOutcome {
  info: CaptureFileInfo | undefined;
  /** the error that ended reading early (records before it were delivered), or null. */
  error: CaptureFileError | null;
  /** records delivered */
  records: number;
}

/**
 * BatchHandler processes one chunk's records; returning false stops reading. It may return a promise
 * (the parallel reader waits there while its workers are busy) and the next chunk is read after it.
 */
type BatchHandler = (records: CaptureRecord[], info: CaptureFileInfo) => boolean | Promise<boolean>;

function openFailure(path: string, error: unknown): OpenError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return new OpenError(`The file "${path}" doesn't exist.`);
  if (code === 'EACCES' || code === 'EPERM') return new OpenError(`You don't have permission to read the file "${path}".`);
  if (code === 'EISDIR') return new OpenError(`"${path}" is a directory (folder), not a file.`);
  const reason = error instanceof Error ? error.message : String(error);
  return new OpenError(`The file "${path}" could not be opened: ${reason}.`);
}

/**
 * streamRecords reads a capture file and calls `onBatch` with the records of each chunk. Throws
 * OpenError when the file cannot be opened, and CaptureFileError when it has no readable header.
 * A zero-byte file is an empty capture (tshark prints nothing and succeeds). `readAgain` says the caller
 * reads the file more than once (-2), which a FIFO cannot be.
 */
export async function streamRecords(path: string, onBatch: BatchHandler, readAgain = false): Promise<ReadOutcome> {
  // As tshark (wiretap's file_open): a directory, a device or a socket is refused before it is opened,
  // and so is a FIFO when it has to be read twice (`readAgain`: -2); opening a FIFO waits for a writer.
  let kind: Stats;
  try {
    kind = statSync(path);
  } catch (error) {
    throw openFailure(path, error);
  }
  if (kind.isDirectory()) throw openFailure(path, Object.assign(new Error('directory'), { code: 'EISDIR' }));
  if (kind.isFIFO()) {
    if (readAgain) throw new OpenError(`The file "${path}" is a pipe or FIFO; Wirelab can't read pipe or FIFO files in two-pass mode.`);
  } else if (!kind.isFile()) {
    throw new OpenError(`The file "${path}" is a "special file" or socket or other non-regular file.`);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw openFailure(path, error);
  }
  let closed = false;
  const close = (): void => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  try {
    const read = (): Uint8Array | null => {
      // A fresh buffer per chunk: records keep views into it (the parser's contract).
      const buffer = Buffer.allocUnsafeSlow(READ_CHUNK_SIZE);
      let n: number;
      try {
        n = readSync(fd, buffer, 0, READ_CHUNK_SIZE, null);
      } catch (error) {
        throw new CaptureFileError('io', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, 0);
      }
      return n === 0 ? null : buffer.subarray(0, n);
    };
    const first = read();
    if (first === null) return { info: undefined, error: null, records: 0 };
    const compressed = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
    const parser = new CaptureParser({ compressed });
    let records = 0;
    let stopped = false;
    const deliver = async (chunk: Uint8Array): Promise<boolean> => {
      const batch = parser.push(chunk);
      records += batch.length;
      if (batch.length > 0 && !(await onBatch(batch, parser.info!))) {
        stopped = true;
        return false;
      }
      return parser.error === null;
    };
    let streamFailure: CaptureFileError | null = null;
    if (!compressed) {
      for (let chunk: Uint8Array | null = first; chunk !== null; chunk = read()) if (!(await deliver(chunk))) break;
    } else {
      close();
      const gunzip = createReadStream(path).pipe(createGunzip({ chunkSize: READ_CHUNK_SIZE }));
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) if (!(await deliver(chunk))) break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        streamFailure =
          code === 'Z_BUF_ERROR'
            ? new CaptureFileError('truncated', `truncated gzip stream after decompressed byte offset ${parser.bytesParsed}`, parser.bytesParsed)
            : new CaptureFileError('bad-block', `corrupt gzip data after decompressed byte offset ${parser.bytesParsed}`, parser.bytesParsed);
      } finally {
        gunzip.destroy();
      }
    }
    if (stopped) return { info: parser.info, error: null, records };
    const parseFailure = parser.error;
    const endFailure = parser.end();
    const error = parseFailure ?? streamFailure ?? endFailure;
    if (parser.info === undefined) throw error ?? new CaptureFileError('truncated', 'no capture file header', 0);
    return { info: parser.info, error, records };
  } finally {
    close();
  }
}

/** PipelineSpec says what to dissect and how. */
export interface PipelineSpec {
  path: string;
  /** makeSession returns a fresh session (two-pass with -R needs a second one). */
  makeSession: () => DissectionSession;
  mode: TreeMode;
  /** fields kept in `fields` mode (output fields plus filter fields). */
  interest?: ReadonlySet<string>;
  /** columns: false when nothing reads the Packet List columns (`-T fields` without `_ws.col.*`). */
  columns?: boolean;
  count?: number;
  twoPass: boolean;
  displayFilter?: CompiledFilter;
  readFilter?: CompiledFilter;
  /** `-t`: the Time column's format (default `r`) */
  timeFormat?: TimeFormat;
  /** records not to dissect: they cannot be displayed or change what is (RunPlan.skip) */
  skip?: (linktype: number, data: Uint8Array) => boolean;
  /** called for every displayed frame, in order. */
  onFrame: (view: FrameView, record: CaptureRecord) => void;
  /** called with the file's facts before the frames of each chunk (interfaces may grow in pcapng). */
  onInfo?: (info: CaptureFileInfo) => void;
}

/** PipelineResult is how the run ended. */
export interface PipelineResult {
  info: CaptureFileInfo | undefined;
  error: CaptureFileError | null;
  /** records read (before filtering) */
  read: number;
  /** frames displayed */
  displayed: number;
}

/** FrameClock tracks first / previous / previous displayed times and per-interface time precision. */
class FrameClock {
  firstSec = 0;
  firstNsec = 0;
  prevSec = 0;
  prevNsec = 0;
  prevDisplayedSec = 0;
  prevDisplayedNsec = 0;
  started = false;
  private firstSet = false;
  private anyDisplayed = false;
  private digits: number[] = [];

  /**
   * noteFirst fixes the time reference: the first record of the file, even when `-R` drops it (tshark
   * keeps frame.time_relative relative to the file's first record).
   */
  noteFirst(rec: CaptureRecord): void {
    if (this.firstSet) return;
    this.firstSet = true;
    this.firstSec = rec.tsSec;
    this.firstNsec = rec.tsNsec;
  }

  /** setTimes fixes the first and previous record's times (a shard's reader knows them, not the shard). */
  setTimes(first: { sec: number; nsec: number }, prev: { sec: number; nsec: number }): void {
    this.started = this.firstSet = true;
    this.firstSec = first.sec;
    this.firstNsec = first.nsec;
    this.prevSec = prev.sec;
    this.prevNsec = prev.nsec;
  }

  /**
   * frameInput is the FrameInput of the next record: a new object, or `into` rewritten (a one-pass reader
   * whose frames are dropped before the next one, see DissectOptions.reuse).
   */
  frameInput(number: number, rec: CaptureRecord, info: CaptureFileInfo, into?: FrameInput): FrameInput {
    if (!this.started) {
      this.started = true;
      this.noteFirst(rec);
      this.prevSec = rec.tsSec;
      this.prevNsec = rec.tsNsec;
    }
    // Until a frame was displayed, frame.time_delta_displayed is 0 (tshark: the frame is its own reference).
    if (!this.anyDisplayed) {
      this.prevDisplayedSec = rec.tsSec;
      this.prevDisplayedNsec = rec.tsNsec;
    }
    const iface = info.interfaces[rec.interfaceId];
    if (into !== undefined) {
      into.number = number;
      into.tsSec = rec.tsSec;
      into.tsNsec = rec.tsNsec;
      into.firstSec = this.firstSec;
      into.firstNsec = this.firstNsec;
      into.prevSec = this.prevSec;
      into.prevNsec = this.prevNsec;
      into.prevDisplayedSec = this.prevDisplayedSec;
      into.prevDisplayedNsec = this.prevDisplayedNsec;
      into.caplen = rec.caplen;
      into.origLen = rec.origLen;
      into.linktype = rec.linktype;
      into.interfaceId = rec.interfaceId;
      into.interfaceName = iface?.name;
      into.comment = rec.comment;
      into.data = rec.data;
      return into;
    }
    const frame: FrameInput = {
      number,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
      firstSec: this.firstSec,
      firstNsec: this.firstNsec,
      prevSec: this.prevSec,
      prevNsec: this.prevNsec,
      prevDisplayedSec: this.prevDisplayedSec,
      prevDisplayedNsec: this.prevDisplayedNsec,
      caplen: rec.caplen,
      origLen: rec.origLen,
      linktype: rec.linktype,
      interfaceId: rec.interfaceId,
      // Present even when undefined: every FrameInput has the same shape.
      interfaceName: iface?.name,
      comment: rec.comment,
      data: rec.data,
    };
    return frame;
  }

  timeDigits(rec: CaptureRecord, info: CaptureFileInfo): number {
    let d = this.digits[rec.interfaceId];
    if (d === undefined) d = this.digits[rec.interfaceId] = timePrecision(info.interfaces[rec.interfaceId]?.tsResolNs ?? 1000);
    return d;
  }

  captured(rec: CaptureRecord): void {
    this.prevSec = rec.tsSec;
    this.prevNsec = rec.tsNsec;
  }

  /** skipped accounts for a record that is not dissected: it may be the first, and it is the previous. */
  skipped(rec: CaptureRecord): void {
    if (!this.started) {
      this.started = true;
      this.noteFirst(rec);
    }
    this.captured(rec);
  }

  displayed(rec: CaptureRecord): void {
    this.anyDisplayed = true;
    this.prevDisplayedSec = rec.tsSec;
    this.prevDisplayedNsec = rec.tsNsec;
  }
}

/** FrameSpec is what one pass over records needs (a file's chunks, or live capture's records). */
export type FrameSpec = Pick<PipelineSpec, 'makeSession' | 'mode' | 'interest' | 'columns' | 'displayFilter' | 'readFilter' | 'onFrame' | 'timeFormat' | 'skip'>;

/**
 * SinglePass dissects records one at a time, in order, in one session (first pass, the tree mode of the
 * spec), filters them and hands displayed frames to `onFrame`. The file pipeline feeds it each chunk's
 * records; live capture (`./capture.ts`) feeds it each captured record.
 */
export class SinglePass {
  /** records taken (the number of the last frame) */
  read = 0;
  /** frames handed to onFrame */
  displayed = 0;
  private readonly session: DissectionSession;
  private readonly clock = new FrameClock();
  private readonly adapter = new TreeFrameFields();
  private readonly options: DissectOptions;
  /**
   * The frame and view handed out for the current record, rewritten for the next: every result of a
   * reusing session is dropped before the next record (onFrame prints it or copies the record).
   */
  private frame: FrameInput | undefined = undefined;
  private view: FrameView | undefined = undefined;

  constructor(private readonly spec: FrameSpec) {
    this.session = spec.makeSession();
    this.options = { firstPass: true, mode: spec.mode, interest: spec.interest, columns: spec.columns ?? true, reuse: true };
  }

  /**
   * pushShard dissects a record of one shard of a file (./parallel.ts): its frame number and the times
   * of the file's first record and of the record before it come from the reader, which saw them all.
   */
  pushShard(rec: CaptureRecord, info: CaptureFileInfo, number: number, first: { sec: number; nsec: number }, prev: { sec: number; nsec: number }): void {
    this.clock.setTimes(first, prev);
    this.read = number - 1;
    this.push(rec, info);
  }

  /** push dissects the next record, with `info` the facts of its file (or live interface). */
  push(rec: CaptureRecord, info: CaptureFileInfo): void {
    const { displayFilter, readFilter, skip } = this.spec;
    const clock = this.clock;
    if (skip !== undefined && skip(rec.linktype, rec.data)) {
      this.read++;
      clock.skipped(rec);
      return;
    }
    const frame = (this.frame = clock.frameInput(++this.read, rec, info, this.frame));
    const result = this.session.dissect(frame, this.options);
    clock.captured(rec);
    if (readFilter !== undefined || displayFilter !== undefined) {
      const adapter = this.adapter.reset(result.tree, result.sources);
      if (readFilter !== undefined && !readFilter.evaluate(adapter)) return;
      if (displayFilter !== undefined && !displayFilter.evaluate(adapter)) return;
    }
    clock.displayed(rec);
    this.displayed++;
    let view = this.view;
    if (view === undefined) view = this.view = { frame, result, timeDigits: 0, timeFormat: this.spec.timeFormat };
    view.frame = frame;
    view.result = result;
    view.timeDigits = clock.timeDigits(rec, info);
    this.spec.onFrame(view, rec);
  }
}

/**
 * runPipeline dissects the file and calls `spec.onFrame` for displayed frames. Throws OpenError /
 * CaptureFileError when the file cannot be read at all; a damaged tail is returned as `error` after
 * every readable frame was processed.
 */
export async function runPipeline(spec: PipelineSpec): Promise<PipelineResult> {
  if (spec.twoPass) return runTwoPass(spec);
  const pass = new SinglePass(spec);
  const count = spec.count ?? Infinity;
  const outcome = await streamRecords(spec.path, (records, info) => {
    spec.onInfo?.(info);
    for (let i = 0; i < records.length; i++) {
      if (pass.read >= count) return false;
      pass.push(records[i], info);
    }
    return pass.read < count;
  });
  return { info: outcome.info, error: outcome.error, read: pass.read, displayed: pass.displayed };
}

async function runTwoPass(spec: PipelineSpec): Promise<PipelineResult> {
  const count = spec.count ?? Infinity;
  // Records kept by -R (by index of the record in the file); undefined = all.
  let kept: Uint8Array | undefined;
  if (spec.readFilter !== undefined) {
    const filter = spec.readFilter;
    const scan = spec.makeSession();
    const clock = new FrameClock();
    const adapter = new TreeFrameFields();
    const interest = new Set(filter.fields);
    const flags: number[] = [];
    let number = 0;
    await streamRecords(spec.path, (records, info) => {
      for (let i = 0; i < records.length; i++) {
        if (number >= count) return false;
        const rec = records[i];
        number++;
        const result = scan.dissect(clock.frameInput(number, rec, info), { firstPass: true, mode: 'fields', interest });
        clock.captured(rec);
        flags.push(filter.evaluate(adapter.reset(result.tree, result.sources)) ? 1 : 0);
      }
      return number < count;
    }, true);
    kept = Uint8Array.from(flags);
  }

  const session = spec.makeSession();
  // Pass 1: every kept record once, in order, with no tree.
  {
    const clock = new FrameClock();
    let index = 0;
    let number = 0;
    const outcome = await streamRecords(spec.path, (records, info) => {
      for (let i = 0; i < records.length; i++, index++) {
        if (index >= count) return false;
        clock.noteFirst(records[i]);
        if (kept !== undefined && kept[index] === 0) continue;
        const rec = records[i];
        number++;
        session.dissect(clock.frameInput(number, rec, info), { firstPass: true, mode: 'none' });
        clock.captured(rec);
      }
      return index < count;
    }, true);
    if (outcome.records === 0) return { info: outcome.info, error: outcome.error, read: 0, displayed: 0 };
  }
  // Pass 2: dissect again from frozen state, filter and print.
  const clock = new FrameClock();
  const adapter = new TreeFrameFields();
  const options = { firstPass: false, mode: spec.mode, interest: spec.interest, columns: spec.columns ?? true };
  const { displayFilter, onFrame } = spec;
  let index = 0;
  let number = 0;
  let displayed = 0;
  const outcome = await streamRecords(spec.path, (records, info) => {
    spec.onInfo?.(info);
    for (let i = 0; i < records.length; i++, index++) {
      if (index >= count) return false;
      clock.noteFirst(records[i]);
      if (kept !== undefined && kept[index] === 0) continue;
      const rec = records[i];
      number++;
      const frame = clock.frameInput(number, rec, info);
      const result = session.dissect(frame, options);
      clock.captured(rec);
      if (displayFilter !== undefined && !displayFilter.evaluate(adapter.reset(result.tree, result.sources))) continue;
      clock.displayed(rec);
      displayed++;
      onFrame({ frame, result, timeDigits: clock.timeDigits(rec, info), timeFormat: spec.timeFormat }, rec);
    }
    return index < count;
  }, true);
  return { info: outcome.info, error: outcome.error, read: Math.min(index, count), displayed };
}
