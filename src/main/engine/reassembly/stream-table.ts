/**
 * TCP stream table: finds the conversation of a segment and allocates `tcp.stream` indexes the way
 * Wireshark 4.0 does. Streams are keyed direction-independently — the lower (address, port) endpoint
 * first, as gopacket's symmetric FastHash — and hold two half-connection states, `dirs[0]` for data sent
 * by the lower endpoint and `dirs[1]` for the other way.
 *
 * Index allocation (packet-tcp.c, dissect_tcp): the first segment of a 4-tuple creates stream N (N counts
 * up from 0 in frame order); a later pure SYN (SYN without ACK) on the same 4-tuple starts a new stream
 * when its sequence number differs from the current one's base in that direction (the ISN of the SYN
 * that opened it, or the number before the first byte of a stream picked up mid-way), flagged
 * `tcp.analysis.reused_ports`, "[TCP Port numbers reused]". A SYN with the same ISN is a retransmitted
 * SYN and stays in the stream, even after FIN or RST (tshark 4.0, measured).
 *
 * Memory (docs/reassembly.md, "Per-stream memory"): what must outlive a stream's activity — its index,
 * the facts re-dissection reads (completeness, iRTT, base sequence numbers, window scale) and the facts
 * the port-reuse rule and a later segment need (ISN, FIN/RST seen, next sequence number, times) — is kept
 * in typed-array columns indexed by stream ({@link StreamRecords}, 78 bytes a stream) behind a small
 * {@link TcpStream} handle. Everything else (sequence analysis, the reassembler, the payload PDU state) is
 * *live state* ({@link LiveStream}), allocated when a stream sees a segment and kept in an LRU list capped
 * by stream count and by buffered bytes ({@link LiveLimits}); the least recently used stream beyond a cap
 * is evicted: its buffered bytes and pending PDU are dropped (the TCP module labels their frames) and a
 * later segment revives it from the columns.
 */
import type { Address } from '../decode/protocol';
import { seqGt } from '../../../shared/seq';
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

/** LiveLimits cap the live (evictable) state of all streams together; see docs/reassembly.md. */
export interface LiveLimits {
  /** streams holding live state (analysis, reassembler, PDU state) at once */
  maxLiveStreams: number;
  /** bytes buffered out of order plus bytes of pending PDUs, over all live streams */
  maxLiveBytes: number;
}

/** DEFAULT_LIVE_LIMITS: 16 384 live streams, 64 MiB of buffered and pending payload. */
export const DEFAULT_LIVE_LIMITS: Readonly<LiveLimits> = Object.freeze({ maxLiveStreams: 16_384, maxLiveBytes: 64 * 1024 * 1024 });

// Per-stream flag bits (StreamRecords.flags).
const S_CLOSED = 1;
const S_EVICTED = 2;
const S_OPENED = 4;
// Per-direction flag bits (StreamRecords.dirFlags, slot = index * 2 + dir).
const D_BASE_SET = 1;
const D_ISN_SET = 2;
const D_FIN = 4;
const D_NEXT_SET = 8;
const D_EVICTED = 16;
const D_RESUMED = 32;

/**
 * StreamRecords: the durable facts of every stream, one slot per stream (per direction: two slots), in
 * typed arrays that grow by doubling. NaN stands for "unset" in the time columns.
 */
export class StreamRecords {
  count = 0;
  firstTime = new Float64Array(0);
  lastTime = new Float64Array(0);
  synTime = new Float64Array(0);
  initialRtt = new Float64Array(0);
  /** IPv4 4-tuples: lower and higher endpoint packed by endpointKey48 (NaN for other address types) */
  low = new Float64Array(0);
  high = new Float64Array(0);
  completeness = new Uint8Array(0);
  /** completeness bits of a stream's first frame when it was no SYN (a SYN/ACK included; TcpStream.completenessFirst) */
  completenessFirst = new Uint8Array(0);
  flags = new Uint8Array(0);
  baseSeq = new Uint32Array(0);
  isn = new Uint32Array(0);
  nextSeq = new Uint32Array(0);
  winScale = new Int8Array(0);
  dirFlags = new Uint8Array(0);

