/**
 * A dissection worker of the parallel reader (./parallel.ts): it plans the run from the same options
 * as the main thread (./plan.ts), dissects the records of its shard in frame order in one session,
 * filters them and replies with each record's printed text (null when not displayed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureRecord } from '../engine/file/types';
import type { FrameView } from './output';
import { META, type BatchMessage, type BatchReply, type WorkerSetup } from './parallel';
import { SinglePass } from './pipeline';
import { frameText, planRun } from './plan';

const { options } = workerData as WorkerSetup;
const planned = planRun(options);
if (!planned.ok) throw new Error(planned.message);
const plan = planned.plan;
let text: string | null = null;
const encoder = new TextEncoder();
const pass = new SinglePass({
  makeSession: plan.makeSession,
  mode: plan.mode,
  interest: plan.mode === 'fields' ? plan.interest : undefined,
  columns: plan.columns,
  displayFilter: plan.displayFilter,
  readFilter: plan.readFilter,
  onFrame: (v: FrameView) => {
    text = frameText(plan, v, options.onlyProtocols);
  },
});

parentPort!.on('message', (batch: BatchMessage) => {
  const { meta, data, comments, info, first } = batch;
  const records = meta.length / META;
  const shown = new Uint8Array(records);
  const ends = new Int32Array(records);
  let joined = '';
  const prev = { sec: 0, nsec: 0 };
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
    text = null;
    pass.pushShard(rec, info, meta[at], first, prev);
    if (text !== null) {
      shown[k] = 1;
      joined += text;
    }
    ends[k] = joined.length;
  }
  // Offsets were counted in UTF-16 units; recount in UTF-8 bytes when some text is not ASCII.
  // (an encoder's array owns its buffer, so it can be transferred; a small Buffer would share a pool)
  const bytes = encoder.encode(joined);
  if (bytes.length !== joined.length) {
    let end = 0;
    let from = 0;
    for (let k = 0; k < records; k++) {
      end += Buffer.byteLength(joined.slice(from, ends[k]), 'utf8');
      from = ends[k];
      ends[k] = end;
    }
  }
  const reply: BatchReply = { id: batch.id, bytes, shown, ends };
  parentPort!.postMessage(reply, [bytes.buffer, shown.buffer, ends.buffer]);
});
