/**
 * ShardDissector dissects one shard of a file for the parallel reader (./parallel.ts): the records a
 * batch carries, in frame order, in one session planned from the run's options (./plan.ts), with the
 * frame numbers and times the reader saw. It returns the UTF-8 text of the displayed records back to
 * back, with per record whether it was displayed and where its text ends. The main thread runs one
 * shard itself and each worker thread (./worker.ts) one more.
 */
import type { CaptureFileInfo, CaptureRecord } from '../engine/file/types';
import type { CliOptions } from './args';
import type { FrameView } from './output';
import { SinglePass } from './pipeline';
import { OutputBuffer } from './output';
import { writeFrame, type RunPlan } from './plan';

/** numbers per record in a batch's meta array */
export const META = 9;

/** BatchMessage is one chunk's records for one shard. */
export interface BatchMessage {
  id: number;
  info: CaptureFileInfo;
  first: { sec: number; nsec: number };
  /** per record: number, tsSec, tsNsec, prevSec, prevNsec, origLen, linktype, interfaceId, end of its data */
  meta: Float64Array;
  data: Uint8Array;
  /** pcapng packet comments by record index in this batch */
  comments: Record<number, string> | null;
}

/**
 * BatchReply is a shard's output for one batch: the UTF-8 text of its displayed records back to back,
 * and per record whether it was displayed and where its text ends in `bytes`.
 */
export interface BatchReply {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  shown: Uint8Array<ArrayBuffer>;
  ends: Int32Array<ArrayBuffer>;
}

export class ShardDissector {
  private readonly pass: SinglePass;
  /** the batch's output so far, grown as the buffer hands it over */
  private bytes = new Uint8Array(1 << 20);
  private length = 0;
  private readonly out = new OutputBuffer(
    () => {
      throw new Error('shard output is bytes');
    },
    (chunk) => this.take(chunk),
  );
  private displayed = false;

  constructor(plan: RunPlan, options: CliOptions) {
    this.pass = new SinglePass({
      makeSession: plan.makeSession,
      mode: plan.mode,
      interest: plan.mode === 'fields' ? plan.interest : undefined,
      columns: plan.columns,
      displayFilter: plan.displayFilter,
      readFilter: plan.readFilter,
      timeFormat: options.timeFormat,
      onFrame: (v: FrameView) => {
        this.displayed = true;
        writeFrame(plan, this.out, v, options.onlyProtocols);
      },
    });
  }

  private take(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + chunk.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** process dissects a batch's records and returns their texts. */
  process(batch: BatchMessage): BatchReply {
    const { meta, data, comments, info, first } = batch;
    const records = meta.length / META;
    const shown = new Uint8Array(records);
    const ends = new Int32Array(records);
    const prev = { sec: 0, nsec: 0 };
    const base = this.out.size;
    this.length = 0;
    let start = 0;
    for (let k = 0; k < records; k++) {
      const at = k * META;
      const end = meta[at + 8];
      const rec: CaptureRecord = {
        tsSec: meta[at + 1],
        tsNsec: meta[at + 2],
        caplen: end - start,
        origLen: meta[at + 5],
        linktype: meta[at + 6],
        interfaceId: meta[at + 7],
        data: data.subarray(start, end),
        fileOffset: 0,
      };
      const comment = comments?.[k];
      if (comment !== undefined) rec.comment = comment;
      start = end;
      prev.sec = meta[at + 3];
      prev.nsec = meta[at + 4];
      this.displayed = false;
      this.pass.pushShard(rec, info, meta[at], first, prev);
      if (this.displayed) shown[k] = 1;
      ends[k] = this.out.size - base;
    }
    this.out.flush();
    // A copy of its own, so it can be transferred (the growing buffer is reused for the next batch).
    return { id: batch.id, bytes: this.bytes.slice(0, this.length), shown, ends };
  }
}
