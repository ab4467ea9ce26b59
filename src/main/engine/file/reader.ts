/**
 * Streaming readers for libpcap savefiles (draft-ietf-opsawg-pcap: microsecond magic 0xa1b2c3d4 and
 * nanosecond magic 0xa1b23c4d, either byte order, version 2.4) and pcapng (draft-ietf-opsawg-pcapng:
 * Section Header, Interface Description, Enhanced Packet, Simple Packet and the obsolete Packet Block;
 * every other block is skipped by its length). `CaptureParser` is a push parser that accepts arbitrary
 * chunk boundaries, so the live spool and a dumpcap child's stdout go through the same code as files.
 * Damaged input follows libpcap: every complete record is kept, then parsing stops with one
 * `CaptureFileError` naming the byte offset; no length read from the file is used to allocate memory
 * before it has been checked against `MAX_CAPLEN` / `MAX_BLOCK_LENGTH`, and no other format is guessed.
 * Speed matters (1M-record files): the hot loop reads with a DataView, allocates only the record object
 * and a subarray view, and copies bytes only when a record straddles two pushed chunks.
 */
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';
import { CaptureFileError, type CaptureFileInfo, type CaptureRecord, type InterfaceInfo } from './types';

/** Largest captured length accepted in any record (Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_CAPLEN = 262144;
/** Largest pcapng block accepted (Wireshark and libpcap refuse larger blocks as corrupt). */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;
/** Size of the chunks `readCaptureFile` reads. */
export const READ_CHUNK_SIZE = 1024 * 1024;

// --- pcap (draft-ietf-opsawg-pcap §4, §5) ---------------------------------------------------------
const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_MAGIC_US_SWAPPED = 0xd4c3b2a1;
const PCAP_MAGIC_NS_SWAPPED = 0x4d3cb2a1;
const PCAP_FILE_HEADER_SIZE = 24;
const PCAP_HDR_VERSION_MAJOR = 4;
const PCAP_HDR_VERSION_MINOR = 6;
const PCAP_HDR_SNAPLEN = 16;
const PCAP_HDR_LINKTYPE = 20;
/** The LinkType proper is the low 16 bits; the upper bits carry FCS information. */
const PCAP_LINKTYPE_MASK = 0xffff;
const PCAP_RECORD_HEADER_SIZE = 16;
const PCAP_REC_TS_SEC = 0;
const PCAP_REC_TS_FRACTION = 4;
const PCAP_REC_CAPLEN = 8;
const PCAP_REC_ORIGLEN = 12;

// --- pcapng (draft-ietf-opsawg-pcapng §3, §4) -----------------------------------------------------
const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_PB_OBSOLETE = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const BLOCK_HEADER_SIZE = 8; // type + total length
const BLOCK_TRAILER_SIZE = 4; // total length again
const BLOCK_MIN_LENGTH = BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE;
const BLOCK_TYPE = 0;
const BLOCK_TOTAL_LENGTH = 4;
const SHB_BYTE_ORDER_MAGIC = 8;
const SHB_VERSION_MAJOR = 12;
const SHB_VERSION_MINOR = 14;
const SHB_OPTIONS = 24;
const SHB_MIN_LENGTH = 28;
const IDB_LINKTYPE = 8;
const IDB_SNAPLEN = 12;
const IDB_OPTIONS = 16;
const IDB_MIN_LENGTH = 20;
const EPB_INTERFACE_ID = 8;
const EPB_TS_HIGH = 12;
const EPB_TS_LOW = 16;
const EPB_CAPLEN = 20;
const EPB_ORIGLEN = 24;
const EPB_DATA = 28;
const EPB_MIN_LENGTH = 32;
/** The obsolete Packet Block has a 16-bit interface id followed by a 16-bit drops count. */
const PB_INTERFACE_ID = 8;
const SPB_ORIGLEN = 8;
const SPB_DATA = 12;
const SPB_MIN_LENGTH = 16;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const OPTION_HEADER_SIZE = 4;
const IF_TSRESOL_POWER_OF_2 = 0x80;
const DEFAULT_TSRESOL_EXPONENT = 6; // microseconds

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const TWO_POW_32 = 4294967296;
const TWO_POW_16 = 65536;
const NS_PER_SEC = 1_000_000_000;

/** parseUnit results besides "bytes consumed" (≥ 0; 0 means the stage changed, parse again). */
const NEED_MORE = -1;
const STOPPED = -2;

const enum Stage {
  Start,
  Pcap,
  Pcapng,
  Stopped,
}

/**
 * Timestamp resolution of one interface, prepared so that the common cases (10^-n with n ≤ 9,
 * 2^-n with n ≤ 32) convert a 64-bit tick count without BigInt.
 */
