/**
 * ByteView: a bounds-checked window over captured bytes (smoltcp/etherparse style). Every dissector reads
 * through it so that a read past the captured bytes becomes a typed {@link TruncatedError} naming the
 * layer, offset and lengths, instead of garbage from a reused buffer or an uncaught RangeError. The frame
 * dissector catches these errors, keeps the layers that decoded and marks the frame (Wireshark's
 * "Malformed Packet" / "Packet size limited during capture").
 *
 * Offsets passed to the read methods are relative to the view; `base` is the view's offset in its data
 * source so tree items can record absolute byte ranges for the bytes pane.
 */

/** Where a truncation was detected: the capture was cut (snaplen), or a length field points past the data. */
export type TruncationSource = 'captured' | 'reported';

/** TruncatedError is thrown by ByteView reads past the end; the frame dissector turns it into a tree node. */
export class TruncatedError extends Error {
  constructor(
    readonly layer: string,
    readonly offset: number,
    readonly required: number,
    readonly available: number,
    readonly source: TruncationSource = 'captured',
  ) {
    super(`${layer}: need ${required} bytes at offset ${offset}, ${available} available`);
    this.name = 'TruncatedError';
  }
}

/** MalformedError marks a header whose values are impossible (IHL < 5, TCP data offset < 5, …). */
export class MalformedError extends Error {
  constructor(
    readonly layer: string,
    message: string,
    readonly offset = 0,
    readonly length = 0,
  ) {
    super(message);
    this.name = 'MalformedError';
  }
}

/**
 * ReassemblyError is tshark's ReassemblyError exception (bytes that cannot join a reassembly): thrown
 * after the layer's items are added, shown as "[Reassembly error, protocol X: message]".
 */
export class ReassemblyError extends Error {
  constructor(
    readonly layer: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReassemblyError';
  }
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** ByteView is a cheap view (no copy) over a Uint8Array with big-endian and little-endian reads. */
export class ByteView {
  /**
   * @param bytes the whole data source (frame or reassembled buffer)
   * @param base offset of this view in `bytes`
   * @param length bytes visible to this view
   * @param layer name used in TruncatedError messages
   * @param src index of the data source (0 = frame)
   * @param reportedLength length the packet claims (≥ length when the capture was cut by snaplen)
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly base = 0,
    readonly length = bytes.length - base,
    public layer = 'frame',
    readonly src = 0,
    readonly reportedLength = length,
  ) {}

  /** check throws TruncatedError unless `need` bytes exist at `offset`. */
  check(offset: number, need: number): void {
    if (offset < 0 || need < 0 || offset + need > this.length) {
      const reportedOk = offset + need <= this.reportedLength;
      throw new TruncatedError(
        this.layer,
        this.base + offset,
        need,
        Math.max(0, this.length - offset),
        reportedOk ? 'captured' : 'reported',
      );
    }
  }

  /** has tells whether `need` bytes exist at `offset` without throwing. */
  has(offset: number, need: number): boolean {
    return offset >= 0 && need >= 0 && offset + need <= this.length;
  }

  u8(offset: number): number {
    if (offset < 0 || offset >= this.length) this.check(offset, 1);
    return this.bytes[this.base + offset];
  }

  u16(offset: number): number {
    if (offset < 0 || offset + 2 > this.length) this.check(offset, 2);
    const i = this.base + offset;
    return (this.bytes[i] << 8) | this.bytes[i + 1];
  }

  u16le(offset: number): number {
    if (offset < 0 || offset + 2 > this.length) this.check(offset, 2);
    const i = this.base + offset;
    return this.bytes[i] | (this.bytes[i + 1] << 8);
  }

  u24(offset: number): number {
    if (offset < 0 || offset + 3 > this.length) this.check(offset, 3);
    const i = this.base + offset;
    return (this.bytes[i] << 16) | (this.bytes[i + 1] << 8) | this.bytes[i + 2];
  }

  u32(offset: number): number {
    if (offset < 0 || offset + 4 > this.length) this.check(offset, 4);
    const i = this.base + offset;
    return ((this.bytes[i] << 24) | (this.bytes[i + 1] << 16) | (this.bytes[i + 2] << 8) | this.bytes[i + 3]) >>> 0;
  }

  u32le(offset: number): number {
    if (offset < 0 || offset + 4 > this.length) this.check(offset, 4);
    const i = this.base + offset;
    return (this.bytes[i] | (this.bytes[i + 1] << 8) | (this.bytes[i + 2] << 16) | (this.bytes[i + 3] << 24)) >>> 0;
  }

  /** sub returns a copy-free child view of `length` bytes (default: to the end) starting at `offset`. */
  sub(offset: number, length?: number, layer = this.layer): ByteView {
    const len = length ?? this.length - offset;
    this.check(offset, len);
    const reported = Math.max(len, this.reportedLength - offset);
    return new ByteView(this.bytes, this.base + offset, len, layer, this.src, length === undefined ? reported : len);
  }

  /**
   * subClamped returns a child view of up to `length` bytes, clamped to what was captured; its
   * reportedLength is `length`, so reads past the captured part report a snaplen truncation.
   */
  subClamped(offset: number, length: number, layer = this.layer): ByteView {
    this.check(offset, 0);
    const len = Math.min(length, this.length - offset);
    return new ByteView(this.bytes, this.base + offset, len, layer, this.src, length);
  }

  /** slice returns the bytes at [offset, offset+length) as a subarray (no copy). */
  slice(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes.subarray(this.base + offset, this.base + offset + length);
  }

  /** rest returns the bytes from offset to the end of the view (no copy). */
  rest(offset = 0): Uint8Array {
    this.check(offset, 0);
    return this.bytes.subarray(this.base + offset, this.base + this.length);
  }

  /** latin1 decodes bytes one-to-one into a string (protocol text such as SMTP command lines). */
  latin1(offset: number, length: number): string {
    return latin1.decode(this.slice(offset, length));
  }

  /** utf8 decodes bytes as UTF-8, replacing invalid sequences with U+FFFD. */
  utf8(offset: number, length: number): string {
    return utf8.decode(this.slice(offset, length));
  }

  /** indexOf finds a byte at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    const end = this.base + this.length;
    const i = this.bytes.indexOf(byte, this.base + Math.max(0, from));
    return i < 0 || i >= end ? -1 : i - this.base;
  }

  /** abs converts a view-relative offset to an offset in the data source. */
  abs(offset: number): number {
    return this.base + offset;
  }
}
