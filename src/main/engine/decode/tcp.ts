/**
 * TCP (RFC 9293; options of RFC 7323 — window scale, timestamps — RFC 2018 SACK, RFC 6691 MSS) as
 * Wireshark 4.0's packet-tcp.c shows it: the header with every field and label tshark prints, the
 * sequence analysis (`tcp.analysis.*`: retransmission, out-of-order, lost segment, duplicate ACK, the
 * frame an ACK acknowledges, RTT, bytes in flight), `tcp.stream` allocation, and desegmentation of
 * payload PDUs with `tcp.desegment_tcp_streams: TRUE` semantics.
 *
 * Invariants:
 *  - Sequence numbers are compared only through src/shared/seq.ts (wrap-safe); relative numbers are
 *    `raw − base` modulo 2^32 as Wireshark shows them.
 *  - Everything learned from other frames (stream index, analysis, PDU boundaries, reassembled bytes) is
 *    computed on the first, in-order pass and frozen per frame (`ctx.setFrameData('tcp', …)`); any later
 *    dissection reads only frozen data, so a frame's tree never depends on which frames were clicked
 *    before. Stream-level facts that Wireshark's second pass shows in final form (conversation
 *    completeness, iRTT, window scale) hang off the shared stream object.
 *  - Payload dissectors are found through the `tcp.port` table (lower port first, then the higher one,
 *    as Wireshark's decode_tcp_ports), then the `tcp` heuristics, then Data. A dissector that needs more
 *    bytes sets `ctx.desegment = {offset, needed}` (needed may be ONE_MORE_SEGMENT); TCP keeps the bytes
 *    from `offset` pending for that direction and calls the dissector again on a "Reassembled TCP (N
 *    bytes)" data source once later segments complete it. Design, caps and degrade rules:
 *    docs/reassembly.md.
 */
import type { FieldDef, FieldValue } from '../../../shared/fields';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from '../../../shared/seq';
import { ONE_MORE_SEGMENT, defineFields, lazyInfoText, protocolField, tableRef, textPiece, uintText, type DissectCtx, type LazyInfo, type ProtocolModule, type TcpInfo, type TextPiece, type TextWriter } from './protocol';
import { addExpert, type ExpertGroup } from './expert';
import { FieldGroup, NULL_ITEM, type TreeItem } from './tree';
import { ByteView, ReassemblyError } from './view';
import type { ExpertSeverity } from '../../../shared/model';
import { COMPLETENESS, StreamTable, detachedStream, type LiveStream, type TcpStream, type UnackedSegment } from '../reassembly/stream-table';
import type { AcceptResult, Chunk, SegmentIn } from '../reassembly/half-connection';
import { formatRelTime, subTime } from './time';
import { inErrorPacket } from './state';
import { asciiValue, formatText, nulOrEnd } from '../dissect/text';

/** Named byte ranges of the fixed header (RFC 9293 §3.1). */
const TCP_F = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  DATA_OFFSET: 12,
  FLAGS: 12,
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
  OPTIONS: 20,
} as const;
const MIN_HEADER = 20;

/** Flag bits of the 12-bit flags field. */
const TH = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020, ECE: 0x040, CWR: 0x080, AE: 0x100, RES: 0xe00 } as const;

/** MAX_PENDING_PDU caps a PDU waiting for more segments (a line typed without CRLF); see docs/reassembly.md. */
export const MAX_PENDING_PDU = 64 * 1024;
/** MAX_UNACKED bounds the per-direction list of unacknowledged segments (Wireshark: 10000). */
const MAX_UNACKED = 10000;

