/**
 * 10^5 half-open TCP streams (a SYN flood with one data segment each, no handshake completing) through
 * the full first pass, as the GUI runs it (frozen data kept). Prints the per-packet time percentiles and
 * the heap growth: the stream table and the reassembly buffers must stay capped (issue target: memory
 * capped, no per-packet time over 1 ms at p99). Compared with tshark's wall time and peak RSS on the same
 * file. Environment: HALF_OPEN (default 100000).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureWriter } from '../src/main/engine/file/writer';
import { readCaptureFileSync } from '../src/main/engine/file/reader';
import { PacketStore } from '../src/main/engine/store/packet-store';
import { allModules } from '../src/main/engine/modules';
import { ACK, PSH, SYN, ipv4, tcpFrame } from './lib/packets';
import { measure } from './lib/measure';

const n = Number(process.env.HALF_OPEN ?? 100_000);
const file = join(mkdtempSync(join(tmpdir(), 'wirelab-halfopen-')), 'half-open.pcap');
const writer = openCaptureWriter(file, { format: 'pcap', linktype: 1 });
const server = ipv4('10.0.0.25');
for (let i = 0; i < n; i++) {
  const client = ipv4(`192.168.${(i >> 8) & 255}.${i & 255}`);
  const port = 1024 + (i % 60000);
  const isn = (i * 2654435761) >>> 0;
  writer.write({ tsSec: 1_776_000_000 + Math.floor(i / 10000), tsNsec: (i % 10000) * 100_000, data: tcpFrame(client, server, port, 25, isn, 0, SYN, new Uint8Array(0)) });
  // Data that never gets acknowledged, out of order (seq + 100), so it is buffered in the reassembler.
  const payload = new TextEncoder().encode('EHLO half-open\r\n');
  writer.write({ tsSec: 1_776_000_000 + Math.floor(i / 10000), tsNsec: (i % 10000) * 100_000 + 50_000, data: tcpFrame(client, server, port, 25, (isn + 101) >>> 0, 1, PSH | ACK, payload) });
}
writer.close();

const records = readCaptureFileSync(file).records;
global.gc?.();
const heap0 = process.memoryUsage().heapUsed;
const store = new PacketStore(allModules);
const times = new Float64Array(records.length);
for (let i = 0; i < records.length; i++) {
  const t = performance.now();
  store.append(records[i]);
  times[i] = performance.now() - t;
}
global.gc?.();
const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
const sorted = [...times].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(
  `${n} half-open streams (${records.length} packets): per-packet p50 ${(pct(50) * 1000).toFixed(1)} µs, p99 ${(pct(99) * 1000).toFixed(1)} µs ` +
    `(≤ 1000 µs), max ${pct(100).toFixed(2)} ms; heap growth ${heapMb.toFixed(0)} MB including the stored frames`,
);
const theirs = measure('tshark', ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE']);
const ours = measure(process.execPath, [join(process.cwd(), 'bin', 'wirelab.js'), '-r', file]);
console.log(
  `same file, summary output: wirelab ${ours.wallSeconds.toFixed(2)} s ${ours.peakRssMb.toFixed(0)} MB | tshark ${theirs.wallSeconds.toFixed(2)} s ${theirs.peakRssMb.toFixed(0)} MB`,
);
void SYN;
