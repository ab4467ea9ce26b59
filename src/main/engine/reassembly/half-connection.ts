/**
 * HalfConnection: in-order delivery of one direction of a TCP connection (RFC 9293 §3.4 sequence space,
 * §3.10.7.4 segment text processing), in the manner of gopacket's reassembly and Wireshark's TCP
 * analysis, with every rule explicit:
 *
 *  - Positions are *stream offsets* (0 = first byte after the SYN, or the first byte seen when the
 *    capture starts mid-stream). A sequence number is turned into an offset relative to the next expected
 *    byte with wrap-safe {@link seqDiff}, so a stream may wrap 2^32 (ISN 2^32 − 40) or exceed 4 GiB.
 *  - Data at the next expected offset is delivered at once, followed by any buffered data it makes
 *    contiguous. Data ahead of it is buffered in an {@link OrderedMap} keyed by offset (O(log n) per
 *    segment in any arrival order).
 *  - Data that was already delivered or buffered is not delivered again: **first data wins**. Overlapping
 *    bytes are compared with what was kept; a difference sets `conflict` (Wireshark only says "suspected
 *    retransmission"; we say the bytes differ). Delivered bytes are kept for comparison only as a bounded
 *    tail (`tailBytes`, default 64 KiB) of copies; older overlaps are dropped without comparison, and a
 *    closed direction (FIN reached in order, RST) or finished stream keeps no tail, so they hold no payload.
 *  - Buffering is capped per direction and in total (a {@link ReassemblyBudget} shared by all streams).
 *    Degrade rule when a cap would be exceeded: **flush with a gap marker and continue** — everything
 *    buffered is delivered in order, each chunk after a hole carrying `gapBefore` (the missing byte count),
 *    the next expected offset jumps past the hole, and the new segment is delivered after it.
 *  - RST flushes the buffer the same way and closes the direction; FIN closes it once every byte before
 *    the FIN was delivered. `flush()` does the same at the end of a capture.
 *
 * Chunks carry the caller's `tag` (the TCP module uses it for the frame the bytes came from) and their
 * offset inside that segment's payload, which is what "[Frame: 6, payload: 0-0 (1 byte)]" needs.
 */
import { seqAdd, seqDiff } from '../../../shared/seq';
import { OrderedMap } from './ordered-map';

/** ReassemblyLimits are the documented caps (see docs/reassembly.md). */
export interface ReassemblyLimits {
  /** bytes of out-of-order data buffered per direction before the degrade rule applies */
  maxBufferedPerDirection: number;
  /** bytes of delivered data kept to detect conflicting retransmissions */
  tailBytes: number;
}

/** DEFAULT_LIMITS: 4 MiB out-of-order per direction, 64 KiB delivered tail. */
export const DEFAULT_LIMITS: Readonly<ReassemblyLimits> = Object.freeze({
  maxBufferedPerDirection: 4 * 1024 * 1024,
  tailBytes: 64 * 1024,
});

/** ReassemblyBudget is the total out-of-order byte cap shared by every stream of a capture. */
export class ReassemblyBudget {
  used = 0;
  /** @param limit total buffered bytes over all streams (default 64 MiB) */
  constructor(readonly limit = 64 * 1024 * 1024) {}
}

/** SegmentIn is one TCP segment of this direction. */
export interface SegmentIn<T> {
  /** raw 32-bit sequence number */
  seq: number;
  payload: Uint8Array;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
  tag: T;
}

/** Chunk is a run of in-order bytes delivered to the consumer. */
export interface Chunk<T> {
  /** stream offset of the first byte */
  offset: number;
  bytes: Uint8Array;
  /** tag of the segment the bytes came from */
  tag: T;
  /** offset of the first byte inside that segment's payload */
  payloadOffset: number;
  /** bytes missing immediately before this chunk (0 = contiguous) */
  gapBefore: number;
}

/** SegmentStatus classifies a segment's data relative to what was seen before. */
export type SegmentStatus =
  | 'empty' // no payload
  | 'in-order' // starts at the next expected byte
  | 'out-of-order' // starts after a hole; buffered
  | 'retransmission' // every byte was seen before
  | 'partial-retransmission' // some bytes seen before, new bytes after them
  | 'before-start'; // before the first byte this capture saw (capture started mid-stream)

/** AcceptResult says what one segment did. */
export interface AcceptResult<T> {
  status: SegmentStatus;
  /** chunks delivered by this segment, in stream order (may include earlier buffered segments) */
  chunks: Chunk<T>[];
  /** some bytes of this segment had been seen before */
  overlap: boolean;
  /** …and at least one of them differed from the first copy (which wins) */
  conflict: boolean;
  /** bytes missing before this segment when it was buffered */
  gap: number;
  /** a cap forced delivery across holes (degrade rule) */
  flushed: boolean;
  /** this direction is finished (FIN reached in order, or RST) */
  closed: boolean;
}