  /** add allocates the next slot and returns its index. */
  add(time: number): number {
    const i = this.count++;
    if (i >= this.flags.length) this.grow(Math.max(64, this.flags.length * 2));
    this.firstTime[i] = time;
    this.lastTime[i] = 0;
    this.synTime[i] = NaN;
    this.initialRtt[i] = NaN;
    this.low[i] = NaN;
    this.high[i] = NaN;
    this.winScale[2 * i] = -1;
    this.winScale[2 * i + 1] = -1;
    return i;
  }

  private grow(capacity: number): void {
    const f64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.firstTime = f64(this.firstTime);
    this.lastTime = f64(this.lastTime);
    this.synTime = f64(this.synTime);
    this.initialRtt = f64(this.initialRtt);
    this.low = f64(this.low);
    this.high = f64(this.high);
    const u8 = (a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.completeness = u8(this.completeness, capacity);
    this.completenessFirst = u8(this.completenessFirst, capacity);
    this.flags = u8(this.flags, capacity);
    this.dirFlags = u8(this.dirFlags, 2 * capacity);
    const u32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(2 * capacity);
      b.set(a);
      return b;
    };
    this.baseSeq = u32(this.baseSeq);
    this.isn = u32(this.isn);
    this.nextSeq = u32(this.nextSeq);
    const ws = new Int8Array(2 * capacity);
    ws.set(this.winScale);
    this.winScale = ws;
  }

  /** bytesPerStream is what one stream costs in the columns (for the benchmark's accounting). */
  static readonly bytesPerStream = 6 * 8 + 2 + 2 * (3 * 4 + 2);
}

/**
 * DirState is the analysis and reassembly state of one direction (Wireshark's tcp_flow_t). It is live
 * state; the fields re-dissection and a revived stream need (base sequence number, window scale, FIN
 * seen, next sequence number) are accessors over the stream's {@link StreamRecords} slot.
 */
export class DirState<T> {
  nextSeqFrame = 0;
  nextSeqTime = 0;
  lastAck = 0;
  lastAckSet = false;
  lastAckTime = 0;
  /**
   * the highest ACK this side sent (set with highAckSet): an ACK below it, carried by an old segment
   * resent, takes nothing off the peer's unacknowledged list (tshark's), so the peer's bytes in flight
   * still start here
   */
  highAck = 0;
  highAckSet = false;
  window = -1;
  /**
   * this side sent a SYN and no ACK without SYN since (tshark's is_first_ack): its window is then the
   * SYN's, which is never scaled
   */
  firstAck = false;
  /** unacknowledged segments, oldest first (bounded; appended, filtered in place) */
  segments: UnackedSegment[] = [];
  dupAckNum = 0;
  lastNonDupAck = 0;
  pushBytes = 0;
  pushSetLast = false;
  lastSegmentFlags = 0;
  maxSeqToBeAcked = 0;
  maxSeqToBeAckedSet = false;
  validBytesInFlight = true;
  /**
   * the lowest sequence number this side sent since the peer's last ACK (set with lowSinceAckSet): a
   * segment resent below the peer's ACK stays in tshark's unacknowledged list, and so in the span of the
   * bytes in flight, until the next ACK
   */
  lowSinceAck = 0;
  lowSinceAckSet = false;
  /**
   * the relative sequence range [lastPduStart, lastPduEnd) of this side's latest PDU reassembled from
   * pending bytes (tshark's multi-segment PDU; set with lastPduSet): bytes sent again inside it, and not
   * flagged a retransmission, are tshark's "New fragment overlaps old data" reassembly error
   */
  lastPduStart = 0;
  lastPduEnd = 0;
  lastPduSet = false;
  /** the summed widths of the SACK blocks of this side's latest segment (taken off the peer's bytes in flight) */
  sackDelivered = 0;
  /** the byte-stream reassembler of this direction */
  readonly half: HalfConnection<T>;

  constructor(
    private readonly records: StreamRecords,
    private readonly slot: number,
    limits: ReassemblyLimits,
    budget: ReassemblyBudget,
  ) {
    this.half = new HalfConnection<T>(limits, budget);
  }

