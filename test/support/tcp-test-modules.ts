/**
 * Test-only protocol modules and helpers for the TCP and reassembly tests:
 *  - `testip` (linktype 9999): a fake network layer — 4-byte IPv4 source, 4-byte destination, then a TCP
 *    segment — so TCP unit tests build frames without depending on the IP decoders;
 *  - `lines` (tcp.port 25): a line-based dissector that desegments on LF like Wireshark's SMTP request
 *    and response parsing (Info `C: line` to port 25, `S: line` from it, Protocol `SMTP`), used until the
 *    real SMTP dissector exists and to exercise TCP desegmentation in isolation;
 *  - frame builders (`tcpSegment`) and a capture-file dissector (`dissectRecords`) running the first pass
 *    in order and re-dissecting frames in full mode, as the Workbench does.
 */
import { ONE_MORE_SEGMENT, defineFields, protocolField, type FrameInput, type ProtocolModule } from '../../src/main/engine/decode/protocol';
import { DissectionSession, type FrameResult } from '../../src/main/engine/decode/session';
import type { ByteView } from '../../src/main/engine/decode/view';

const TESTIP = { abbrev: 'testip', short: 'TESTIP', name: 'Test network layer' };
const TESTIP_F = defineFields('testip', { src: { name: 'Source', type: 'ipv4' }, dst: { name: 'Destination', type: 'ipv4' } });

/** testIp is linktype 9999: src(4) dst(4) then TCP. */
export const testIp: ProtocolModule = {
  proto: TESTIP,
  fields: Object.values(TESTIP_F),
  handoff: (t) => t.add('linktype', 9999, testIp),
  dissect(ctx, view: ByteView, parent) {
    const src = view.u32(0);
    const dst = view.u32(4);
    ctx.layers.push('testip');
    ctx.netSrc = { type: 'ipv4', value: src };
    ctx.netDst = { type: 'ipv4', value: dst };
    ctx.tree.add(parent, protocolField(TESTIP), view.src, view.base, 8, null, 'Test network layer');
    ctx.callTable('ip.proto', 6, view.sub(8), parent);
    return view.length;
  },
};

const LINES = { abbrev: 'lines', short: 'SMTP', name: 'Test line protocol' };
const LINES_F = defineFields('lines', { line: { name: 'Line', type: 'string' } });

/** LINE_PORT is where the test line dissector is registered. */
export const LINE_PORT = 25;

/** lines desegments on LF (ONE_MORE_SEGMENT) and shows one item per line. */
export const lines: ProtocolModule = {
  proto: LINES,
  fields: Object.values(LINES_F),
  handoff: (t) => t.add('tcp.port', LINE_PORT, lines),
  dissect(ctx, view: ByteView, parent) {
    const infos: string[] = [];
    let off = 0;
    let top = null;
    while (off < view.length) {
      const lf = view.indexOf(0x0a, off);
      if (lf < 0) {
        ctx.desegment = { offset: off, needed: ONE_MORE_SEGMENT };
        break;
      }
      if (top === null) {
        top = ctx.tree.add(parent, protocolField(LINES), view.src, view.abs(off), 0, null, 'Test line protocol');
        ctx.layers.push('lines');
      }
      let end = lf;
      if (end > off && view.u8(end - 1) === 0x0d) end--;
      const text = view.latin1(off, end - off);
      ctx.tree.add(top, LINES_F.line, view.src, view.abs(off), lf + 1 - off, text);
      infos.push(text);
      off = lf + 1;
    }
    if (infos.length) {
      const dir = ctx.dstPort === LINE_PORT ? 'C: ' : 'S: ';
      ctx.columns.protocol = 'SMTP';
      ctx.columns.setInfo(dir + infos.join(' | '));
      top?.setLength(off);
    }
    return view.length;
  },
};

/** TcpSegmentSpec describes one segment for {@link tcpSegment}. */
export interface TcpSegmentSpec {
  src?: number;
  dst?: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  options?: number[];
  payload?: Uint8Array | string;
}

/** tcpSegment builds testip + TCP bytes. */
export function tcpSegment(s: TcpSegmentSpec): Uint8Array {
  const payload = typeof s.payload === 'string' ? new TextEncoder().encode(s.payload) : (s.payload ?? new Uint8Array(0));
  const opts = s.options ?? [];
  const hdr = 20 + opts.length;
  const out = new Uint8Array(8 + hdr + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, s.src ?? 0x7f000001);
  dv.setUint32(4, s.dst ?? 0x7f000001);
  dv.setUint16(8, s.srcPort);
  dv.setUint16(10, s.dstPort);
  dv.setUint32(12, s.seq >>> 0);
  dv.setUint32(16, (s.ack ?? 0) >>> 0);
  dv.setUint16(20, ((hdr / 4) << 12) | s.flags);
  dv.setUint16(22, s.window ?? 512);
  dv.setUint16(24, 0xbeef);
  dv.setUint16(26, 0);
  out.set(opts, 28);
  out.set(payload, 8 + hdr);
  return out;
}

/** frameInput wraps bytes as frame `number` at `ms` milliseconds. */
export function frameInput(number: number, data: Uint8Array, ms: number, prevMs: number, linktype = 9999): FrameInput {
  const t = (x: number) => ({ sec: 1_700_000_000 + Math.floor(x / 1000), nsec: Math.round((x % 1000) * 1e6) });
  const ts = t(ms);
  const prev = t(prevMs);
  return {
    number,
    tsSec: ts.sec,
    tsNsec: ts.nsec,
    firstSec: 1_700_000_000,
    firstNsec: 0,
    prevSec: prev.sec,
    prevNsec: prev.nsec,
    caplen: data.length,
    origLen: data.length,
    linktype,
    interfaceId: 0,
    data,
  };
}

/** firstPass dissects every frame once, in order, in `none` mode (the Packet List pass). */
export function firstPass(session: DissectionSession, frames: FrameInput[]): FrameResult[] {
  return frames.map((f) => session.dissect(f, { firstPass: true, mode: 'none' }));
}

/** redissect re-dissects one frame in full mode from frozen data. */
export function redissect(session: DissectionSession, frame: FrameInput): FrameResult {
  return session.dissect(frame, { firstPass: false, mode: 'full' });
}