/**
 * The delivered tail's chunks are kept flat, TAIL_STRIDE numbers each (no object per delivered chunk):
 * the stream offset of the chunk's first byte, its position in the tail buffer, its length.
 */
const TAIL_STRIDE = 3;
const T_OFFSET = 0;
const T_AT = 1;
const T_LENGTH = 2;

/**
 * TAIL_MIN_CAPACITY is the first size of a direction's tail buffer (it grows by doubling): small, so that
 * the many streams that send a line or two (half-open streams, a SYN flood with data) hold little.
 */
const TAIL_MIN_CAPACITY = 64;

/**
 * Tail buffers are recycled: a capture opens and finishes streams all the time, and allocating (and
 * zeroing) a fresh ArrayBuffer at every growth step of every direction was a measurable part of the first
 * pass. Buffers of forgotten or outgrown tails wait here by size (powers of two), at most TAIL_POOL_BYTES
 * in all; a recycled buffer is not cleared (only bytes written since are read).
 */
const TAIL_POOL_BYTES = 4 * 1024 * 1024;
const tailPool: Uint8Array[][] = [];
let tailPoolBytes = 0;

function takeTailBuffer(capacity: number): Uint8Array {
  const list = tailPool[31 - Math.clz32(capacity)];
  const recycled = list !== undefined && list.length > 0 ? list.pop()! : undefined;
  if (recycled === undefined || recycled.length !== capacity) return new Uint8Array(capacity);
  tailPoolBytes -= capacity;
  return recycled;
}

function giveTailBuffer(buf: Uint8Array): void {
  const capacity = buf.length;
  if ((capacity & (capacity - 1)) !== 0 || tailPoolBytes + capacity > TAIL_POOL_BYTES) return;
  (tailPool[31 - Math.clz32(capacity)] ??= []).push(buf);
  tailPoolBytes += capacity;
}

interface Buffered<T> {
  bytes: Uint8Array;
  tag: T;
  payloadOffset: number;
}

function sameBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** HalfConnection reassembles one direction of a TCP connection. */
export class HalfConnection<T> {
  /** initial sequence number when a SYN was seen */
  isn: number | undefined;
  /** raw sequence number of the next expected byte (valid once `started`) */
  nextSeq = 0;
  /** stream offset of the next expected byte */
  nextOffset = 0;
  started = false;
  closed = false;
  /** bytes currently buffered out of order */
  bufferedBytes = 0;
  /** total bytes delivered */
  deliveredBytes = 0;
  private finOffset: number | undefined;
  /**
   * ackedHoleEnd: the peer acknowledged bytes up to this offset that the capture never saw (Wireshark's
   * "ACKed unseen segment"). They will not be retransmitted, so the next segment at or before this offset
   * is delivered across the hole instead of waiting for it forever.
   */
  private ackedHoleEnd: number | undefined;
  private readonly buffer = new OrderedMap<Buffered<T>>();
  /**
   * The delivered tail: copies of the last delivered chunks, packed in `tailBuf` (never views of the
   * caller's buffers, which would keep whole read chunks alive), indexed by the chunks of `tail` from
   * chunk `tailHead` on (TAIL_STRIDE numbers each). Released
   * by forgetTail(): a finished direction keeps no bytes (see docs/reassembly.md).
   */
  private tail: number[] = [];
  private tailHead = 0;
  private tailSize = 0;
  private tailBuf: Uint8Array | null = null;
  private tailUsed = 0;

  constructor(
    readonly limits: ReassemblyLimits = DEFAULT_LIMITS,
    readonly budget: ReassemblyBudget = new ReassemblyBudget(),
  ) {}

  /** bufferedSegments is the number of out-of-order pieces held. */
  get bufferedSegments(): number {
    return this.buffer.size;
  }

  /** offsetOf converts a raw sequence number to a stream offset (wrap-safe, relative to the next byte). */
  offsetOf(seq: number): number {
    return this.nextOffset + seqDiff(this.nextSeq, seq);
  }

  /** notePeerAck records the peer's acknowledgement number for this direction's data (see ackedHoleEnd). */
  notePeerAck(ackSeq: number): void {
    if (!this.started) return;
    const offset = this.offsetOf(ackSeq);
    if (offset > this.nextOffset && (this.ackedHoleEnd === undefined || offset > this.ackedHoleEnd)) this.ackedHoleEnd = offset;
  }