  private flag(bit: number): boolean {
    return (this.records.dirFlags[this.slot] & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    if (on) this.records.dirFlags[this.slot] |= bit;
    else this.records.dirFlags[this.slot] &= ~bit;
  }

  /** raw sequence number that relative number 0 stands for */
  get baseSeq(): number {
    return this.records.baseSeq[this.slot];
  }
  set baseSeq(value: number) {
    this.records.baseSeq[this.slot] = value;
  }
  get baseSet(): boolean {
    return this.flag(D_BASE_SET);
  }
  set baseSet(value: boolean) {
    this.setFlag(D_BASE_SET, value);
  }
  /** highest sequence number + length seen (raw); valid when nextSeqSet */
  get nextSeq(): number {
    return this.records.nextSeq[this.slot];
  }
  set nextSeq(value: number) {
    this.records.nextSeq[this.slot] = value;
  }
  get nextSeqSet(): boolean {
    return this.flag(D_NEXT_SET);
  }
  set nextSeqSet(value: boolean) {
    this.setFlag(D_NEXT_SET, value);
  }
  /** window scale shift: -1 unknown, -2 not used (a SYN without the option) */
  get winScale(): number {
    return this.records.winScale[this.slot];
  }
  set winScale(value: number) {
    this.records.winScale[this.slot] = value;
  }
  get finSeen(): boolean {
    return this.flag(D_FIN);
  }
  set finSeen(value: boolean) {
    this.setFlag(D_FIN, value);
  }
}

/** LiveStream is the evictable state of one stream, linked in the table's LRU list. */
export class LiveStream<T, D> {
  readonly dirs: [DirState<T>, DirState<T>];
  /** per-direction payload (desegmentation) state owned by the TCP module */
  readonly pdu: [D | undefined, D | undefined] = [undefined, undefined];
  /** buffered + pending bytes counted in the table's total when last settled */
  cost = 0;
  prev: LiveStream<T, D> | null = null;
  next: LiveStream<T, D> | null = null;
  /** per-stream state of the payload dissectors (TcpInfo.streamState), created on first use */
  bag: Map<string, unknown> | undefined = undefined;
  /** after eviction: tags of the out-of-order pieces that were dropped, per direction (null before) */
  droppedTags: [{ tag: T; length: number }[], { tag: T; length: number }[]] | null = null;

  constructor(
    readonly stream: TcpStream<T, D>,
    records: StreamRecords,
    limits: ReassemblyLimits,
    budget: ReassemblyBudget,
  ) {
    const i = stream.index;
    this.dirs = [new DirState<T>(records, 2 * i, limits, budget), new DirState<T>(records, 2 * i + 1, limits, budget)];
  }
}

/**
 * TcpStream is one TCP conversation (one `tcp.stream` index): a handle over its {@link StreamRecords}
 * slot and, while it is live, its {@link LiveStream}. Frozen frame data points here, so re-dissection
 * reads only the durable accessors (never `dirs`/`pdu`, which revive live state on the first pass).
 */
export class TcpStream<T, D = unknown> {
  /** live state; null until the first segment and after eviction */
  live: LiveStream<T, D> | null = null;

  constructor(
    private readonly table: StreamTable<T, D>,
    readonly index: number,
  ) {}

  private get records(): StreamRecords {
    return this.table.records;
  }

  /** dirs: the live per-direction state (revived from the durable columns when it was evicted). */
  get dirs(): [DirState<T>, DirState<T>] {
    return (this.live ?? this.table.revive(this)).dirs;
  }

  /** pdu: the live per-direction payload state of the TCP module. */
  get pdu(): [D | undefined, D | undefined] {
    return (this.live ?? this.table.revive(this)).pdu;
  }