interface TickScale {
  /** 0: 10^-n, n ≤ 9; 1: 2^-n, n ≤ 32; 2: anything else (BigInt). */
  kind: 0 | 1 | 2;
  unitsPerSec: number;
  bigUnitsPerSec: bigint;
  /** kind 0: nanoseconds per tick (an integer). */
  nsPerTick: number;
  offsetSec: number;
}

const utf8 = new TextDecoder('utf-8');

function pad4(length: number): number {
  return (length + 3) & ~3;
}

function hex32(value: number): string {
  return '0x' + value.toString(16).padStart(8, '0');
}

function tickScaleFor(tsresol: number, offsetSec: number): TickScale {
  const exponent = tsresol & ~IF_TSRESOL_POWER_OF_2;
  if ((tsresol & IF_TSRESOL_POWER_OF_2) === 0) {
    if (exponent <= 9) {
      const unitsPerSec = 10 ** exponent;
      return {
        kind: 0,
        unitsPerSec,
        bigUnitsPerSec: BigInt(unitsPerSec),
        nsPerTick: NS_PER_SEC / unitsPerSec,
        offsetSec,
      };
    }
    const big = 10n ** BigInt(exponent);
    return { kind: 2, unitsPerSec: Number(big), bigUnitsPerSec: big, nsPerTick: 0, offsetSec };
  }
  const big = 1n << BigInt(exponent);
  return {
    kind: exponent <= 32 ? 1 : 2,
    unitsPerSec: Number(big),
    bigUnitsPerSec: big,
    nsPerTick: 0,
    offsetSec,
  };
}

/**
 * CaptureParser is a push parser for pcap and pcapng. Feed it bytes in any chunking with `push`, then
 * call `end` once to learn whether the input ended cleanly.
 *
 * Records returned by `push` may hold a view (a plain `Uint8Array`) into the pushed chunk rather than a copy:
 * **callers must not reuse or modify a buffer after pushing it**. Records that straddle two chunks are
 * copied into a fresh buffer, so they never alias a pushed chunk.
 */
export class CaptureParser {
  private stage: Stage = Stage.Start;
  /** Absolute byte offset of the unit (header, record, block) being parsed. */
  private offset = 0;
  private littleEndian = true;
  private nanosecondPcap = false;
  private pcapLinktype = 0;
  private fileInfo: CaptureFileInfo | undefined;
  private failure: CaptureFileError | null = null;
  private ended = false;
  /** Bytes the current unit needs in total, set with NEED_MORE. */
  private need = 0;
  private needWhat = 'file header';
  /** Bytes of a unit that straddles chunks, in a fresh buffer of exactly `need` bytes or fewer. */
  private pending: Uint8Array | null = null;
  private pendingView: DataView | null = null;
  private pendingStart = 0;
  private pendingEnd = 0;
  /** Local interface id of the current pcapng section → index into info.interfaces. */
  private sectionInterfaces: number[] = [];
  private scales: TickScale[] = [];
  private out: CaptureRecord[] = [];
  private tsSecOut = 0;
  private tsNsecOut = 0;
  private readonly compressed: boolean;

  /** @param options.compressed recorded in `info.compressed` (set when the bytes were gunzipped). */
  constructor(options: { compressed?: boolean } = {}) {
    this.compressed = options.compressed ?? false;
  }

  /** File-level facts; undefined until the file header / first SHB has been read. Updated live. */
  get info(): CaptureFileInfo | undefined {
    return this.fileInfo;
  }

  /** The error that stopped parsing, if any (a truncated tail is only known at `end`). */
  get error(): CaptureFileError | null {
    return this.failure;
  }

  /** Total bytes consumed as complete units so far. */
  get bytesParsed(): number {
    return this.offset;
  }

