/**
 * TCP stream table: finds the conversation of a segment and allocates `tcp.stream` indexes the way
 * Wireshark 4.0 does. Streams are keyed direction-independently — the lower (address, port) endpoint
 * first, as gopacket's symmetric FastHash — and hold two half-connection states, `dirs[0]` for data sent
 * by the lower endpoint and `dirs[1]` for the other way.
 *
 * Index allocation (packet-tcp.c, dissect_tcp): the first segment of a 4-tuple creates stream N (N counts
 * up from 0 in frame order); a later pure SYN (SYN without ACK) on the same 4-tuple starts a new stream
 * when its sequence number differs from the SYN that opened the current one, or when the current one
 * has already seen FIN or RST (flagged `tcp.analysis.reused_ports`, "[TCP Port numbers reused]").
 * A SYN with the same ISN on an open stream is a retransmitted SYN and stays in it.
 */
import type { Address } from '../decode/protocol';
import { HalfConnection, ReassemblyBudget, type ReassemblyLimits, DEFAULT_LIMITS } from './half-connection';

/** COMPLETENESS bits of `tcp.completeness` (Wireshark's TCP_COMPLETENESS_*). */
export const COMPLETENESS = { SYN: 1, SYNACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;

/** addressKey turns an address into a fixed-width string that sorts like the address bytes. */
export function addressKey(a: Address): string {
  switch (a.type) {
    case 'ipv4':
      return '4' + (a.value >>> 0).toString(16).padStart(8, '0');
    case 'ipv6': {
      let s = '6';
      for (const b of a.bytes) s += b.toString(16).padStart(2, '0');
      return s;
    }
    case 'ether': {
      let s = 'e';
      for (const b of a.bytes) s += b.toString(16).padStart(2, '0');
      return s;
    }
    default:
      return '-';
  }
}

/** UnackedSegment is a sent segment not yet acknowledged (for acks_frame and RTT). */
export interface UnackedSegment {
  frame: number;
  seq: number;
  nextSeq: number;
  time: number;
}

/** DirState is the analysis and reassembly state of one direction (Wireshark's tcp_flow_t). */
export class DirState<T> {
  /** raw sequence number that relative number 0 stands for */
  baseSeq = 0;
  baseSet = false;
  /** highest sequence number + length seen (raw); valid when nextSeqSet */
  nextSeq = 0;
  nextSeqSet = false;
  nextSeqFrame = 0;
  nextSeqTime = 0;
  lastAck = 0;
  lastAckSet = false;
  lastAckTime = 0;
  window = -1;
  /** window scale shift: -1 unknown, -2 not used (a SYN without the option) */
  winScale = -1;
  /** unacknowledged segments, newest first (bounded) */
  segments: UnackedSegment[] = [];
  dupAckNum = 0;
  lastNonDupAck = 0;
  pushBytes = 0;
  pushSetLast = false;
  lastSegmentFlags = 0;
  maxSeqToBeAcked = 0;
  maxSeqToBeAckedSet = false;
  validBytesInFlight = true;
  finSeen = false;
  /** the byte-stream reassembler of this direction */
  readonly half: HalfConnection<T>;

  constructor(limits: ReassemblyLimits, budget: ReassemblyBudget) {
    this.half = new HalfConnection<T>(limits, budget);
  }
}

/** TcpStream is one TCP conversation (one `tcp.stream` index). */
export class TcpStream<T, D = unknown> {
  completeness = 0;
  /** initial RTT (SYN → first ACK after SYN/ACK), seconds */
  initialRtt: number | undefined;
  synTime: number | undefined;
  firstTime: number;
  lastTime: number;
  /** ISN of the SYN that opened the stream, per direction */
  isn: [number | undefined, number | undefined] = [undefined, undefined];
  closed = false;
  readonly dirs: [DirState<T>, DirState<T>];
  /** per-direction payload (desegmentation) state owned by the TCP module */
  readonly pdu: [D | undefined, D | undefined] = [undefined, undefined];

  constructor(
    readonly index: number,
    readonly key: string,
    time: number,
    limits: ReassemblyLimits,
    budget: ReassemblyBudget,
  ) {
    this.firstTime = time;
    this.lastTime = 0;
    this.dirs = [new DirState<T>(limits, budget), new DirState<T>(limits, budget)];
  }
}

/** Lookup is the stream of a segment, the direction of its sender, and whether it reuses old ports. */
export interface Lookup<T, D> {
  stream: TcpStream<T, D>;
  dir: 0 | 1;
  reusedPorts: boolean;
}

/** endpointKey48 packs an IPv4 address and a port into one number (48 bits), ordered like addressKey's text. */
function endpointKey48(address: number, port: number): number {
  return (address >>> 0) * 65536 + port;
}

/** StreamTable maps 4-tuples to streams and allocates stream indexes. */
export class StreamTable<T, D = unknown> {
  private readonly current = new Map<string, TcpStream<T, D>>();
  /**
   * current4: IPv4 4-tuples without building key strings: lower endpoint → higher endpoint → stream
   * (endpoints packed by endpointKey48, which orders them as the string keys do).
   */
  private readonly current4 = new Map<number, Map<number, TcpStream<T, D>>>();
  readonly streams: TcpStream<T, D>[] = [];
  readonly budget: ReassemblyBudget;

  constructor(
    readonly limits: ReassemblyLimits = DEFAULT_LIMITS,
    budget?: ReassemblyBudget,
  ) {
    this.budget = budget ?? new ReassemblyBudget();
  }

  /** lookup finds or creates the stream of a segment (first pass only: it may allocate an index). */
  lookup(src: Address, srcPort: number, dst: Address, dstPort: number, syn: boolean, ack: boolean, seq: number, time: number): Lookup<T, D> {
    if (src.type === 'ipv4' && dst.type === 'ipv4') {
      const a = endpointKey48(src.value, srcPort);
      const b = endpointKey48(dst.value, dstPort);
      const lowerIsSrc = a <= b;
      const low = lowerIsSrc ? a : b;
      const high = lowerIsSrc ? b : a;
      let byHigh = this.current4.get(low);
      if (byHigh === undefined) this.current4.set(low, (byHigh = new Map()));
      const dir: 0 | 1 = lowerIsSrc ? 0 : 1;
      const current = byHigh.get(high);
      const found = this.find(current, dir, syn, ack, seq);
      if (found === undefined) {
        // The key text is only built for a new stream (it names the stream, e.g. in tests).
        const stream = this.create(streamKey(src, srcPort, dst, dstPort), time);
        byHigh.set(high, stream);
        return { stream, dir, reusedPorts: current !== undefined };
      }
      return { stream: found, dir, reusedPorts: false };
    }
    const a = addressKey(src) + ':' + srcPort.toString(16).padStart(4, '0');
    const b = addressKey(dst) + ':' + dstPort.toString(16).padStart(4, '0');
    const lowerIsSrc = a <= b;
    const key = lowerIsSrc ? `${a}|${b}` : `${b}|${a}`;
    const dir: 0 | 1 = lowerIsSrc ? 0 : 1;
    const current = this.current.get(key);
    const found = this.find(current, dir, syn, ack, seq);
    if (found === undefined) {
      const stream = this.create(key, time);
      this.current.set(key, stream);
      return { stream, dir, reusedPorts: current !== undefined };
    }
    return { stream: found, dir, reusedPorts: false };
  }

  /** find applies the port-reuse rule to the current stream of a 4-tuple (undefined: start a new one). */
  private find(stream: TcpStream<T, D> | undefined, dir: 0 | 1, syn: boolean, ack: boolean, seq: number): TcpStream<T, D> | undefined {
    if (stream !== undefined && syn && !ack) {
      const isn = stream.isn[dir];
      const ended = stream.closed || stream.dirs[0].finSeen || stream.dirs[1].finSeen;
      if ((isn !== undefined && isn !== seq) || ended) return undefined;
    }
    return stream;
  }

  private create(key: string, time: number): TcpStream<T, D> {
    const stream = new TcpStream<T, D>(this.streams.length, key, time, this.limits, this.budget);
    this.streams.push(stream);
    return stream;
  }
}

/** streamKey is the direction-independent text key of a 4-tuple (`<lower endpoint>|<higher endpoint>`). */
function streamKey(src: Address, srcPort: number, dst: Address, dstPort: number): string {
  const a = addressKey(src) + ':' + srcPort.toString(16).padStart(4, '0');
  const b = addressKey(dst) + ':' + dstPort.toString(16).padStart(4, '0');
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}
