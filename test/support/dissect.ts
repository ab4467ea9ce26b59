/**
 * dissectFile: read a capture with the engine's file reader and dissect every frame with all protocol
 * modules, as the first pass of a real load does (frames in order, prev/first times computed here).
 * Shared by decode, dissector and CLI tests. `mode` defaults to `full` so trees can be inspected;
 * `redissect` re-runs frames after the first pass (what a click in the Packet List does).
 */
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import type { CaptureFileInfo, CaptureRecord } from '../../src/main/engine/file/types';
import { allModules } from '../../src/main/engine/modules';
import type { FrameInput } from '../../src/main/engine/decode/protocol';
import { DissectionSession, type FrameResult, type SessionOptions } from '../../src/main/engine/decode/session';
import type { TreeMode } from '../../src/main/engine/decode/tree';
import type { DetailNode } from '../../src/shared/model';

/** DissectFileOptions select the tree mode, session options and an optional field interest set. */
export interface DissectFileOptions extends SessionOptions {
  mode?: TreeMode;
  interest?: ReadonlySet<string>;
}

/** DissectedFile is the session, the file info, the inputs and one result per frame. */
export interface DissectedFile {
  session: DissectionSession;
  info: CaptureFileInfo;
  inputs: FrameInput[];
  frames: FrameResult[];
  /** redissect dissects frame `number` (1-based) again, not as first pass. */
  redissect(number: number, mode?: TreeMode): FrameResult;
}

/** frameInputs turns reader records into FrameInputs with first/previous times. */
export function frameInputs(info: CaptureFileInfo, records: readonly CaptureRecord[]): FrameInput[] {
  const inputs: FrameInput[] = [];
  let prev: CaptureRecord | undefined;
  const first = records[0];
  records.forEach((r, i) => {
    const input: FrameInput = {
      number: i + 1,
      tsSec: r.tsSec,
      tsNsec: r.tsNsec,
      firstSec: first.tsSec,
      firstNsec: first.tsNsec,
      prevSec: (prev ?? r).tsSec,
      prevNsec: (prev ?? r).tsNsec,
      caplen: r.caplen,
      origLen: r.origLen,
      linktype: r.linktype,
      interfaceId: r.interfaceId,
      data: r.data,
    };
    if (info.format === 'pcapng') input.interfaceName = info.interfaces[r.interfaceId]?.name ?? 'unknown';
    if (r.comment !== undefined) input.comment = r.comment;
    inputs.push(input);
    prev = r;
  });
  return inputs;
}

/** dissectFile reads `path` and dissects every frame in order (first pass). */
export function dissectFile(path: string, options: DissectFileOptions = {}): DissectedFile {
  const { info, records, error } = readCaptureFileSync(path);
  if (error && records.length === 0) throw error;
  const session = new DissectionSession(allModules, options);
  const inputs = frameInputs(info, records);
  const mode = options.mode ?? 'full';
  const frames = inputs.map((input) => session.dissect(input, { firstPass: true, mode, interest: options.interest }));
  return {
    session,
    info,
    inputs,
    frames,
    redissect: (number, m = mode) => session.dissect(inputs[number - 1], { firstPass: false, mode: m, interest: options.interest }),
  };
}

/** findNode finds the first detail node (depth first) that `pred` accepts. */
export function findNode(nodes: DetailNode[] | undefined, pred: (n: DetailNode) => boolean): DetailNode | undefined {
  for (const n of nodes ?? []) {
    if (pred(n)) return n;
    const c = findNode(n.children, pred);
    if (c) return c;
  }
  return undefined;
}