  /**
   * Parses as much of `chunk` as possible and returns the complete records found, in file order.
   * After an error (see `error`) further input is ignored.
   */
  push(chunk: Uint8Array): CaptureRecord[] {
    if (this.stage === Stage.Stopped || this.ended || chunk.length === 0) return [];
    // Records get plain Uint8Array views even when a Buffer (or other subclass) is pushed.
    if (chunk.constructor !== Uint8Array)
      chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: CaptureRecord[] = [];
    this.out = out;
    let position = 0;

    // Finish a unit that started in an earlier chunk.
    while (this.pending !== null) {
      const pending = this.pending;
      const result = this.parseUnit(
        pending,
        this.pendingView!,
        this.pendingStart,
        this.pendingEnd - this.pendingStart,
      );
      if (result === STOPPED) return out;
      if (result >= 0) {
        this.pendingStart += result;
        this.offset += result;
        if (this.pendingStart === this.pendingEnd) this.pending = this.pendingView = null;
        continue;
      }
      const have = this.pendingEnd - this.pendingStart;
      const take = Math.min(this.need - have, chunk.length - position);
      const grown = new Uint8Array(this.need);
      grown.set(pending.subarray(this.pendingStart, this.pendingEnd));
      grown.set(chunk.subarray(position, position + take), have);
      position += take;
      this.setPending(grown, have + take);
      if (have + take < this.need) return out;
    }

    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const length = chunk.length;
    while (position < length) {
      const result = this.parseUnit(chunk, view, position, length - position);
      if (result >= 0) {
        position += result;
        this.offset += result;
      } else if (result === NEED_MORE) {
        const grown = new Uint8Array(this.need);
        grown.set(chunk.subarray(position));
        this.setPending(grown, length - position);
        break;
      } else {
        break;
      }
    }
    return out;
  }

  /**
   * Declares the end of input. Returns the error that stopped parsing, a `truncated` error when the
   * input ended inside a header or record (or was empty), or null for a clean end.
   */
  end(): CaptureFileError | null {
    if (this.ended || this.stage === Stage.Stopped) {
      this.ended = true;
      return this.failure;
    }
    this.ended = true;
    const have = this.pending === null ? 0 : this.pendingEnd - this.pendingStart;
    if (this.stage === Stage.Start && have === 0 && this.offset === 0) {
      this.failure = new CaptureFileError(
        'truncated',
        'empty file at byte offset 0: 0 bytes, no pcap or pcapng header',
        0,
      );
    } else if (have > 0) {
      this.failure = new CaptureFileError(
        'truncated',
        `truncated ${this.needWhat} at byte offset ${this.offset}: need ${this.need} bytes, ${have} available`,
        this.offset,
      );
    }
    this.pending = this.pendingView = null;
    return this.failure;
  }

  private setPending(buffer: Uint8Array, filled: number): void {
    this.pending = buffer;
    this.pendingView = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.pendingStart = 0;
    this.pendingEnd = filled;
  }

  private needMore(bytes: number, what: string): number {
    this.need = bytes;
    this.needWhat = what;
    return NEED_MORE;
  }

  private stop(error: CaptureFileError): number {
    this.failure = error;
    this.stage = Stage.Stopped;
    this.pending = this.pendingView = null;
    return STOPPED;
  }

  /** Parses one unit at `position`; returns bytes consumed, NEED_MORE or STOPPED. */
  private parseUnit(buffer: Uint8Array, view: DataView, position: number, available: number): number {
    switch (this.stage) {
      case Stage.Pcap:
        return this.parsePcapRecord(buffer, view, position, available);
      case Stage.Pcapng:
        return this.parseBlock(buffer, view, position, available);
      case Stage.Start:
        return this.parseFileStart(view, position, available);
      default:
        return STOPPED;
    }
  }

  private parseFileStart(view: DataView, position: number, available: number): number {
    if (available < 4) return this.needMore(4, 'file header');
    const magic = view.getUint32(position, true);
    if (magic === BLOCK_SHB) {
      this.stage = Stage.Pcapng;
      return 0;
    }
    let littleEndian: boolean;
    let nanosecond: boolean;
    switch (magic) {
      case PCAP_MAGIC_US:
        [littleEndian, nanosecond] = [true, false];
        break;
      case PCAP_MAGIC_NS:
        [littleEndian, nanosecond] = [true, true];
        break;
      case PCAP_MAGIC_US_SWAPPED:
        [littleEndian, nanosecond] = [false, false];
        break;
      case PCAP_MAGIC_NS_SWAPPED:
        [littleEndian, nanosecond] = [false, true];
        break;
      default:
        return this.stop(
          new CaptureFileError(
            'bad-magic',
            `unknown file format at byte offset 0: magic ${hex32(view.getUint32(position, false))} is neither pcap nor pcapng`,
            0,
          ),
        );
    }
    if (available < PCAP_FILE_HEADER_SIZE) return this.needMore(PCAP_FILE_HEADER_SIZE, 'file header');
    const versionMajor = view.getUint16(position + PCAP_HDR_VERSION_MAJOR, littleEndian);
    const versionMinor = view.getUint16(position + PCAP_HDR_VERSION_MINOR, littleEndian);
    if (versionMajor !== 2 || versionMinor !== 4) {
      return this.stop(
        new CaptureFileError(
          'bad-version',
          `unsupported pcap version ${versionMajor}.${versionMinor} at byte offset ${PCAP_HDR_VERSION_MAJOR}: only 2.4 is supported`,
          PCAP_HDR_VERSION_MAJOR,
        ),
      );
    }
    const snaplen = view.getUint32(position + PCAP_HDR_SNAPLEN, littleEndian);
    const linktype = view.getUint32(position + PCAP_HDR_LINKTYPE, littleEndian) & PCAP_LINKTYPE_MASK;
    this.littleEndian = littleEndian;
    this.nanosecondPcap = nanosecond;
    this.pcapLinktype = linktype;
    this.fileInfo = {
      format: 'pcap',
      nanosecond,
      byteOrder: littleEndian ? 'le' : 'be',
      versionMajor,
      versionMinor,
      compressed: this.compressed,
      interfaces: [{ linktype, snaplen, tsResolNs: nanosecond ? 1 : 1000 }],
      comments: [],
    };
    this.stage = Stage.Pcap;
    return PCAP_FILE_HEADER_SIZE;
  }

