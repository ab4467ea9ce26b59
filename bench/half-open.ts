/**
 * Half-open TCP streams (issue 3: "10^5 half-open streams: memory capped, no per-packet time over 1 ms at
 * p99"). Every stream is a client that sends a SYN, then a command line without its line end (a partial
 * PDU the desegmenter keeps pending), then a segment 100 bytes further on (buffered out of order in the
 * reassembler) — and never completes anything.
 *
 *  1. GUI path: HALF_OPEN streams (default 10^5) from a pcap through PacketStore (frozen data kept, as the
 *     GUI runs it): per-packet time percentiles, heap growth in total and per stream. This includes the
 *     stored frames and their frozen per-frame data, which grow with the frame count by design.
 *  2. The cap: the same traffic generated on the fly through a one-pass session (no frame data, as
 *     `wirelab -r` runs it), heap measured after HALF_OPEN and after HALF_OPEN_LARGE streams (default
 *     10^6): what stream state costs per stream beyond the live-state cap (docs/reassembly.md, "Per-stream
 *     memory"), with the live streams, their buffered/pending bytes and the evictions.
 *  3. The same file as 1 through `wirelab -r` and `tshark -r`: wall time and peak RSS.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureWriter } from '../src/main/engine/file/writer';
import { readCaptureFileSync } from '../src/main/engine/file/reader';
import { PacketStore } from '../src/main/engine/store/packet-store';
import { DissectionSession } from '../src/main/engine/decode/session';
import type { FrameInput } from '../src/main/engine/decode/protocol';
import { allModules } from '../src/main/engine/modules';
import {
  DEFAULT_LIVE_LIMITS,
  StreamRecords,
  type StreamTable,
} from '../src/main/engine/reassembly/stream-table';
import { ACK, PSH, SYN, ipv4, tcpFrame } from './lib/packets';
import { measure } from './lib/measure';

const n = Number(process.env.HALF_OPEN ?? 100_000);
const large = Number(process.env.HALF_OPEN_LARGE ?? 1_000_000);
const server = ipv4('10.0.0.25');
const partial = new TextEncoder().encode('EHLO half-open'); // no CRLF: pending PDU
const later = new TextEncoder().encode('client\r\n'); // after a 100-byte hole: buffered out of order

/** streamFrames are the three frames of half-open stream i. */
function streamFrames(i: number): Uint8Array[] {
  const client = (0xc0a80000 + (i & 0xffff)) >>> 0; // 192.168.x.y
  const port = 1024 + (i % 60000);
  const isn = (i * 2654435761) >>> 0;
  return [
    tcpFrame(client, server, port, 25, isn, 0, SYN, new Uint8Array(0)),
    tcpFrame(client, server, port, 25, isn + 1, 1, PSH | ACK, partial),
    tcpFrame(client, server, port, 25, isn + 1 + partial.length + 100, 1, PSH | ACK, later),
  ];
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
/** heapAfterGc is the JS heap plus ArrayBuffer memory (typed-array columns live outside the heap). */
function heapAfterGc(): number {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
function tableOf(session: DissectionSession): StreamTable<unknown, unknown> {
  // The TCP module's capture-wide state; read here for the figures only.
  return (
    session as unknown as { state: { conversations: Map<string, { table: StreamTable<unknown, unknown> }> } }
  ).state.conversations.get('tcp')!.table;
}
function liveFigures(table: StreamTable<unknown, unknown>): string {
  return `live streams ${table.liveCount} (cap ${DEFAULT_LIVE_LIMITS.maxLiveStreams}), buffered+pending ${mib(table.liveBytes)} MiB (cap ${mib(DEFAULT_LIVE_LIMITS.maxLiveBytes)}), evicted ${table.evictions}`;
}

// 1. GUI path from a file.
const file = join(mkdtempSync(join(tmpdir(), 'wirelab-halfopen-')), 'half-open.pcap');
const writer = openCaptureWriter(file, { format: 'pcap', linktype: 1 });
for (let i = 0; i < n; i++) {
  const frames = streamFrames(i);
  for (let k = 0; k < frames.length; k++) {
    writer.write({
      tsSec: 1_776_000_000 + Math.floor(i / 10000),
      tsNsec: (i % 10000) * 100_000 + k * 30_000,
      data: frames[k],
    });
  }
}
writer.close();

{
  const records = readCaptureFileSync(file).records;
  const heap0 = heapAfterGc();
  const store = new PacketStore(allModules);
  const times = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const t = performance.now();
    store.append(records[i]);
    times[i] = performance.now() - t;
  }
  const grown = heapAfterGc() - heap0;
  const sorted = Float64Array.from(times).sort();
  const pct = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  console.log(
    `GUI path, ${n} half-open streams (${records.length} packets): per-packet p50 ${(pct(50) * 1000).toFixed(1)} µs, p99 ${(pct(99) * 1000).toFixed(1)} µs ` +
      `(≤ 1000 µs), max ${pct(100).toFixed(2)} ms; heap + ArrayBuffer growth ${mib(grown)} MiB = ${(grown / n).toFixed(0)} B per stream ` +
      `(${(grown / records.length).toFixed(0)} B per frame, stored frames and frozen per-frame data included)`,
  );
  console.log(`  ${liveFigures(tableOf(store.session))}`);
}

// 2. The cap: stream state only, one pass, frames made on the fly.
{
  const session = new DissectionSession(allModules, { keepFrameData: false, trackRowUpdates: false });
  let number = 0;
  const first = { sec: 1_776_000_000, nsec: 0 };
  const dissect = (data: Uint8Array, sec: number, nsec: number): void => {
    number++;
    const input: FrameInput = {
      number,
      tsSec: sec,
      tsNsec: nsec,
      firstSec: first.sec,
      firstNsec: first.nsec,
      prevSec: sec,
      prevNsec: nsec,
      caplen: data.length,
      origLen: data.length,
      linktype: 1,
      interfaceId: 0,
      data,
    };
    session.dissect(input, { firstPass: true, mode: 'none', columns: false });
  };
  const run = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const frames = streamFrames(i);
      for (let k = 0; k < frames.length; k++)
        dissect(frames[k], first.sec + Math.floor(i / 10000), (i % 10000) * 100_000 + k * 30_000);
    }
  };
  const heap0 = heapAfterGc();
  const checkpoints = [Math.min(n, large), large];
  let done = 0;
  const heaps: number[] = [];
  for (const at of checkpoints) {
    run(done, at);
    done = at;
    heaps.push(heapAfterGc() - heap0);
    console.log(
      `one pass, ${at} half-open streams: heap + ArrayBuffer growth ${mib(heaps[heaps.length - 1])} MiB; ${liveFigures(tableOf(session))}`,
    );
  }
  if (checkpoints[1] > checkpoints[0]) {
    const perStream = (heaps[1] - heaps[0]) / (checkpoints[1] - checkpoints[0]);
    console.log(
      `  beyond the cap: ${perStream.toFixed(0)} B per further stream (durable columns ${StreamRecords.bytesPerStream} B + handle and index; ` +
        `reassembly, PDU and SMTP state bounded by the live-state cap)`,
    );
  }
}

// 3. The same file through the CLIs.
const theirs = measure('tshark', ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE']);
const ours = measure(process.execPath, [join(process.cwd(), 'bin', 'wirelab.js'), '-r', file]);
console.log(
  `same file, summary output: wirelab ${ours.wallSeconds.toFixed(2)} s ${ours.peakRssMb.toFixed(0)} MB | tshark ${theirs.wallSeconds.toFixed(2)} s ${theirs.peakRssMb.toFixed(0)} MB`,
);