  /**
   * accept processes one segment and returns what it delivered: a new result, or `into` emptied and
   * filled (a caller that reads each result before the next call, as the TCP dissector does).
   */
  accept(seg: SegmentIn<T>, into?: AcceptResult<T>): AcceptResult<T> {
    let result: AcceptResult<T>;
    if (into === undefined) {
      result = { status: 'empty', chunks: [], overlap: false, conflict: false, gap: 0, flushed: false, closed: false };
    } else {
      result = into;
      result.status = 'empty';
      const chunks = result.chunks;
      while (chunks.length > 0) chunks.pop();
      result.overlap = false;
      result.conflict = false;
      result.gap = 0;
      result.flushed = false;
      result.closed = false;
    }
    if (!this.started) {
      this.started = true;
      if (seg.syn) {
        this.isn = seg.seq;
        this.nextSeq = seqAdd(seg.seq, 1);
      } else {
        this.nextSeq = seg.seq >>> 0;
      }
    }
    const dataSeq = seg.syn ? seqAdd(seg.seq, 1) : seg.seq;
    const start = this.offsetOf(dataSeq);
    const len = seg.payload.length;
    const end = start + len;
    if (seg.fin && this.finOffset === undefined) this.finOffset = end;

    if (len > 0) this.acceptData(seg, start, result);
    if (seg.rst) {
      this.flushInto(result);
      this.closed = true;
    }
    if (this.finOffset !== undefined && this.nextOffset >= this.finOffset && this.buffer.size === 0) this.closed = true;
    if (this.closed && this.tailBuf !== null) this.forgetTail();
    result.closed = this.closed;
    return result;
  }

  private acceptData(seg: SegmentIn<T>, start: number, result: AcceptResult<T>): void {
    if (this.ackedHoleEnd !== undefined && this.buffer.size > 0) this.skipAckedHoles(result);
    const bytes = seg.payload;
    const end = start + bytes.length;
    if (end <= 0 && this.deliveredBytes === 0 && start < 0) {
      result.status = 'before-start';
      return;
    }
    if (end <= this.nextOffset) {
      result.status = 'retransmission';
      result.overlap = true;
      if (this.differsFromTail(start, bytes, 0, bytes.length)) result.conflict = true;
      return;
    }
    if (start < this.nextOffset) {
      const skip = this.nextOffset - start;
      result.status = 'partial-retransmission';
      result.overlap = true;
      if (this.differsFromTail(start, bytes, 0, skip)) result.conflict = true;
      this.deliver(result, bytes.subarray(skip), seg.tag, skip, 0);
      this.drain(result);
      return;
    }
    if (start === this.nextOffset) {
      result.status = 'in-order';
      this.deliver(result, bytes, seg.tag, 0, 0);
      this.drain(result);
      return;
    }
    if (this.ackedHoleEnd !== undefined && start <= this.ackedHoleEnd && this.buffer.size === 0) {
      // The missing bytes were received by the peer but not captured: jump over the hole now.
      result.status = 'in-order';
      result.gap = start - this.nextOffset;
      this.ackedHoleEnd = undefined;
      this.deliver(result, bytes, seg.tag, 0, start - this.nextOffset);
      this.drain(result);
      return;
    }
    result.status = 'out-of-order';
    result.gap = start - this.nextOffset;
    const fits =
      this.bufferedBytes + bytes.length <= this.limits.maxBufferedPerDirection &&
      this.budget.used + bytes.length <= this.budget.limit;
    if (!fits) {
      // Degrade rule: flush everything buffered across its holes, then this segment after its own hole.
      this.flushInto(result);
      const gap = start - this.nextOffset;
      if (gap >= 0) {
        this.deliver(result, bytes, seg.tag, 0, gap);
      } else {
        const skip = -gap;
        result.overlap = true;
        if (skip < bytes.length) this.deliver(result, bytes.subarray(skip), seg.tag, skip, 0);
      }
      return;
    }
    this.insertBuffered(start, bytes, seg.tag, 0, result);
  }