  get completeness(): number {
    return this.records.completeness[this.index];
  }
  set completeness(value: number) {
    this.records.completeness[this.index] = value;
  }
  /**
   * completenessFirst: the bits the stream's first frame would add when it is no SYN. tshark's first
   * pass leaves that frame out of the conversation's completeness; its second pass counts it from then on.
   */
  get completenessFirst(): number {
    return this.records.completenessFirst[this.index];
  }
  set completenessFirst(value: number) {
    this.records.completenessFirst[this.index] = value;
  }
  /** initial RTT (SYN → first ACK after SYN/ACK), seconds */
  get initialRtt(): number | undefined {
    const v = this.records.initialRtt[this.index];
    return Number.isNaN(v) ? undefined : v;
  }
  set initialRtt(value: number | undefined) {
    this.records.initialRtt[this.index] = value ?? NaN;
  }
  get synTime(): number | undefined {
    const v = this.records.synTime[this.index];
    return Number.isNaN(v) ? undefined : v;
  }
  set synTime(value: number | undefined) {
    this.records.synTime[this.index] = value ?? NaN;
  }
  get firstTime(): number {
    return this.records.firstTime[this.index];
  }
  get lastTime(): number {
    return this.records.lastTime[this.index];
  }
  set lastTime(value: number) {
    this.records.lastTime[this.index] = value;
  }
  get closed(): boolean {
    return (this.records.flags[this.index] & S_CLOSED) !== 0;
  }
  set closed(value: boolean) {
    if (value) this.records.flags[this.index] |= S_CLOSED;
    else this.records.flags[this.index] &= ~S_CLOSED;
  }
  /**
   * opened: a frame of the stream was seen (tshark's conversation is no longer new): set by the first
   * segment, also one quoted in an ICMP error, which sets no base sequence number
   */
  get opened(): boolean {
    return (this.records.flags[this.index] & S_OPENED) !== 0;
  }
  set opened(value: boolean) {
    if (value) this.records.flags[this.index] |= S_OPENED;
    else this.records.flags[this.index] &= ~S_OPENED;
  }
  /** evicted: the stream's live state was evicted at least once */
  get evicted(): boolean {
    return (this.records.flags[this.index] & S_EVICTED) !== 0;
  }

  /** isnOf is the ISN of the SYN that opened the stream in direction `dir`. */
  isnOf(dir: 0 | 1): number | undefined {
    return this.records.dirFlags[2 * this.index + dir] & D_ISN_SET ? this.records.isn[2 * this.index + dir] : undefined;
  }
  setIsn(dir: 0 | 1, isn: number): void {
    this.records.isn[2 * this.index + dir] = isn;
    this.records.dirFlags[2 * this.index + dir] |= D_ISN_SET;
  }
  /** baseSetOf tells whether direction `dir` has its base sequence number (see baseSeqOf). */
  baseSetOf(dir: 0 | 1): boolean {
    return (this.records.dirFlags[2 * this.index + dir] & D_BASE_SET) !== 0;
  }
  /** baseSeqOf is the raw sequence number relative 0 stands for (0 when never set). */
  baseSeqOf(dir: 0 | 1): number {
    return this.records.baseSeq[2 * this.index + dir];
  }
  /** winScaleOf is the window scale shift of direction `dir` (-1 unknown, -2 not used). */
  winScaleOf(dir: 0 | 1): number {
    return this.records.winScale[2 * this.index + dir];
  }
  finSeenOf(dir: 0 | 1): boolean {
    return (this.records.dirFlags[2 * this.index + dir] & D_FIN) !== 0;
  }
  /**
   * takeResumed tells once whether direction `dir` was revived after an eviction dropped reassembly
   * state (its next payload starts without what was pending).
   */
  takeResumed(dir: 0 | 1): boolean {
    const slot = 2 * this.index + dir;
    if ((this.records.dirFlags[slot] & D_RESUMED) === 0) return false;
    this.records.dirFlags[slot] &= ~D_RESUMED;
    return true;
  }

