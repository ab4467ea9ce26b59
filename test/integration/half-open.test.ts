/**
 * Many half-open SMTP streams through the whole engine (issue 3, "10^5 half-open streams: memory capped"):
 * more streams than the live-state cap, each leaving a partial command line pending in the desegmenter
 * and an out-of-order segment buffered in the reassembler. The file is a real pcap that tshark reads too.
 *
 * Checks: the live state stays within DEFAULT_LIVE_LIMITS (streams and buffered bytes) and evicted streams
 * hold no live state; tcp.stream, relative seq/ack/nextseq and the lost-segment flag equal tshark's on
 * every frame, evicted streams included; the frames whose bytes were dropped by an eviction still decode
 * on re-dissection, labelled (`tcp.reassembly.evicted`, no `tcp.reassembled_in`) and reported as row
 * updates; an evicted stream that sends again resumes (labelled) with SMTP dissection of its new line; a
 * stream that stayed live completes its PDU as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allModules } from '../../src/main/engine/modules';
import { DissectionSession } from '../../src/main/engine/decode/session';
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import { DEFAULT_LIVE_LIMITS, type StreamTable } from '../../src/main/engine/reassembly/stream-table';
import { toDetailNodes } from '../../src/main/engine/decode/detail';
import { eth, ipv4, tcp, writePcap, MAC_A, MAC_B } from '../support/packets';
import { findNode, frameInputs } from '../support/dissect';
import { tsharkFields } from '../support/tshark';

const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;
const SERVER = '10.0.0.25';
const STREAMS = DEFAULT_LIVE_LIMITS.maxLiveStreams + 3000;
const FIRST = new TextEncoder().encode('EHLO half'); // no line end: stays pending
const LATER = new TextEncoder().encode('open\r\n'); // 100 bytes after it: buffered out of order
const HOLE = 100;

function client(i: number): string {
  return `10.1.${(i >> 8) & 255}.${i & 255}`;
}

function tcpSegment(src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  return eth(MAC_B, MAC_A, 0x0800, ipv4(src, dst, 6, tcp(sport, dport, seq, ack, flags, payload)));
}

function isnOf(i: number): number {
  return (i * 2654435761 + 12345) >>> 0;
}

const dir = mkdtempSync(join(tmpdir(), 'wirelab-halfopen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('half-open streams beyond the live-state cap', () => {
  // Stream i: frames 3i+1 (SYN), 3i+2 (partial line), 3i+3 (out of order). Then two more frames.
  const records: Uint8Array[] = [];
  for (let i = 0; i < STREAMS; i++) {
    const port = 1024 + (i % 60000);
    const isn = isnOf(i);
    records.push(tcpSegment(client(i), SERVER, port, 25, isn, 0, SYN, new Uint8Array(0)));
    records.push(tcpSegment(client(i), SERVER, port, 25, isn + 1, 1000, PSH | ACK, FIRST));
    records.push(
      tcpSegment(client(i), SERVER, port, 25, isn + 1 + FIRST.length + HOLE, 1000, PSH | ACK, LATER),
    );
  }
  // Stream 0 (long evicted) sends its next line after everything it sent.
  const resumeFrame = records.length + 1;
  records.push(
    tcpSegment(
      client(0),
      SERVER,
      1024,
      25,
      isnOf(0) + 1 + FIRST.length + HOLE + LATER.length,
      1000,
      PSH | ACK,
      new TextEncoder().encode('QUIT\r\n'),
    ),
  );
  // The last stream (still live) gets its hole filled: its pending line completes.
  const last = STREAMS - 1;
  const fillFrame = records.length + 1;
  const filler = new Uint8Array(HOLE).fill(0x78);
  records.push(
    tcpSegment(
      client(last),
      SERVER,
      1024 + (last % 60000),
      25,
      isnOf(last) + 1 + FIRST.length,
      1000,
      PSH | ACK,
      filler,
    ),
  );
  // Frames 1 ms apart; the last two 0.1 ms after the one before them: the filler comes within the last
  // stream's iRTT (its SYN to its first ACK, 1 ms), so it is out of order, not a retransmission (tshark).
  const time = (i: number): { sec: number; nsec: number } => {
    const base = Math.min(i, 3 * STREAMS - 1);
    return { sec: 1_795_712_694 + Math.floor(base / 1000), nsec: (base % 1000) * 1_000_000 + (i - base) * 100_000 };
  };
  const file = writePcap(
    join(dir, 'half-open.pcap'),
    records.map((data, i) => ({ data, ...time(i) })),
  );

  const { info, records: read } = readCaptureFileSync(file);
  const inputs = frameInputs(info, read);
  const session = new DissectionSession(allModules);
  for (const input of inputs) session.dissect(input, { firstPass: true, mode: 'none', columns: false });
  // The TCP module's capture-wide state (not part of the public API; read here to check the caps).
  const table = (
    session as unknown as {
      state: { conversations: Map<string, { table: StreamTable<unknown, { length: number }> }> };
    }
  ).state.conversations.get('tcp')!.table;

  it('keeps the live state within its caps and evicted streams hold none', () => {
    expect(table.streams).toHaveLength(STREAMS);
    expect(table.liveCount).toBeLessThanOrEqual(DEFAULT_LIVE_LIMITS.maxLiveStreams);
    expect(table.liveStreams()).toHaveLength(table.liveCount);
    expect(table.evictions).toBeGreaterThanOrEqual(STREAMS - DEFAULT_LIVE_LIMITS.maxLiveStreams);
    let buffered = 0;
    let pending = 0;
    for (const stream of table.liveStreams()) {
      for (const d of [0, 1] as const) {
        buffered += stream.live!.dirs[d].half.bufferedBytes;
        pending += stream.live!.pdu[d]?.length ?? 0;
      }
    }
    // Out-of-order bytes are counted exactly in the shared budget: evictions released theirs.
    expect(table.budget.used).toBe(buffered);
    expect(buffered + pending).toBeLessThanOrEqual(DEFAULT_LIVE_LIMITS.maxLiveBytes);
    expect(buffered).toBeGreaterThan(0);
    expect(table.streams[1].live).toBeNull();
    expect(table.streams[1].evicted).toBe(true);
    expect(table.streams[last].live).not.toBeNull();
  });

  it('numbers streams and sequence numbers as tshark does, evicted streams included', async () => {
    const fields = ['frame.number', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.nxtseq'];
    const theirs = await tsharkFields(file, fields, { timeoutMs: 120_000 });
    expect(theirs).toHaveLength(inputs.length);
    const interest = new Set([...fields, 'tcp.analysis', 'tcp.analysis.flags', 'tcp.analysis.lost_segment']);
    const ourLost: string[] = [];
    const ours = inputs.map((input) => {
      const r = session.dissect(input, { firstPass: false, mode: 'fields', interest });
      const value = (abbrev: string): string =>
        r.tree
          .get(abbrev)
          .map((item) => String(item.value))
          .join(',');
      if (r.tree.get('tcp.analysis.lost_segment').length > 0) ourLost.push(String(input.number));
      return [
        String(input.number),
        value('tcp.stream'),
        value('tcp.seq'),
        value('tcp.ack'),
        value('tcp.nxtseq'),
      ];
    });
    expect(ours).toEqual(theirs);
    // A "none" field prints as an empty cell: compare the flag by the frames a filter selects.
    const theirLost = await tsharkFields(file, ['frame.number'], {
      filter: 'tcp.analysis.lost_segment',
      timeoutMs: 120_000,
    });
    expect(ourLost).toEqual(theirLost.map((row) => row[0]));
    expect(ourLost).toHaveLength(STREAMS);
  }, 180_000);

  it('labels the frames whose bytes an eviction dropped, and they still decode', () => {
    const partial = session.dissect(inputs[1], { firstPass: false, mode: 'full' }); // stream 0, "EHLO half"
    const nodes = toDetailNodes(partial.tree);
    const label = findNode(nodes, (n) => n.field === 'tcp.reassembly.evicted');
    expect(label?.label).toContain(`${FIRST.length} bytes of this segment were dropped unreassembled`);
    expect(findNode(nodes, (n) => n.field === 'tcp.reassembled_in')).toBeUndefined();
    expect(partial.layers).toContain('tcp');
    expect(partial.columns.info).toContain('[TCP segment of a reassembled PDU]');
    const outOfOrder = session.dissect(inputs[2], { firstPass: false, mode: 'full' });
    expect(
      findNode(toDetailNodes(outOfOrder.tree), (n) => n.field === 'tcp.reassembly.evicted')?.label,
    ).toContain(`${LATER.length} bytes of this segment`);
    // Re-dissection reads frozen data only: the same tree in any order.
    const again = session.dissect(inputs[1], { firstPass: false, mode: 'full' });
    expect(toDetailNodes(again.tree)).toEqual(nodes);
    // The rows changed after their first pass: reported for the hosts to re-fetch.
    const updates = session.takeRowUpdates();
    expect(updates).toContain(2);
    expect(updates).toContain(3);
    // A stream that stayed live kept its partial line: no label.
    const livePartial = session.dissect(inputs[3 * last + 1], { firstPass: false, mode: 'full' });
    expect(
      findNode(toDetailNodes(livePartial.tree), (n) => n.field === 'tcp.reassembly.evicted'),
    ).toBeUndefined();
  });

  it('resumes an evicted stream after what it had sent, labelled, and dissects its next line', () => {
    const r = session.dissect(inputs[resumeFrame - 1], { firstPass: false, mode: 'full' });
    const nodes = toDetailNodes(r.tree);
    expect(findNode(nodes, (n) => n.field === 'tcp.stream')?.value).toBe('0');
    expect(findNode(nodes, (n) => n.field === 'tcp.reassembly.evicted')?.label).toContain(
      'Reassembly resumes here',
    );
    expect(findNode(nodes, (n) => n.field === 'smtp.req.command')?.value).toBe('QUIT');
    expect(r.columns.info).toBe('C: QUIT');
  });

  it('completes the pending line of a stream that stayed live', () => {
    const r = session.dissect(inputs[fillFrame - 1], { firstPass: false, mode: 'full' });
    const nodes = toDetailNodes(r.tree);
    expect(findNode(nodes, (n) => n.field === 'tcp.segment.count')?.value).toBe('3');
    expect(findNode(nodes, (n) => n.field === 'smtp.req.command')?.value).toBe('EHLO');
    const earlier = session.dissect(inputs[3 * last + 1], { firstPass: false, mode: 'full' });
    expect(findNode(toDetailNodes(earlier.tree), (n) => n.field === 'tcp.reassembled_in')?.value).toBe(
      String(fillFrame),
    );
  });
});