  /** insertBuffered adds the parts of [start, start+len) no buffered piece covers (first data wins). */
  private insertBuffered(start: number, bytes: Uint8Array, tag: T, payloadOffset: number, result: AcceptResult<T>): void {
    let pos = start;
    const end = start + bytes.length;
    const before = this.buffer.floor(pos);
    if (before !== undefined) {
      const bEnd = before.key + before.value.bytes.length;
      if (bEnd > pos) {
        const overlapEnd = Math.min(bEnd, end);
        result.overlap = true;
        if (!sameBytes(before.value.bytes, pos - before.key, bytes, pos - start, overlapEnd - pos)) result.conflict = true;
        pos = overlapEnd;
      }
    }
    while (pos < end) {
      const next = this.buffer.ceiling(pos);
      const pieceEnd = next === undefined ? end : Math.min(end, next.key);
      if (pieceEnd > pos) {
        // Buffered bytes wait for other segments: a copy, so the caller's buffer can be freed.
        const piece = bytes.slice(pos - start, pieceEnd - start);
        this.buffer.set(pos, { bytes: piece, tag, payloadOffset: payloadOffset + (pos - start) });
        this.bufferedBytes += piece.length;
        this.budget.used += piece.length;
        pos = pieceEnd;
      }
      if (next === undefined || pos >= end) break;
      const nEnd = next.key + next.value.bytes.length;
      const overlapEnd = Math.min(nEnd, end);
      result.overlap = true;
      if (!sameBytes(next.value.bytes, 0, bytes, pos - start, overlapEnd - pos)) result.conflict = true;
      pos = overlapEnd;
    }
  }

  /**
   * skipAckedHoles delivers the buffered data that follows holes the peer has acknowledged (bytes the
   * capture missed, which will never come): each hole is jumped with a gap marker, as a new segment
   * after such a hole is (acceptData).
   */
  private skipAckedHoles(result: AcceptResult<T>): void {
    for (;;) {
      const end = this.ackedHoleEnd;
      if (end === undefined) return;
      if (end <= this.nextOffset) {
        this.ackedHoleEnd = undefined;
        return;
      }
      const first = this.buffer.min();
      if (first === undefined || first.key > end) return;
      this.takeBuffered(first.key, first.value);
      result.gap += first.key - this.nextOffset;
      this.deliver(result, first.value.bytes, first.value.tag, first.value.payloadOffset, first.key - this.nextOffset);
      this.drain(result);
    }
  }

  /** drain delivers buffered pieces made contiguous by the last delivery. */
  private drain(result: AcceptResult<T>): void {
    for (;;) {
      const first = this.buffer.min();
      if (first === undefined || first.key > this.nextOffset) return;
      this.takeBuffered(first.key, first.value);
      const pEnd = first.key + first.value.bytes.length;
      if (pEnd <= this.nextOffset) continue;
      const skip = this.nextOffset - first.key;
      this.deliver(result, first.value.bytes.subarray(skip), first.value.tag, first.value.payloadOffset + skip, 0);
    }
  }

  private takeBuffered(key: number, value: Buffered<T>): void {
    this.buffer.delete(key);
    this.bufferedBytes -= value.bytes.length;
    this.budget.used -= value.bytes.length;
  }

  /** flush delivers everything buffered across holes (end of capture, RST, caps). */
  flush(): Chunk<T>[] {
    const result: AcceptResult<T> = {
      status: 'empty',
      chunks: [],
      overlap: false,
      conflict: false,
      gap: 0,
      flushed: false,
      closed: false,
    };
    this.flushInto(result);
    return result.chunks;
  }

  private flushInto(result: AcceptResult<T>): void {
    if (this.buffer.size === 0) return;
    result.flushed = true;
    for (;;) {
      const first = this.buffer.min();
      if (first === undefined) return;
      this.takeBuffered(first.key, first.value);
      const pEnd = first.key + first.value.bytes.length;
      if (pEnd <= this.nextOffset) continue;
      const gap = Math.max(0, first.key - this.nextOffset);
      const skip = Math.max(0, this.nextOffset - first.key);
      this.deliver(result, first.value.bytes.subarray(skip), first.value.tag, first.value.payloadOffset + skip, gap);
    }
  }

  private deliver(result: AcceptResult<T>, bytes: Uint8Array, tag: T, payloadOffset: number, gapBefore: number): void {
    if (bytes.length === 0) return;
    const offset = this.nextOffset + gapBefore;
    result.chunks.push({ offset, bytes, tag, payloadOffset, gapBefore });
    this.nextOffset = offset + bytes.length;
    this.nextSeq = seqAdd(this.nextSeq, gapBefore + bytes.length);
    this.deliveredBytes += bytes.length;
    this.remember(offset, bytes);
  }

