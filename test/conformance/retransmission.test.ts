/**
 * Retransmissions against tshark 4.0, on a capture built byte by byte (so the segments are exactly the
 * ones under test, whatever the machine's load): a discard-port stream whose data is sent again whole
 * and again with new bytes past it, and an SMTP stream whose greeting, half a typed command, the rest of
 * it and the whole command are retransmitted. Wireshark shows such segments as "Retransmitted TCP
 * segment data" and dissects nothing in them, and a retransmission never raises the highest sequence
 * number to be ACKed, so an ACK of its new bytes is "ACKed unseen segment".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliStdout as wirelab } from '../support/cli-stdout';
import { filled, labFrame, tcp, u32, writePcap } from '../support/packets';
import { tsharkRaw } from '../support/tshark';

const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;


/** One stream's segments: [side, relative seq, relative ack, flags, data]. */
type Seg = ['c' | 's', number, number, number, string];

function stream(port: number, isnC: number, isnS: number, segs: Seg[]): Uint8Array[] {
  return segs.map(([side, seq, ack, flags, data]) => {
    const fromClient = side === 'c';
    const payload = Buffer.from(data, 'latin1');
    return labFrame(fromClient, fromClient ? tcp(40000 + port, port, isnC + seq, isnS + ack, flags, payload) : tcp(port, 40000 + port, isnS + seq, isnC + ack, flags, payload));
  });
}

const x10 = 'x'.repeat(10);
const FRAMES = [
  ...stream(9, 1000, 5000, [
    ['c', 0, 0, SYN, ''],
    ['s', 0, 1, SYN | ACK, ''],
    ['c', 1, 1, ACK, ''],
    ['c', 1, 1, PSH | ACK, x10],
    ['c', 1, 1, PSH | ACK, x10],
    ['c', 6, 1, PSH | ACK, x10],
    ['s', 1, 16, ACK, ''],
  ]),
  ...stream(25, 2000, 7000, [
    ['c', 0, 0, SYN, ''],
    ['s', 0, 1, SYN | ACK, ''],
    ['c', 1, 1, ACK, ''],
    ['s', 1, 1, PSH | ACK, '220 hi\r\n'],
    ['s', 1, 1, PSH | ACK, '220 hi\r\n'],
    ['c', 1, 9, PSH | ACK, 'eh'],
    ['c', 1, 9, PSH | ACK, 'eh'],
    ['c', 3, 9, PSH | ACK, 'lo x\r\n'],
    ['c', 3, 9, PSH | ACK, 'lo x\r\n'],
    ['c', 1, 9, PSH | ACK, 'ehlo x\r\n'],
    ['s', 9, 9, PSH | ACK, '250 ok\r\n'],
    ['c', 9, 17, PSH | ACK, 'quit\r\n'],
    ['s', 17, 15, PSH | ACK, '221 bye\r\n'],
  ]),
];

const FIELDS = [
  'frame.number',
  'tcp.seq',
  'tcp.nxtseq',
  'tcp.segment_data',
  'tcp.analysis.flags',
  'tcp.analysis.retransmission',
  'tcp.analysis.ack_lost_segment',
  'tcp.analysis.acks_frame',
  'tcp.analysis.bytes_in_flight',
  'tcp.analysis.ack_rtt',
  'tcp.reassembled_in',
  'smtp.req.command',
  'smtp.response.code',
];

describe('retransmissions (tshark 4.0)', () => {
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-rtx-')), 'rtx.pcap'), FRAMES);
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];

  it('summary lines are tshark’s', async () => {
    const theirs = await tsharkRaw(['-r', file, ...PIN]);
    expect(theirs.stdout.match(/\[TCP Retransmission\]/g)).toHaveLength(6);
    expect(theirs.stdout).toContain('[TCP ACKed unseen segment]');
    expect(await wirelab(['-r', file])).toBe(theirs.stdout);
  });

  it('segment data, analysis and SMTP fields are tshark’s', async () => {
    const args = ['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
    const theirs = await tsharkRaw([...args, ...PIN]);
    expect(theirs.stdout).toContain('\t78787878787878787878\t');
    expect(await wirelab(args)).toBe(theirs.stdout);
  });

  it('the TCP tree of a retransmission says "Retransmitted TCP segment data"', async () => {
    const args = ['-r', file, '-Y', 'tcp.analysis.retransmission', '-V', '-O', 'tcp'];
    const theirs = await tsharkRaw([...args, ...PIN]);
    expect(theirs.stdout).toContain('Retransmitted TCP segment data (8 bytes)');
    expect(await wirelab(args)).toBe(theirs.stdout);
  });
});