  private parsePcapRecord(buffer: Uint8Array, view: DataView, position: number, available: number): number {
    if (available < PCAP_RECORD_HEADER_SIZE) return this.needMore(PCAP_RECORD_HEADER_SIZE, 'record header');
    const littleEndian = this.littleEndian;
    const caplen = view.getUint32(position + PCAP_REC_CAPLEN, littleEndian);
    if (caplen > MAX_CAPLEN) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `record at byte offset ${this.offset}: captured length ${caplen} exceeds the maximum of ${MAX_CAPLEN}`,
          this.offset,
        ),
      );
    }
    const total = PCAP_RECORD_HEADER_SIZE + caplen;
    if (available < total) return this.needMore(total, 'record');
    const fraction = view.getUint32(position + PCAP_REC_TS_FRACTION, littleEndian);
    const dataStart = position + PCAP_RECORD_HEADER_SIZE;
    this.out.push({
      tsSec: view.getUint32(position + PCAP_REC_TS_SEC, littleEndian),
      tsNsec: this.nanosecondPcap ? fraction : fraction * 1000,
      caplen,
      origLen: view.getUint32(position + PCAP_REC_ORIGLEN, littleEndian),
      linktype: this.pcapLinktype,
      interfaceId: 0,
      data: buffer.subarray(dataStart, dataStart + caplen),
      fileOffset: this.offset,
    });
    return total;
  }

  private parseBlock(buffer: Uint8Array, view: DataView, position: number, available: number): number {
    if (available < BLOCK_HEADER_SIZE) return this.needMore(BLOCK_HEADER_SIZE, 'block header');
    const offset = this.offset;
    const type = view.getUint32(position + BLOCK_TYPE, this.littleEndian);
    if (type === BLOCK_SHB) {
      // The byte order of a section is only known from its byte-order magic, after the length field.
      if (available < BLOCK_HEADER_SIZE + 4)
        return this.needMore(BLOCK_HEADER_SIZE + 4, 'section header block');
      const magic = view.getUint32(position + SHB_BYTE_ORDER_MAGIC, true);
      if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (magic === BYTE_ORDER_MAGIC_SWAPPED) this.littleEndian = false;
      else {
        const at = offset + SHB_BYTE_ORDER_MAGIC;
        return this.stop(
          new CaptureFileError(
            'bad-magic',
            `section header block at byte offset ${offset}: byte-order magic ${hex32(view.getUint32(position + SHB_BYTE_ORDER_MAGIC, false))} at byte offset ${at} is not 0x1a2b3c4d`,
            at,
          ),
        );
      }
    }
    const littleEndian = this.littleEndian;
    const blockLength = view.getUint32(position + BLOCK_TOTAL_LENGTH, littleEndian);
    if (blockLength < BLOCK_MIN_LENGTH) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `block at byte offset ${offset}: total length ${blockLength} is less than the minimum of ${BLOCK_MIN_LENGTH}`,
          offset,
        ),
      );
    }
    if (blockLength % 4 !== 0) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `block at byte offset ${offset}: total length ${blockLength} is not a multiple of 4`,
          offset,
        ),
      );
    }
    if (blockLength > MAX_BLOCK_LENGTH) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `block at byte offset ${offset}: total length ${blockLength} exceeds the maximum of ${MAX_BLOCK_LENGTH}`,
          offset,
        ),
      );
    }
    const minimum = minimumBlockLength(type);
    if (blockLength < minimum) {
      return this.stop(
        new CaptureFileError(
          'bad-block',
          `${blockName(type)} at byte offset ${offset}: total length ${blockLength} is less than its minimum of ${minimum}`,
          offset,
        ),
      );
    }
    if (available < blockLength) return this.needMore(blockLength, blockName(type));
    const trailerLength = view.getUint32(position + blockLength - BLOCK_TRAILER_SIZE, littleEndian);
    if (trailerLength !== blockLength) {
      return this.stop(
        new CaptureFileError(
          'bad-block',
          `block at byte offset ${offset}: total length ${blockLength} in the header does not match ${trailerLength} in the trailer`,
          offset,
        ),
      );
    }
    const bodyEnd = position + blockLength - BLOCK_TRAILER_SIZE;
    switch (type) {
      case BLOCK_EPB:
      case BLOCK_PB_OBSOLETE:
        return this.parsePacketBlock(type, buffer, view, position, bodyEnd, blockLength);
      case BLOCK_SPB:
        return this.parseSimplePacketBlock(buffer, view, position, bodyEnd, blockLength);
      case BLOCK_IDB:
        this.parseInterfaceBlock(buffer, view, position, bodyEnd);
        return blockLength;
      case BLOCK_SHB:
        return this.parseSectionHeader(buffer, view, position, bodyEnd, blockLength);
      default:
        return blockLength; // NRB, ISB, DSB, custom and unknown blocks
    }
  }

  private parseSectionHeader(
    buffer: Uint8Array,
    view: DataView,
    position: number,
    bodyEnd: number,
    blockLength: number,
  ): number {
    const littleEndian = this.littleEndian;
    const versionMajor = view.getUint16(position + SHB_VERSION_MAJOR, littleEndian);
    const versionMinor = view.getUint16(position + SHB_VERSION_MINOR, littleEndian);
    if (versionMajor !== 1) {
      const at = this.offset + SHB_VERSION_MAJOR;
      return this.stop(
        new CaptureFileError(
          'bad-version',
          `unsupported pcapng version ${versionMajor}.${versionMinor} at byte offset ${at}: only 1.x is supported`,
          at,
        ),
      );
    }
    if (this.fileInfo === undefined) {
      this.fileInfo = {
        format: 'pcapng',
        nanosecond: false,
        byteOrder: littleEndian ? 'le' : 'be',
        versionMajor,
        versionMinor,
        compressed: this.compressed,
        interfaces: [],
        comments: [],
      };
    }
    this.sectionInterfaces = [];
    const comments = this.fileInfo.comments;
    forEachOption(view, littleEndian, position + SHB_OPTIONS, bodyEnd, (code, start, length) => {
      if (code === OPT_COMMENT) comments.push(utf8.decode(buffer.subarray(start, start + length)));
    });
    return blockLength;
  }

  private parseInterfaceBlock(buffer: Uint8Array, view: DataView, position: number, bodyEnd: number): void {
    const littleEndian = this.littleEndian;
    const info = this.fileInfo!;
    const iface: InterfaceInfo = {
      linktype: view.getUint16(position + IDB_LINKTYPE, littleEndian),
      snaplen: view.getUint32(position + IDB_SNAPLEN, littleEndian),
      tsResolNs: 1000,
    };
    let tsresol = DEFAULT_TSRESOL_EXPONENT;
    let offsetSec = 0;
    forEachOption(view, littleEndian, position + IDB_OPTIONS, bodyEnd, (code, start, length) => {
      if (code === IF_NAME) iface.name = utf8.decode(buffer.subarray(start, start + length));
      else if (code === IF_DESCRIPTION)
        iface.description = utf8.decode(buffer.subarray(start, start + length));
      else if (code === IF_TSRESOL && length >= 1) tsresol = buffer[start];
      else if (code === IF_TSOFFSET && length >= 8) offsetSec = Number(view.getBigInt64(start, littleEndian));
    });
    const scale = tickScaleFor(tsresol, offsetSec);
    iface.tsResolNs = NS_PER_SEC / scale.unitsPerSec;
    if (offsetSec !== 0) iface.tsOffsetSec = offsetSec;
    if (iface.tsResolNs < 1000) info.nanosecond = true;
    this.sectionInterfaces.push(info.interfaces.length);
    info.interfaces.push(iface);
    this.scales.push(scale);
  }

  private parsePacketBlock(
    type: number,
    buffer: Uint8Array,
    view: DataView,
    position: number,
    bodyEnd: number,
    blockLength: number,
  ): number {
    const littleEndian = this.littleEndian;
    const offset = this.offset;
    const localId =
      type === BLOCK_EPB
        ? view.getUint32(position + EPB_INTERFACE_ID, littleEndian)
        : view.getUint16(position + PB_INTERFACE_ID, littleEndian);
    if (localId >= this.sectionInterfaces.length) {
      return this.stop(
        new CaptureFileError(
          'bad-interface',
          `${blockName(type)} at byte offset ${offset} names interface ${localId}, but its section has ${this.sectionInterfaces.length} interface(s)`,
          offset,
        ),
      );
    }
    const caplen = view.getUint32(position + EPB_CAPLEN, littleEndian);
    if (caplen > MAX_CAPLEN) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `${blockName(type)} at byte offset ${offset}: captured length ${caplen} exceeds the maximum of ${MAX_CAPLEN}`,
          offset,
        ),
      );
    }
    const dataStart = position + EPB_DATA;
    if (dataStart + caplen > bodyEnd) {
      return this.stop(
        new CaptureFileError(
          'bad-block',
          `${blockName(type)} at byte offset ${offset}: captured length ${caplen} does not fit in a block of ${blockLength} bytes`,
          offset,
        ),
      );
    }
    const interfaceId = this.sectionInterfaces[localId];
    this.convertTicks(
      this.scales[interfaceId],
      view.getUint32(position + EPB_TS_HIGH, littleEndian),
      view.getUint32(position + EPB_TS_LOW, littleEndian),
    );
    const record: CaptureRecord = {
      tsSec: this.tsSecOut,
      tsNsec: this.tsNsecOut,
      caplen,
      origLen: view.getUint32(position + EPB_ORIGLEN, littleEndian),
      linktype: this.fileInfo!.interfaces[interfaceId].linktype,
      interfaceId,
      data: buffer.subarray(dataStart, dataStart + caplen),
      fileOffset: offset,
    };
    const optionsStart = dataStart + pad4(caplen);
    if (optionsStart + OPTION_HEADER_SIZE <= bodyEnd) {
      forEachOption(view, littleEndian, optionsStart, bodyEnd, (code, start, length) => {
        if (code !== OPT_COMMENT) return;
        const text = utf8.decode(buffer.subarray(start, start + length));
        record.comment = record.comment === undefined ? text : `${record.comment}\n${text}`;
      });
    }
    this.out.push(record);
    return blockLength;
  }

  private parseSimplePacketBlock(
    buffer: Uint8Array,
    view: DataView,
    position: number,
    bodyEnd: number,
    blockLength: number,
  ): number {
    const offset = this.offset;
    if (this.sectionInterfaces.length === 0) {
      return this.stop(
        new CaptureFileError(
          'bad-interface',
          `simple packet block at byte offset ${offset} needs interface 0, but its section has no interface`,
          offset,
        ),
      );
    }
    const interfaceId = this.sectionInterfaces[0];
    const iface = this.fileInfo!.interfaces[interfaceId];
    const origLen = view.getUint32(position + SPB_ORIGLEN, this.littleEndian);
    const caplen = iface.snaplen !== 0 && iface.snaplen < origLen ? iface.snaplen : origLen;
    const dataStart = position + SPB_DATA;
    if (dataStart + caplen > bodyEnd) {
      return this.stop(
        new CaptureFileError(
          'bad-block',
          `simple packet block at byte offset ${offset}: ${caplen} bytes of packet data do not fit in a block of ${blockLength} bytes`,
          offset,
        ),
      );
    }
    if (caplen > MAX_CAPLEN) {
      return this.stop(
        new CaptureFileError(
          'bad-length',
          `simple packet block at byte offset ${offset}: captured length ${caplen} exceeds the maximum of ${MAX_CAPLEN}`,
          offset,
        ),
      );
    }
    this.out.push({
      tsSec: 0,
      tsNsec: 0,
      caplen,
      origLen,
      linktype: iface.linktype,
      interfaceId,
      data: buffer.subarray(dataStart, dataStart + caplen),
      fileOffset: offset,
    });
    return blockLength;
  }

  /** Converts a 64-bit tick count (high, low words) into tsSecOut / tsNsecOut without precision loss. */
  private convertTicks(scale: TickScale, high: number, low: number): void {
    if (scale.kind === 2) {
      const ticks = (BigInt(high) << 32n) | BigInt(low);
      const units = scale.bigUnitsPerSec;
      this.tsSecOut = Number(ticks / units) + scale.offsetSec;
      this.tsNsecOut = Number(((ticks % units) * 1_000_000_000n) / units);
      return;
    }
    // Long division of (high·2^32 + low) by unitsPerSec (≤ 2^32) in 16-bit steps keeps every
    // intermediate value below 2^53.
    const units = scale.unitsPerSec;
    const r1 = high % units;
    const q1 = (high - r1) / units;
    const t2 = r1 * TWO_POW_16 + (low >>> 16);
    const r2 = t2 % units;
    const q2 = (t2 - r2) / units;
    const t3 = r2 * TWO_POW_16 + (low & 0xffff);
    const r3 = t3 % units;
    const q3 = (t3 - r3) / units;
    this.tsSecOut = q1 * TWO_POW_32 + q2 * TWO_POW_16 + q3 + scale.offsetSec;
    // 2^-n: r3·10^9/2^n computed as (r3·5^9)·2^9/2^n: the product stays below 2^53 and the power-of-2
    // scaling is exact, so the floor is the exact truncation.
    this.tsNsecOut = scale.kind === 0 ? r3 * scale.nsPerTick : Math.floor((r3 * 1953125 * 512) / units);
  }
}