  private remember(offset: number, bytes: Uint8Array): void {
    if (this.limits.tailBytes <= 0 || this.closed) return;
    const length = bytes.length;
    let buf = this.tailBuf;
    if (buf === null || this.tailUsed + length > buf.length) buf = this.makeTailRoom(length);
    buf.set(bytes, this.tailUsed);
    const tail = this.tail;
    tail.push(offset, this.tailUsed, length);
    this.tailUsed += length;
    this.tailSize += length;
    while (this.tailSize - tail[this.tailHead * TAIL_STRIDE + T_LENGTH] >= this.limits.tailBytes) {
      this.tailSize -= tail[this.tailHead * TAIL_STRIDE + T_LENGTH];
      this.tailHead++;
    }
    if (this.tailHead > 64 && this.tailHead * 2 * TAIL_STRIDE > tail.length) {
      // Drop the forgotten chunks' numbers in place.
      const from = this.tailHead * TAIL_STRIDE;
      for (let i = from; i < tail.length; i++) tail[i - from] = tail[i];
      tail.length -= from;
      this.tailHead = 0;
    }
  }

  /** makeTailRoom compacts the kept chunks to the buffer's start and grows it so `length` more bytes fit. */
  private makeTailRoom(length: number): Uint8Array {
    const old = this.tailBuf;
    const tail = this.tail;
    const keepFrom = this.tailHead * TAIL_STRIDE < tail.length ? tail[this.tailHead * TAIL_STRIDE + T_AT] : this.tailUsed;
    const kept = this.tailUsed - keepFrom;
    let capacity = old === null ? TAIL_MIN_CAPACITY : old.length;
    while (capacity < kept + length) capacity *= 2;
    // Grow only when compaction alone does not make room; a new buffer is also compacted.
    const buf = old !== null && capacity === old.length ? old : takeTailBuffer(capacity);
    if (old !== null && kept > 0) {
      if (buf === old) buf.copyWithin(0, keepFrom, this.tailUsed);
      else buf.set(old.subarray(keepFrom, this.tailUsed));
    }
    if (old !== null && buf !== old) giveTailBuffer(old);
    for (let i = this.tailHead * TAIL_STRIDE + T_AT; i < tail.length; i += TAIL_STRIDE) tail[i] -= keepFrom;
    this.tailUsed = kept;
    this.tailBuf = buf;
    return buf;
  }

  /**
   * evict drops everything this direction holds — out-of-order pieces (released from the budget) and the
   * delivered tail — and returns the tags of the dropped pieces, in stream order. The position
   * (`nextSeq`, `nextOffset`) is left as it was. Used when the stream table evicts idle live state.
   */
  evict(): { tag: T; length: number }[] {
    const tags: { tag: T; length: number }[] = [];
    if (this.buffer.size > 0) {
      for (const e of this.buffer.entries()) tags.push({ tag: e.value.tag, length: e.value.bytes.length });
      this.budget.used -= this.bufferedBytes;
      this.buffer.clear();
      this.bufferedBytes = 0;
    }
    this.ackedHoleEnd = undefined;
    if (this.tailBuf !== null) this.forgetTail();
    return tags;
  }

  /**
   * resumeAt starts this (new) direction state at raw sequence number `seq`, stream offset `offset`:
   * a stream revived after eviction continues where it stood instead of taking its next segment as the
   * first one.
   */
  resumeAt(seq: number, offset: number): void {
    this.started = true;
    this.nextSeq = seq >>> 0;
    this.nextOffset = offset;
  }

  /**
   * forgetTail drops the delivered tail: later overlaps are not compared. Called when the direction
   * closes, and by the TCP analysis once the stream is finished (both FINs or a RST).
   */
  forgetTail(): void {
    if (this.tailBuf !== null) giveTailBuffer(this.tailBuf);
    this.tailBuf = null;
    this.tail = [];
    this.tailHead = 0;
    this.tailSize = 0;
    this.tailUsed = 0;
  }

  /** differsFromTail compares bytes[from, from+length) (at stream offset start+from) with delivered bytes. */
  private differsFromTail(start: number, bytes: Uint8Array, from: number, length: number): boolean {
    const lo = start + from;
    const hi = lo + length;
    // Binary search the first kept chunk ending after lo.
    const tail = this.tail;
    const count = tail.length / TAIL_STRIDE;
    let a = this.tailHead;
    let b = count;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (tail[mid * TAIL_STRIDE + T_OFFSET] + tail[mid * TAIL_STRIDE + T_LENGTH] <= lo) a = mid + 1;
      else b = mid;
    }
    const buf = this.tailBuf;
    if (buf === null) return false;
    for (let i = a; i < count; i++) {
      const offset = tail[i * TAIL_STRIDE + T_OFFSET];
      const length = tail[i * TAIL_STRIDE + T_LENGTH];
      if (offset >= hi) break;
      const s = Math.max(lo, offset);
      const e = Math.min(hi, offset + length);
      if (e > s && !sameBytes(buf, tail[i * TAIL_STRIDE + T_AT] + (s - offset), bytes, s - start, e - s)) return true;
    }
    return false;
  }
}
