/**
 * TCP module unit tests on hand-built segments (test/support/tcp-test-modules.ts builds a fake network
 * layer + TCP header): header fields with byte ranges, options and their labels, flag bit labels,
 * truncated and bogus headers, stream allocation, and desegmentation through the test line dissector
 * (one key per segment, several PDUs per segment, a tail that starts a new PDU, the 64 KiB cap, a gap).
 */
import { describe, expect, it } from 'vitest';
import { frame } from '../../../src/main/engine/decode/frame';
import { data } from '../../../src/main/engine/decode/data';
import { expert } from '../../../src/main/engine/decode/expert';
import { tcp, flagString, flagNames, MAX_PENDING_PDU } from '../../../src/main/engine/decode/tcp';
import { DissectionSession } from '../../../src/main/engine/decode/session';
import { toDetailNodes } from '../../../src/main/engine/decode/detail';
import { ONE_MORE_SEGMENT, type FrameInput, type ProtocolModule } from '../../../src/main/engine/decode/protocol';
import { frameInput, lines, tcpSegment, testIp, type TcpSegmentSpec } from '../../support/tcp-test-modules';
import { findNode } from '../../support/dissect';

const SYN = 0x002;
const ACK = 0x010;
const PSH = 0x008;
const FIN = 0x001;

function session(): DissectionSession {
  return new DissectionSession([frame, data, expert, testIp, tcp, lines]);
}

function frames(specs: TcpSegmentSpec[]): FrameInput[] {
  return specs.map((s, i) => frameInput(i + 1, tcpSegment(s), i * 10, Math.max(0, i - 1) * 10));
}

/** A client (port 40000) typing `text` one key per segment to port 25 after a handshake. */
function typed(text: string, isn = 1000, serverIsn = 5000): TcpSegmentSpec[] {
  const c = { srcPort: 40000, dstPort: 25 };
  const s = { srcPort: 25, dstPort: 40000 };
  const out: TcpSegmentSpec[] = [
    { ...c, seq: isn, flags: SYN, options: [2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7] },
    { ...s, seq: serverIsn, ack: isn + 1, flags: SYN | ACK, options: [2, 4, 0xff, 0xd7, 1, 3, 3, 7] },
    { ...c, seq: isn + 1, ack: serverIsn + 1, flags: ACK },
  ];
  for (let i = 0; i < text.length; i++) out.push({ ...c, seq: isn + 1 + i, ack: serverIsn + 1, flags: PSH | ACK, payload: text[i] });
  return out;
}