  /** key is the direction-independent text of the 4-tuple (`<lower endpoint>|<higher endpoint>`). */
  get key(): string {
    const text = this.table.keyText(this.index);
    if (text !== undefined) return text;
    const ep = (k: number): string => '4' + Math.floor(k / 65536).toString(16).padStart(8, '0') + ':' + (k % 65536).toString(16).padStart(4, '0');
    return `${ep(this.records.low[this.index])}|${ep(this.records.high[this.index])}`;
  }
}

/**
 * detachedStream is a stream of its own one-stream table: what re-dissection without frozen data shows
 * (index 0, nothing known).
 */
export function detachedStream<T, D>(): TcpStream<T, D> {
  const table = new StreamTable<T, D>();
  return new TcpStream<T, D>(table, table.records.add(0));
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

/**
 * TupleIndex: IPv4 4-tuple → current stream index, open addressing over an Int32Array (the tuple itself is
 * read from the stream's columns), so a stream costs 2 slots of 4 bytes instead of a Map entry and a key.
 */
class TupleIndex {
  private slots = new Int32Array(1024).fill(-1);
  private used = 0;

  constructor(private readonly records: StreamRecords) {}

  private static hash(low: number, high: number): number {
    const a = Math.imul((low % 0x100000000) ^ Math.floor(low / 0x100000000), 0x9e3779b1);
    const b = Math.imul((high % 0x100000000) ^ Math.floor(high / 0x100000000), 0x85ebca77);
    return (a ^ (b >>> 7) ^ b) >>> 0;
  }

  get(low: number, high: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = TupleIndex.hash(low, high) & mask; ; at = (at + 1) & mask) {
      const i = slots[at];
      if (i < 0) return -1;
      if (this.records.low[i] === low && this.records.high[i] === high) return i;
    }
  }

  /** set makes stream `index` (whose columns hold the tuple) the current one of its tuple. */
  set(low: number, high: number, index: number): void {
    if ((this.used + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = TupleIndex.hash(low, high) & mask; ; at = (at + 1) & mask) {
      const i = slots[at];
      if (i < 0) {
        slots[at] = index;
        this.used++;
        return;
      }
      if (this.records.low[i] === low && this.records.high[i] === high) {
        slots[at] = index;
        return;
      }
    }
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (const i of old) {
      if (i < 0) continue;
      let at = TupleIndex.hash(this.records.low[i], this.records.high[i]) & mask;
      while (this.slots[at] >= 0) at = (at + 1) & mask;
      this.slots[at] = i;
    }
  }
}

/** StreamTable maps 4-tuples to streams, allocates stream indexes, and caps the live state. */
export class StreamTable<T, D = unknown> {
  readonly records = new StreamRecords();
  /** non-IPv4 4-tuples (text keys) → current stream index */
  private readonly current = new Map<string, number>();
  private readonly keys = new Map<number, string>();
  private readonly current4: TupleIndex;
  readonly streams: TcpStream<T, D>[] = [];
  readonly budget: ReassemblyBudget;
  /** LRU list of live streams: head = least recently used */
  private lruHead: LiveStream<T, D> | null = null;
  private lruTail: LiveStream<T, D> | null = null;
  /** number of live streams */
  liveCount = 0;
  /** buffered + pending bytes of the live streams (as last settled) */
  liveBytes = 0;
  /** streams evicted so far */
  evictions = 0;
  /**
   * evicted: live states evicted by the last lookup, for the TCP module to label the frames whose
   * bytes were dropped (their `pdu` and `droppedTags` are still attached). Cleared by the next lookup.
   */
  readonly evicted: LiveStream<T, D>[] = [];
  /** pduBytes tells how many payload bytes a pending PDU state holds (set by the TCP module). */
  pduBytes: (pdu: D) => number = () => 0;

  constructor(
    readonly limits: ReassemblyLimits = DEFAULT_LIMITS,
    budget?: ReassemblyBudget,
    readonly liveLimits: LiveLimits = DEFAULT_LIVE_LIMITS,
  ) {
    this.budget = budget ?? new ReassemblyBudget();
    this.current4 = new TupleIndex(this.records);
  }

  /** the answer of the last lookup, rewritten by the next one */
  private answer: Lookup<T, D> | undefined = undefined;

  private answerWith(stream: TcpStream<T, D>, dir: 0 | 1, reusedPorts: boolean): Lookup<T, D> {
    const answer = this.answer;
    if (answer === undefined) return (this.answer = { stream, dir, reusedPorts });
    answer.stream = stream;
    answer.dir = dir;
    answer.reusedPorts = reusedPorts;
    return answer;
  }

  /**
   * lookup finds or creates the stream of a segment (first pass only: it may allocate an index). The
   * answer is valid until the next lookup (one object, rewritten: a lookup per TCP segment).
   */
  lookup(src: Address, srcPort: number, dst: Address, dstPort: number, syn: boolean, ack: boolean, seq: number, time: number): Lookup<T, D> {
    if (this.evicted.length > 0) this.evicted.length = 0;
    // The previous segment's stream may have buffered or released bytes: account for them now.
    if (this.lruTail !== null) this.settle(this.lruTail);
    let result: Lookup<T, D>;
    if (src.type === 'ipv4' && dst.type === 'ipv4') {
      const a = endpointKey48(src.value, srcPort);
      const b = endpointKey48(dst.value, dstPort);
      const lowerIsSrc = a <= b;
      const low = lowerIsSrc ? a : b;
      const high = lowerIsSrc ? b : a;
      const dir: 0 | 1 = lowerIsSrc ? 0 : 1;
      const at = this.current4.get(low, high);
      const current = at < 0 ? undefined : this.streams[at];
      const found = this.find(current, dir, syn, ack, seq);
      if (found === undefined) {
        const stream = this.create(time);
        this.records.low[stream.index] = low;
        this.records.high[stream.index] = high;
        this.current4.set(low, high, stream.index);
        result = this.answerWith(stream, dir, current !== undefined);
      } else {
        result = this.answerWith(found, dir, false);
      }
    } else {
      const a = addressKey(src) + ':' + srcPort.toString(16).padStart(4, '0');
      const b = addressKey(dst) + ':' + dstPort.toString(16).padStart(4, '0');
      const lowerIsSrc = a <= b;
      const key = lowerIsSrc ? `${a}|${b}` : `${b}|${a}`;
      const dir: 0 | 1 = lowerIsSrc ? 0 : 1;
      const at = this.current.get(key);
      const current = at === undefined ? undefined : this.streams[at];
      const found = this.find(current, dir, syn, ack, seq);
      if (found === undefined) {
        const stream = this.create(time);
        this.keys.set(stream.index, key);
        this.current.set(key, stream.index);
        result = this.answerWith(stream, dir, current !== undefined);
      } else {
        result = this.answerWith(found, dir, false);
      }
    }
    this.touch(result.stream);
    this.enforce(result.stream.live!);
    return result;
  }

  /** keyText is the text key of a non-IPv4 stream (undefined for IPv4: derived from the columns). */
  keyText(index: number): string | undefined {
    return this.keys.get(index);
  }

  /**
   * find applies the port-reuse rule to the current stream of a 4-tuple (undefined: start a new one): as
   * tshark 4.0, a SYN whose sequence number differs from the direction's base (its ISN, or the number
   * before the first byte of a stream picked up mid-way) starts a new stream; one that matches it is a
   * retransmitted SYN, even after FIN or RST.
   */
  private find(stream: TcpStream<T, D> | undefined, dir: 0 | 1, syn: boolean, ack: boolean, seq: number): TcpStream<T, D> | undefined {
    if (stream !== undefined && syn && !ack && stream.baseSetOf(dir) && stream.baseSeqOf(dir) !== seq) return undefined;
    return stream;
  }

  private create(time: number): TcpStream<T, D> {
    const index = this.records.add(time);
    const stream = new TcpStream<T, D>(this, index);
    this.streams.push(stream);
    return stream;
  }

  /** touch makes a stream the most recently used live stream (reviving it when needed). */
  private touch(stream: TcpStream<T, D>): void {
    const live = stream.live ?? this.revive(stream);
    if (live === this.lruTail) return;
    this.unlink(live);
    this.append(live);
  }

  /**
   * revive gives a stream live state: new, or rebuilt from the columns after an eviction. A revived
   * direction resumes reassembly at the byte after the highest one seen (what was pending is gone).
   */
  revive(stream: TcpStream<T, D>): LiveStream<T, D> {
    const live = new LiveStream<T, D>(stream, this.records, this.limits, this.budget);
    stream.live = live;
    this.liveCount++;
    this.append(live);
    const records = this.records;
    if (records.flags[stream.index] & S_EVICTED) {
      for (const dir of [0, 1] as const) {
        const slot = 2 * stream.index + dir;
        const f = records.dirFlags[slot];
        if ((f & D_EVICTED) === 0 || (f & D_NEXT_SET) === 0) continue;
        const next = records.nextSeq[slot];
        // Stream offset 0 is relative sequence number 1 (the TCP module's convention).
        const offset = f & D_BASE_SET ? (next - records.baseSeq[slot] - 1) >>> 0 : 0;
        live.dirs[dir].half.resumeAt(next, offset);
        records.dirFlags[slot] = (f & ~D_EVICTED) | D_RESUMED;
      }
    }
    return live;
  }

  private append(live: LiveStream<T, D>): void {
    live.prev = this.lruTail;
    live.next = null;
    if (this.lruTail !== null) this.lruTail.next = live;
    else this.lruHead = live;
    this.lruTail = live;
  }

  private unlink(live: LiveStream<T, D>): void {
    if (live.prev !== null) live.prev.next = live.next;
    else this.lruHead = live.next;
    if (live.next !== null) live.next.prev = live.prev;
    else this.lruTail = live.prev;
    live.prev = live.next = null;
  }

  /** settle recounts the bytes a live stream holds (out-of-order buffer and pending PDUs). */
  private settle(live: LiveStream<T, D>): void {
    const [d0, d1] = live.dirs;
    let cost = d0.half.bufferedBytes + d1.half.bufferedBytes;
    const [p0, p1] = live.pdu;
    if (p0 !== undefined) cost += this.pduBytes(p0);
    if (p1 !== undefined) cost += this.pduBytes(p1);
    this.liveBytes += cost - live.cost;
    live.cost = cost;
  }

  /** enforce evicts least recently used streams (never `keep`) while a live cap is exceeded. */
  private enforce(keep: LiveStream<T, D>): void {
    const { maxLiveStreams, maxLiveBytes } = this.liveLimits;
    while ((this.liveCount > maxLiveStreams || this.liveBytes > maxLiveBytes) && this.lruHead !== null && this.lruHead !== keep) {
      this.evict(this.lruHead);
    }
  }

  /**
   * evict drops a stream's live state. Out-of-order bytes are released from the budget (their tags are
   * kept on the evicted state for the caller); the durable columns remember where each direction stood.
   */
  private evict(live: LiveStream<T, D>): void {
    this.unlink(live);
    this.liveCount--;
    this.liveBytes -= live.cost;
    live.cost = 0;
    const stream = live.stream;
    stream.live = null;
    this.evictions++;
    const records = this.records;
    let dropped = false;
    const droppedTags: [{ tag: T; length: number }[], { tag: T; length: number }[]] = [[], []];
    live.droppedTags = droppedTags;
    for (let dir = 0; dir < 2; dir++) {
      const half = live.dirs[dir].half;
      const tags = half.evict();
      droppedTags[dir] = tags;
      if (tags.length > 0 || live.pdu[dir] !== undefined) dropped = true;
      const slot = 2 * stream.index + dir;
      if (half.started) {
        // Resume after the highest byte seen (the analysis' next sequence number covers buffered data).
        if (!(records.dirFlags[slot] & D_NEXT_SET) || seqGt(half.nextSeq, records.nextSeq[slot])) {
          records.nextSeq[slot] = half.nextSeq;
          records.dirFlags[slot] |= D_NEXT_SET;
        }
        records.dirFlags[slot] |= D_EVICTED;
      }
    }
    records.flags[stream.index] |= S_EVICTED;
    if (dropped) this.evicted.push(live);
  }

  /** liveStreams lists the live streams, least recently used first (tests). */
  liveStreams(): TcpStream<T, D>[] {
    const out: TcpStream<T, D>[] = [];
    for (let l = this.lruHead; l !== null; l = l.next) out.push(l.stream);
    return out;
  }
}