/**
 * Window analysis on a crafted discard-port stream: window full, zero window, a zero window probe (its
 * byte does not advance the next sequence number, so the data after it is no retransmission) and its ACK,
 * window update, duplicate ACKs (numbered from the last frame that changed the ACK), keep-alive and its
 * ACK, a spurious retransmission (also a retransmission, with its bytes in flight) and a FIN with data.
 */
describe('window, probe and keep-alive analysis (tshark 4.0)', () => {
  const FIN = 0x01;
  const RST = 0x04;
  /** [side, relative seq, relative ack, flags, window, payload length] */
  const segs: ['c' | 's', number, number, number, number, number][] = [
    ['c', 0, 0, SYN, 64240, 0],
    ['s', 0, 1, SYN | ACK, 1000, 0],
    ['c', 1, 1, ACK, 64240, 0],
    ['c', 1, 1, PSH | ACK, 64240, 500],
    ['c', 501, 1, PSH | ACK, 64240, 500], // fills the 1000-byte window
    ['s', 1, 1001, ACK, 0, 0], // zero window
    ['c', 1001, 1, ACK, 64240, 1], // zero window probe
    ['s', 1, 1001, ACK, 0, 0], // its ACK, still a zero window
    ['s', 1, 1001, ACK, 2000, 0], // window update
    ['c', 1001, 1, PSH | ACK, 64240, 100], // new data over the probe's byte
    ['s', 1, 1101, ACK, 2000, 0],
    ['s', 1, 1101, ACK, 2000, 0], // duplicate ACKs
    ['s', 1, 1101, ACK, 2000, 0],
    ['c', 1101, 1, ACK, 64240, 0], // a duplicate of frame 3's ACK
    ['c', 1100, 1, ACK, 64240, 0], // keep-alive
    ['s', 1, 1101, ACK, 2000, 0], // keep-alive ACK
    ['c', 1001, 1, PSH | ACK, 64240, 100], // spurious retransmission
    ['c', 1101, 1, FIN | PSH | ACK, 64240, 10],
    ['s', 1, 1112, FIN | ACK, 2000, 0],
    ['c', 1112, 2, ACK, 64240, 0],
    ['c', 1112, 2, RST | ACK, 0, 0],
  ];
  const frames = segs.map(([side, seq, ack, flags, win, len]) => {
    const c = side === 'c';
    return labFrame(c, tcp(c ? 40009 : 9, c ? 9 : 40009, (c ? 1000 : 5000) + seq, (c ? 5000 : 1000) + ack, flags, filled(len, 0x78), { window: win }));
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-win-')), 'window.pcap'), frames);
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
  const fields = [
    'frame.number', '_ws.col.Info', 'tcp.analysis.flags', 'tcp.analysis.window_full', 'tcp.analysis.zero_window',
    'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack', 'tcp.analysis.window_update',
    'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame', 'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack',
    'tcp.analysis.retransmission', 'tcp.analysis.spurious_retransmission', 'tcp.analysis.bytes_in_flight',
    'tcp.analysis.push_bytes_sent', 'tcp.analysis.acks_frame', '_ws.expert.message',
  ];

  for (const pass of [[], ['-2']]) {
    it(`fields and the TCP tree are tshark's${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw([...args, ...PIN]);
      expect(theirs.stdout).toContain('[TCP ZeroWindowProbeAck] [TCP ZeroWindow]');
      expect(theirs.stdout).toContain('[TCP Dup ACK 3#1]');
      expect(await wirelab(args)).toBe(theirs.stdout);
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp'];
      expect(await wirelab(tree)).toBe((await tsharkRaw([...tree, ...PIN])).stdout);
    });
  }
});

/**
 * A SYN resent a second later (the handshake's iRTT runs from the resent one), window scaling kept by a
 * resent SYN that lacks the option, the same ISN again after FIN (a retransmitted SYN in the same
 * stream, as tshark 4.0 has it) and then another ISN (port numbers reused, a new stream).
 */
describe('resent SYNs and port reuse (tshark 4.0)', () => {
  const FIN = 0x01;
  const synOptions = (ts: number, ws: boolean) => [2, 4, 5, 180, 4, 2, 8, 10, ...u32(ts), 0, 0, 0, 0, ...(ws ? [1, 3, 3, 7] : [1, 1, 1, 0])];
  const tsOption = (ts: number) => [1, 1, 8, 10, ...u32(ts), ...u32(ts - 1)];
  /** [seconds after the first frame, side, raw seq, raw ack, flags, window, options, payload length] */
  const segs: [number, 'c' | 's', number, number, number, number, number[], number][] = [
    [0, 'c', 1000, 0, SYN, 64240, synOptions(100, true), 0],
    [1, 'c', 1000, 0, SYN, 64240, synOptions(200, true), 0],
    [1.01, 's', 5000, 1001, SYN | ACK, 65160, synOptions(300, true), 0],
    [1.02, 'c', 1001, 5001, ACK, 502, tsOption(210), 0],
    [1.0205, 'c', 1001, 5001, PSH | ACK, 502, tsOption(211), 1000],
    [1.021, 'c', 2001, 5001, PSH | ACK, 502, tsOption(212), 1000],
    [1.031, 's', 5001, 3001, ACK, 509, tsOption(310), 0],
    [1.041, 'c', 3001, 5001, FIN | ACK, 502, tsOption(213), 0],
    [1.051, 's', 5001, 3002, FIN | ACK, 509, tsOption(311), 0],
    [1.061, 'c', 3002, 5002, ACK, 502, tsOption(214), 0],
    [6, 'c', 1000, 0, SYN, 64240, synOptions(400, false), 0],
    [6.01, 's', 5000, 1001, SYN | ACK, 65160, synOptions(500, false), 0],
    [6.02, 'c', 1001, 5001, ACK, 502, [], 0],
    [9, 'c', 77000, 0, SYN, 64240, synOptions(600, true), 0],
    [9.01, 's', 88000, 77001, SYN | ACK, 65160, synOptions(700, true), 0],
    [9.02, 'c', 77001, 88001, ACK, 502, [], 0],
  ];
  const records = segs.map(([at, side, seq, ack, flags, win, options, len]) => {
    const c = side === 'c';
    const data = labFrame(c, tcp(c ? 40019 : 9, c ? 9 : 40019, seq, ack, flags, filled(len, 0x61), { window: win, options }));
    return { data, sec: 1_795_712_694 + Math.floor(at), nsec: Math.round((at % 1) * 1e6) * 1000 };
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-syn-')), 'syn.pcap'), records);
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
  const fields = [
    'frame.number', 'tcp.stream', '_ws.col.Info', 'tcp.analysis.flags', 'tcp.analysis.retransmission', 'tcp.analysis.reused_ports',
    'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.window_size', 'tcp.analysis.rto',
    'tcp.analysis.rto_frame', 'tcp.analysis.bytes_in_flight', '_ws.expert.message',
  ];

  for (const pass of [[], ['-2']]) {
    it(`streams, analysis and the TCP tree are tshark's${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw([...args, ...PIN]);
      expect(theirs.stdout).toContain('[TCP Port numbers reused]');
      expect(theirs.stdout).toMatch(/^11\t0\t\[TCP Retransmission\]/m);
      expect(await wirelab(args)).toBe(theirs.stdout);
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp'];
      expect(await wirelab(tree)).toBe((await tsharkRaw([...tree, ...PIN])).stdout);
    });
  }
});

/**
 * SACK blocks and TCP options against tshark 4.0. The receiver's latest SACK blocks come off the
 * sender's bytes in flight (only the first three of four; a later segment without them clears them; a
 * result below zero shows nothing, and neither do the bytes since the last PSH then). SACK edges are
 * relative to the sender's ISN; option items carry their bytes (`-e tcp.options.mss` prints `020405b4`);
 * four NOPs in a row raise tshark's "4 NOP in a row" warning.
 */
describe('SACK, bytes in flight and option items (tshark 4.0)', () => {
  const FIN = 0x01;
  /** a SACK option (NOP-padded to 32 bits) of blocks relative to the client's ISN 5000 */
  const sack = (...blocks: [number, number][]): number[] => {
    const option = [5, 2 + 8 * blocks.length, ...blocks.flatMap(([l, r]) => [...u32(5000 + l), ...u32(5000 + r)])];
    return [...new Array<number>((4 - (option.length % 4)) % 4).fill(1), ...option];
  };
  const ts = (v: number) => [1, 1, 8, 10, ...u32(v), ...u32(v - 1)];
  /** [side, relative seq, relative ack, flags, options, payload length] */
  const segs: ['c' | 's', number, number, number, number[], number][] = [
    ['c', 0, 0, SYN, [2, 4, 5, 180, 1, 1, 1, 1, 4, 2, 1, 1], 0], // 4 NOPs after the MSS
    ['s', 0, 1, SYN | ACK, [2, 4, 5, 180, 1, 1, 4, 2], 0],
    ['c', 1, 1, ACK, [], 0],
    ['c', 1, 1, PSH | ACK, [], 100],
    ['c', 101, 1, PSH | ACK, [], 100],
    ['c', 201, 1, PSH | ACK, [], 100],
    ['c', 301, 1, PSH | ACK, [], 100],
    ['s', 1, 101, ACK, sack([201, 301]), 0],
    ['s', 1, 101, ACK, sack([201, 401]), 0],
    ['c', 401, 1, PSH | ACK, [], 100], // 400 less 200 SACKed
    ['s', 1, 101, ACK, ts(7), 0], // options, no SACK: the blocks are gone
    ['c', 501, 1, ACK, [], 100],
    ['s', 1, 101, ACK, sack([201, 501]), 0],
    ['s', 1, 101, PSH | ACK, sack([201, 601]), 10], // data with SACK from the receiver
    ['c', 601, 11, ACK, [], 100],
    ['c', 101, 11, PSH | ACK, [], 100], // resent (tshark: out-of-order)
    ['s', 11, 701, ACK, [], 0],
    ['c', 701, 11, ACK, [], 1000],
    ['c', 1701, 11, ACK, [], 1000],
    ['c', 2701, 11, ACK, [], 1000],
    ['c', 3701, 11, ACK, [], 1000],
    ['c', 4701, 11, ACK, [], 1000],
    ['s', 11, 1701, ACK, sack([2701, 3701], [4701, 5701], [5801, 5901], [6001, 6101]), 0], // four blocks
    ['c', 5701, 11, PSH | ACK, [], 1000],
    ['s', 11, 1701, ACK, sack([2701, 3701], [4701, 6701]), 0],
    ['c', 6701, 11, PSH | ACK, [], 10],
    ['s', 11, 6711, ACK, sack([6721, 6731]), 0], // more SACKed than in flight
    ['c', 6711, 11, PSH | ACK, [], 5], // 5 − 10: nothing shown
    ['c', 6716, 11, PSH | ACK, [], 20],
    ['s', 11, 6736, ACK, [], 0],
    ['c', 6736, 11, PSH | ACK, [], 50],
    ['s', 11, 6736, ACK, sack([6736, 6785]), 0],
    ['c', 6786, 11, FIN | ACK, [], 1], // 50 + 1 + FIN − 49 SACKed − FIN
    ['s', 11, 6788, FIN | ACK, [], 0],
    ['c', 6788, 12, ACK, [1, 1, 1, 1, 1, 1, 1, 1], 0], // eight NOPs: one warning
  ];
  const frames = segs.map(([side, seq, ack, flags, options, len]) => {
    const c = side === 'c';
    return labFrame(c, tcp(c ? 40029 : 9, c ? 9 : 40029, (c ? 5000 : 9000) + seq, (c ? 9000 : 5000) + ack, flags, filled(len, 0x78), { window: 65000, options }));
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-sack-')), 'sack.pcap'), frames);
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
  const fields = [
    'frame.number', '_ws.col.Info', 'tcp.analysis', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.flags',
    'tcp.options.mss', 'tcp.options.nop', 'tcp.options.sack_perm', 'tcp.options.timestamp', 'tcp.options.sack', 'tcp.options.sack_le',
    'tcp.options.sack_re', 'tcp.options.sack.count', 'tcp.nop', '_ws.expert.message',
  ];

  for (const pass of [[], ['-2']]) {
    it(`fields and the TCP tree are tshark's${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw([...args, ...PIN]);
      expect(theirs.stdout).toMatch(/^10\t.*\t200\t100\t/m);
      expect(theirs.stdout).toContain('4 NOP in a row');
      expect(await wirelab(args)).toBe(theirs.stdout);
      // One documented difference (docs/wireshark-differences.md): Wirelab marks the resent frame 16,
      // whose bytes overlap data already received, with `[Segment overlap: Set]`.
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp'];
      const ours = (await wirelab(tree)).split('\n');
      const overlap = ours.findIndex((line) => line === '    [Segment overlap: Set]');
      expect(overlap).toBeGreaterThan(0);
      ours.splice(overlap, 1);
      expect(ours.join('\n')).toBe((await tsharkRaw([...tree, ...PIN])).stdout);
    });
  }
});

/**
 * Segments the capture missed, against tshark 4.0.17: the first ACK past the sender's highest
 * contiguous sequence number is "[TCP ACKed unseen segment]", later ACKs of the same hole are not, an
 * ACK of bytes never seen at all is flagged once (the sender's duplicate ACK counter keeps it quiet),
 * and a pure ACK raises the next sequence number.
 */
describe('ACKed unseen segments (tshark 4.0)', () => {
  /** [side, relative seq, relative ack, flags, payload length] */
  const segs: ['c' | 's', number, number, number, number][] = [
    ['c', 0, 0, SYN, 0],
    ['s', 0, 1, SYN | ACK, 0],
    ['c', 1, 1, ACK, 0],
    ['c', 1, 1, PSH | ACK, 100],
    // 101–201 missed
    ['c', 201, 1, PSH | ACK, 100],
    ['c', 301, 1, PSH | ACK, 100],
    ['s', 1, 201, ACK, 0], // ACKed unseen
    ['s', 1, 301, ACK, 0],
    ['s', 1, 401, ACK, 0],
    ['c', 401, 1, PSH | ACK, 100],
    ['s', 1, 501, ACK, 0],
    ['c', 501, 1, PSH | ACK, 100],
    ['s', 1, 601, ACK, 0],
    ['s', 1, 601, ACK, 0],
    ['c', 601, 1, PSH | ACK, 100],
    // 701–901 missed, ACKed before anything after it is seen
    ['s', 1, 801, ACK, 0],
    ['s', 1, 901, ACK, 0],
    ['c', 901, 1, PSH | ACK, 100],
    ['s', 1, 1001, ACK, 0],
    ['s', 1, 1101, ACK, 0],
    ['c', 1001, 1101, ACK, 0], // the client's ACK changes: its counter starts again
    ['s', 1, 1201, ACK, 0],
    ['s', 1101, 1201, PSH | ACK, 10], // the server's data past its own missed bytes
    ['s', 1111, 1201, ACK, 0], // a pure ACK that raises the server's next sequence number
    ['c', 1001, 1121, ACK, 0],
  ];
  const frames = segs.map(([side, seq, ack, flags, len]) => {
    const c = side === 'c';
    return labFrame(c, tcp(c ? 40039 : 9, c ? 9 : 40039, (c ? 5000 : 9000) + seq, (c ? 9000 : 5000) + ack, flags, filled(len, 0x78), { window: 65000 }));
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-unseen-')), 'unseen.pcap'), frames);
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
  const fields = ['frame.number', '_ws.col.Info', 'tcp.analysis.flags', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.acks_frame', 'tcp.analysis.duplicate_ack_num', '_ws.expert.message'];

  for (const pass of [[], ['-2']]) {
    it(`analysis fields and the TCP tree are tshark's${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw([...args, ...PIN]);
      expect(theirs.stdout).toMatch(/^7\t\[TCP ACKed unseen segment\]/m);
      expect(theirs.stdout).toMatch(/^8\t9 → 40039/m);
      expect(await wirelab(args)).toBe(theirs.stdout);
      // The SEQ/ACK analysis subtree of every frame. (The rest of the tree differs where documented:
      // Wirelab holds the data after a hole until the peer's ACK shows the hole will not be filled.)
      const analysis = (text: string): string[] =>
        text.split('\n\n').map((frame) => {
          const lines = frame.split('\n');
          const at = lines.indexOf('    [SEQ/ACK analysis]');
          if (at < 0) return '';
          let end = at + 1;
          while (end < lines.length && lines[end].startsWith('        ')) end++;
          return lines.slice(at, end).join('\n');
        });
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp'];
      const theirTrees = analysis((await tsharkRaw([...tree, ...PIN])).stdout);
      expect(theirTrees.filter((t) => t === '    [SEQ/ACK analysis]\n        [iRTT: 2.002000000 seconds]').length).toBeGreaterThan(0);
      expect(analysis(await wirelab(tree))).toEqual(theirTrees);
    });
  }

  it('delivers the data held after a hole once the peer has ACKed past it', async () => {
    const out = await wirelab(['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols']);
    // Frames 5 and 6 came after the missed bytes; the ACK in frame 7 shows they will never come, so the
    // next data segment (frame 10) brings them out with its own; every later data segment shows its data.
    expect(out).toMatch(/^10\teth:ethertype:ip:tcp:data:data:data$/m);
    for (const n of [12, 15, 18, 23]) expect(out).toMatch(new RegExp(`^${n}\\teth:ethertype:ip:tcp:data$`, 'm'));
  });
});

/** A window is scaled only once its side has ACKed without SYN (tshark's is_first_ack): "[TCP Window Full]". */
describe('window full against the SYN/ACK window (tshark 4.0)', () => {
  const ws = [1, 3, 3, 7];
  /** [side, relative seq, relative ack, flags, window, options, payload length] */
  const segs: ['c' | 's', number, number, number, number, number[], number][] = [
    ['c', 0, 0, SYN, 64000, ws, 0],
    ['s', 0, 1, SYN | ACK, 1000, ws, 0],
    ['c', 1, 1, ACK, 500, [], 0],
    ['c', 1, 1, PSH | ACK, 500, [], 1000], // fills the SYN/ACK's 1000 bytes (never scaled)
    ['s', 1, 1001, ACK, 10, [], 0], // 10 × 128
    ['c', 1001, 1, PSH | ACK, 500, [], 1280],
  ];
  const frames = segs.map(([side, seq, ack, flags, win, options, len]) => {
    const c = side === 'c';
    return labFrame(c, tcp(c ? 40049 : 9, c ? 9 : 40049, (c ? 5000 : 9000) + seq, (c ? 9000 : 5000) + ack, flags, filled(len, 0x78), { window: win, options }));
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-wf-')), 'window-full.pcap'), frames);

  it("flags the segments that fill the window as tshark does", async () => {
    const args = ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info', '-e', 'tcp.analysis.window_full'];
    const theirs = await tsharkRaw(args);
    expect(theirs.stdout).toMatch(/^4\t\[TCP Window Full\]/m);
    expect(theirs.stdout).toMatch(/^6\t\[TCP Window Full\]/m);
    expect(await wirelab(args)).toBe(theirs.stdout);
  });
});

/**
 * Bytes sent again that TCP analysis does not call a retransmission: a keep-alive carrying the last byte
 * sent (as a client that resends a key typed one per segment). tshark's desegmentation joins it to the
 * line still open (listed in its segments with "Segment overlap"), calls it "Retransmitted TCP segment
 * data" at the line's first byte, raises a reassembly error inside a line already reassembled from
 * several segments, and hands it to Data elsewhere.
 */
describe('keep-alives carrying data, against the PDU they fall in (tshark 4.0)', () => {
  const open: Seg[] = [['c', 0, 0, SYN, ''], ['s', 0, 1, SYN | ACK, ''], ['c', 1, 1, ACK, ''], ['s', 1, 1, PSH | ACK, '220 hi\r\n']];
  const streams: Seg[][] = [
    // inside a line still open
    [...open, ['c', 1, 9, PSH | ACK, 'NO'], ['c', 2, 9, PSH | ACK, 'O'], ['c', 3, 9, PSH | ACK, 'OP\r\n'], ['s', 9, 7, PSH | ACK, '250 ok\r\n']],
    // the last byte of a line reassembled from two segments
    [...open, ['c', 1, 9, PSH | ACK, 'NO'], ['c', 3, 9, PSH | ACK, 'OP\r\n'], ['c', 6, 9, PSH | ACK, '\n'], ['s', 9, 7, PSH | ACK, '250 ok\r\n']],
    // the last byte of a line sent in one segment
    [...open, ['c', 1, 9, PSH | ACK, 'NOOP\r\n'], ['c', 6, 9, PSH | ACK, '\n'], ['s', 9, 7, PSH | ACK, '250 ok\r\n']],
    // the first byte of a line typed one key per segment
    [...open, ['c', 1, 9, PSH | ACK, 'N'], ['c', 1, 9, PSH | ACK, 'N'], ['c', 2, 9, PSH | ACK, 'OOP\r\n'], ['s', 9, 7, PSH | ACK, '250 ok\r\n']],
    // inside an open line that ends with a pipelined second command
    [...open, ['c', 1, 9, PSH | ACK, 'NO'], ['c', 2, 9, PSH | ACK, 'O'], ['c', 3, 9, PSH | ACK, 'OP\r\nRSET\r\n'], ['s', 9, 13, PSH | ACK, '250 ok\r\n250 ok\r\n']],
  ];
  const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-ka-'));
  const file = writePcap(path.join(dir, 'keep-alive-data.pcap'), streams.flatMap((segs, i) => stream(25 + 1000 * (i + 1), 3000, 8000, segs)));
  const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
  const fields = [
    'frame.number', '_ws.col.Protocol', '_ws.col.Info', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled_in', 'tcp.segment_data',
    '_ws.expert.message', 'frame.protocols', 'smtp.req.command',
  ];

  for (const pass of [[], ['-2']]) {
    it(`joins, flags or hands on the keep-alive's byte as tshark does${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', '-d', 'tcp.port==1025,smtp', '-d', 'tcp.port==2025,smtp', '-d', 'tcp.port==3025,smtp',
        '-d', 'tcp.port==4025,smtp', '-d', 'tcp.port==5025,smtp', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw([...args, ...PIN]);
      expect(theirs.stdout).toMatch(/^6\tTCP\t\[TCP Keep-Alive\] .* \[TCP segment of a reassembled PDU\]\t/m);
      expect(theirs.stdout).toContain('Len=1[Reassembly error, protocol TCP: New fragment overlaps old data (retransmission?)]');
      expect(theirs.stdout).toContain('eth:ethertype:ip:tcp:data');
      expect(await wirelab(args)).toBe(theirs.stdout);
      // The TCP trees, less the overlap mark Wirelab puts on the resent segment itself (documented).
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp,_ws.malformed', '-d', 'tcp.port==1025,smtp', '-d', 'tcp.port==2025,smtp',
        '-d', 'tcp.port==3025,smtp', '-d', 'tcp.port==4025,smtp', '-d', 'tcp.port==5025,smtp'];
      const ours = (await wirelab(tree)).replace(/^ {4}\[Segment overlap: Set\]\n/gm, '');
      expect(ours).toBe((await tsharkRaw([...tree, ...PIN])).stdout);
    });
  }

  it('keeps the first copy of a different byte and says so, where tshark calls the line illegal (documented)', async () => {
    const conflict = writePcap(path.join(dir, 'keep-alive-conflict.pcap'), stream(25, 3000, 8000, [...open, ['c', 1, 9, PSH | ACK, 'NO'], ['c', 2, 9, PSH | ACK, '\0'], ['c', 3, 9, PSH | ACK, 'OP\r\n']]));
    const args = ['-r', conflict, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info', '-e', 'tcp.segment', '-e', 'tcp.segment.overlap.conflict'];
    const theirs = (await tsharkRaw([...args, ...PIN])).stdout.split('\n');
    expect(theirs[6]).toBe('7\t[Illegal Segments]\t5,7\t1');
    const ours = (await wirelab(args)).split('\n');
    // The conflict item and its expert item (on the same field) are both on the resent segment.
    expect(ours[5]).toMatch(/^6\t\[TCP Keep-Alive\] .* \[TCP segment of a reassembled PDU\]\t\t1,$/);
    expect(ours[6]).toBe('7\tC: NOOP\t5,6,7\t1');
  });
});