describe('TCP header', () => {
  it('shows every fixed field with its byte range and tshark label', () => {
    const s = session();
    const f = frames(typed(''));
    for (const x of f) s.dissect(x, { firstPass: true, mode: 'none' });
    const r = s.dissect(f[0], { firstPass: false, mode: 'full' });
    const nodes = toDetailNodes(r.tree);
    const top = findNode(nodes, (n) => n.field === 'tcp')!;
    expect(top.label).toBe('Transmission Control Protocol, Src Port: 40000, Dst Port: 25, Seq: 0, Len: 0');
    expect([top.start, top.length]).toEqual([8, 40]);
    const at = (field: string) => findNode([top], (n) => n.field === field)!;
    expect([at('tcp.srcport').start, at('tcp.srcport').length, at('tcp.srcport').label]).toEqual([8, 2, 'Source Port: 40000']);
    expect([at('tcp.seq').start, at('tcp.seq').label]).toEqual([12, 'Sequence Number: 0    (relative sequence number)']);
    expect(at('tcp.seq_raw').value).toBe('1000');
    expect(at('tcp.nxtseq').label).toBe('[Next Sequence Number: 1    (relative sequence number)]');
    expect(at('tcp.hdr_len').label).toBe('1010 .... = Header Length: 40 bytes (10)');
    expect(at('tcp.flags').label).toBe('Flags: 0x002 (SYN)');
    expect(at('tcp.flags.syn').label).toBe('.... .... ..1. = Syn: Set');
    expect(at('tcp.flags.res').label).toBe('000. .... .... = Reserved: Not set');
    expect(at('tcp.flags.str').label).toBe('[TCP Flags: ··········S·]');
    expect(at('tcp.window_size_value').label).toBe('Window: 512');
    expect(at('tcp.checksum').label).toBe('Checksum: 0xbeef [unverified]');
    expect(at('tcp.options').label).toBe('Options: (20 bytes), Maximum segment size, SACK permitted, Timestamps, No-Operation (NOP), Window scale');
    expect(at('tcp.options.mss').label).toBe('TCP Option - Maximum segment size: 65495 bytes');
    expect([at('tcp.options.mss_val').start, at('tcp.options.mss_val').length]).toEqual([30, 2]);
    expect(at('tcp.options.wscale').label).toBe('TCP Option - Window scale: 7 (multiply by 128)');
    expect(at('tcp.options.timestamp').label).toBe('TCP Option - Timestamps: TSval 1, TSecr 0');
    expect(findNode([top], (n) => n.label.startsWith('[Expert Info (Chat/Sequence): Connection establish request (SYN): server port 25]'))).toBeTruthy();
    expect(r.columns.info).toBe('40000 → 25 [SYN] Seq=0 Win=512 Len=0 MSS=65495 SACK_PERM TSval=1 TSecr=0 WS=128');
  });

  it('scales the window after the handshake and numbers streams', () => {
    const s = session();
    const f = frames(typed('a'));
    for (const x of f) s.dissect(x, { firstPass: true, mode: 'none' });
    const r = s.dissect(f[2], { firstPass: false, mode: 'full' });
    expect(r.tree.get('tcp.window_size')[0].value).toBe(512 * 128);
    expect(r.tree.get('tcp.window_size_scalefactor')[0].value).toBe(128);
    expect(r.tree.get('tcp.stream')[0].value).toBe(0);
    expect(r.tree.get('tcp.analysis.acks_frame')[0].value).toBe(2);
  });

  it('names flags as tshark does', () => {
    expect(flagNames(0x018)).toBe('PSH, ACK');
    expect(flagNames(0x011)).toBe('FIN, ACK');
    expect(flagNames(0)).toBe('<None>');
    expect(flagString(0x012)).toBe('·······A··S·');
  });

  it('turns a truncated header into a malformed item, keeps the ports, and flags a bogus header length', () => {
    const s = session();
    const full = tcpSegment({ srcPort: 1, dstPort: 2, seq: 0, flags: ACK });
    const cut = frameInput(1, full.subarray(0, 8 + 12), 0, 0);
    const r = s.dissect(cut, { firstPass: true, mode: 'full' });
    expect(r.tree.get('tcp.srcport')[0].value).toBe(1);
    expect(r.columns.info).toContain('[Malformed Packet]');
    expect(r.tree.get('_ws.malformed')).toHaveLength(1);
    const bogus = tcpSegment({ srcPort: 1, dstPort: 2, seq: 0, flags: ACK });
    bogus[8 + 12] = 0x40; // 16-byte header
    const b = s.dissect(frameInput(2, bogus, 0, 0), { firstPass: true, mode: 'full' });
    expect(b.columns.info).toContain('Bogus TCP header length (16, must be at least 20)');
  });
});