/** Calls `visit` for each well-formed option in [start, end); stops at opt_endofopt or a bad length. */
function forEachOption(
  view: DataView,
  littleEndian: boolean,
  start: number,
  end: number,
  visit: (code: number, valueStart: number, length: number) => void,
): void {
  let position = start;
  while (position + OPTION_HEADER_SIZE <= end) {
    const code = view.getUint16(position, littleEndian);
    const length = view.getUint16(position + 2, littleEndian);
    if (code === OPT_ENDOFOPT) return;
    const valueStart = position + OPTION_HEADER_SIZE;
    if (valueStart + length > end) return;
    visit(code, valueStart, length);
    position = valueStart + pad4(length);
  }
}

function minimumBlockLength(type: number): number {
  switch (type) {
    case BLOCK_SHB:
      return SHB_MIN_LENGTH;
    case BLOCK_IDB:
      return IDB_MIN_LENGTH;
    case BLOCK_EPB:
    case BLOCK_PB_OBSOLETE:
      return EPB_MIN_LENGTH;
    case BLOCK_SPB:
      return SPB_MIN_LENGTH;
    default:
      return BLOCK_MIN_LENGTH;
  }
}

function blockName(type: number): string {
  switch (type) {
    case BLOCK_SHB:
      return 'section header block';
    case BLOCK_IDB:
      return 'interface description block';
    case BLOCK_EPB:
      return 'enhanced packet block';
    case BLOCK_PB_OBSOLETE:
      return 'packet block';
    case BLOCK_SPB:
      return 'simple packet block';
    default:
      return `block of type ${hex32(type)}`;
  }
}