/** Analysis flag bits (Wireshark's TCP_A_*), frozen per frame. */
export const TCP_A = {
  RETRANSMISSION: 0x0001,
  LOST_PACKET: 0x0002,
  ACK_LOST_PACKET: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

const COMPLETENESS_VALUES: Record<number, string> = {};
{
  const { SYN, SYNACK, ACK, DATA, FIN, RST } = COMPLETENESS;
  COMPLETENESS_VALUES[SYN] = 'Incomplete, SYN_SENT';
  COMPLETENESS_VALUES[SYN | SYNACK] = 'Incomplete, CLIENT_ESTABLISHED';
  COMPLETENESS_VALUES[SYN | SYNACK | ACK] = 'Incomplete, ESTABLISHED';
  COMPLETENESS_VALUES[SYN | SYNACK | ACK | DATA] = 'Incomplete, DATA';
  for (const end of [FIN, RST, FIN | RST]) {
    COMPLETENESS_VALUES[SYN | SYNACK | ACK | DATA | end] = 'Complete, WITH_DATA';
    COMPLETENESS_VALUES[SYN | SYNACK | ACK | end] = 'Complete, NO_DATA';
  }
}

const OPTION_KINDS: Record<number, string> = {
  0: 'End of Option List',
  1: 'No-Operation',
  2: 'Maximum Segment Size',
  3: 'Window Scale',
  4: 'SACK Permitted',
  5: 'SACK',
  8: 'Time Stamp Option',
  19: 'MD5 Signature Option',
  28: 'User Timeout',
  29: 'TCP Authentication Option',
  30: 'Multipath TCP',
  34: 'TCP Fast Open Cookie',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};

/** an option's name in the Options label and its item (tshark 4.0's option dissector short names) */
const OPTION_NAMES: Record<number, string> = {
  2: 'Maximum segment size',
  3: 'Window scale',
  4: 'SACK permitted',
  5: 'SACK',
  6: 'Echo',
  7: 'Echo reply',
  8: 'Timestamps',
  11: 'CC',
  12: 'CC.NEW',
  13: 'CC.ECHO',
  19: 'TCP MD5 signature',
  20: 'SCPS capabilities',
  21: 'Selective Negative Acknowledgment',
  22: 'SCPS record boundary',
  23: 'SCPS corruption experienced',
  27: 'Quick-Start',
  28: 'User Timeout',
  29: 'TCP AO',
  30: 'MPTCP',
  34: 'TCP Fast Open',
  76: 'Riverbed Probe',
  78: 'Riverbed Transparency',
  0xac: 'Accurate ECN',
  0xae: 'Accurate ECN',
  0xfd: 'Experimental',
  0xfe: 'Experimental',
};

const CHECKSUM_STATUS: Record<number, string> = { 0: 'Bad', 1: 'Good', 2: 'Unverified' };

const PROTO = { abbrev: 'tcp', short: 'TCP', name: 'Transmission Control Protocol' };
const P = protocolField(PROTO);

const F = defineFields('tcp', {
  srcport: { name: 'Source Port', type: 'uint16' },
  dstport: { name: 'Destination Port', type: 'uint16' },
  port: { name: 'Source or Destination Port', type: 'uint16' },
  stream: { name: 'Stream index', type: 'uint32' },
  completeness: { name: 'Conversation completeness', type: 'uint8', blurb: 'The completeness of the conversation capture' },
  len: { name: 'TCP Segment Len', type: 'uint32' },
  seq: { name: 'Sequence Number', type: 'uint32' },
  seq_raw: { name: 'Sequence Number (raw)', type: 'uint32', blurb: 'This shows the raw value of the sequence number' },
  nxtseq: { name: 'Next Sequence Number', type: 'uint32' },
  ack: { name: 'Acknowledgment Number', type: 'uint32' },
  ack_raw: { name: 'Acknowledgment number (raw)', type: 'uint32', blurb: 'This shows the raw value of the acknowledgment number' },
  'ack.nonzero': { name: 'The acknowledgment number field is nonzero while the ACK flag is not set', type: 'none' },
  hdr_len: { name: 'Header Length', type: 'uint8', bitmask: 0xf0, blurb: 'Data offset in 32-bit words' },
  flags: { name: 'Flags', type: 'uint16', base: 'hex', bitmask: 0x0fff, blurb: 'Flags (12 bits)' },
  'flags.res': { name: 'Reserved', type: 'boolean', bitmask: TH.RES, blurb: 'Three reserved bits (must be zero)' },
  'flags.ae': { name: 'Accurate ECN', type: 'boolean', bitmask: TH.AE },
  'flags.cwr': { name: 'Congestion Window Reduced', type: 'boolean', bitmask: TH.CWR },
  'flags.ece': { name: 'ECN-Echo', type: 'boolean', bitmask: TH.ECE },
  'flags.urg': { name: 'Urgent', type: 'boolean', bitmask: TH.URG },
  'flags.ack': { name: 'Acknowledgment', type: 'boolean', bitmask: TH.ACK },
  'flags.push': { name: 'Push', type: 'boolean', bitmask: TH.PSH },
  'flags.reset': { name: 'Reset', type: 'boolean', bitmask: TH.RST },
  'flags.syn': { name: 'Syn', type: 'boolean', bitmask: TH.SYN },
  'flags.fin': { name: 'Fin', type: 'boolean', bitmask: TH.FIN },
  'flags.str': { name: 'TCP Flags', type: 'string' },
  window_size_value: { name: 'Window', type: 'uint16', blurb: 'The window size value from the TCP header' },
  window_size: { name: 'Calculated window size', type: 'uint32', blurb: 'The scaled window size (if scaling has been used)' },
  window_size_scalefactor: {
    name: 'Window size scaling factor',
    type: 'int32',
    blurb: 'The window size scaling factor (-1 when unknown, -2 when no scaling is used)',
  },
  checksum: { name: 'Checksum', type: 'uint16', base: 'hex' },
  'checksum.status': { name: 'Checksum Status', type: 'uint8', base: 'none', values: CHECKSUM_STATUS },
  urgent_pointer: { name: 'Urgent Pointer', type: 'uint16' },
  options: { name: 'TCP Options', type: 'bytes' },
  'options.nop': { name: 'TCP Option - No-Operation (NOP)', type: 'bytes' },
  'options.eol': { name: 'TCP Option - End of Option List (EOL)', type: 'bytes' },
  'options.mss': { name: 'TCP Option - Maximum segment size', type: 'bytes' },
  'options.mss_val': { name: 'MSS Value', type: 'uint16' },
  'options.wscale': { name: 'TCP Option - Window scale', type: 'bytes' },
  'options.wscale.shift': { name: 'Shift count', type: 'uint8' },
  'options.wscale.multiplier': { name: 'Multiplier', type: 'uint16' },
  'options.sack_perm': { name: 'TCP Option - SACK permitted', type: 'bytes' },
  'options.sack': { name: 'TCP Option - SACK', type: 'bytes' },
  'options.sack_le': { name: 'TCP SACK Left Edge', type: 'uint32' },
  'options.sack_re': { name: 'TCP SACK Right Edge', type: 'uint32' },
  'options.sack.count': { name: 'TCP SACK Count', type: 'uint8' },
  'options.timestamp': { name: 'TCP Option - Timestamps', type: 'bytes' },
  'options.timestamp.tsval': { name: 'Timestamp value', type: 'uint32' },
  'options.timestamp.tsecr': { name: 'Timestamp echo reply', type: 'uint32' },
  'options.unknown.payload': { name: 'Payload', type: 'bytes' },
  option_kind: { name: 'Kind', type: 'uint8', values: OPTION_KINDS, blurb: "This TCP option's kind" },
  option_len: { name: 'Length', type: 'uint8' },
  'option.len.invalid': { name: 'Invalid length for option', type: 'none' },
  'options.wscale.shift.invalid': { name: 'Window scale shift exceeds 14', type: 'none' },
  analysis: { name: 'SEQ/ACK analysis', type: 'none' },
  'analysis.flags': { name: 'TCP Analysis Flags', type: 'none' },
  'analysis.acks_frame': { name: 'This is an ACK to the segment in frame', type: 'framenum' },
  'analysis.ack_rtt': { name: 'The RTT to ACK the segment was', type: 'reltime' },
  'analysis.initial_rtt': { name: 'iRTT', type: 'reltime' },
  'analysis.bytes_in_flight': { name: 'Bytes in flight', type: 'uint32' },
  'analysis.push_bytes_sent': { name: 'Bytes sent since last PSH flag', type: 'uint32' },
  'analysis.retransmission': { name: 'This frame is a (suspected) retransmission', type: 'none' },
  'analysis.rto': { name: 'The RTO for this segment was', type: 'reltime', blurb: 'How long the oldest unacknowledged segment waited before this retransmission' },
  'analysis.rto_frame': { name: 'RTO based on delta from frame', type: 'framenum', blurb: 'The oldest unacknowledged segment the RTO is measured from' },
  'analysis.fast_retransmission': { name: 'This frame is a (suspected) fast retransmission', type: 'none' },
  'analysis.spurious_retransmission': { name: 'This frame is a (suspected) spurious retransmission', type: 'none' },
  'analysis.out_of_order': { name: 'This frame is a (suspected) out-of-order segment', type: 'none' },
  'analysis.lost_segment': { name: 'Previous segment(s) not captured (common at capture start)', type: 'none' },
  'analysis.ack_lost_segment': { name: "ACKed segment that wasn't captured (common at capture start)", type: 'none' },
  'analysis.duplicate_ack': { name: 'Duplicate ACK', type: 'none' },
  'analysis.duplicate_ack_num': { name: 'Duplicate ACK #', type: 'uint32' },
  'analysis.duplicate_ack_frame': { name: 'Duplicate to the ACK in frame', type: 'framenum' },
  'analysis.window_update': { name: 'TCP window update', type: 'none' },
  'analysis.window_full': { name: 'TCP window specified by the receiver is now completely full', type: 'none' },
  'analysis.keep_alive': { name: 'TCP keep-alive segment', type: 'none' },
  'analysis.keep_alive_ack': { name: 'ACK to a TCP keep-alive segment', type: 'none' },
  'analysis.zero_window': { name: 'TCP Zero Window segment', type: 'none' },
  'analysis.zero_window_probe': { name: 'TCP Zero Window Probe', type: 'none' },
  'analysis.zero_window_probe_ack': { name: 'ACK to a TCP Zero Window Probe', type: 'none' },
  'analysis.reused_ports': {
    name: 'A new tcp session is started with the same ports as an earlier session in this trace',
    type: 'none',
  },
  time_relative: { name: 'Time since first frame in this TCP stream', type: 'reltime' },
  time_delta: { name: 'Time since previous frame in this TCP stream', type: 'reltime' },
  payload: { name: 'TCP payload', type: 'bytes', blurb: 'The TCP payload of this packet' },
  reset_cause: { name: 'Reset cause', type: 'string' },
  segment_data: { name: 'TCP segment data', type: 'bytes', blurb: 'A data segment used in reassembly of a lower-level protocol' },
  segment: { name: 'TCP Segment', type: 'framenum' },
  segments: { name: 'Reassembled TCP Segments', type: 'none', blurb: 'TCP Segments' },
  'segment.count': { name: 'Segment count', type: 'uint32' },
  'segment.overlap': { name: 'Segment overlap', type: 'boolean', blurb: 'Segment overlaps with other segments' },
  'segment.overlap.conflict': {
    name: 'Conflicting data in segment overlap',
    type: 'boolean',
    blurb: 'Overlapping segments contained conflicting data',
  },
  reassembled_in: {
    name: 'Reassembled PDU in frame',
    type: 'framenum',
    blurb: "The PDU that doesn't end in this segment is reassembled in this frame",
  },
  'reassembled.length': { name: 'Reassembled TCP length', type: 'uint32', blurb: 'The total length of the reassembled payload' },
  'reassembled.data': { name: 'Reassembled TCP Data', type: 'bytes', blurb: 'The reassembled payload' },
  'connection.syn': { name: 'Connection establish request (SYN)', type: 'none' },
  'connection.synack': { name: 'Connection establish acknowledge (SYN+ACK)', type: 'none' },
  'connection.fin': { name: 'Connection finish (FIN)', type: 'none' },
  'connection.rst': { name: 'Connection reset (RST)', type: 'none' },
  'connection.fin_active': { name: 'This frame initiates the connection closing', type: 'none' },
  'connection.fin_passive': { name: 'This frame undergoes the connection closing', type: 'none' },
  bogus_header_length: { name: 'Bogus TCP Header length', type: 'none' },
  nop: { name: '4 NOP in a row - a router may have removed some options', type: 'none' },
  non_zero_bytes_after_eol: { name: 'Non zero bytes in option space after EOL option', type: 'none' },
  'options.mss.absent': { name: 'The SYN packet does not contain a MSS option', type: 'none' },
  'options.mss.present': { name: 'The non-SYN packet does contain a MSS option', type: 'none' },
  'urgent_pointer.non_zero': { name: 'The urgent pointer field is nonzero while the URG flag is not set', type: 'none' },
  // Wirelab additions (docs/wireshark-differences.md): explicit reassembly degradations.
  'reassembly.gap': {
    name: 'Bytes missing before this data',
    type: 'none',
    blurb: 'Wirelab: segments were never captured; the pending PDU was dropped and dissection resumed after the hole',
  },
  'reassembly.evicted': {
    name: 'Reassembly state evicted',
    type: 'none',
    blurb: 'Wirelab: the stream was idle while the live-state cap was reached; its buffered and pending bytes were dropped unreassembled',
  },
  'reassembly.too_long': {
    name: 'PDU too long',
    type: 'none',
    blurb: `Wirelab: a PDU grew past ${MAX_PENDING_PDU} bytes without completing; it was dropped and dissection resumed after the next line end`,
  },
});

/** HEADER_GROUP: the header's detail items after the ports (tcp.srcport/dstport/port are always added). */
const HEADER_GROUP = new FieldGroup([
  P,
  ...Object.values(F).filter((f) => f !== F.srcport && f !== F.dstport && f !== F.port),
  '_ws.expert',
  '_ws.expert.message',
  '_ws.expert.severity',
  '_ws.expert.group',
]);

/** SEGMENTS_GROUP: the "N Reassembled TCP Segments" item and its children. */
const SEGMENTS_GROUP = new FieldGroup([F.segments, F.segment, F['segment.count'], F['reassembled.length'], F['reassembled.data']]);

/** tcpFields are the TCP field handles (for tests and other modules). */
export const tcpFields = F;

/** TCP fields whose values come from reassembling and dissecting the payload (not from the header). */
const PAYLOAD_DERIVED: ReadonlySet<string> = new Set(
  [F.segment_data, F.segment, F.segments, F['segment.count'], F['segment.overlap'], F['segment.overlap.conflict'], F.reassembled_in, F['reassembled.length'], F['reassembled.data'], F['reassembly.gap'], F['reassembly.too_long'], F['reassembly.evicted']].map((f) => f.abbrev),
);

/**
 * Protocols dissected before (or beside) TCP payloads, never from them: their fields read the same whether
 * TCP payloads are reassembled and dissected or not. (DNS and `data` are absent: they also run over TCP.)
 */
const BELOW_TCP_PAYLOAD: ReadonlySet<string> = new Set(['frame', 'eth', 'vlan', 'sll', 'null', 'loop', 'raw', 'ip', 'ipv6', 'arp', 'icmp', 'icmpv6', 'udp', 'tcp']);

/**
 * fieldNeedsTcpPayload tells whether a field's value can depend on TCP payload reassembly and dissection
 * (an application protocol over TCP, a reassembly result, `frame.protocols`, expert info). A one-pass
 * reader whose output and filters read none of these may skip TCP payloads (SessionOptions.tcpPayloads).
 */
export function fieldNeedsTcpPayload(abbrev: string): boolean {
  const dot = abbrev.indexOf('.');
  const proto = dot < 0 ? abbrev : abbrev.slice(0, dot);
  return !BELOW_TCP_PAYLOAD.has(proto) || abbrev === 'frame.protocols' || PAYLOAD_DERIVED.has(abbrev);
}

// ---------------------------------------------------------------------------------------------------------
// Per-frame frozen data

/** PduRef is shared by every frame whose bytes belong to one multi-segment PDU. */
export interface PduRef {
  /** frame where the PDU was completed (and dissected); undefined while pending or when dropped */
  reassembledIn: number | undefined;
}

/** SegmentSpan is one frame's contribution to a reassembled PDU. */
export interface SegmentSpan {
  frame: number;
  /** offset of the bytes in the reassembled PDU */
  start: number;
  length: number;
  /** a segment whose bytes had all arrived before (shown with tshark's overlap items) */
  overlap?: boolean;
  /** … with bytes other than those kept */
  conflict?: boolean;
}

/** FrozenCall is one payload-dissector call made while dissecting a frame, replayed on re-dissection. */
export type FrozenCall =
  | { kind: 'frame'; offset: number; length: number; seq: number }
  | { kind: 'reassembled'; bytes: Uint8Array; pduLength: number; segments: SegmentSpan[]; seq: number }
  /** a keep-alive's bytes outside any reassembled PDU: the Data dissector only (as tshark) */
  | { kind: 'data'; offset: number; length: number };

/**
 * TcpFrameData is what the first pass freezes for a TCP frame (key `tcp`). It doubles as the tag of the
 * frame's bytes in reassembly ({@link SegTag}): later frames mark it (`partOf`, `evicted`) through it.
 */
export interface TcpFrameData {
  /** the frame's number */
  frame: number;
  stream: TcpStream<SegTag, PduState>;
  /** direction of this frame in the stream (0: sent by the lower endpoint) */
  dir: 0 | 1;
  relSeq: number;
  relAck: number;
  nextSeq: number;
  /** TCP_A_* bits */
  flags: number;
  /**
   * the stream's completeness before this frame, as tshark's first pass shows it; -1 when this frame
   * opened the stream and was no SYN (tshark's first pass leaves it out, see TcpStream.completenessFirst)
   */
  completenessBefore: number;
  acksFrame?: number;
  ackRtt?: number;
  /** retransmissions: time since the oldest unacknowledged segment, and its frame */
  rto?: number;
  rtoFrame?: number;
  bytesInFlight?: number;
  pushBytes?: number;
  dupAckNum?: number;
  dupAckFrame?: number;
  /**
   * tshark keeps an analysis record for the frame though nothing above shows in it (an ACK past a hole
   * already reported): its "SEQ/ACK analysis" item is still there
   */
  analysed?: boolean;
  timeRelative: number;
  timeDelta: number;
  /** payload-dissector calls made in this frame, in order (absent: none) */
  calls?: FrozenCall[];
  /** the trailing bytes of this frame belong to this pending PDU */
  partOf?: PduRef;
  /** range of this frame's payload that went into multi-segment PDUs ("TCP segment data") */
  segmentData?: { offset: number; length: number };
  /** no PDU was dissected in this frame: Info gets " [TCP segment of a reassembled PDU]" */
  segmentOnly?: boolean;
  overlap?: boolean;
  conflict?: boolean;
  gapBefore?: number;
  tooLong?: number;
  /** the frame's payload was not dissected (retransmitted / already-seen data) */
  skipPayload?: boolean;
  /** retransmitted: flagged a retransmission; its payload was not reassembled or dissected. */
  retransmitted?: boolean;
  /**
   * tshark's reassembly error for bytes sent again inside a PDU already reassembled from several
   * segments (not flagged a retransmission: a keep-alive's byte): shown as a malformed item
   */
  reassemblyError?: string;
  /** FIN: this side closes first ("initiates the connection closing") */
  finActive?: boolean;
  /** bytes of this frame dropped unreassembled when the stream's live state was evicted */
  evicted?: number;
  /** first payload of a direction revived after an eviction (what was pending before is gone) */
  resumed?: boolean;
}

/**
 * newFrameData makes a frame's TcpFrameData with every optional property present (undefined): all of
 * them share one hidden class, so the many reads of `frozen.*` per frame stay monomorphic. With `into`
 * (a reusing dissection's object that nothing keeps any more, see TcpScratch) it rewrites that.
 */
function newFrameData(
  frame: number,
  stream: TcpStream<SegTag, PduState>,
  dir: 0 | 1,
  relSeq: number,
  relAck: number,
  nextSeq: number,
  flags: number,
  timeRelative: number,
  timeDelta: number,
  into?: TcpFrameData,
): TcpFrameData {
  if (into !== undefined) {
    into.frame = frame;
    into.stream = stream;
    into.dir = dir;
    into.relSeq = relSeq;
    into.relAck = relAck;
    into.nextSeq = nextSeq;
    into.flags = flags;
    into.completenessBefore = 0;
    into.acksFrame = into.ackRtt = into.rto = into.rtoFrame = undefined;
    into.bytesInFlight = into.pushBytes = into.dupAckNum = into.dupAckFrame = into.analysed = undefined;
    into.timeRelative = timeRelative;
    into.timeDelta = timeDelta;
    into.calls = into.partOf = into.segmentData = undefined;
    into.segmentOnly = into.overlap = into.conflict = undefined;
    into.gapBefore = into.tooLong = undefined;
    into.skipPayload = into.retransmitted = into.finActive = into.reassemblyError = undefined;
    into.evicted = undefined;
    into.resumed = undefined;
    return into;
  }
  return {
    frame,
    stream,
    dir,
    relSeq,
    relAck,
    nextSeq,
    flags,
    completenessBefore: 0,
    acksFrame: undefined,
    ackRtt: undefined,
    rto: undefined,
    rtoFrame: undefined,
    bytesInFlight: undefined,
    pushBytes: undefined,
    dupAckNum: undefined,
    dupAckFrame: undefined,
    analysed: undefined,
    timeRelative,
    timeDelta,
    calls: undefined,
    partOf: undefined,
    segmentData: undefined,
    segmentOnly: undefined,
    overlap: undefined,
    conflict: undefined,
    gapBefore: undefined,
    tooLong: undefined,
    skipPayload: undefined,
    retransmitted: undefined,
    reassemblyError: undefined,
    finActive: undefined,
    evicted: undefined,
    resumed: undefined,
  };
}

/** SegTag labels the bytes a reassembler delivers with the frame they came from: that frame's data. */
export type SegTag = TcpFrameData;

/** PendingPart is one frame's contribution to a pending PDU (its bytes are in PduState.buf). */
interface PendingPart {
  tag: SegTag;
  length: number;
  payloadOffset: number;
  /**
   * a segment whose bytes had all arrived before, joined to the PDU as tshark joins it to its open
   * multi-segment PDU: `at` is its offset in the PDU (length is then 0: it adds no bytes)
   */
  overlap?: { at: number; length: number; conflict: boolean };
}

/** PduState is one direction's desegmentation state. */
interface PduState {
  parts: PendingPart[];
  /**
   * buf: the pending bytes, parts in order, at buf[0 … length); its capacity grows by doubling. Copies,
   * not views of the reader's chunks (which they would keep alive). Bytes below `length` are never
   * rewritten: each attempt hands the dissector a view of buf[0 … length), and what it keeps of that view
   * (or what a completed PDU freezes) stays valid while later parts are appended after it or into a
   * grown copy. So a line typed one key per segment costs one byte appended per key, not a re-join.
   */
  buf: Uint8Array;
  length: number;
  /** total length wanted, or Infinity for ONE_MORE_SEGMENT */
  target: number;
  /** relative sequence number of the first pending byte */
  seq: number;
  ref: PduRef;
  /** resynchronising after a too-long PDU: skip to the next LF */
  skipping: boolean;
  /**
   * lineUntil: the dissector's `desegment.lineEnd` promise (DissectCtx.desegment): while the pending bytes
   * are at most this long and no CR or LF arrives, the answer is still "one more segment" and the
   * dissector is not called. 0 = no promise (call it for every segment). Dropped when the other direction
   * of the stream dissects anything (its state may change the answer).
   */
  lineUntil: number;
}

/** NO_PENDING_BYTES is the buffer of a PDU with no bytes yet (capacity 0: never written). */
const NO_PENDING_BYTES = new Uint8Array(0);

/** appendPending copies bytes[start, end) of a frame (tagged `tag`) to the end of a pending PDU. */
function appendPending(pending: PduState, tag: SegTag, bytes: Uint8Array, start: number, end: number, payloadOffset: number): void {
  const n = end - start;
  const at = pending.length;
  let buf = pending.buf;
  if (at + n > buf.length) {
    let capacity = Math.max(64, buf.length * 2);
    while (capacity < at + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    if (at > 0) grown.set(at === buf.length ? buf : buf.subarray(0, at));
    pending.buf = buf = grown;
  }
  if (n <= 16) for (let i = 0; i < n; i++) buf[at + i] = bytes[start + i];
  else buf.set(bytes.subarray(start, end), at);
  pending.length = at + n;
  pending.parts.push({ tag, length: n, payloadOffset });
}

/** Capture-wide TCP state kept in ctx.conversation. */
interface TcpCaptureState {
  table: StreamTable<SegTag, PduState>;
  /**
   * shown: per stream index, what DissectCtx.tcpStreamShown answered for the stream's first frame (0 not
   * asked yet, 1 shown, 2 not shown): the answer is the same for every frame of a stream.
   */
  shown: Uint8Array;
}

/** streamShown asks DissectCtx.tcpStreamShown once per stream. */
function streamShown(ctx: DissectCtx, state: TcpCaptureState, index: number): boolean {
  let shown = state.shown;
  if (index >= shown.length) {
    const grown = new Uint8Array(Math.max(2 * shown.length, index + 1));
    grown.set(shown);
    state.shown = shown = grown;
  }
  if (shown[index] === 0) shown[index] = ctx.tcpStreamShown() ? 1 : 2;
  return shown[index] === 1;
}

const CONVERSATION_KEY = 'tcp';
/** the tables TCP hands payloads to */
const TCP_PORT = tableRef('tcp.port');
const TCP_HEURISTICS = tableRef('tcp');

function newCaptureState(): TcpCaptureState {
  const table = new StreamTable<SegTag, PduState>();
  // A pending PDU holds its buffer (the bytes and the room to grow).
  table.pduBytes = (pdu) => pdu.buf.length;
  return { table, shown: new Uint8Array(1024) };
}

let detached: TcpStream<SegTag, PduState> | undefined;

/**
 * sharedDetachedStream is the stream of frames dissected without stream state (index 0, nothing known).
 * Such dissections only read it, so one instance serves them all.
 */
function sharedDetachedStream(): TcpStream<SegTag, PduState> {
  return (detached ??= detachedStream<SegTag, PduState>());
}

/** NO_OPTIONS is what a header without options tells (shared, never modified). */
const NO_OPTIONS: ParsedOptions = Object.freeze({ sackPerm: false, sack: [], info: '' }) as ParsedOptions;

// ---------------------------------------------------------------------------------------------------------
// Header parsing (read) kept apart from interpretation

/** TcpHeader is the decoded fixed header. */
export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  hdrLen: number;
  flags: number;
  window: number;
  checksum: number;
  urgent: number;
}

/**
 * parseTcpHeader reads the fixed 20-byte header (throws TruncatedError when it is cut), into `into` when
 * given (a reusing dissection's header object, see DissectCtx.reuse).
 */
export function parseTcpHeader(v: ByteView, into?: TcpHeader): TcpHeader {
  const off = v.u16(TCP_F.DATA_OFFSET);
  if (into !== undefined) {
    into.srcPort = v.u16(TCP_F.SRC_PORT);
    into.dstPort = v.u16(TCP_F.DST_PORT);
    into.seq = v.u32(TCP_F.SEQ);
    into.ack = v.u32(TCP_F.ACK);
    into.hdrLen = (off >> 12) * 4;
    into.flags = off & 0x0fff;
    into.window = v.u16(TCP_F.WINDOW);
    into.checksum = v.u16(TCP_F.CHECKSUM);
    into.urgent = v.u16(TCP_F.URGENT);
    return into;
  }
  return {
    srcPort: v.u16(TCP_F.SRC_PORT),
    dstPort: v.u16(TCP_F.DST_PORT),
    seq: v.u32(TCP_F.SEQ),
    ack: v.u32(TCP_F.ACK),
    hdrLen: (off >> 12) * 4,
    flags: off & 0x0fff,
    window: v.u16(TCP_F.WINDOW),
    checksum: v.u16(TCP_F.CHECKSUM),
    urgent: v.u16(TCP_F.URGENT),
  };
}

/** TcpOptions is what the options tell the analysis and the Info column. */
interface ParsedOptions {
  mss?: number;
  wscale?: number;
  sackPerm: boolean;
  tsval?: number;
  tsecr?: number;
  sack: [number, number][];
  info: string;
}

/**
 * sackWidths is what tshark 4.0 keeps of a segment's SACK blocks for the peer's bytes in flight: the sum
 * of the widths of the first three (it stores no fourth), modulo 2^32.
 */
function sackWidths(sack: readonly [number, number][]): number {
  let sum = 0;
  for (let i = 0; i < sack.length && i < 3; i++) sum = (sum + ((sack[i][1] - sack[i][0]) >>> 0)) >>> 0;
  return sum;
}

const FLAG_NAMES: [number, string][] = [
  [TH.FIN, 'FIN'],
  [TH.SYN, 'SYN'],
  [TH.RST, 'RST'],
  [TH.PSH, 'PSH'],
  [TH.ACK, 'ACK'],
  [TH.URG, 'URG'],
  [TH.ECE, 'ECE'],
  [TH.CWR, 'CWR'],
  [TH.AE, 'AE'],
  [TH.RES, 'Reserved'],
];

/** flagNames is `SYN, ACK` as Wireshark lists set flags (low bit first), or `<None>`. */
export function flagNames(flags: number): string {
  const cached = flagNamesCache[flags & 0x0fff];
  return cached !== undefined ? cached : (flagNamesCache[flags & 0x0fff] = formatFlagNames(flags));
}

// Apart from flagNames: its closure over `flags` would make every call allocate a context.
function formatFlagNames(flags: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  return names.length ? names.join(', ') : '<None>';
}

/** flagNamesCache: the 4096 possible texts, built on first use (Info needs one per segment). */
const flagNamesCache: (string | undefined)[] = new Array<string | undefined>(0x1000).fill(undefined);

/** flagString is `tcp.flags.str`: `·······AP···` (12 positions, high bit first). */
export function flagString(flags: number): string {
  const letters = 'RRRACEUAPRSF';
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? letters[i] : '\u00b7';
  return s;
}

function bitPicture(value: number, mask: number, width: number): string {
  let s = '';
  for (let bit = width - 1; bit >= 0; bit--) {
    s += mask & (1 << bit) ? (value & (1 << bit) ? '1' : '0') : '.';
    if (bit % 4 === 0 && bit !== 0) s += ' ';
  }
  return s;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

// ---------------------------------------------------------------------------------------------------------
// First-pass analysis (Wireshark's tcp_analyze_sequence_number, simplified where noted)

function frameTime(ctx: DissectCtx, stream: TcpStream<SegTag, PduState>): number {
  return subTime(ctx.frame.tsSec, ctx.frame.tsNsec, ctx.frame.firstSec, ctx.frame.firstNsec) - stream.firstTime;
}

/**
 * Unacknowledged-segment records are recycled: most are acknowledged within a few frames, and the lists
 * own them alone (analyse copies what it reports), so a dropped record waits here for the next segment.
 */
const SEGMENT_POOL: UnackedSegment[] = [];
const SEGMENT_POOL_MAX = 4096;

function unackedSegment(frame: number, seq: number, nextSeq: number, time: number): UnackedSegment {
  const seg = SEGMENT_POOL.pop();
  if (seg === undefined) return { frame, seq, nextSeq, time };
  seg.frame = frame;
  seg.seq = seq;
  seg.nextSeq = nextSeq;
  seg.time = time;
  return seg;
}

function releaseSegment(seg: UnackedSegment): void {
  if (SEGMENT_POOL.length < SEGMENT_POOL_MAX) SEGMENT_POOL.push(seg);
}

function analyse(
  ctx: DissectCtx,
  h: TcpHeader,
  seglen: number,
  opts: ParsedOptions,
  stream: TcpStream<SegTag, PduState>,
  dir: 0 | 1,
  reused: boolean,
  into: TcpFrameData | undefined,
  detail: boolean,
): TcpFrameData {
  const fwd = stream.dirs[dir];
  const rev = stream.dirs[dir === 0 ? 1 : 0];
  const frameNo = ctx.frame.number;
  const now = frameTime(ctx, stream);
  const syn = (h.flags & TH.SYN) !== 0;
  const ackFlag = (h.flags & TH.ACK) !== 0;
  // An ACK beyond what we saw of the peer's data means the capture missed it: reassembly must not wait.
  if (ackFlag) rev.half.notePeerAck(h.ack);
  const fin = (h.flags & TH.FIN) !== 0;
  const rst = (h.flags & TH.RST) !== 0;

  // Conversation completeness, as tshark 4.0 keeps it (measured on crafted streams): an ACK counts only
  // without payload (a pure ACK, FIN/ACK, RST/ACK); a frame shows the value before it; the first frame of
  // a stream counts only on a second pass unless it is a SYN without ACK (completenessShown).
  const completenessBefore = stream.completeness;
  let completenessBits = 0;
  // Only a new conversation's SYN counts: one first seen quoted in an ICMP error (stream.opened, no base
  // set) is no longer new in tshark, and nor is its first own frame (no `opens` below).
  const quotedOnly = stream.opened && !fwd.baseSet && !rev.baseSet;
  if (syn) completenessBits |= ackFlag ? COMPLETENESS.SYNACK : quotedOnly ? 0 : COMPLETENESS.SYN;
  else if (ackFlag && seglen === 0) completenessBits |= COMPLETENESS.ACK;
  if (seglen > 0) completenessBits |= COMPLETENESS.DATA;
  if (fin) completenessBits |= COMPLETENESS.FIN;
  if (rst) completenessBits |= COMPLETENESS.RST;
  const opens = !(syn && !ackFlag) && !fwd.baseSet && !rev.baseSet && !quotedOnly;
  if (opens) stream.completenessFirst = completenessBits;
  else stream.completeness = completenessBefore | completenessBits;
  stream.opened = true;

  // Relative sequence numbers: base = ISN for a SYN, seq − 1 for a stream picked up mid-way.
  if (!fwd.baseSet) {
    fwd.baseSeq = syn ? h.seq : (h.seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  if (ackFlag && !rev.baseSet) {
    rev.baseSeq = (h.ack - 1) >>> 0;
    rev.baseSet = true;
  }
  // iRTT runs from the most recent SYN (a retransmitted SYN restarts it), as tshark's ts_mru_syn.
  if (syn && !ackFlag) stream.synTime = now;
  // The first SYN of a direction sets its ISN and window scale; a retransmitted one changes neither (as
  // tshark: the scale stays even if the resent SYN lacks the option).
  if (syn && stream.isnOf(dir) === undefined) {
    stream.setIsn(dir, h.seq);
    fwd.winScale = opts.wscale !== undefined ? Math.min(opts.wscale, 14) : -2;
    // tshark's verify_tcp_window_scaling: a SYN or SYN/ACK without the option rules scaling out both ways
    // (also when the other side's SYN is never seen); a SYN/ACK with it after a SYN without it, too.
    if (fwd.winScale === -2 || (ackFlag && rev.winScale === -2)) {
      fwd.winScale = -2;
      rev.winScale = -2;
    }
  }
  // iRTT: the first frame with ACK and without SYN after a SYN (tshark's ts_first_rtt; a SYN/ACK need
  // not have been seen, and a segment quoted in an ICMP error counts too: dissectQuotedTcp).
  if (!syn && ackFlag && stream.initialRtt === undefined && stream.synTime !== undefined) {
    stream.initialRtt = now - stream.synTime;
  }

  // The SACK blocks of this side's latest segment are what the peer's bytes in flight leave out (as
  // tshark 4.0: the first three blocks; a segment without the option clears them).
  fwd.sackDelivered = sackWidths(opts.sack);

  const relSeq = (h.seq - fwd.baseSeq) >>> 0;
  const relAck = ackFlag ? (h.ack - rev.baseSeq) >>> 0 : 0;
  const nextSeq = (relSeq + seglen + (syn || fin ? 1 : 0)) >>> 0;
  const data = newFrameData(frameNo, stream, dir, relSeq, relAck, nextSeq, reused ? TCP_A.REUSED_PORTS : 0, now, now - stream.lastTime, into);
  // A SYN that reuses the ports shows its own bit at once (tshark 4.0, measured); other frames the value
  // before them.
  data.completenessBefore = opens ? -1 : reused ? completenessBefore | completenessBits : completenessBefore;
  stream.lastTime = now;

  const window = h.window;
  const flagsNoData = (h.flags & (TH.SYN | TH.FIN | TH.RST)) !== 0;
  // An ACK from this side makes the other side's bytes in flight countable again (after a lost segment),
  // and takes what it acknowledges off that side's unacknowledged list.
  if (ackFlag) {
    rev.validBytesInFlight = true;
    rev.lowSinceAckSet = false;
  }
  if ((seglen > 0 || syn || fin) && (!fwd.lowSinceAckSet || seqLt(h.seq, fwd.lowSinceAck))) {
    fwd.lowSinceAck = h.seq;
    fwd.lowSinceAckSet = true;
  }
  // Zero window probe: one byte at the next sequence number into the peer's zero window. As tshark, it
  // skips the checks below up to the duplicate ACK's, and does not advance the next sequence number.
  const probe = seglen === 1 && fwd.nextSeqSet && h.seq === fwd.nextSeq && rev.window === 0;
  if (probe) data.flags |= TCP_A.ZERO_WINDOW_PROBE;
  else {
    // tshark's checks between the probe's and the duplicate ACK's (a probe jumps past them).
    // Zero window.
    if (window === 0 && !flagsNoData) data.flags |= TCP_A.ZERO_WINDOW;
    // Lost segment: a gap before this one.
    if (fwd.nextSeqSet && seqGt(h.seq, fwd.nextSeq) && !rst) {
      data.flags |= TCP_A.LOST_PACKET;
      fwd.validBytesInFlight = false;
    }
    // Keep-alive.
    if ((seglen === 0 || seglen === 1) && fwd.nextSeqSet && h.seq === ((fwd.nextSeq - 1) >>> 0) && !flagsNoData) {
      data.flags |= TCP_A.KEEP_ALIVE;
    }
    const sameSeqAck = fwd.nextSeqSet && h.seq === fwd.nextSeq && fwd.lastAckSet && h.ack === fwd.lastAck && !flagsNoData;
    // Window update.
    if (seglen === 0 && window !== 0 && window !== fwd.window && fwd.window >= 0 && sameSeqAck) data.flags |= TCP_A.WINDOW_UPDATE;
    // Window full: the segment reaches the right edge of the window the receiver advertised.
    if (seglen > 0 && rev.winScale !== -1 && rev.window >= 0 && rev.lastAckSet && !flagsNoData) {
      // The peer's window is scaled unless it is still its SYN's (tshark's is_first_ack).
      const edge = seqAdd(rev.lastAck, rev.window * 2 ** (rev.firstAck || rev.winScale === -2 ? 0 : rev.winScale));
      if (seqAdd(h.seq, seglen) === edge) data.flags |= TCP_A.WINDOW_FULL;
    }
    // Keep-alive ACK, zero window probe ACK (each ends the checks), duplicate ACK.
    if (seglen === 0 && window === fwd.window && sameSeqAck) {
      if (window !== 0 && rev.lastSegmentFlags & TCP_A.KEEP_ALIVE) data.flags |= TCP_A.KEEP_ALIVE_ACK;
      else if (window === 0 && rev.lastSegmentFlags & TCP_A.ZERO_WINDOW_PROBE) data.flags |= TCP_A.ZERO_WINDOW_PROBE_ACK;
      else if (window !== 0 && !(data.flags & TCP_A.WINDOW_UPDATE)) {
        // −1 (set below after an "ACKed unseen segment") counts as none.
        fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : fwd.dupAckNum + 1;
        data.flags |= TCP_A.DUPLICATE_ACK;
        data.dupAckNum = fwd.dupAckNum;
        data.dupAckFrame = fwd.lastNonDupAck;
      }
    }
  }
  // As tshark 4.0: the duplicate ACK count restarts when the ACK number changes (a data segment with the
  // same ACK does not restart it: `[TCP Dup ACK 3#1]` names the last frame that changed it).
  if (!fwd.lastAckSet || h.ack !== fwd.lastAck) {
    fwd.lastNonDupAck = frameNo;
    fwd.dupAckNum = 0;
  }
  // ACKed segment that was not captured: the ACK passes the peer's highest contiguous sequence number
  // (tshark 4.0.17). That number then jumps to the peer's next sequence number; when it is there
  // already, the peer's duplicate ACK counter (−1) keeps later ACKs of the same hole quiet until the
  // peer's own ACK changes.
  if (ackFlag && rev.maxSeqToBeAckedSet && seqGt(h.ack, rev.maxSeqToBeAcked)) {
    data.analysed = true;
    if (rev.nextSeqSet && seqLt(rev.maxSeqToBeAcked, rev.nextSeq)) {
      rev.maxSeqToBeAcked = rev.nextSeq;
      data.flags |= TCP_A.ACK_LOST_PACKET;
    } else {
      if (rev.dupAckNum === 0) data.flags |= TCP_A.ACK_LOST_PACKET;
      rev.dupAckNum = -1;
    }
  }
  // Spurious retransmission, fast retransmission, out-of-order, retransmission, in tshark 4.0's order: data
  // the peer has ACKed already is spurious even when it does not lie below the next sequence number (the
  // peer ACKed bytes the capture missed), and a segment starting one byte before the next sequence number
  // (after a zero window probe or keep-alive) counts as advancing it.
  if ((seglen > 0 || syn || fin) && !(data.flags & TCP_A.KEEP_ALIVE)) {
    const notAdvanced = fwd.nextSeqSet && seqLt(h.seq, fwd.nextSeq) && !(seglen > 1 && h.seq === ((fwd.nextSeq - 1) >>> 0));
    const sinceDupAck = now - rev.lastAckTime;
    const sinceNext = now - fwd.nextSeqTime;
    const oooThreshold = stream.initialRtt ?? 0.003;
    if (seglen > 0 && rev.lastAckSet && seqLe(seqAdd(h.seq, seglen), rev.lastAck)) {
      data.flags |= TCP_A.SPURIOUS_RETRANSMISSION;
    } else if (!notAdvanced) {
      // New data: nothing to flag.
    } else if (rev.dupAckNum >= 2 && rev.lastAck === h.seq && sinceDupAck < 0.02) {
      data.flags |= TCP_A.FAST_RETRANSMISSION;
    } else if (sinceNext < oooThreshold && fwd.nextSeq !== seqAdd(h.seq, seglen + (syn || fin ? 1 : 0))) {
      data.flags |= TCP_A.OUT_OF_ORDER;
    } else {
      data.flags |= TCP_A.RETRANSMISSION;
      // The RTO is measured from the oldest segment still unacknowledged (the list is oldest first), or,
      // with none left, from the segment that last advanced the next sequence number (as tshark).
      const oldest = detail ? fwd.segments[0] : undefined;
      data.rto = now - (oldest !== undefined ? oldest.time : fwd.nextSeqTime);
      data.rtoFrame = oldest !== undefined ? oldest.frame : fwd.nextSeqFrame;
    }
  }
  // Remember the segment.
  const segNext = seqAdd(h.seq, seglen + (syn || fin ? 1 : 0));
  // Every segment with data (or SYN/FIN) goes on the unacknowledged list, resent ones too (as tshark: an
  // ACK names the oldest segment it completes, and a resent SYN's ACK still acknowledges a frame).
  if ((seglen > 0 || syn || fin) && detail && fwd.segments.length < MAX_UNACKED) fwd.segments.push(unackedSegment(frameNo, h.seq, segNext, now));
  // As tshark, any segment (a pure ACK too) may raise the next sequence number; a zero window probe's
  // byte, sent again later, raises neither it nor the highest contiguous one.
  if (!probe && (!fwd.nextSeqSet || seqGt(segNext, fwd.nextSeq))) {
    fwd.nextSeq = segNext;
    fwd.nextSeqSet = true;
    fwd.nextSeqFrame = frameNo;
    fwd.nextSeqTime = now;
  }
  // The highest contiguous sequence number (tshark's "max seq to be acked") follows only a segment that
  // starts exactly there: after a hole, or a retransmission with bytes past it, an ACK of those bytes is
  // "ACKed unseen segment".
  if (!probe && (!fwd.maxSeqToBeAckedSet || h.seq === fwd.maxSeqToBeAcked)) {
    fwd.maxSeqToBeAcked = fwd.nextSeq;
    fwd.maxSeqToBeAckedSet = true;
  }
  if (fin) {
    data.finActive = !rev.finSeen;
    fwd.finSeen = true;
  }
  if (rst) stream.closed = true;
  fwd.window = window;
  if (syn) fwd.firstAck = true;
  else if (ackFlag) fwd.firstAck = false;
  // As tshark, the ACK field is remembered from every segment (a SYN's is usually 0, which counts as
  // none): an ACK after a retransmitted SYN is then no duplicate.
  fwd.lastAck = h.ack;
  fwd.lastAckSet = ackFlag || h.ack !== 0;
  if (fwd.lastAckSet && (!fwd.highAckSet || seqGt(h.ack, fwd.highAck))) {
    fwd.highAck = h.ack;
    fwd.highAckSet = true;
  }
  fwd.lastAckTime = now;
  fwd.lastSegmentFlags = data.flags;

  // Which of the other direction's segments does this ACK acknowledge?
  // The list is filtered in place (no new array per ACK); when several segments end at the ACK, the
  // oldest one names the acknowledged frame.
  if (detail && ackFlag && rev.segments.length > 0) {
    const segments = rev.segments;
    let kept = 0;
    let acked = false;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      if (h.ack === seg.nextSeq) {
        if (!acked) {
          data.acksFrame = seg.frame;
          data.ackRtt = now - seg.time;
          acked = true;
        }
        releaseSegment(seg);
        continue;
      }
      if (seqGt(h.ack, seg.seq) && seqLe(h.ack, seg.nextSeq)) {
        seg.seq = h.ack;
        segments[kept++] = seg;
        continue;
      }
      if (seqGt(seg.nextSeq, h.ack)) {
        segments[kept++] = seg;
        continue;
      }
      // older than the ACK: drop
      releaseSegment(seg);
    }
    if (segments.length !== kept) segments.length = kept;
  }

  // Bytes in flight and bytes since the last PSH.
  if (!detail) return data;
  // After a segment the capture missed, neither is counted until the peer ACKs again (as tshark).
  if (seglen === 0 || !fwd.validBytesInFlight) return data;
  // tshark spans its list of unacknowledged segments, this one included: before the peer acknowledged
  // anything, they start at this side's SYN, or at the first byte it sent in a stream picked up mid-way;
  // a segment resent below the peer's ACK (spurious) or a probe that did not advance the next sequence
  // number widens the span. The peer's highest ACK, not its last: an old segment it resends carries an
  // old ACK, which takes nothing off the list.
  const acked = rev.highAckSet ? rev.highAck : stream.isnOf(dir) !== undefined ? fwd.baseSeq : (fwd.baseSeq + 1) >>> 0;
  const segEnd = seqAdd(h.seq, seglen + (syn || fin ? 1 : 0));
  const top = seqGt(fwd.nextSeq, acked) && seqGt(fwd.nextSeq, segEnd) ? fwd.nextSeq : segEnd;
  const bottom = seqLt(fwd.lowSinceAck, acked) ? fwd.lowSinceAck : acked;
  // tshark's arithmetic: 32-bit, less the peer's latest SACK blocks (a wrap past zero shows nothing), and
  // a SYN's or FIN's virtual byte taken off after the range check (so it can show nothing too).
  const inFlight = (seqDiff(bottom, top) - rev.sackDelivered) >>> 0;
  if (inFlight > 0 && inFlight < 2_000_000_000 && inFlight - (syn || fin ? 1 : 0) > 0) data.bytesInFlight = inFlight - (syn || fin ? 1 : 0);
  // Bytes since the last PSH, this segment included (reset after a PSH segment). Kept for every data
  // segment counted here (tshark then has SEQ/ACK analysis for it), but printed only beside the bytes in
  // flight, as tshark prints them.
  fwd.pushBytes = fwd.pushSetLast ? seglen : fwd.pushBytes + seglen;
  fwd.pushSetLast = (h.flags & TH.PSH) !== 0;
  data.pushBytes = fwd.pushBytes;
  return data;
}

// ---------------------------------------------------------------------------------------------------------
// Desegmentation (first pass)

interface PayloadRun {
  ctx: DissectCtx;
  data: TcpFrameData;
  payloadView: ByteView;
  lowPort: number;
  highPort: number;
  stream: TcpStream<SegTag, PduState>;
  dir: 0 | 1;
  /** the calls to freeze for re-dissection; null when nothing can replay them (DissectCtx.reuse) */
  calls: FrozenCall[] | null;
  dissectedPdu: boolean;
  /** min/max payload offsets of this frame's bytes that went into multi-segment PDUs */
  segLo: number;
  segHi: number;
  /** the reusing dissection's objects (DissectCtx.reuse), or undefined */
  scratch: TcpScratch | undefined;
}

interface Snapshot {
  roots: number;
  occurrences: number;
  sources: number;
  layers: number;
  /** Info as Columns holds it (its lazy part unformatted) */
  infoHead: string;
  infoLazy: LazyInfo | undefined;
  protocol: string;
}

function snapshot(ctx: DissectCtx): Snapshot {
  return {
    roots: ctx.tree.roots.length,
    occurrences: ctx.tree.occurrences.length,
    sources: ctx.sources.length,
    layers: ctx.layers.length,
    infoHead: ctx.columns.infoHead,
    infoLazy: ctx.columns.infoLazy,
    protocol: ctx.columns.protocol,
  };
}

function rollback(ctx: DissectCtx, s: Snapshot): void {
  // Only shrink what grew (setting an array's length is not free, even to the same value).
  if (ctx.tree.roots.length !== s.roots) ctx.tree.roots.length = s.roots;
  if (ctx.tree.occurrences.length !== s.occurrences) ctx.tree.occurrences.length = s.occurrences;
  if (ctx.sources.length !== s.sources) ctx.sources.length = s.sources;
  if (ctx.layers.length !== s.layers) ctx.layers.length = s.layers;
  ctx.columns.restoreInfo(s.infoHead, s.infoLazy);
  ctx.columns.protocol = s.protocol;
}

/** callPayload runs the payload dissectors in Wireshark's order; returns whether one claimed the bytes. */
function callPayload(ctx: DissectCtx, view: ByteView, lowPort: number, highPort: number, parent: TreeItem | null = null): boolean {
  ctx.desegment = undefined;
  if (ctx.tables.entry(TCP_PORT, lowPort) !== undefined) {
    if (ctx.callTable(TCP_PORT, lowPort, view, parent) > 0 || ctx.desegment) return true;
  }
  if (highPort !== lowPort && ctx.tables.entry(TCP_PORT, highPort) !== undefined) {
    if (ctx.callTable(TCP_PORT, highPort, view, parent) > 0 || ctx.desegment) return true;
  }
  if (ctx.callHeuristics(TCP_HEURISTICS, view, parent) > 0 || ctx.desegment) return true;
  ctx.callData(view, parent);
  return false;
}

function tcpInfo(run: PayloadRun, seq: number, length: number, reassembled: boolean): TcpInfo {
  const live = run.stream.live!;
  const streamState = (live.bag ??= new Map());
  const reuse = run.scratch;
  if (reuse === undefined) return { stream: run.stream.index, seq, nextSeq: (seq + length) >>> 0, reassembled, streamState };
  // Dissectors read ctx.tcp during their call only: a reusing dissection rewrites one object.
  const info = (reuse.tcp ??= { stream: 0, seq: 0, nextSeq: 0, reassembled: false, streamState: undefined });
  info.stream = run.stream.index;
  info.seq = seq;
  info.nextSeq = (seq + length) >>> 0;
  info.reassembled = reassembled;
  info.streamState = streamState;
  return info;
}

function noteSegmentBytes(run: PayloadRun, tag: SegTag, payloadOffset: number, length: number): void {
  if (tag.frame !== run.ctx.frame.number) return;
  run.segLo = Math.min(run.segLo, payloadOffset);
  run.segHi = Math.max(run.segHi, payloadOffset + length);
}

/** dissectChunk feeds one in-order chunk through the desegmentation state machine. */
function dissectChunk(run: PayloadRun, chunk: Chunk<SegTag>): void {
  const { ctx, stream, dir } = run;
  let pending = stream.pdu[dir];
  if (chunk.gapBefore > 0) {
    // Degrade rule: bytes were never captured; a pending PDU cannot complete. Drop it and resynchronise.
    // The expert item says so only when a PDU was dropped (otherwise the analysis flags tell the story).
    if (pending) {
      pending.ref.reassembledIn = undefined;
      if (chunk.tag.frame === ctx.frame.number) run.data.gapBefore = chunk.gapBefore;
    }
    stream.pdu[dir] = pending = undefined;
  }
  const bytes = chunk.bytes;
  const chunkSeq = (chunk.offset + 1) >>> 0; // relative seq of the chunk (offset 0 = relative seq 1)
  let pos = 0;
  if (pending?.skipping) {
    const lf = bytes.indexOf(0x0a);
    if (lf < 0) return;
    pos = lf + 1;
    stream.pdu[dir] = pending = undefined;
  }
  while (pos < bytes.length) {
    if (pending) {
      const take = pending.target === Infinity ? bytes.length - pos : Math.min(bytes.length - pos, pending.target - pending.length);
      appendPending(pending, chunk.tag, bytes, pos, pos + take, chunk.payloadOffset + pos);
      noteSegmentBytes(run, chunk.tag, chunk.payloadOffset + pos, take);
      chunk.tag.partOf = pending.ref;
      pos += take;
      if (pending.length > MAX_PENDING_PDU) {
        // Degrade rule: a PDU (a line typed without CRLF) grew past the cap; drop it, skip to the next LF.
        run.data.tooLong = pending.length;
        pending.ref.reassembledIn = undefined;
        const rest = bytes.subarray(pos);
        const lf = rest.indexOf(0x0a);
        if (lf < 0) {
          stream.pdu[dir] = { ...pending, parts: [], buf: NO_PENDING_BYTES, length: 0, skipping: true, lineUntil: 0 };
          return;
        }
        pos += lf + 1;
        stream.pdu[dir] = pending = undefined;
        continue;
      }
      if (pending.target !== Infinity && pending.length < pending.target) return;
      // A line still without its end: the dissector promised the same answer (PduState.lineUntil).
      if (pending.lineUntil > 0 && pending.length <= pending.lineUntil && !hasLineEnd(bytes, pos - take, pos)) return;
      pending = completePending(run, pending);
      stream.pdu[dir] = pending;
      continue;
    }
    if (chunk.tag.frame !== ctx.frame.number) {
      // Buffered out-of-order bytes of an earlier frame made contiguous now: dissect them as reassembled data.
      pending = stream.pdu[dir] = newPending(chunkSeq + pos, Infinity);
      continue;
    }
    // Bytes of this frame with nothing pending: dissect them in place.
    const viewOffset = chunk.payloadOffset + pos;
    const length = bytes.length - pos;
    const view = run.payloadView.sub(viewOffset, length);
    const before = snapshot(ctx);
    ctx.tcp = tcpInfo(run, chunkSeq + pos, length, false);
    const claimed = callPayload(ctx, view, run.lowPort, run.highPort);
    const deseg = ctx.desegment;
    ctx.desegment = undefined;
    if (claimed && deseg && deseg.offset >= 0 && deseg.offset < length) {
      if (deseg.offset === 0) rollback(ctx, before);
      else {
        run.calls?.push({ kind: 'frame', offset: viewOffset, length, seq: chunkSeq + pos });
        run.dissectedPdu = true;
      }
      const restStart = pos + deseg.offset;
      const target = deseg.needed === ONE_MORE_SEGMENT ? Infinity : length - deseg.offset + Math.max(1, deseg.needed);
      pending = stream.pdu[dir] = newPending(chunkSeq + restStart, target, lineUntil(deseg));
      const take = bytes.length - restStart;
      appendPending(pending, chunk.tag, bytes, restStart, bytes.length, chunk.payloadOffset + restStart);
      noteSegmentBytes(run, chunk.tag, chunk.payloadOffset + restStart, take);
      chunk.tag.partOf = pending.ref;
      return;
    }
    run.calls?.push({ kind: 'frame', offset: viewOffset, length, seq: chunkSeq + pos });
    run.dissectedPdu = true;
    return;
  }
}

function newPending(seq: number, target: number, lineUntil = 0): PduState {
  return { parts: [], buf: NO_PENDING_BYTES, length: 0, target, seq: seq >>> 0, ref: { reassembledIn: undefined }, skipping: false, lineUntil };
}

/** lineUntil is PduState.lineUntil for a desegment request (0 unless it carries a line-end promise). */
function lineUntil(deseg: NonNullable<DissectCtx['desegment']>): number {
  return deseg.needed === ONE_MORE_SEGMENT && deseg.lineEnd !== undefined && deseg.lineEnd > 0 ? deseg.lineEnd : 0;
}

/** hasLineEnd tells whether bytes[start, end) hold a CR or LF. */
function hasLineEnd(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x0a || b === 0x0d) return true;
  }
  return false;
}

/** completePending calls the dissector on the pending bytes; returns the new pending state (or undefined). */
function completePending(run: PayloadRun, pending: PduState): PduState | undefined {
  const { ctx } = run;
  const n = pending.length;
  const buf = pending.buf;
  const before = snapshot(ctx);
  // The source is named and cut to the PDU below when the attempt is kept; a rolled-back attempt's
  // source goes unread.
  const src = ctx.addSource('Reassembled TCP', buf);
  const view = new ByteView(buf, 0, n, 'tcp', src);
  ctx.tcp = tcpInfo(run, pending.seq, n, true);
  const claimed = callPayload(ctx, view, run.lowPort, run.highPort);
  const deseg = ctx.desegment;
  ctx.desegment = undefined;
  if (claimed && deseg && deseg.offset <= 0) {
    // Nothing consumed: keep accumulating.
    rollback(ctx, before);
    pending.target = deseg.needed === ONE_MORE_SEGMENT ? Infinity : n + Math.max(1, deseg.needed);
    pending.lineUntil = lineUntil(deseg);
    return pending;
  }
  const pduLength = claimed && deseg && deseg.offset < n ? deseg.offset : n;
  const segments = spans(pending.parts, pduLength);
  // What is frozen for re-dissection holds exactly the attempt's bytes, not the buffer's room to grow.
  const bytes = run.calls === null ? buf.subarray(0, n) : buf.slice(0, n);
  ctx.sources[src] = { name: `Reassembled TCP (${pduLength} bytes)`, bytes: bytes.subarray(0, pduLength) };
  insertSegmentsItem(ctx, before.roots, src, bytes, pduLength, segments);
  run.calls?.push({ kind: 'reassembled', bytes, pduLength, segments, seq: pending.seq });
  run.dissectedPdu = true;
  const frameNo = ctx.frame.number;
  pending.ref.reassembledIn = frameNo;
  const side = run.stream.dirs[run.dir];
  side.lastPduStart = pending.seq;
  side.lastPduEnd = (pending.seq + pduLength) >>> 0;
  side.lastPduSet = true;
  for (const part of pending.parts) {
    if (part.tag.frame !== frameNo) ctx.markRowChanged?.(part.tag.frame);
  }
  // This frame's own part of the PDU is "TCP segment data", not a pending tail.
  for (const part of pending.parts) if (part.tag.frame === frameNo && part.tag.partOf === pending.ref) part.tag.partOf = undefined;
  if (pduLength >= n) return undefined;
  // The dissector consumed part of the buffer and needs more for the rest: the rest starts a new PDU.
  const rest = newPending(pending.seq + pduLength, deseg!.needed === ONE_MORE_SEGMENT ? Infinity : n - pduLength + Math.max(1, deseg!.needed), lineUntil(deseg!));
  let skip = pduLength;
  let at = 0;
  for (const part of pending.parts) {
    if (part.overlap !== undefined) {
      // An overlapping segment past the PDU's end goes with the rest.
      if (part.overlap.at >= pduLength) {
        rest.parts.push({ ...part, overlap: { ...part.overlap, at: part.overlap.at - pduLength } });
        part.tag.partOf = rest.ref;
      }
      continue;
    }
    if (skip >= part.length) {
      skip -= part.length;
      at += part.length;
      continue;
    }
    appendPending(rest, part.tag, buf, at + skip, at + part.length, part.payloadOffset + skip);
    at += part.length;
    part.tag.partOf = rest.ref;
    skip = 0;
  }
  return rest;
}

function spans(parts: PendingPart[], pduLength: number): SegmentSpan[] {
  const out: SegmentSpan[] = [];
  let at = 0;
  let overlaps = false;
  for (const part of parts) {
    if (part.overlap !== undefined) {
      overlaps = true;
      continue;
    }
    if (at >= pduLength) break;
    const length = Math.min(part.length, pduLength - at);
    const last = out[out.length - 1];
    if (last && last.frame === part.tag.frame && last.start + last.length === at) last.length += length;
    else out.push({ frame: part.tag.frame, start: at, length });
    at += length;
  }
  if (overlaps) {
    // tshark's fragment list is sorted by offset, a later fragment after an earlier one at the same offset.
    for (const part of parts) {
      const o = part.overlap;
      if (o === undefined || o.at >= pduLength) continue;
      let i = out.length;
      while (i > 0 && out[i - 1].start > o.at) i--;
      out.splice(i, 0, { frame: part.tag.frame, start: o.at, length: Math.min(o.length, pduLength - o.at), overlap: true, conflict: o.conflict });
    }
  }
  return out;
}

/** insertSegmentsItem adds `[N Reassembled TCP Segments (M bytes): #a(x), …]` before the PDU's own items. */
function insertSegmentsItem(ctx: DissectCtx, rootIndex: number, src: number, bytes: Uint8Array, pduLength: number, segments: SegmentSpan[]): void {
  const tree = ctx.tree;
  if (!tree.wantsAny(SEGMENTS_GROUP)) return;
  const rootsBefore = tree.roots.length;
  const top = tree
    .add(null, F.segments, src, 0, pduLength, null, () => `${segments.length} Reassembled TCP Segments (${pduLength} bytes): ${segments.map((s) => `#${s.frame}(${s.length})`).join(', ')}`)
    .setGenerated();
  for (const s of segments) {
    const last = s.start + s.length - 1;
    const item = tree
      .add(top, F.segment, src, s.start, s.length, s.frame, () => `Frame: ${s.frame}, payload: ${s.start}-${last} (${s.length} ${plural(s.length, 'byte', 'bytes')})`)
      .setGenerated()
      .setFrameRef(s.frame);
    if (s.overlap) {
      tree.add(item, F['segment.overlap'], src, 0, 0, true, 'Segment overlap: True').setGenerated();
      if (s.conflict) tree.add(item, F['segment.overlap.conflict'], src, 0, 0, true, 'Conflicting data in segment overlap: True').setGenerated();
    }
  }
  tree.add(top, F['segment.count'], src, 0, 0, segments.length).setGenerated();
  tree.add(top, F['reassembled.length'], src, 0, 0, pduLength).setGenerated();
  tree.add(top, F['reassembled.data'], src, 0, pduLength, bytes.subarray(0, pduLength)).setGenerated();
  if (tree.roots.length > rootsBefore && rootIndex < rootsBefore) {
    // Move the new root in front of the items the PDU's dissector added (tshark's order).
    const item = tree.roots.pop()!;
    tree.roots.splice(rootIndex, 0, item);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Re-dissection from frozen data

function replayCalls(ctx: DissectCtx, data: TcpFrameData, payloadView: ByteView, lowPort: number, highPort: number): void {
  if (data.calls === undefined) return;
  for (const call of data.calls) {
    if (call.kind === 'frame') {
      const view = payloadView.sub(call.offset, call.length);
      ctx.tcp = { stream: data.stream.index, seq: call.seq, nextSeq: (call.seq + call.length) >>> 0, reassembled: false };
      callPayload(ctx, view, lowPort, highPort);
      ctx.desegment = undefined;
    } else if (call.kind === 'data') {
      ctx.callData(payloadView.sub(call.offset, call.length), null);
    } else {
      const rootIndex = ctx.tree.roots.length;
      const src = ctx.addSource(`Reassembled TCP (${call.pduLength} bytes)`, call.bytes.subarray(0, call.pduLength));
      const view = new ByteView(call.bytes, 0, call.bytes.length, 'tcp', src);
      ctx.tcp = { stream: data.stream.index, seq: call.seq, nextSeq: (call.seq + call.bytes.length) >>> 0, reassembled: true };
      callPayload(ctx, view, lowPort, highPort);
      ctx.desegment = undefined;
      insertSegmentsItem(ctx, rootIndex, src, call.bytes, call.pduLength, call.segments);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Options

/**
 * parseOptions reads the options (and, with `building`, adds their items). `sackBase` is the peer's base
 * sequence number: SACK edges are shown relative to it, as tshark does with its default preferences.
 */
function parseOptions(ctx: DissectCtx, v: ByteView, hdrLen: number, parent: TreeItem | null, building: boolean, syn = false, sackBase?: number): ParsedOptions {
  const out: ParsedOptions = { sackPerm: false, sack: [], info: '' };
  const optLen = hdrLen - MIN_HEADER;
  if (optLen <= 0) return out;
  const tree = ctx.tree;
  const names: string[] = [];
  const optsItem = building
    ? tree.add(parent, F.options, v.src, v.abs(TCP_F.OPTIONS), optLen, v.has(TCP_F.OPTIONS, optLen) ? v.slice(TCP_F.OPTIONS, optLen) : null, () => `Options: (${optLen} bytes)${names.length > 0 ? ', ' : ''}${names.join(', ')}`)
    : null;
  let off = TCP_F.OPTIONS;
  const end = hdrLen;
  const addKind = (item: TreeItem | null, at: number, kind: number): void => {
    if (item) tree.add(item, F.option_kind, v.src, v.abs(at), 1, kind);
  };
  const addLen = (item: TreeItem | null, at: number, len: number): void => {
    if (item) tree.add(item, F.option_len, v.src, v.abs(at + 1), 1, len);
  };
  // NOPs counted as tshark 4.0 does: the count restarts at a NOP that begins a 32-bit word (once it is
  // non-zero), and its fourth NOP raises the expert item (a router may have blanked an option).
  let nops = 0;
  let eolSeen = false;
  let mssSeen = false;
  /** an item of its own for a malformed option list, with its expert info (tshark's proto_tree_add_expert_format) */
  const malformed = (field: FieldDef, severity: ExpertSeverity, group: ExpertGroup, text: string, at: number, length: number): ParsedOptions => {
    if (building) expert(ctx, optsItem ? tree.addText(optsItem, v.src, v.abs(at), length, text) : null, field, severity, group, text, v, at, length);
    return out;
  };
  while (off < end) {
    const kind = v.u8(off);
    // As tshark 4.0: after EOL only zero bytes (each one more EOL) may follow.
    if (eolSeen && kind !== 0) return malformed(F.non_zero_bytes_after_eol, 'error', 'Protocol', 'Non-zero header padding', off, end - off);
    if (kind === 0) {
      names.push('End of Option List (EOL)');
      const item = optsItem ? tree.add(optsItem, F['options.eol'], v.src, v.abs(off), 1, v.slice(off, 1), 'TCP Option - End of Option List (EOL)') : null;
      addKind(item, off, kind);
      eolSeen = true;
      off += 1;
      continue;
    }
    if (kind === 1) {
      if (nops === 0 || off % 4 !== 0) {
        if (++nops === 4 && building) expert(ctx, optsItem, F.nop, 'warn', 'Protocol', F.nop.name, v, TCP_F.OPTIONS, optLen);
      } else nops = 0;
      names.push('No-Operation (NOP)');
      const item = optsItem ? tree.add(optsItem, F['options.nop'], v.src, v.abs(off), 1, v.slice(off, 1), 'TCP Option - No-Operation (NOP)') : null;
      addKind(item, off, kind);
      off += 1;
      continue;
    }
    // An option with a length: tshark stops at the first whose length is missing or wrong.
    const name = OPTION_NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
    if (off + 1 >= end) return malformed(F['option.len.invalid'], 'note', 'Sequence', `${name} (length byte past end of options)`, off, 1);
    const len = v.u8(off + 1);
    if (len < 2) return malformed(F['option.len.invalid'], 'note', 'Sequence', `${name} (with too-short option length = ${len} byte${len === 1 ? '' : 's'})`, off, 2);
    if (off + len > end) {
      return malformed(F['option.len.invalid'], 'note', 'Sequence', `${name} (option length = ${len} byte${len === 1 ? '' : 's'} says option goes past end of options)`, off, end - off - 2);
    }
    switch (kind) {
      case 2: {
        const mss = len === 4 ? v.u16(off + 2) : 0;
        mssSeen = true;
        names.push('Maximum segment size');
        out.mss = mss;
        out.info += ` MSS=${mss}`;
        if (optsItem) {
          const item = tree.add(optsItem, F['options.mss'], v.src, v.abs(off), len, v.slice(off, len), `TCP Option - Maximum segment size: ${mss} bytes`);
          if (!syn) expert(ctx, item, F['options.mss.present'], 'warn', 'Protocol', F['options.mss.present'].name, v, off, len);
          addKind(item, off, kind);
          addLen(item, off, len);
          tree.add(item, F['options.mss_val'], v.src, v.abs(off + 2), 2, mss);
        }
        break;
      }
      case 3: {
        const shift = len === 3 ? v.u8(off + 2) : 0;
        const mult = 2 ** Math.min(shift, 14);
        names.push('Window scale');
        out.wscale = shift;
        out.info += ` WS=${mult}`;
        if (optsItem) {
          const item = tree.add(optsItem, F['options.wscale'], v.src, v.abs(off), len, v.slice(off, len), `TCP Option - Window scale: ${shift} (multiply by ${mult})`);
          addKind(item, off, kind);
          addLen(item, off, len);
          tree.add(item, F['options.wscale.shift'], v.src, v.abs(off + 2), 1, shift);
          tree.add(item, F['options.wscale.multiplier'], v.src, v.abs(off + 2), 1, mult).setGenerated();
        }
        break;
      }
      case 4: {
        names.push('SACK permitted');
        out.sackPerm = true;
        out.info += ' SACK_PERM';
        if (optsItem) {
          const item = tree.add(optsItem, F['options.sack_perm'], v.src, v.abs(off), len, v.slice(off, len), 'TCP Option - SACK permitted');
          addKind(item, off, kind);
          addLen(item, off, len);
        }
        break;
      }
      case 5: {
        names.push('SACK');
        const blocks = Math.floor((len - 2) / 8);
        const item = optsItem ? tree.add(optsItem, F['options.sack'], v.src, v.abs(off), len, v.slice(off, len), '') : null;
        addKind(item, off, kind);
        addLen(item, off, len);
        const pairs: string[] = [];
        for (let i = 0; i < blocks; i++) {
          const le = v.u32(off + 2 + i * 8);
          const re = v.u32(off + 6 + i * 8);
          out.sack.push([le, re]);
          if (item) {
            const shownLe = sackBase === undefined ? le : (le - sackBase) >>> 0;
            const shownRe = sackBase === undefined ? re : (re - sackBase) >>> 0;
            const suffix = sackBase === undefined ? '' : ' (relative)';
            pairs.push(`${shownLe}-${shownRe}`);
            tree.add(item, F['options.sack_le'], v.src, v.abs(off + 2 + i * 8), 4, shownLe, `left edge = ${shownLe}${suffix}`);
            tree.add(item, F['options.sack_re'], v.src, v.abs(off + 6 + i * 8), 4, shownRe, `right edge = ${shownRe}${suffix}`);
          }
        }
        if (item) {
          tree.add(item, F['options.sack.count'], v.src, v.abs(off), len, blocks).setGenerated();
          item.setLabel(`TCP Option - SACK ${pairs.join(' ')}`);
        }
        break;
      }
      case 8: {
        const tsval = len === 10 ? v.u32(off + 2) : 0;
        const tsecr = len === 10 ? v.u32(off + 6) : 0;
        names.push('Timestamps');
        out.tsval = tsval;
        out.tsecr = tsecr;
        out.info += ` TSval=${tsval} TSecr=${tsecr}`;
        if (optsItem) {
          const item = tree.add(optsItem, F['options.timestamp'], v.src, v.abs(off), len, v.slice(off, len), `TCP Option - Timestamps: TSval ${tsval}, TSecr ${tsecr}`);
          addKind(item, off, kind);
          addLen(item, off, len);
          tree.add(item, F['options.timestamp.tsval'], v.src, v.abs(off + 2), 4, tsval);
          tree.add(item, F['options.timestamp.tsecr'], v.src, v.abs(off + 6), 4, tsecr);
        }
        break;
      }
      default: {
        names.push(name);
        if (optsItem) {
          const item = tree.addText(optsItem, v.src, v.abs(off), len, `TCP Option - ${OPTION_NAMES[kind] ?? 'Unknown'}`);
          addKind(item, off, kind);
          addLen(item, off, len);
          if (len > 2) tree.add(item, F['options.unknown.payload'], v.src, v.abs(off + 2), len - 2, v.slice(off + 2, len - 2));
        }
      }
    }
    off += len;
  }
  if (syn && !mssSeen && building) expert(ctx, optsItem, F['options.mss.absent'], 'note', 'Protocol', F['options.mss.absent'].name, v, TCP_F.OPTIONS, optLen);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The dissector

function expert(ctx: DissectCtx, parent: TreeItem | null, field: FieldDef, severity: ExpertSeverity, group: ExpertGroup, message: string, v: ByteView, start = 0, length = 0): void {
  // In `fields` mode the parent (a flag bit, the analysis subtree) is often not kept, while the expert's
  // own fields are (`-e _ws.expert.message`): a tree that keeps only what is asked has no places.
  if ((parent === null || parent.isNull) && ctx.tree.mode !== 'fields') return;
  addExpert(ctx, parent, field, severity, group, message, v.src, v.abs(start), length);
}

/**
 * completenessShown is `tcp.completeness` as tshark shows it: on the first pass the value before the
 * frame; dissected again (the GUI, -2), the whole capture's value, with a stream's first frame counted for
 * every frame after it when that frame was no SYN (tshark's second pass counts what its first left out).
 */
function completenessShown(ctx: DissectCtx, frozen: TcpFrameData): number {
  const before = frozen.completenessBefore;
  if (ctx.firstPass) return before < 0 ? 0 : before;
  const stream = frozen.stream;
  return before < 0 ? stream.completeness : stream.completeness | stream.completenessFirst;
}

function analysisPrefix(data: TcpFrameData): string {
  const f = data.flags;
  let s = '';
  // Wireshark prepends each flag's text in this order, so the last one processed comes first.
  const parts: string[] = [];
  if (f & TCP_A.RETRANSMISSION) parts.push('[TCP Retransmission] ');
  if (f & TCP_A.LOST_PACKET) parts.push('[TCP Previous segment not captured] ');
  if (f & TCP_A.ACK_LOST_PACKET) parts.push('[TCP ACKed unseen segment] ');
  if (f & TCP_A.KEEP_ALIVE) parts.push('[TCP Keep-Alive] ');
  if (f & TCP_A.WINDOW_UPDATE) parts.push('[TCP Window Update] ');
  if (f & TCP_A.WINDOW_FULL) parts.push('[TCP Window Full] ');
  if (f & TCP_A.KEEP_ALIVE_ACK) parts.push('[TCP Keep-Alive ACK] ');
  if (f & TCP_A.DUPLICATE_ACK) parts.push(`[TCP Dup ACK ${data.dupAckFrame}#${data.dupAckNum}] `);
  if (f & TCP_A.ZERO_WINDOW_PROBE) parts.push('[TCP ZeroWindowProbe] ');
  if (f & TCP_A.ZERO_WINDOW) parts.push('[TCP ZeroWindow] ');
  if (f & TCP_A.ZERO_WINDOW_PROBE_ACK) parts.push('[TCP ZeroWindowProbeAck] ');
  if (f & TCP_A.FAST_RETRANSMISSION) parts.push('[TCP Fast Retransmission] ');
  if (f & TCP_A.OUT_OF_ORDER) parts.push('[TCP Out-Of-Order] ');
  if (f & TCP_A.SPURIOUS_RETRANSMISSION) parts.push('[TCP Spurious Retransmission] ');
  if (f & TCP_A.REUSED_PORTS) parts.push('[TCP Port numbers reused] ');
  for (const p of parts) s = p + s;
  return s;
}

const RETRANSMISSION_NOTE = 'This frame is a (suspected) retransmission';

/** the expert items of the analysis flags, in tshark's order; a fast or spurious one is a retransmission too */
const ANALYSIS_ITEMS: [number, FieldDef, ExpertSeverity, string][] = [
  [TCP_A.RETRANSMISSION, F['analysis.retransmission'], 'note', RETRANSMISSION_NOTE],
  [TCP_A.FAST_RETRANSMISSION, F['analysis.fast_retransmission'], 'note', 'This frame is a (suspected) fast retransmission'],
  [TCP_A.FAST_RETRANSMISSION, F['analysis.retransmission'], 'note', RETRANSMISSION_NOTE],
  [TCP_A.SPURIOUS_RETRANSMISSION, F['analysis.spurious_retransmission'], 'note', 'This frame is a (suspected) spurious retransmission'],
  [TCP_A.SPURIOUS_RETRANSMISSION, F['analysis.retransmission'], 'note', RETRANSMISSION_NOTE],
  [TCP_A.OUT_OF_ORDER, F['analysis.out_of_order'], 'warn', 'This frame is a (suspected) out-of-order segment'],
  [TCP_A.LOST_PACKET, F['analysis.lost_segment'], 'warn', 'Previous segment(s) not captured (common at capture start)'],
  [TCP_A.ACK_LOST_PACKET, F['analysis.ack_lost_segment'], 'warn', "ACKed segment that wasn't captured (common at capture start)"],
  [TCP_A.KEEP_ALIVE, F['analysis.keep_alive'], 'note', 'TCP keep-alive segment'],
  [TCP_A.KEEP_ALIVE_ACK, F['analysis.keep_alive_ack'], 'note', 'ACK to a TCP keep-alive segment'],
  [TCP_A.WINDOW_UPDATE, F['analysis.window_update'], 'chat', 'TCP window update'],
  [TCP_A.WINDOW_FULL, F['analysis.window_full'], 'warn', 'TCP window specified by the receiver is now completely full'],
  [TCP_A.ZERO_WINDOW_PROBE, F['analysis.zero_window_probe'], 'note', 'TCP Zero Window Probe'],
  [TCP_A.ZERO_WINDOW, F['analysis.zero_window'], 'warn', 'TCP Zero Window segment'],
  [TCP_A.ZERO_WINDOW_PROBE_ACK, F['analysis.zero_window_probe_ack'], 'note', 'ACK to a TCP Zero Window Probe'],
  [TCP_A.REUSED_PORTS, F['analysis.reused_ports'], 'note', 'A new tcp session is started with the same ports as an earlier session in this trace'],
];

// Label closures are made by these helpers, not inside dissectTcp: a closure there would make V8 keep
// the variables it captures in a heap context allocated on every call, labels wanted or not.

function headerLengthLabel(hdrLen: number): () => string {
  return () => `${bitPicture((hdrLen / 4) << 4, 0xf0, 8)} = Header Length: ${hdrLen} bytes (${hdrLen / 4})`;
}

/** sackInfo is the Info suffix of the SACK blocks, relative to the peer's base sequence number. */
function sackInfo(sack: readonly [number, number][], stream: TcpStream<SegTag, PduState>, dir: 0 | 1): string {
  const base = stream.baseSeqOf(dir === 0 ? 1 : 0);
  let out = '';
  for (const [le, re] of sack) out += ` SLE=${(le - base) >>> 0} SRE=${(re - base) >>> 0}`;
  return out;
}

function bytesLabel(what: string, n: number): () => string {
  return () => `${what} (${n} ${plural(n, 'byte', 'bytes')})`;
}

const ACK_PIECE = textPiece(' Ack=');
const WIN_PIECE = textPiece(' Win=');
const URG_PIECE = textPiece(' Urg=');
const LEN_PIECE = textPiece(' Len=');
const SEGMENT_OF_PDU_PIECE = textPiece(' [TCP segment of a reassembled PDU]');

/** the last `ports [` pieces, by a hash of the ports (see portsPiece) */
const PORT_SLOTS = 1024;
const portKeys = new Float64Array(PORT_SLOTS).fill(-1);
const portPieces: TextPiece[] = new Array<TextPiece>(PORT_SLOTS).fill(ACK_PIECE);

/** portsPiece is `40004 → 25 [`, the start of a complete TCP Info line, kept while a stream repeats it. */
function portsPiece(srcPort: number, dstPort: number): TextPiece {
  const key = srcPort * 65536 + dstPort;
  const slot = (srcPort ^ (dstPort << 3) ^ (dstPort >> 7)) & (PORT_SLOTS - 1);
  if (portKeys[slot] === key) return portPieces[slot];
  const piece = textPiece(`${uintText(srcPort)} \u2192 ${uintText(dstPort)} [`);
  portKeys[slot] = key;
  portPieces[slot] = piece;
  return piece;
}

/** `PSH, ACK] Seq=` by flags, made on first use */
const flagsPieces: (TextPiece | undefined)[] = new Array<TextPiece | undefined>(0x1000).fill(undefined);

function flagsPiece(flags: number): TextPiece {
  return (flagsPieces[flags & 0x0fff] ??= textPiece(`${flagNames(flags)}] Seq=`));
}

/**
 * TcpInfoText holds what TCP's Info line is made of and writes it when the Info column is read
 * (Columns.appendInfoLazy): `ports [flags] Seq=… Ack=… Win=… Urg=… Len=…`, the options and, for a frame
 * whose payload only went into a PDU completed later, ` [TCP segment of a reassembled PDU]`. Until
 * complete() it stands for the ports alone (a header that turns out bogus or truncated shows only them).
 */
class TcpInfoText implements LazyInfo {
  full = false;
  /** the payload only went into a multi-segment PDU (Wireshark appends the note with a space) */
  segmentOfPdu = false;
  flags = 0;
  relSeq = 0;
  /** relative ACK number, -1 without the ACK flag */
  relAck = -1;
  window = 0;
  urgent = 0;
  seglen = 0;
  options = '';
  sack = '';

  constructor(
    public srcPort: number,
    public dstPort: number,
  ) {}

  /** reset makes a reused object stand for another segment's ports (see TcpScratch). */
  reset(srcPort: number, dstPort: number): TcpInfoText {
    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.full = false;
    this.segmentOfPdu = false;
    return this;
  }

  complete(flags: number, relSeq: number, relAck: number, window: number, urgent: number, seglen: number, options: string, sack: string): void {
    this.full = true;
    this.flags = flags;
    this.relSeq = relSeq;
    this.relAck = relAck;
    // Scaled windows stay below 2^31 (65535 · 2^14): kept a small integer, not a boxed double, so that
    // writing it allocates nothing.
    this.window = window | 0;
    this.urgent = urgent;
    this.seglen = seglen;
    this.options = options;
    this.sack = sack;
  }

  write(out: TextWriter): void {
    if (!this.full) {
      out.text(uintText(this.srcPort));
      out.text(' \u2192 ');
      out.text(uintText(this.dstPort));
      return;
    }
    // Pieces made once (the start of the line is the same frame after frame of a stream direction):
    // a byte writer copies them; numbers are written digit by digit, nothing boxed.
    out.piece(portsPiece(this.srcPort, this.dstPort));
    out.piece(flagsPiece(this.flags));
    out.uint(this.relSeq);
    if (this.relAck >= 0) {
      out.piece(ACK_PIECE);
      out.uint(this.relAck);
    }
    out.piece(WIN_PIECE);
    out.uint(this.window);
    if (this.flags & TH.URG) {
      out.piece(URG_PIECE);
      out.uint(this.urgent);
    }
    out.piece(LEN_PIECE);
    out.uint(this.seglen);
    if (this.options !== '') out.text(this.options);
    if (this.sack !== '') out.text(this.sack);
    if (this.segmentOfPdu) out.piece(SEGMENT_OF_PDU_PIECE);
  }

  maxBytes(): number {
    // Ports, brackets and labels, the longest flag list (50), five numbers of up to 10 digits, the note.
    return 200 + 3 * (this.options.length + this.sack.length);
  }
}

/**
 * TcpScratch holds the per-frame objects a reusing dissection (DissectCtx.reuse) rewrites instead of
 * allocating: the header, the Info text, the payload run and TcpInfo, and the analysis (TcpFrameData) of
 * the last segment reassembly does not hold (`data`: set once a frame's data is known to be free — no
 * payload, or payload neither buffered out of order nor part of a pending PDU, whose parts keep their
 * frame's data as tag). One slot for the context that used it last: a different context (another
 * session) gets objects of its own, so an object is only ever rewritten by the next dissection of the
 * context whose result holds it.
 */
interface TcpScratch {
  ctx: DissectCtx | undefined;
  header: TcpHeader | undefined;
  info: TcpInfoText | undefined;
  data: TcpFrameData | undefined;
  /** the frame data of a frame dissected without stream state (nothing keeps it past the frame) */
  detached: TcpFrameData | undefined;
  /** the payload run and the TcpInfo handed to payload dissectors (both read only during the calls) */
  run: PayloadRun | undefined;
  tcp: TcpInfo | undefined;
}
const scratch: TcpScratch = { ctx: undefined, header: undefined, info: undefined, data: undefined, detached: undefined, run: undefined, tcp: undefined };

/** scratchFor returns the reusable objects of `ctx`, or undefined when its results must stay valid. */
function scratchFor(ctx: DissectCtx): TcpScratch | undefined {
  // A quoted header inside an ICMP error is a second TCP in the frame: it gets objects of its own.
  if (!ctx.reuse || inErrorPacket(ctx)) return undefined;
  if (scratch.ctx !== ctx) {
    scratch.ctx = ctx;
    scratch.header = scratch.info = scratch.data = scratch.detached = undefined;
    scratch.run = undefined;
    scratch.tcp = undefined;
  }
  return scratch;
}

function dissectTcp(ctx: DissectCtx, v: ByteView, parent: TreeItem | null): number {
  v.layer = 'tcp';
  const reuse = scratchFor(ctx);
  const tree = ctx.tree;
  const columns = ctx.columns;
  const withColumns = columns.enabled;
  // building: the header's detail items are kept (full mode, or a `fields` mode that wants one of them).
  const building = tree.wantsAny(HEADER_GROUP);
  const quoted = inErrorPacket(ctx);
  // A quote in an ICMP error that ends before both ports adds nothing, and tshark then drops the layer
  // (unless the frame itself was cut: that is reported, see dissectQuoted).
  if (quoted && v.reportedLength < TCP_F.DST_PORT + 2) v.check(0, TCP_F.DST_PORT + 2);
  ctx.layers.push('tcp');
  columns.protocol = 'TCP';
  // The label is set as a string at each step (no closure here: see headerLengthLabel).
  let summary = '';
  const top = tree.mode === 'none' ? NULL_ITEM : tree.add(parent, P, v.src, v.base, Math.min(MIN_HEADER, v.length), null, '').setDataLength(v.length);
  const labelled = !top.isNull;

  const srcPort = v.u16(TCP_F.SRC_PORT);
  const dstPort = v.u16(TCP_F.DST_PORT);
  ctx.srcPort = srcPort;
  ctx.dstPort = dstPort;
  ctx.ptype = 'tcp';
  if (labelled) top.setLabel((summary = `Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}`));
  // Info is formatted only when read (see TcpInfoText): first the ports, then the whole line below.
  const infoText = !withColumns
    ? undefined
    : reuse === undefined
      ? new TcpInfoText(srcPort, dstPort)
      : reuse.info !== undefined
        ? reuse.info.reset(srcPort, dstPort)
        : (reuse.info = new TcpInfoText(srcPort, dstPort));
  if (infoText !== undefined) {
    columns.setInfo('');
    columns.appendInfoLazy(infoText);
  }
  tree.add(top, F.srcport, v.src, v.abs(TCP_F.SRC_PORT), 2, srcPort);
  tree.add(top, F.dstport, v.src, v.abs(TCP_F.DST_PORT), 2, dstPort);
  tree.add(top, F.port, v.src, v.abs(TCP_F.SRC_PORT), 2, srcPort).setHidden();
  tree.add(top, F.port, v.src, v.abs(TCP_F.DST_PORT), 2, dstPort).setHidden();
  if (quoted) return dissectQuotedTcp(ctx, v, parent, top, summary);

  const h = reuse === undefined ? parseTcpHeader(v) : (reuse.header = parseTcpHeader(v, reuse.header));
  if (h.hdrLen < MIN_HEADER) {
    const message = `Bogus TCP header length (${h.hdrLen}, must be at least ${MIN_HEADER})`;
    const item = tree.add(top, F.hdr_len, v.src, v.abs(TCP_F.DATA_OFFSET), 1, h.hdrLen / 4, headerLengthLabel(h.hdrLen));
    expert(ctx, item, F.bogus_header_length, 'error', 'Malformed', message, v, TCP_F.DATA_OFFSET, 1);
    columns.appendInfo(`, ${message}`);
    return v.length;
  }
  v.check(0, h.hdrLen);
  top.setLength(h.hdrLen);
  const seglen = Math.max(0, v.reportedLength - h.hdrLen);
  const capturedPayload = Math.max(0, v.length - h.hdrLen);

  // Options are parsed before the analysis (window scale, Info suffix); their tree goes in its place below.
  const optionsProbe = h.hdrLen > MIN_HEADER ? parseOptions(ctx, v, h.hdrLen, null, false) : NO_OPTIONS;

  // Stream and analysis: computed on the first pass, frozen, read back afterwards.
  // A run without TCP payloads that keeps no column and no TCP item but the ports (`-T fields -e
  // tcp.srcport`, the same for every frame of the run) reads nothing the stream state decides: it skips
  // stream tracking and the analysis, and shows raw numbers like a re-dissection without frozen data.
  const tracked = ctx.tcpPayloads || withColumns || building;
  let data = ctx.firstPass ? undefined : ctx.getFrameData<TcpFrameData>('tcp');
  let firstPassRun = false;
  if (ctx.firstPass && tracked) {
    const state = ctx.conversation<TcpCaptureState>(CONVERSATION_KEY, newCaptureState);
    const time = subTime(ctx.frame.tsSec, ctx.frame.tsNsec, ctx.frame.firstSec, ctx.frame.firstNsec);
    const found = state.table.lookup(ctx.netSrc, srcPort, ctx.netDst, dstPort, (h.flags & TH.SYN) !== 0, (h.flags & TH.ACK) !== 0, h.seq, time);
    if (state.table.evicted.length > 0) dropEvicted(ctx, state.table.evicted);
    // A stream the run's display filter rejects as a whole is numbered (above) but not analysed: see
    // DissectCtx.tcpStreamShown. Its frames get raw numbers, as below, and are never printed.
    if (streamShown(ctx, state, found.stream.index)) {
      // reuse.data is an analysis object nothing keeps any more (see the end of the payload below).
      // What only the detail tree shows (the ACKed frame and its RTT, the RTO, bytes in flight and since
      // the last PSH) is left out when no tree item reads it now and no re-dissection will later.
      data = analyse(ctx, h, seglen, optionsProbe, found.stream, found.dir, found.reusedPorts, reuse?.data, building || reuse === undefined);
      if (reuse !== undefined) reuse.data = undefined;
      ctx.setFrameData('tcp', data);
      firstPassRun = true;
    }
  }
  if (data === undefined) {
    // Re-dissection without frozen data (keepFrameData off), or a stream no frame of which is shown: raw
    // numbers, no conversation state touched. Nothing keeps this object past the frame (no frame data, no
    // segment tag), so a reusing context rewrites one.
    data = newFrameData(ctx.frame.number, sharedDetachedStream(), 0, h.seq, h.ack, (h.seq + seglen) >>> 0, 0, 0, 0, reuse?.detached);
    if (reuse !== undefined) reuse.detached = data;
  }
  const stream = data.stream;
  const dir = data.dir;
  const frozen = data;

  const ackFlag = (h.flags & TH.ACK) !== 0;
  const syn = (h.flags & TH.SYN) !== 0;
  if (labelled) top.setLabel((summary += `, Seq: ${frozen.relSeq}` + (ackFlag ? `, Ack: ${frozen.relAck}` : '') + `, Len: ${seglen}`));

  // Window: SYN windows are never scaled (RFC 7323 §2.2).
  const scale = syn ? undefined : stream.winScaleOf(dir);
  const windowSize = scale !== undefined && scale >= 0 ? h.window * 2 ** scale : h.window;
  if (building) addHeaderItems(ctx, v, top, h, frozen, seglen, scale, windowSize);

  // Info: analysis prefix, ports, flags, numbers, options.
  let prefix = '';
  if (infoText !== undefined) {
    prefix = frozen.flags !== 0 ? analysisPrefix(frozen) : '';
    // Wireshark's col_prepend_fence_fstr: the analysis prefix survives the payload dissector's Info.
    // setInfo drops the lazy ports-only text, so infoText can be completed before it is appended again.
    columns.setInfo(prefix);
    if (prefix) columns.fenceInfo();
    infoText.complete(h.flags, frozen.relSeq, ackFlag ? frozen.relAck : -1, windowSize, h.urgent, seglen, optionsProbe.info, optionsProbe.sack.length ? sackInfo(optionsProbe.sack, stream, dir) : '');
    columns.appendInfoLazy(infoText);
  }

  // Payload.
  if (seglen === 0 || capturedPayload === 0) {
    if (firstPassRun && (h.flags & (TH.FIN | TH.RST)) !== 0) forgetFinishedTails(stream);
    // Without payload no SegTag holds the frame's data: the next segment may rewrite it.
    if (reuse !== undefined && firstPassRun) reuse.data = data;
    return v.length;
  }
  if ((h.flags & TH.RST) !== 0) {
    // A reset's payload is the text of its cause (RFC 1122 §4.2.2.12): tshark shows it so and hands it
    // to no payload dissector.
    if (firstPassRun) forgetFinishedTails(stream);
    if (reuse !== undefined && firstPassRun) reuse.data = data;
    addResetCause(ctx, v, top, h.hdrLen, capturedPayload);
    return v.length;
  }
  const payloadView = v.sub(h.hdrLen, capturedPayload, 'tcp');
  if (tree.mode !== 'none' && (tree.full || tree.wants(F.payload))) {
    tree.add(top, F.payload, v.src, v.abs(h.hdrLen), capturedPayload, payloadView.rest(), bytesLabel('TCP payload', capturedPayload));
  }
  const lowPort = Math.min(srcPort, dstPort);
  const highPort = Math.max(srcPort, dstPort);
  const baseProtocol = columns.protocol;

  if (firstPassRun) {
    const held = ctx.tcpPayloads && runFirstPassPayload(ctx, frozen, stream, dir, h, payloadView, capturedPayload === seglen, lowPort, highPort);
    if (reuse !== undefined && !held) reuse.data = data;
    if ((h.flags & (TH.FIN | TH.RST)) !== 0) forgetFinishedTails(stream);
  } else {
    replayCalls(ctx, frozen, payloadView, lowPort, highPort);
  }
  ctx.tcp = undefined;

  if (frozen.partOf?.reassembledIn !== undefined && frozen.partOf.reassembledIn !== ctx.frame.number) {
    const n = frozen.partOf.reassembledIn;
    tree.add(top, F.reassembled_in, v.src, v.base, 0, n).setGenerated().setFrameRef(n);
  }
  if (frozen.segmentData && tree.mode !== 'none' && (tree.full || tree.wants(F.segment_data))) {
    const { offset, length } = frozen.segmentData;
    tree.add(top, F.segment_data, payloadView.src, payloadView.abs(offset), length, payloadView.slice(offset, length), bytesLabel('TCP segment data', length));
  }
  if (frozen.retransmitted && tree.mode !== 'none' && (tree.full || tree.wants(F.segment_data))) {
    tree.add(top, F.segment_data, v.src, v.abs(h.hdrLen), capturedPayload, payloadView.rest(), bytesLabel('Retransmitted TCP segment data', capturedPayload));
  }
  if (frozen.overlap) {
    tree.add(top, F['segment.overlap'], v.src, v.abs(h.hdrLen), capturedPayload, true).setGenerated();
    if (frozen.conflict) {
      tree.add(top, F['segment.overlap.conflict'], v.src, v.abs(h.hdrLen), capturedPayload, true).setGenerated();
      expert(ctx, top, F['segment.overlap.conflict'], 'warn', 'Sequence', 'Overlapping data with different content (the first copy was kept)', v, h.hdrLen, capturedPayload);
    }
  }
  if (frozen.gapBefore) {
    expert(ctx, top, F['reassembly.gap'], 'warn', 'Reassemble', `${frozen.gapBefore} bytes before this data were not captured; the pending PDU was dropped`, v, h.hdrLen, 0);
  }
  if (frozen.evicted || frozen.resumed) expertEvicted(ctx, top, frozen, v, h.hdrLen, capturedPayload);
  if (frozen.tooLong) {
    expert(ctx, top, F['reassembly.too_long'], 'warn', 'Reassemble', `Line too long: ${frozen.tooLong} bytes without a line end (cap ${MAX_PENDING_PDU}); dropped, dissection resumes after the next line end`, v, h.hdrLen, capturedPayload);
  }
  if (frozen.segmentOnly && infoText !== undefined) {
    // No PDU was dissected here: TCP's own Info (what the payload dissector's attempts left is dropped),
    // with the note appended (Wireshark's col_append_sep_str after the never-empty TCP text).
    columns.protocol = baseProtocol;
    columns.info = prefix;
    if (columns.fence <= prefix.length) {
      infoText.segmentOfPdu = true;
      columns.appendInfoLazy(infoText);
    } else {
      // A payload dissector fenced Info past the prefix (then rolled back): the separator rule decides.
      columns.info = prefix + lazyInfoText(infoText);
      columns.appendInfoSep(' ', '[TCP segment of a reassembled PDU]');
    }
  }
  // Thrown last, as tshark's desegmentation throws it after the TCP items (the frame layer shows it).
  if (frozen.reassemblyError !== undefined) throw new ReassemblyError('tcp', frozen.reassemblyError);
  return v.length;
}

/**
 * dissectQuotedTcp is TCP for a segment quoted in an ICMP or ICMPv6 error (tshark's in_error_pkt). The
 * segment is no part of its connection: no sequence analysis, no reassembly, no segment length, raw
 * sequence and acknowledgment numbers, an unscaled window. As in tshark it still finds (or opens) its
 * stream, moves the stream's completeness as a segment without payload, and its times; its payload is
 * dissected once as it is, under the quote (no desegmentation; TcpInfo.resent: no conversation state
 * advanced). The items are added as the header is read, so a quote of 8 or 16 bytes (RFC 792 quotes 8)
 * shows what it holds.
 */
function dissectQuotedTcp(ctx: DissectCtx, v: ByteView, parent: TreeItem | null, top: TreeItem, summary: string): number {
  const tree = ctx.tree;
  const n = ctx.layers.length;
  const quoted = ctx.layers[n - 2] === 'ip' && ctx.layers[n - 3] === 'icmp' ? 'icmp-ip' : 'icmp';
  // tshark puts an ICMP (IPv4) quote's sequence number in the tree at once.
  if (quoted === 'icmp-ip') tree.add(top, F.seq, v.src, v.abs(TCP_F.SEQ), 4, v.u32(TCP_F.SEQ));
  const off = v.u16(TCP_F.DATA_OFFSET);
  const h: TcpHeader = {
    srcPort: ctx.srcPort,
    dstPort: ctx.dstPort,
    seq: v.u32(TCP_F.SEQ),
    ack: v.u32(TCP_F.ACK),
    hdrLen: (off >> 12) * 4,
    flags: off & 0x0fff,
    window: v.u16(TCP_F.WINDOW),
    // read by addHeaderItems when their items are added
    checksum: 0,
    urgent: 0,
  };
  const syn = (h.flags & TH.SYN) !== 0;
  const ackFlag = (h.flags & TH.ACK) !== 0;
  let data = ctx.firstPass ? undefined : ctx.getFrameData<TcpFrameData>('tcp');
  if (ctx.firstPass) {
    const state = ctx.conversation<TcpCaptureState>(CONVERSATION_KEY, newCaptureState);
    const time = subTime(ctx.frame.tsSec, ctx.frame.tsNsec, ctx.frame.firstSec, ctx.frame.firstNsec);
    const found = state.table.lookup(ctx.netSrc, h.srcPort, ctx.netDst, h.dstPort, syn, ackFlag, h.seq, time);
    if (state.table.evicted.length > 0) dropEvicted(ctx, state.table.evicted);
    const stream = found.stream;
    const now = frameTime(ctx, stream);
    // Completeness as tshark moves it for a segment whose length it does not know (0): an ACK is a pure
    // ACK; a new stream counts only a SYN (and the frame's other bits on a second pass).
    const before = stream.completeness;
    let bits = 0;
    if (syn) bits |= ackFlag ? COMPLETENESS.SYNACK : 0;
    else if (ackFlag) bits |= COMPLETENESS.ACK;
    if ((h.flags & (TH.FIN | TH.ACK)) === (TH.FIN | TH.ACK)) bits |= COMPLETENESS.FIN;
    if ((h.flags & TH.RST) !== 0) bits |= COMPLETENESS.RST;
    const opens = !stream.opened;
    if (opens && syn && !ackFlag) stream.completeness = before | COMPLETENESS.SYN;
    else if (opens) stream.completenessFirst = bits;
    else stream.completeness = before | bits;
    stream.opened = true;
    // tshark notes SYN times and the iRTT from the flags of a quoted segment too.
    if (syn && !ackFlag) stream.synTime = now;
    else if (!syn && ackFlag && stream.initialRtt === undefined && stream.synTime !== undefined) stream.initialRtt = now - stream.synTime;
    data = newFrameData(ctx.frame.number, stream, found.dir, h.seq, h.ack, h.seq, 0, now, now - stream.lastTime);
    data.completenessBefore = opens ? -1 : before;
    stream.lastTime = now;
    ctx.setFrameData('tcp', data);
  }
  data ??= newFrameData(ctx.frame.number, sharedDetachedStream(), 0, h.seq, h.ack, h.seq, 0, 0, 0);
  if (!top.isNull) top.setLabel(summary + `, Seq: ${h.seq}` + (ackFlag ? `, Ack: ${h.ack}` : ''));
  if (h.hdrLen < MIN_HEADER) {
    const message = `Bogus TCP header length (${h.hdrLen}, must be at least ${MIN_HEADER})`;
    const item = tree.add(top, F.hdr_len, v.src, v.abs(TCP_F.DATA_OFFSET), 1, h.hdrLen / 4, headerLengthLabel(h.hdrLen));
    expert(ctx, item, F.bogus_header_length, 'error', 'Malformed', message, v, TCP_F.DATA_OFFSET, 1);
    return v.length;
  }
  const stream = data.stream;
  const scale = syn ? undefined : stream.winScaleOf(data.dir);
  if (tree.wantsAny(HEADER_GROUP)) addHeaderItems(ctx, v, top, h, data, 0, scale, h.window, quoted);
  else v.check(0, h.hdrLen);
  top.setLength(h.hdrLen);
  const captured = Math.max(0, v.length - h.hdrLen);
  if (captured === 0) return v.length;
  if ((h.flags & TH.RST) !== 0) {
    addResetCause(ctx, v, top, h.hdrLen, captured);
    return v.length;
  }
  const payload = v.sub(h.hdrLen, captured, 'tcp');
  if (tree.mode !== 'none' && (tree.full || tree.wants(F.payload))) {
    tree.add(top, F.payload, v.src, v.abs(h.hdrLen), captured, payload.rest(), bytesLabel('TCP payload', captured));
  }
  ctx.tcp = {
    stream: stream.index,
    seq: h.seq,
    nextSeq: (h.seq + captured) >>> 0,
    reassembled: false,
    resent: true,
    quoted: true,
    streamState: ctx.firstPass ? stream.live?.bag : undefined,
  };
  callPayload(ctx, payload, Math.min(h.srcPort, h.dstPort), Math.max(h.srcPort, h.dstPort), parent);
  ctx.desegment = undefined;
  ctx.tcp = undefined;
  return v.length;
}

/** addResetCause adds a reset's payload as its cause (tshark's `tcp.reset_cause`, an ASCII string). */
function addResetCause(ctx: DissectCtx, v: ByteView, top: TreeItem, offset: number, length: number): void {
  const tree = ctx.tree;
  if (tree.mode === 'none' || !(tree.full || tree.wants(F.reset_cause))) return;
  const bytes = v.slice(offset, length);
  const cause = asciiValue(bytes);
  tree.add(top, F.reset_cause, v.src, v.abs(offset), length, cause, () => `Reset cause: ${formatText(bytes, 0, nulOrEnd(bytes, 0, bytes.length))}`);
}

/** addHeaderItems adds the header's detail items after the ports (skipped when the tree keeps none). */
function addHeaderItems(
  ctx: DissectCtx,
  v: ByteView,
  top: TreeItem,
  h: TcpHeader,
  frozen: TcpFrameData,
  seglen: number,
  scale: number | undefined,
  windowSize: number,
  quoted?: 'icmp-ip' | 'icmp',
): void {
  const tree = ctx.tree;
  const stream = frozen.stream;
  const ackFlag = (h.flags & TH.ACK) !== 0;
  const srcPort = ctx.srcPort;
  const dstPort = ctx.dstPort;
  tree.add(top, F.stream, v.src, v.base, 0, stream.index).setGenerated();
  const completeness = completenessShown(ctx, frozen);
  tree
    .add(top, F.completeness, v.src, v.base, 0, completeness, () => `Conversation completeness: ${COMPLETENESS_VALUES[completeness] ?? 'Incomplete'} (${completeness})`)
    .setGenerated();
  // A quoted segment (quoted: ICMP error, dissectQuotedTcp) has no length and shows raw numbers under
  // tshark's relative labels; in an ICMP (IPv4) quote its sequence number is already in the tree.
  if (quoted === undefined) tree.add(top, F.len, v.src, v.base, 0, seglen).setGenerated();
  if (quoted !== 'icmp-ip') {
    tree.add(top, F.seq, v.src, v.abs(TCP_F.SEQ), 4, frozen.relSeq, () => `Sequence Number: ${frozen.relSeq}    (relative sequence number)`);
    tree.add(top, F.seq_raw, v.src, v.abs(TCP_F.SEQ), 4, h.seq);
  }
  if (quoted === undefined) tree.add(top, F.nxtseq, v.src, v.base, 0, frozen.nextSeq, () => `Next Sequence Number: ${frozen.nextSeq}    (relative sequence number)`).setGenerated();
  if (ackFlag) {
    tree.add(top, F.ack, v.src, v.abs(TCP_F.ACK), 4, frozen.relAck, () => `Acknowledgment Number: ${frozen.relAck}    (relative ack number)`);
  } else if (h.ack !== 0) {
    // As tshark: the raw value, and a note (a SYN built by hand, a scanner's probe).
    const item = tree.add(top, F.ack, v.src, v.abs(TCP_F.ACK), 4, h.ack);
    expert(ctx, item, F['ack.nonzero'], 'note', 'Protocol', F['ack.nonzero'].name, v, TCP_F.ACK, 4);
  } else {
    tree.add(top, F.ack, v.src, v.abs(TCP_F.ACK), 4, 0);
  }
  tree.add(top, F.ack_raw, v.src, v.abs(TCP_F.ACK), 4, h.ack);
  const words = h.hdrLen / 4;
  tree.add(top, F.hdr_len, v.src, v.abs(TCP_F.DATA_OFFSET), 1, h.hdrLen, () => `${bitPicture(words << 4, 0xf0, 8)} = Header Length: ${h.hdrLen} bytes (${words})`);

  const flagsItem = tree.add(top, F.flags, v.src, v.abs(TCP_F.FLAGS), 2, h.flags, () => `Flags: 0x${h.flags.toString(16).padStart(3, '0')} (${flagNames(h.flags)})`);
  {
    const bits: [FieldDef, number][] = [
      [F['flags.res'], TH.RES],
      [F['flags.ae'], TH.AE],
      [F['flags.cwr'], TH.CWR],
      [F['flags.ece'], TH.ECE],
      [F['flags.urg'], TH.URG],
      [F['flags.ack'], TH.ACK],
      [F['flags.push'], TH.PSH],
      [F['flags.reset'], TH.RST],
      [F['flags.syn'], TH.SYN],
      [F['flags.fin'], TH.FIN],
    ];
    for (const [field, mask] of bits) {
      const on = (h.flags & mask) !== 0;
      const item = tree.add(flagsItem, field, v.src, v.abs(TCP_F.FLAGS), 2, on, () => `${bitPicture(h.flags, mask, 12)} = ${field.name}: ${on ? 'Set' : 'Not set'}`);
      if (mask === TH.SYN && on) {
        if (ackFlag) expert(ctx, item, F['connection.synack'], 'chat', 'Sequence', `Connection establish acknowledge (SYN+ACK): server port ${srcPort}`, v, TCP_F.FLAGS, 2);
        else expert(ctx, item, F['connection.syn'], 'chat', 'Sequence', `Connection establish request (SYN): server port ${dstPort}`, v, TCP_F.FLAGS, 2);
      }
      if (mask === TH.RST && on) expert(ctx, item, F['connection.rst'], 'warn', 'Sequence', 'Connection reset (RST)', v, TCP_F.FLAGS, 2);
      if (mask === TH.FIN && on) expert(ctx, item, F['connection.fin'], 'chat', 'Sequence', 'Connection finish (FIN)', v, TCP_F.FLAGS, 2);
    }
  }
  const strItem = tree.add(flagsItem, F['flags.str'], v.src, v.abs(TCP_F.FLAGS), 2, flagString(h.flags)).setGenerated();
  if ((h.flags & TH.FIN) !== 0) {
    // Which side closes first: the first FIN of the stream "initiates", the other "undergoes".
    if (frozen.finActive ?? true) expert(ctx, strItem, F['connection.fin_active'], 'note', 'Sequence', 'This frame initiates the connection closing', v, TCP_F.FLAGS, 2);
    else expert(ctx, strItem, F['connection.fin_passive'], 'note', 'Sequence', 'This frame undergoes the connection closing', v, TCP_F.FLAGS, 2);
  }

  tree.add(top, F.window_size_value, v.src, v.abs(TCP_F.WINDOW), 2, h.window);
  tree.add(top, F.window_size, v.src, v.abs(TCP_F.WINDOW), 2, windowSize).setGenerated();
  if (scale !== undefined) {
    const factor = scale >= 0 ? 2 ** scale : scale;
    tree
      .add(top, F.window_size_scalefactor, v.src, v.abs(TCP_F.WINDOW), 2, factor, () =>
        factor === -1 ? 'Window size scaling factor: -1 (unknown)' : factor === -2 ? 'Window size scaling factor: -2 (no window scaling used)' : `Window size scaling factor: ${factor}`,
      )
      .setGenerated();
  }
  // Read here: a header quoted in an ICMP error may end before them (tshark shows the items before).
  const checksum = v.u16(TCP_F.CHECKSUM);
  tree.add(top, F.checksum, v.src, v.abs(TCP_F.CHECKSUM), 2, checksum, () => `Checksum: 0x${checksum.toString(16).padStart(4, '0')} [unverified]`);
  tree.add(top, F['checksum.status'], v.src, v.abs(TCP_F.CHECKSUM), 0, 2).setGenerated();
  const urgent = v.u16(TCP_F.URGENT);
  const urgentItem = tree.add(top, F.urgent_pointer, v.src, v.abs(TCP_F.URGENT), 2, urgent);
  if (urgent !== 0 && (h.flags & TH.URG) === 0) expert(ctx, urgentItem, F['urgent_pointer.non_zero'], 'note', 'Protocol', F['urgent_pointer.non_zero'].name, v, TCP_F.URGENT, 2);
  if (h.hdrLen > MIN_HEADER) parseOptions(ctx, v, h.hdrLen, top, true, (h.flags & TH.SYN) !== 0, stream.baseSeqOf(frozen.dir === 0 ? 1 : 0));

  // Timestamps.
  const tsItem = tree.addText(top, v.src, v.base, 0, 'Timestamps').setGenerated();
  tree.add(tsItem, F.time_relative, v.src, v.base, 0, frozen.timeRelative).setGenerated();
  tree.add(tsItem, F.time_delta, v.src, v.base, 0, frozen.timeDelta).setGenerated();

  // SEQ/ACK analysis.
  const hasAnalysis =
    frozen.acksFrame !== undefined || frozen.flags !== 0 || frozen.bytesInFlight !== undefined || frozen.pushBytes !== undefined || frozen.analysed === true;
  if (hasAnalysis) {
    const an = tree.add(top, F.analysis, v.src, v.base, 0, null, 'SEQ/ACK analysis').setGenerated();
    if (frozen.acksFrame !== undefined) {
      tree.add(an, F['analysis.acks_frame'], v.src, v.base, 0, frozen.acksFrame).setGenerated().setFrameRef(frozen.acksFrame);
      if (frozen.ackRtt !== undefined) tree.add(an, F['analysis.ack_rtt'], v.src, v.base, 0, frozen.ackRtt).setGenerated();
    }
    if (stream.initialRtt !== undefined) tree.add(an, F['analysis.initial_rtt'], v.src, v.base, 0, stream.initialRtt).setGenerated();
    if (frozen.bytesInFlight !== undefined) tree.add(an, F['analysis.bytes_in_flight'], v.src, v.base, 0, frozen.bytesInFlight).setGenerated();
    if (frozen.pushBytes !== undefined && frozen.bytesInFlight !== undefined) tree.add(an, F['analysis.push_bytes_sent'], v.src, v.base, 0, frozen.pushBytes).setGenerated();
    if (frozen.flags !== 0) {
      const flagsTree = tree.add(an, F['analysis.flags'], v.src, v.base, 0, null, 'TCP Analysis Flags').setGenerated();
      for (const [bit, field, severity, message] of ANALYSIS_ITEMS) {
        if (frozen.flags & bit) expert(ctx, flagsTree, field, severity, 'Sequence', message, v);
      }
      if (frozen.rto !== undefined && frozen.rtoFrame !== undefined) {
        tree.add(flagsTree, F['analysis.rto'], v.src, v.base, 0, frozen.rto).setGenerated();
        tree.add(flagsTree, F['analysis.rto_frame'], v.src, v.base, 0, frozen.rtoFrame).setGenerated().setFrameRef(frozen.rtoFrame);
      }
      if (frozen.flags & TCP_A.DUPLICATE_ACK) {
        tree.add(flagsTree, F['analysis.duplicate_ack'], v.src, v.base, 0, null, 'This is a TCP duplicate ack').setGenerated();
        tree.add(an, F['analysis.duplicate_ack_num'], v.src, v.base, 0, frozen.dupAckNum ?? 0).setGenerated();
        const frameItem = tree.add(an, F['analysis.duplicate_ack_frame'], v.src, v.base, 0, frozen.dupAckFrame ?? 0).setGenerated().setFrameRef(frozen.dupAckFrame ?? 0);
        expert(ctx, frameItem, F['analysis.duplicate_ack'], 'note', 'Sequence', `Duplicate ACK (#${frozen.dupAckNum})`, v);
      }
    }
  }
}

/**
 * forgetFinishedTails releases the delivered-bytes tails of a stream once both sides sent FIN or it was
 * reset: a finished stream keeps no payload (docs/reassembly.md, caps and degrade rules).
 */
function forgetFinishedTails(stream: TcpStream<SegTag, PduState>): void {
  if (stream.closed || (stream.dirs[0].finSeen && stream.dirs[1].finSeen)) {
    stream.dirs[0].half.forgetTail();
    stream.dirs[1].half.forgetTail();
  }
}

/** SEGMENT is the argument of every HalfConnection.accept call (which reads it only during the call). */
const SEGMENT: SegmentIn<SegTag | undefined> = { seq: 0, payload: new Uint8Array(0), syn: false, fin: false, rst: false, tag: undefined };
const NO_BYTES = new Uint8Array(0);
/** ACCEPTED is every accept call's result, read before the next call (its chunks are dissected at once). */
const ACCEPTED: AcceptResult<SegTag> = { status: 'empty', chunks: [], overlap: false, conflict: false, gap: 0, flushed: false, closed: false };
let acceptedBusy = false;

function runFirstPassPayload(
  ctx: DissectCtx,
  data: TcpFrameData,
  stream: TcpStream<SegTag, PduState>,
  dir: 0 | 1,
  h: TcpHeader,
  payloadView: ByteView,
  complete: boolean,
  lowPort: number,
  highPort: number,
): boolean {
  const payload = payloadView.rest();
  const tag: SegTag = data;
  const half = stream.dirs[dir].half;
  const desegment = ctx.pref<boolean>('tcp.desegment_tcp_streams');
  const reuse = scratchFor(ctx);
  let run: PayloadRun;
  if (reuse === undefined || reuse.run === undefined) {
    run = {
      ctx,
      data,
      payloadView,
      lowPort,
      highPort,
      stream,
      dir,
      // A reusing dissection freezes nothing, so no re-dissection will replay the calls.
      calls: ctx.reuse ? null : [],
      dissectedPdu: false,
      segLo: Infinity,
      segHi: -Infinity,
      scratch: reuse,
    };
    if (reuse !== undefined) reuse.run = run;
  } else {
    // The run is read only during this call: a reusing dissection rewrites one object.
    run = reuse.run;
    run.data = data;
    run.payloadView = payloadView;
    run.lowPort = lowPort;
    run.highPort = highPort;
    run.stream = stream;
    run.dir = dir;
    run.dissectedPdu = false;
    run.segLo = Infinity;
    run.segHi = -Infinity;
  }
  // Dissected alone, never reassembled: a snaplen-cut segment (Wireshark does the same), and a zero window
  // probe, whose byte is sent again once the window opens, so the segment that resends it is new data (as
  // tshark shows it, not an overlap).
  const probe = (data.flags & TCP_A.ZERO_WINDOW_PROBE) !== 0;
  if (!complete || !desegment || probe) {
    ctx.tcp = tcpInfo(run, data.relSeq, payload.length, false);
    callPayload(ctx, payloadView, lowPort, highPort);
    ctx.desegment = undefined;
    if (!probe) dropLinePromise(stream, dir);
    if (!ctx.reuse) data.calls = [{ kind: 'frame', offset: 0, length: payload.length, seq: data.relSeq }];
    return false;
  }
  if (data.flags & TCP_A.RETRANSMISSION) {
    // Wireshark hands retransmitted data to no dissector (even bytes past what was seen) and shows it
    // as "Retransmitted TCP segment data"; it never enters reassembly.
    data.retransmitted = true;
    return false;
  }
  // A spurious retransmission resends bytes the peer has ACKed: tshark dissects nothing in it (only
  // "TCP payload"), and it never enters reassembly either.
  if (data.flags & TCP_A.SPURIOUS_RETRANSMISSION) return false;
  if (stream.takeResumed(dir)) data.resumed = true;
  const segment = SEGMENT;
  segment.seq = h.seq;
  segment.payload = payload;
  segment.syn = (h.flags & TH.SYN) !== 0;
  segment.fin = (h.flags & TH.FIN) !== 0;
  segment.rst = (h.flags & TH.RST) !== 0;
  segment.tag = tag;
  // ACCEPTED serves one call at a time (a payload dissector never reaches TCP again, but if one did it
  // would get a result of its own).
  const shared = !acceptedBusy;
  const result = half.accept(segment as SegmentIn<SegTag>, shared ? ACCEPTED : undefined);
  // Not kept by accept: cleared so that it holds neither the frame's bytes nor its data.
  segment.payload = NO_BYTES;
  segment.tag = undefined;
  if (result.overlap) data.overlap = true;
  if (result.conflict) data.conflict = true;
  if (result.status === 'retransmission' && result.chunks.length === 0) placeResent(run, tag, payload.length, result.conflict);
  if (shared) acceptedBusy = true;
  try {
    for (const chunk of result.chunks) dissectChunk(run, chunk);
  } finally {
    if (shared) acceptedBusy = false;
  }
  if (run.dissectedPdu) dropLinePromise(stream, dir);
  if (run.calls !== null && run.calls.length > 0) data.calls = run.calls;
  if (run.segHi > run.segLo) data.segmentData = { offset: run.segLo, length: run.segHi - run.segLo };
  if (!run.dissectedPdu) {
    if (data.partOf || data.segmentData) data.segmentOnly = true;
    else if (result.chunks.length === 0) data.skipPayload = true;
  }
  // The frame's data stays the tag of bytes waiting in reassembly: buffered out of order, or part of a
  // pending PDU (partOf). Otherwise nothing keeps it past this frame.
  return result.status === 'out-of-order' || data.partOf !== undefined;
}

/**
 * placeResent puts a segment whose bytes had all arrived before, and that TCP analysis did not flag as a
 * retransmission (a keep-alive's byte, mostly), where tshark's desegmentation puts it (measured):
 *  - inside the open PDU, past its first byte: joined to it (listed in its segments with tshark's overlap
 *    items; "[TCP segment of a reassembled PDU]" here);
 *  - at the first byte of the open PDU or of the latest one reassembled: "Retransmitted TCP segment data";
 *  - elsewhere inside the latest PDU reassembled from several segments: tshark's reassembly error;
 *  - outside them, a keep-alive's bytes go to the Data dissector (tshark never hands a keep-alive's
 *    bytes to a payload dissector), an out-of-order segment's to none, and others' (a fast
 *    retransmission's) to the payload dissector, on their own.
 */
function placeResent(run: PayloadRun, tag: SegTag, length: number, conflict: boolean): void {
  const { ctx, data, stream, dir } = run;
  const seq = data.relSeq;
  const end = (seq + length) >>> 0;
  const pending = stream.pdu[dir];
  if (pending !== undefined && !pending.skipping && pending.length > 0) {
    if (seqGt(seq, pending.seq) && seqLt(seq, (pending.seq + pending.length) >>> 0)) {
      pending.parts.push({ tag, length: 0, payloadOffset: 0, overlap: { at: (seq - pending.seq) >>> 0, length, conflict } });
      tag.partOf = pending.ref;
      noteSegmentBytes(run, tag, 0, length);
      return;
    }
    if (seq === pending.seq) {
      data.retransmitted = true;
      return;
    }
  }
  const side = stream.dirs[dir];
  if (side.lastPduSet && !seqLt(seq, side.lastPduStart) && seqLt(seq, side.lastPduEnd)) {
    if (seq === side.lastPduStart && seqLe(end, side.lastPduEnd)) data.retransmitted = true;
    else data.reassemblyError = 'New fragment overlaps old data (retransmission?)';
    return;
  }
  if (data.flags & TCP_A.KEEP_ALIVE) {
    ctx.callData(run.payloadView, null);
    run.calls?.push({ kind: 'data', offset: 0, length });
  } else if (!(data.flags & TCP_A.OUT_OF_ORDER)) {
    // Bytes in no PDU (a fast retransmission of a whole line): tshark hands them to the payload
    // dissector again, on their own (an out-of-order segment it dissects not at all).
    ctx.tcp = { ...tcpInfo(run, seq, length, false), resent: true };
    callPayload(ctx, run.payloadView, run.lowPort, run.highPort);
    ctx.desegment = undefined;
    run.calls?.push({ kind: 'frame', offset: 0, length, seq });
    run.dissectedPdu = true;
  }
}

/**
 * dropLinePromise: this frame dissected payload in direction `dir`, which may change the dissector's
 * state for the other direction, so a pending line there is handed to the dissector again with its next
 * segment (PduState.lineUntil).
 */
function dropLinePromise(stream: TcpStream<SegTag, PduState>, dir: 0 | 1): void {
  const other = stream.pdu[dir === 0 ? 1 : 0];
  if (other !== undefined) other.lineUntil = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Live-state eviction (docs/reassembly.md, "Per-stream memory")

/**
 * dropEvicted labels the frames whose bytes an evicted stream still held: out-of-order pieces waiting for
 * a hole and the parts of a pending PDU. They are given up as a gap: the pending PDU is never completed
 * (no `reassembled_in`), and the frames get an expert item; their rows are reported as changed.
 */
function dropEvicted(ctx: DissectCtx, evicted: readonly LiveStream<SegTag, PduState>[]): void {
  for (const live of evicted) {
    for (const dir of [0, 1] as const) {
      for (const { tag, length } of live.droppedTags?.[dir] ?? []) markEvicted(ctx, tag, length);
      const pending = live.pdu[dir];
      if (pending === undefined) continue;
      pending.ref.reassembledIn = undefined;
      for (const part of pending.parts) markEvicted(ctx, part.tag, part.length);
      live.pdu[dir] = undefined;
    }
    live.droppedTags = null;
  }
}

function markEvicted(ctx: DissectCtx, tag: SegTag, length: number): void {
  tag.evicted = (tag.evicted ?? 0) + length;
  ctx.markRowChanged?.(tag.frame);
}

function expertEvicted(ctx: DissectCtx, top: TreeItem, frozen: TcpFrameData, v: ByteView, hdrLen: number, capturedPayload: number): void {
  if (frozen.evicted) {
    const n = frozen.evicted;
    expert(ctx, top, F['reassembly.evicted'], 'warn', 'Reassemble', `Reassembly state evicted: ${n} ${plural(n, 'byte', 'bytes')} of this segment were dropped unreassembled (idle stream, live-state cap)`, v, hdrLen, capturedPayload);
  }
  if (frozen.resumed) {
    expert(ctx, top, F['reassembly.evicted'], 'warn', 'Reassemble', 'Reassembly resumes here after the stream\'s state was evicted (live-state cap); earlier pending bytes were dropped', v, hdrLen, 0);
  }
}

/** formatTcpTime prints a TCP relative time as tshark does (for tests). */
export function formatTcpTime(seconds: number): string {
  return formatRelTime(seconds);
}

/** tcp is the TCP protocol module (`ip.proto` 6). */
export const tcp: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  prefs: [
    {
      name: 'tcp.desegment_tcp_streams',
      type: 'boolean',
      default: true,
      description: 'Allow subdissector to reassemble TCP streams',
    },
  ],
  handoff: (tables) => {
    tables.add('ip.proto', 6, tcp);
  },
  dissect: dissectTcp,
};

/** unusedValue keeps FieldValue imported for declaration merging in tests. */
export type TcpFieldValue = FieldValue;