describe('TCP desegmentation', () => {
  it('reassembles a line typed one key per segment, with tshark items and row updates', () => {
    const s = session();
    const f = frames(typed('helo x\r\n'));
    const first = f.map((x) => s.dissect(x, { firstPass: true, mode: 'none' }));
    expect(first[3].columns.info).toMatch(/Len=1 \[TCP segment of a reassembled PDU\]$/);
    expect(first[3].columns.protocol).toBe('TCP');
    expect(first[10].columns.info).toBe('C: helo x');
    expect(first[10].columns.protocol).toBe('SMTP');
    expect(s.takeRowUpdates()).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const mid = toDetailNodes(s.dissect(f[4], { firstPass: false, mode: 'full' }).tree);
    const inFrame = findNode(mid, (n) => n.field === 'tcp.reassembled_in')!;
    expect([inFrame.label, inFrame.frameRef]).toEqual(['[Reassembled PDU in frame: 11]', 11]);
    expect(findNode(mid, (n) => n.field === 'tcp.segment_data')!.label).toBe('TCP segment data (1 byte)');
    const last = s.dissect(f[10], { firstPass: false, mode: 'full' });
    const nodes = toDetailNodes(last.tree);
    const segs = nodes.find((n) => n.field === 'tcp.segments')!;
    expect(segs.label).toBe('[8 Reassembled TCP Segments (8 bytes): #4(1), #5(1), #6(1), #7(1), #8(1), #9(1), #10(1), #11(1)]');
    expect(segs.children!.map((c) => c.label)).toEqual([
      '[Frame: 4, payload: 0-0 (1 byte)]',
      '[Frame: 5, payload: 1-1 (1 byte)]',
      '[Frame: 6, payload: 2-2 (1 byte)]',
      '[Frame: 7, payload: 3-3 (1 byte)]',
      '[Frame: 8, payload: 4-4 (1 byte)]',
      '[Frame: 9, payload: 5-5 (1 byte)]',
      '[Frame: 10, payload: 6-6 (1 byte)]',
      '[Frame: 11, payload: 7-7 (1 byte)]',
      '[Segment count: 8]',
      '[Reassembled TCP length: 8]',
      '[Reassembled TCP Data: 68656c6f20780d0a]',
    ]);
    // The segments item sits before the payload protocol, as in tshark.
    const order = nodes.map((n) => n.field);
    expect(order.indexOf('tcp.segments')).toBe(order.indexOf('lines') - 1);
    expect(last.sources.map((x) => x.name)).toEqual(['Frame', 'Reassembled TCP (8 bytes)']);
    const line = last.tree.get('lines.line')[0];
    expect([line.src, line.start, line.length, line.value]).toEqual([1, 0, 8, 'helo x']);
  });

  it('dissects several PDUs in one segment and starts a new PDU with a trailing partial line', () => {
    const s = session();
    const c = { srcPort: 40000, dstPort: 25 };
    const f = frames([
      { ...c, seq: 100, flags: SYN },
      { ...c, seq: 101, flags: PSH | ACK, payload: 'he' },
      { ...c, seq: 103, flags: PSH | ACK, payload: 'lo x\r\nnoop\r\nma' },
      { ...c, seq: 117, flags: PSH | ACK, payload: 'il from:<a>\r\n' },
    ]);
    const first = f.map((x) => s.dissect(x, { firstPass: true, mode: 'none' }));
    expect(first[1].columns.info).toMatch(/\[TCP segment of a reassembled PDU\]$/);
    expect(first[2].columns.info).toBe('C: helo x | noop');
    expect(first[3].columns.info).toBe('C: mail from:<a>');
    const third = s.dissect(f[2], { firstPass: false, mode: 'full' });
    const nodes = toDetailNodes(third.tree);
    expect(nodes.find((n) => n.field === 'tcp.segments')!.label).toBe('[2 Reassembled TCP Segments (14 bytes): #2(2), #3(12)]');
    expect(third.tree.get('tcp.reassembled_in')[0].value).toBe(4);
    const fourth = toDetailNodes(s.dissect(f[3], { firstPass: false, mode: 'full' }).tree);
    expect(fourth.find((n) => n.field === 'tcp.segments')!.label).toBe('[2 Reassembled TCP Segments (15 bytes): #3(2), #4(13)]');
  });

  it(`drops a PDU longer than ${MAX_PENDING_PDU} bytes and resynchronises after the next line end`, () => {
    const s = session();
    const c = { srcPort: 40000, dstPort: 25 };
    const chunk = 'x'.repeat(30000);
    const f = frames([
      { ...c, seq: 0, flags: SYN },
      { ...c, seq: 1, flags: ACK, payload: chunk },
      { ...c, seq: 30001, flags: ACK, payload: chunk },
      { ...c, seq: 60001, flags: ACK, payload: chunk },
      { ...c, seq: 90001, flags: ACK, payload: 'yy\r\nnoop\r\n' },
    ]);
    const first = f.map((x) => s.dissect(x, { firstPass: true, mode: 'none' }));
    expect(first[4].columns.info).toBe('C: noop');
    const r = s.dissect(f[3], { firstPass: false, mode: 'full' });
    expect(r.tree.get('tcp.reassembly.too_long')).toHaveLength(1);
    expect(r.tree.get('tcp.reassembled_in')).toHaveLength(0);
  });

  it('drops a pending PDU across a capture gap and resumes (degrade rule)', () => {
    const s = session();
    const c = { srcPort: 40000, dstPort: 25 };
    const f = frames([
      { ...c, seq: 0, flags: SYN },
      { ...c, seq: 1, flags: ACK, payload: 'hel' },
      { ...c, seq: 10, flags: ACK, payload: 'quit\r\n' },
      { ...c, seq: 16, flags: FIN | ACK },
    ]);
    const first = f.map((x) => s.dissect(x, { firstPass: true, mode: 'none' }));
    expect(first[2].columns.info).toMatch(/^\[TCP Previous segment not captured\] 40000 → 25/);
    // The out-of-order data is buffered; the FIN frame cannot flush it because the hole stays. The
    // capture's end (or the caps) flush it — here nothing claims it yet, so the frame is TCP only.
    expect(s.dissect(f[1], { firstPass: false, mode: 'full' }).tree.get('tcp.reassembled_in')).toHaveLength(0);
  });

  it('re-dissects to identical trees in any order', () => {
    const s = session();
    const f = frames(typed('mail from: <a@b.c>\r\nquit\r\n'));
    for (const x of f) s.dissect(x, { firstPass: true, mode: 'none' });
    const want = f.map((x) => JSON.stringify(toDetailNodes(s.dissect(x, { firstPass: false, mode: 'full' }).tree)));
    for (const x of [...f].reverse()) {
      expect(JSON.stringify(toDetailNodes(s.dissect(x, { firstPass: false, mode: 'full' }).tree))).toBe(want[x.number - 1]);
    }
  });
});