/** Result of reading a whole capture file. */
export interface CaptureFileReadResult {
  info: CaptureFileInfo;
  /** The error that ended reading early (records before it were delivered), or null. */
  error: CaptureFileError | null;
  /** Number of records delivered. */
  records: number;
}

function ioError(path: string, error: unknown, offset: number): CaptureFileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CaptureFileError(
    'io',
    `cannot read capture file ${path} at byte offset ${offset}: ${reason}`,
    offset,
  );
}

function gzipError(error: unknown, offset: number): CaptureFileError {
  const code = (error as { code?: string }).code;
  if (code === 'Z_BUF_ERROR') {
    return new CaptureFileError(
      'truncated',
      `truncated gzip stream after decompressed byte offset ${offset}`,
      offset,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CaptureFileError(
    'bad-block',
    `corrupt gzip data after decompressed byte offset ${offset}: ${reason}`,
    offset,
  );
}

/**
 * Streams a pcap or pcapng file (optionally gzip-compressed, detected by the magic 1f 8b) in ~1 MiB
 * chunks and calls `onRecord` for every complete record, in file order. Records' `data` views point
 * into freshly allocated chunks that are never reused.
 *
 * Resolves with the file info, the number of records and the error that ended reading early (null for
 * a clean file). Rejects with a `CaptureFileError` when no file header could be read at all (`io`,
 * empty file, `bad-magic`, `bad-version`, truncated header), with `signal.reason` when aborted, and
 * with whatever `onRecord` throws.
 */
export async function readCaptureFile(
  path: string,
  onRecord: (record: CaptureRecord) => void,
  opts: { signal?: AbortSignal; chunkSize?: number | (() => number) } = {},
): Promise<CaptureFileReadResult> {
  const signal = opts.signal;
  // A smaller chunk returns to the event loop more often (the GUI's process); the CLI keeps 1 MiB.
  // A function is asked before every read, so a caller can size chunks by how long the last one took.
  const sizeOption = opts.chunkSize;
  const nextChunkSize = () =>
    Math.max(4096, Math.min((typeof sizeOption === 'function' ? sizeOption() : sizeOption) || READ_CHUNK_SIZE, 16 * READ_CHUNK_SIZE));
  signal?.throwIfAborted();
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(path, error, 0);
  }
  let fileOffset = 0;
  let readFailure: CaptureFileError | null = null;
  const readChunk = async (): Promise<Uint8Array | null> => {
    const chunkSize = nextChunkSize();
    const buffer = Buffer.allocUnsafeSlow(chunkSize);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, chunkSize, null));
    } catch (error) {
      readFailure = ioError(path, error, fileOffset);
      return null;
    }
    fileOffset += bytesRead;
    return bytesRead === 0 ? null : buffer.subarray(0, bytesRead);
  };

  try {
    const first = await readChunk();
    const compressed =
      first !== null && first.length >= 2 && first[0] === GZIP_MAGIC_0 && first[1] === GZIP_MAGIC_1;
    const parser = new CaptureParser({ compressed });
    let records = 0;
    let streamFailure: CaptureFileError | null = null;
    const deliver = (chunk: Uint8Array): boolean => {
      const batch = parser.push(chunk);
      for (let i = 0; i < batch.length; i++) onRecord(batch[i]);
      records += batch.length;
      return parser.error === null;
    };

    if (!compressed) {
      let chunk = first;
      while (chunk !== null && deliver(chunk)) {
        signal?.throwIfAborted();
        chunk = await readChunk();
      }
    } else {
      async function* rawChunks(): AsyncGenerator<Uint8Array> {
        yield first!;
        for (let chunk = await readChunk(); chunk !== null; chunk = await readChunk()) yield chunk;
      }
      const gunzip = pipeline(
        Readable.from(rawChunks()),
        createGunzip({ chunkSize: READ_CHUNK_SIZE }),
        () => {},
      );
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) {
          if (!deliver(chunk)) break;
          signal?.throwIfAborted();
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        streamFailure = gzipError(error, parser.bytesParsed);
      } finally {
        gunzip.destroy();
      }
    }
    signal?.throwIfAborted();
    const parseFailure = parser.error;
    const endFailure = parser.end();
    // A read or gzip error explains a truncated tail better than the parser can.
    const error = parseFailure ?? readFailure ?? streamFailure ?? endFailure;
    if (parser.info === undefined) throw error ?? endFailure!;
    return { info: parser.info, error, records };
  } finally {
    await handle.close();
  }
}

