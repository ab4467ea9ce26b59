/**
 * decode-speed: frames/s of the first pass in 'none' tree mode (what loading a capture and the Packet
 * List need) over a synthetic loop of Ethernet/IPv4/TCP and Ethernet/IPv4/UDP frames, plus 'fields'
 * and 'full' modes for comparison. Not a test: prints figures only.
 *   node out/bench/decode-speed.mjs [FRAMES]   (default 1 000 000)
 */
import { allModules } from '../src/main/engine/modules';
import { DissectionSession } from '../src/main/engine/decode/session';
import type { FrameInput } from '../src/main/engine/decode/protocol';
import type { TreeMode } from '../src/main/engine/decode/tree';

const FRAMES = Number(process.argv[2] ?? 1_000_000);

function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** frame builds an Ethernet/IPv4 frame carrying a TCP segment or UDP datagram with `payload` bytes. */
function frame(proto: 6 | 17, seq: number, payload: number, src: number): Uint8Array {
  const l4 = proto === 6 ? 20 : 8;
  const b = new Uint8Array(14 + 20 + l4 + payload);
  b.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  const ip = 14;
  const total = 20 + l4 + payload;
  b.set([0x45, 0, total >> 8, total & 255, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, src, 10, 0, 0, 1], ip);
  const c = checksum(b.subarray(ip, ip + 20));
  b[ip + 10] = c >> 8;
  b[ip + 11] = c & 255;
  const t = ip + 20;
  const sport = 40000 + src;
  if (proto === 6) {
    b.set([sport >> 8, sport & 255, 0x9c, 0x41, seq >>> 24, (seq >>> 16) & 255, (seq >>> 8) & 255, seq & 255, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0], t);
  } else {
    b.set([sport >> 8, sport & 255, 0x9c, 0x41, (8 + payload) >> 8, (8 + payload) & 255, 0, 0], t);
  }
  for (let i = t + l4; i < b.length; i++) b[i] = 0x61 + (i % 26);
  return b;
}

function run(label: string, proto: 6 | 17, mode: TreeMode, count: number): void {
  const session = new DissectionSession(allModules, { keepFrameData: false });
  const templates: Uint8Array[] = [];
  const seqs = [1, 1, 1, 1];
  const payload = 100;
  const interest = mode === 'fields' ? new Set(['ip.src', 'tcp.srcport', 'udp.srcport']) : undefined;
  const input: FrameInput = {
    number: 0, tsSec: 1_795_712_694, tsNsec: 0, firstSec: 1_795_712_694, firstNsec: 0, prevSec: 1_795_712_694, prevNsec: 0,
    caplen: 0, origLen: 0, linktype: 1, interfaceId: 0, data: new Uint8Array(0),
  };
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const stream = i & 3;
    // TCP needs increasing sequence numbers per stream; UDP frames are reused as they are.
    const data = proto === 6 ? frame(6, seqs[stream], payload, stream + 1) : (templates[stream] ??= frame(17, 0, payload, stream + 1));
    seqs[stream] = (seqs[stream] + payload) >>> 0;
    input.number = i + 1;
    input.tsNsec = (i % 1_000_000) * 1000;
    input.caplen = input.origLen = data.length;
    input.data = data;
    session.dissect({ ...input }, { firstPass: true, mode, interest });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = Math.round(count / seconds);
  console.log(`${label.padEnd(34)} ${String(count).padStart(9)} frames  ${seconds.toFixed(2).padStart(7)} s  ${rate.toLocaleString('en-US').padStart(12)} frames/s`);
}

const hasTcp = allModules.some((m) => m.proto.abbrev === 'tcp');
console.log(`# decode-speed (node ${process.version})`);
run('eth/ipv4/udp  none', 17, 'none', FRAMES);
if (hasTcp) run('eth/ipv4/tcp  none', 6, 'none', FRAMES);
run('eth/ipv4/udp  fields (3 fields)', 17, 'fields', Math.min(FRAMES, 200_000));
run('eth/ipv4/udp  full tree', 17, 'full', Math.min(FRAMES, 100_000));