/**
 * A line dissector on port 26 that counts its calls and may make the line-end promise
 * (`desegment.lineEnd`). A server line `RAW` switches the client side to raw mode: everything the client
 * sends is then one PDU, line end or not (state the other direction changes).
 */
function promisingLines(promise: number | undefined) {
  const P = { abbrev: 'plines', short: 'PLINES', name: 'Promising line protocol' };
  const state = { calls: 0, raw: false };
  const module: ProtocolModule = {
    proto: P,
    fields: [],
    handoff: (t) => t.add('tcp.port', 26, module),
    dissect(ctx, view) {
      state.calls++;
      const request = ctx.dstPort === 26;
      if (request && state.raw) {
        ctx.columns.protocol = 'PLINES';
        ctx.columns.setInfo(`raw ${view.latin1(0, view.length)}`);
        return view.length;
      }
      let lineEnd = -1;
      for (let i = 0; i < view.length; i++) if (view.u8(i) === 0x0a || view.u8(i) === 0x0d) (lineEnd = i), (i = view.length);
      if (lineEnd < 0) {
        ctx.desegment = { offset: 0, needed: ONE_MORE_SEGMENT, lineEnd: promise };
        return view.length;
      }
      const text = view.latin1(0, lineEnd);
      if (!request && text === 'RAW') state.raw = true;
      ctx.columns.protocol = 'PLINES';
      ctx.columns.setInfo(`${request ? 'C' : 'S'}: ${text}`);
      return view.length;
    },
  };
  return { module, state };
}

describe('TCP desegmentation: the line-end promise', () => {
  const c = { srcPort: 40000, dstPort: 26 };
  const srv = { srcPort: 26, dstPort: 40000 };
  const keys = (text: string, seq: number) => [...text].map((k, i) => ({ ...c, seq: seq + i, flags: PSH | ACK, payload: k }));
  const run = (promise: number | undefined, specs: TcpSegmentSpec[]) => {
    const p = promisingLines(promise);
    const s = new DissectionSession([frame, data, expert, testIp, tcp, p.module]);
    const f = frames(specs);
    const infos = f.map((x) => s.dissect(x, { firstPass: true, mode: 'none' }).columns.info);
    const calls = p.state.calls;
    const trees = f.map((x) => JSON.stringify(toDetailNodes(s.dissect(x, { firstPass: false, mode: 'full' }).tree)));
    return { infos, trees, calls };
  };

  it('asks the dissector again only when a line end arrives, with the same result', () => {
    const specs = [{ ...c, seq: 0, flags: SYN }, ...keys('helo there\r\n', 1)];
    const kept = run(MAX_PENDING_PDU, specs);
    const asked = run(undefined, specs);
    expect(kept.infos).toEqual(asked.infos);
    expect(kept.trees).toEqual(asked.trees);
    expect(kept.infos[11]).toBe('C: helo there');
    // First-pass calls: without the promise one per key (12); with it the first key and the CR (the LF
    // after the CR is dissected on its own): 3.
    expect(asked.calls).toBe(12);
    expect(kept.calls).toBe(3);
  });

  it('asks again once the other direction was dissected (its state may change the answer)', () => {
    const specs = [
      { ...c, seq: 0, flags: SYN },
      ...keys('ab', 1),
      { ...srv, seq: 0, ack: 3, flags: PSH | ACK, payload: 'RAW\r\n' },
      ...keys('c', 3),
    ];
    const kept = run(MAX_PENDING_PDU, specs);
    expect(kept.infos).toEqual(run(undefined, specs).infos);
    expect(kept.infos[4]).toBe('raw abc');
  });

  it('asks again once the pending bytes pass the promised length', () => {
    const specs = [{ ...c, seq: 0, flags: SYN }, ...keys('abcdef', 1)];
    // Promised up to 3 bytes: keys 1 (first call), then 4, 5, 6 (past 3 bytes) are calls.
    expect(run(3, specs).calls).toBe(4);
  });
});