/**
 * Reads a whole capture file synchronously (gzip included): a convenience for tests and small files.
 * Throws like `readCaptureFile` when no file header could be read.
 */
export function readCaptureFileSync(path: string): {
  info: CaptureFileInfo;
  records: CaptureRecord[];
  error: CaptureFileError | null;
} {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw ioError(path, error, 0);
  }
  const compressed = bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
  let streamFailure: CaptureFileError | null = null;
  if (compressed) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      // Recover what precedes the damage, as the streaming reader does.
      let partial: Uint8Array = new Uint8Array(0);
      try {
        partial = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      } catch {
        // corrupt data: nothing recoverable synchronously
      }
      streamFailure = gzipError(error, partial.length);
      bytes = partial;
    }
  }
  const parser = new CaptureParser({ compressed });
  const records = parser.push(bytes);
  const parseFailure = parser.error;
  const endFailure = parser.end();
  const error = parseFailure ?? streamFailure ?? endFailure;
  if (parser.info === undefined) throw error!;
  return { info: parser.info, records, error };
}

/** bytes read by {@link probeCaptureFile}: far more than any file header or first section header */
const PROBE_BYTES = 64 * 1024;

/**
 * probeCaptureFile reads the start of a file and rejects with the CaptureFileError `readCaptureFile`
 * would reject with when the file has no readable capture file header (another format, empty, cut short
 * in the header), without reading on. The GUI asks it before a load replaces what is shown, so a wrong
 * file costs nothing. A file that passes may still end in a damaged record; that is reported by the read.
 */
export async function probeCaptureFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(path, error, 0);
  }
  try {
    const buffer = Buffer.alloc(PROBE_BYTES);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0));
    } catch (error) {
      throw ioError(path, error, 0);
    }
    let head: Uint8Array = buffer.subarray(0, bytesRead);
    const compressed = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    if (compressed) {
      try {
        // What the first bytes decompress to (the stream goes on past them).
        head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      } catch (error) {
        throw gzipError(error, 0);
      }
    }
    const parser = new CaptureParser({ compressed });
    parser.push(head);
    if (parser.info !== undefined) return;
    if (parser.error !== null) throw parser.error;
    // No header yet and no error: the header is cut short if the file ends here.
    if (bytesRead < PROBE_BYTES) {
      const end = parser.end();
      if (end !== null) throw end;
    }
  } finally {
    await handle.close();
  }
}
