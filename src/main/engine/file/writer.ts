/**
 * Synchronous, buffered writers for libpcap savefiles (draft-ietf-opsawg-pcap, version 2.4, microsecond
 * or nanosecond magic, little-endian) and pcapng (draft-ietf-opsawg-pcapng: one Section Header Block with
 * `shb_userappl`, one Interface Description Block per interface with `if_name`, `if_description`,
 * `if_tsresol`, `if_tsoffset`, then Enhanced Packet Blocks with `opt_comment`). Bytes are collected in a
 * 1 MiB buffer and handed to the OS with `writeSync` when it fills or on `flush()` (the live spool
 * flushes every 100 ms, so a kill -9 loses at most that much). Saves are atomic by default: the file is
 * written as `<path>.tmp-<random>` and renamed over the target on `close()`, so an aborted or failed save
 * leaves an existing target byte-identical. A target that exists and is not a regular file — a device
 * such as /dev/null, a FIFO, a socket — is written in place, as tshark does (renaming a file over it
 * would replace the device: as root, `-w /dev/null` turned /dev/null into a regular file); a symbolic
 * link to a regular file keeps pointing at it (the file it names is replaced). Everything the writers
 * produce is readable by `reader.ts` and by Wireshark/tshark unchanged.
 */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { CaptureFileError, type InterfaceInfo } from './types';
import { MAX_CAPLEN } from './reader';

/** One record to write. */
export interface WritableRecord {
  tsSec: number;
  /** 0..999 999 999; truncated to microseconds in a microsecond pcap. */
  tsNsec: number;
  /** Bytes to store; cut to the interface's snaplen (and to 262144). */
  data: Uint8Array;
  /** Length on the wire; defaults to `data.length`. */
  origLen?: number;
  /** pcapng `opt_comment`; pcap cannot store comments and drops it. */
  comment?: string;
  /** pcapng: index into the writer's interfaces (default 0); pcap ignores it. */
  interfaceId?: number;
}

/** How to write a capture file. */
export interface WriterOptions {
  format: 'pcap' | 'pcapng';
  linktype: number;
  /** Default 262144. pcapng also accepts 0 ("no limit"); records are never longer than 262144. */
  snaplen?: number;
  /** pcap: nanosecond magic; pcapng: `if_tsresol` = 9. Ignored for pcapng when `interfaces` is given. */
  nanosecond?: boolean;
  /** Default true: write `<path>.tmp-<random>` and rename it over `path` on close. */
  atomic?: boolean;
  /** pcapng: the interfaces (their `tsResolNs` must be 10^k ns, k = 0..9); pcap: at most one. */
  interfaces?: InterfaceInfo[];
  /** pcapng: `opt_comment` of the section header. */
  sectionComment?: string;
  /** pcapng `shb_userappl`, default "Wirelab". */
  application?: string;
  /**
   * sink receives the bytes instead of a file (`-w -`: standard output); it must be done with them when
   * it returns (the buffer is reused). `path` only names the output in messages; errors the sink throws
   * reach the caller unchanged (a closed pipe stops the run quietly).
   */
  sink?: (bytes: Uint8Array) => void;
}

/** An open capture file being written. */
export interface CaptureWriter {
  /** Appends one record (buffered). Throws RangeError for an invalid record, CaptureFileError('io') on a write failure. */
  write(rec: WritableRecord): void;
  /** Hands buffered bytes to the OS (no fsync). */
  flush(): void;
  /** Flushes, closes and (atomic mode) renames the temporary file over the target. */
  close(): void;
  /** Stops writing: atomic mode removes the temporary file and leaves the target untouched; non-atomic mode closes the file as written so far. */
  abort(): void;
  /** The target path. */
  readonly path: string;
  /** Records written so far. */
  readonly count: number;
}

const BUFFER_SIZE = 1024 * 1024;
const DEFAULT_SNAPLEN = MAX_CAPLEN;
const DEFAULT_APPLICATION = 'Wirelab';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
const PCAP_FILE_HEADER_SIZE = 24;
const PCAP_RECORD_HEADER_SIZE = 16;

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_VERSION_MAJOR = 1;
const PCAPNG_VERSION_MINOR = 0;
const SHB_FIXED_SIZE = 28; // header 8 + magic 4 + versions 4 + section length 8 + trailer 4
const IDB_FIXED_SIZE = 20; // header 8 + linktype 2 + reserved 2 + snaplen 4 + trailer 4
const EPB_FIXED_SIZE = 32; // header 8 + interface 4 + timestamp 8 + lengths 8 + trailer 4
const OPTION_HEADER_SIZE = 4;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const MICROSECOND_TSRESOL = 6;

const TWO_POW_32 = 4294967296;
const TWO_POW_16 = 65536;
const NS_PER_SEC = 1_000_000_000;
const MAX_UINT32 = 0xffffffff;
/** Timestamps are 64-bit tick counts; leave room for the sub-second ticks. */
const MAX_TICKS = 2 ** 64 - NS_PER_SEC;

const utf8 = new TextEncoder();

function pad4(length: number): number {
  return (length + 3) & ~3;
}

/** if_tsresol exponent for a resolution of `tsResolNs` ns per tick (must be 10^k, k = 0..9). */
function decimalExponent(tsResolNs: number): number {
  for (let exponent = 0; exponent <= 9; exponent++) {
    if (tsResolNs === 10 ** (9 - exponent)) return exponent;
  }
  throw new RangeError(
    `unsupported timestamp resolution ${tsResolNs} ns per tick: the writer supports 10^k ns (k = 0..9)`,
  );
}

/** Option values carry a 16-bit length. */
const MAX_OPTION_LENGTH = 0xffff;

function encodeOption(code: number, name: string, value: string): PreparedOption {
  const bytes = utf8.encode(value);
  if (bytes.length > MAX_OPTION_LENGTH)
    throw new RangeError(`${name} is ${bytes.length} bytes in UTF-8; a pcapng option holds at most 65535`);
  return { code, value: bytes };
}

function checkUint32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32)
    throw new RangeError(`${name} must be an integer in 0..4294967295, got ${value}`);
}

interface PreparedOption {
  code: number;
  value: Uint8Array;
}

function optionsSize(options: PreparedOption[]): number {
  if (options.length === 0) return 0;
  let size = OPTION_HEADER_SIZE; // opt_endofopt
  for (const option of options) size += OPTION_HEADER_SIZE + pad4(option.value.length);
  return size;
}

/** A writable interface with its timestamp scale. */
interface WriterInterface {
  linktype: number;
  snaplen: number;
  ticksPerSec: number;
  nsPerTick: number;
  offsetSec: number;
  options: PreparedOption[];
}

/**
 * existingTarget tells what an atomic save may replace at `path`: undefined when nothing is there (or it
 * cannot be examined: the open reports the error), 'special' for something that is not a regular file
 * (written in place), else the real path of the regular file (a symlink's target). Capture saves and
 * mail saves (store/mail-messages.ts writeFileAtomic) both ask it.
 */
export function existingTarget(path: string): string | 'special' | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return undefined;
  }
  if (!isFile) return 'special';
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

class BufferedCaptureWriter implements CaptureWriter {
  readonly path: string;
  private recordCount = 0;
  private readonly filePath: string;
  /** the file an atomic save renames its temporary file to (the target, or the file a symlink names) */
  private readonly renameTo: string;
  private readonly atomic: boolean;
  private readonly sink: ((bytes: Uint8Array) => void) | undefined;
  private fd: number | null;
  private buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  private used = 0;
  private bytesWritten = 0;
  private state: 'open' | 'closed' | 'failed' = 'open';
  private readonly pcapng: boolean;
  private readonly nanosecondPcap: boolean;
  private readonly interfaces: WriterInterface[];

  constructor(path: string, opts: WriterOptions) {
    this.path = path;
    const atomic = opts.atomic ?? true;
    this.pcapng = opts.format === 'pcapng';
    if (opts.format !== 'pcap' && opts.format !== 'pcapng')
      throw new RangeError(`unknown capture file format ${String(opts.format)}`);
    this.nanosecondPcap = !this.pcapng && (opts.nanosecond ?? false);
    this.interfaces = prepareInterfaces(opts);
    this.sink = opts.sink;
    const existing = atomic && this.sink === undefined ? existingTarget(path) : undefined;
    this.atomic = atomic && this.sink === undefined && existing !== 'special';
    this.renameTo = typeof existing === 'string' && existing !== 'special' ? existing : path;
    this.filePath = this.atomic ? `${this.renameTo}.tmp-${randomBytes(6).toString('hex')}` : path;
    if (this.sink !== undefined) this.fd = null;
    else {
      try {
        this.fd = openSync(this.filePath, this.atomic ? 'wx' : 'w');
      } catch (error) {
        throw new CaptureFileError('io', `cannot create capture file ${path}: ${createFailure(error as NodeJS.ErrnoException, path)}`, 0);
      }
    }
    if (this.pcapng) this.writeSectionHeader(opts);
    else this.writePcapHeader(opts);
  }

  get count(): number {
    return this.recordCount;
  }

  write(rec: WritableRecord): void {
    this.checkOpen();
    if (!(rec.data instanceof Uint8Array)) throw new RangeError('record data must be a Uint8Array');
    if (!Number.isInteger(rec.tsNsec) || rec.tsNsec < 0 || rec.tsNsec >= NS_PER_SEC) {
      throw new RangeError(`tsNsec must be an integer in 0..999999999, got ${rec.tsNsec}`);
    }
    const origLen = rec.origLen ?? rec.data.length;
    checkUint32('origLen', origLen);
    if (this.pcapng) this.writeEnhancedPacket(rec, origLen);
    else this.writePcapRecord(rec, origLen);
    this.recordCount++;
  }

  flush(): void {
    this.checkOpen();
    this.flushBuffer();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.checkOpen();
    this.flushBuffer();
    if (this.sink !== undefined) {
      this.state = 'closed';
      return;
    }
    const fd = this.fd!;
    try {
      if (this.atomic) fsyncSync(fd);
      this.fd = null;
      closeSync(fd);
      if (this.atomic) renameSync(this.filePath, this.renameTo);
    } catch (error) {
      this.fail(error);
    }
    this.state = 'closed';
  }

  abort(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.discard();
  }

  private checkOpen(): void {
    if (this.state !== 'open') throw new Error(`capture writer for ${this.path} is ${this.state}`);
  }

  /** Closes the descriptor and, in atomic mode, removes the temporary file; never throws. */
  private discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing; the descriptor is gone either way
      }
      this.fd = null;
    }
    if (this.atomic) {
      try {
        unlinkSync(this.filePath);
      } catch {
        // never created or already removed
      }
    }
  }

  private fail(error: unknown): never {
    this.state = 'failed';
    this.discard();
    throw new CaptureFileError(
      'io',
      `cannot write capture file ${this.path} at byte offset ${this.bytesWritten}: ${(error as Error).message}`,
      this.bytesWritten,
    );
  }

  private flushBuffer(): void {
    if (this.sink !== undefined) {
      if (this.used > 0) this.sink(this.buffer.subarray(0, this.used));
      this.bytesWritten += this.used;
      this.used = 0;
      return;
    }
    let done = 0;
    try {
      while (done < this.used) done += writeSync(this.fd!, this.buffer, done, this.used - done);
    } catch (error) {
      this.bytesWritten += done;
      this.fail(error);
    }
    this.bytesWritten += done;
    this.used = 0;
  }

  /** Makes room for `size` contiguous bytes; a unit larger than the buffer gets a buffer of its own. */
  private reserve(size: number): void {
    if (this.used + size <= this.buffer.length) return;
    this.flushBuffer();
    if (size > this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(size);
      this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    }
  }

  private writePcapHeader(opts: WriterOptions): void {
    const iface = this.interfaces[0];
    this.reserve(PCAP_FILE_HEADER_SIZE);
    const view = this.view;
    const at = this.used;
    view.setUint32(at, this.nanosecondPcap ? PCAP_MAGIC_NS : PCAP_MAGIC_US, true);
    view.setUint16(at + 4, PCAP_VERSION_MAJOR, true);
    view.setUint16(at + 6, PCAP_VERSION_MINOR, true);
    view.setInt32(at + 8, 0, true); // thiszone: always UTC
    view.setUint32(at + 12, 0, true); // sigfigs
    view.setUint32(at + 16, iface.snaplen, true);
    view.setUint32(at + 20, opts.linktype, true);
    this.used += PCAP_FILE_HEADER_SIZE;
  }

  private writePcapRecord(rec: WritableRecord, origLen: number): void {
    checkUint32('tsSec (pcap)', rec.tsSec);
    const caplen = Math.min(rec.data.length, this.interfaces[0].snaplen);
    this.reserve(PCAP_RECORD_HEADER_SIZE + caplen);
    const view = this.view;
    const at = this.used;
    view.setUint32(at, rec.tsSec, true);
    view.setUint32(at + 4, this.nanosecondPcap ? rec.tsNsec : Math.floor(rec.tsNsec / 1000), true);
    view.setUint32(at + 8, caplen, true);
    view.setUint32(at + 12, origLen, true);
    this.buffer.set(
      caplen === rec.data.length ? rec.data : rec.data.subarray(0, caplen),
      at + PCAP_RECORD_HEADER_SIZE,
    );
    this.used += PCAP_RECORD_HEADER_SIZE + caplen;
  }

  private writeSectionHeader(opts: WriterOptions): void {
    const options: PreparedOption[] = [];
    if (opts.sectionComment !== undefined)
      options.push(encodeOption(OPT_COMMENT, 'sectionComment', opts.sectionComment));
    options.push(encodeOption(SHB_USERAPPL, 'application', opts.application ?? DEFAULT_APPLICATION));
    const length = SHB_FIXED_SIZE + optionsSize(options);
    this.reserve(length);
    const view = this.view;
    const at = this.used;
    view.setUint32(at, BLOCK_SHB, true);
    view.setUint32(at + 4, length, true);
    view.setUint32(at + 8, BYTE_ORDER_MAGIC, true);
    view.setUint16(at + 12, PCAPNG_VERSION_MAJOR, true);
    view.setUint16(at + 14, PCAPNG_VERSION_MINOR, true);
    view.setInt32(at + 16, -1, true); // section length: not specified
    view.setInt32(at + 20, -1, true);
    this.putOptions(at + 24, options);
    view.setUint32(at + length - 4, length, true);
    this.used += length;
    for (const iface of this.interfaces) this.writeInterfaceDescription(iface);
  }

  private writeInterfaceDescription(iface: WriterInterface): void {
    const length = IDB_FIXED_SIZE + optionsSize(iface.options);
    this.reserve(length);
    const view = this.view;
    const at = this.used;
    view.setUint32(at, BLOCK_IDB, true);
    view.setUint32(at + 4, length, true);
    view.setUint16(at + 8, iface.linktype, true);
    view.setUint16(at + 10, 0, true);
    view.setUint32(at + 12, iface.snaplen, true);
    this.putOptions(at + 16, iface.options);
    view.setUint32(at + length - 4, length, true);
    this.used += length;
  }

  private writeEnhancedPacket(rec: WritableRecord, origLen: number): void {
    const interfaceId = rec.interfaceId ?? 0;
    const iface = this.interfaces[interfaceId];
    if (iface === undefined)
      throw new RangeError(
        `interfaceId ${interfaceId} names no interface (the writer has ${this.interfaces.length})`,
      );
    const seconds = rec.tsSec - iface.offsetSec;
    if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds * iface.ticksPerSec >= MAX_TICKS) {
      throw new RangeError(
        `tsSec ${rec.tsSec} cannot be written with a 64-bit timestamp (interface offset ${iface.offsetSec} s)`,
      );
    }
    // ticks = seconds·ticksPerSec + subTicks < 2^64, split into 32-bit words without exceeding 2^53:
    // `upper` (the ticks of the seconds above the low 16 bits, divided by 2^16) is below 2^48.
    const subTicks = Math.floor(rec.tsNsec / iface.nsPerTick);
    const secondsLow = seconds % TWO_POW_16;
    const upper = ((seconds - secondsLow) / TWO_POW_16) * iface.ticksPerSec; // times 2^16
    const upperLow = upper % TWO_POW_16;
    const lowSum = upperLow * TWO_POW_16 + secondsLow * iface.ticksPerSec + subTicks;
    const lowWord = lowSum % TWO_POW_32;
    const highWord = (upper - upperLow) / TWO_POW_16 + (lowSum - lowWord) / TWO_POW_32;

    const snaplen = iface.snaplen === 0 ? MAX_CAPLEN : Math.min(iface.snaplen, MAX_CAPLEN);
    const caplen = Math.min(rec.data.length, snaplen);
    const comment =
      rec.comment === undefined ? undefined : encodeOption(OPT_COMMENT, 'comment', rec.comment).value;
    const optionBytes =
      comment === undefined ? 0 : OPTION_HEADER_SIZE + pad4(comment.length) + OPTION_HEADER_SIZE;
    const length = EPB_FIXED_SIZE + pad4(caplen) + optionBytes;
    this.reserve(length);
    const view = this.view;
    const at = this.used;
    view.setUint32(at, BLOCK_EPB, true);
    view.setUint32(at + 4, length, true);
    view.setUint32(at + 8, interfaceId, true);
    view.setUint32(at + 12, highWord, true);
    view.setUint32(at + 16, lowWord, true);
    view.setUint32(at + 20, caplen, true);
    view.setUint32(at + 24, origLen, true);
    this.buffer.set(caplen === rec.data.length ? rec.data : rec.data.subarray(0, caplen), at + 28);
    const padded = at + 28 + pad4(caplen);
    this.buffer.fill(0, at + 28 + caplen, padded);
    if (comment !== undefined) this.putOptions(padded, [{ code: OPT_COMMENT, value: comment }]);
    view.setUint32(at + length - 4, length, true);
    this.used += length;
  }

  /** Writes options plus opt_endofopt at `at` (nothing for an empty list). */
  private putOptions(at: number, options: PreparedOption[]): void {
    if (options.length === 0) return;
    const view = this.view;
    let position = at;
    for (const option of options) {
      view.setUint16(position, option.code, true);
      view.setUint16(position + 2, option.value.length, true);
      this.buffer.set(option.value, position + OPTION_HEADER_SIZE);
      const end = position + OPTION_HEADER_SIZE + pad4(option.value.length);
      this.buffer.fill(0, position + OPTION_HEADER_SIZE + option.value.length, end);
      position = end;
    }
    view.setUint16(position, OPT_ENDOFOPT, true);
    view.setUint16(position + 2, 0, true);
  }
}

function prepareInterfaces(opts: WriterOptions): WriterInterface[] {
  const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
  const given: InterfaceInfo[] = opts.interfaces ?? [
    { linktype: opts.linktype, snaplen, tsResolNs: opts.nanosecond ? 1 : 1000 },
  ];
  if (given.length === 0) throw new RangeError('a capture file needs at least one interface');
  if (opts.format === 'pcap') {
    if (given.length > 1)
      throw new RangeError('a pcap file has exactly one interface; use pcapng for several');
    const only = given[0];
    checkUint32('snaplen', only.snaplen);
    // pcap: snaplen 0 would make every record empty; treat it as "no limit" like pcapng.
    return [
      {
        linktype: opts.linktype,
        snaplen: only.snaplen === 0 ? MAX_CAPLEN : Math.min(only.snaplen, MAX_CAPLEN),
        ticksPerSec: 0,
        nsPerTick: 0,
        offsetSec: 0,
        options: [],
      },
    ];
  }
  return given.map((iface) => {
    checkUint32('snaplen', iface.snaplen);
    if (!Number.isInteger(iface.linktype) || iface.linktype < 0 || iface.linktype > 0xffff)
      throw new RangeError(`linktype must be in 0..65535, got ${iface.linktype}`);
    const exponent = decimalExponent(iface.tsResolNs);
    const offsetSec = iface.tsOffsetSec ?? 0;
    if (!Number.isSafeInteger(offsetSec))
      throw new RangeError(`tsOffsetSec must be a safe integer, got ${offsetSec}`);
    const options: PreparedOption[] = [];
    if (iface.name !== undefined) options.push(encodeOption(IF_NAME, 'interface name', iface.name));
    if (iface.description !== undefined)
      options.push(encodeOption(IF_DESCRIPTION, 'interface description', iface.description));
    if (exponent !== MICROSECOND_TSRESOL) options.push({ code: IF_TSRESOL, value: Uint8Array.of(exponent) });
    if (offsetSec !== 0) {
      const value = new Uint8Array(8);
      new DataView(value.buffer).setBigInt64(0, BigInt(offsetSec), true);
      options.push({ code: IF_TSOFFSET, value });
    }
    return {
      linktype: iface.linktype,
      snaplen: iface.snaplen,
      ticksPerSec: 10 ** exponent,
      nsPerTick: 10 ** (9 - exponent),
      offsetSec,
      options,
    };
  });
}

/**
 * createFailure says why a capture file could not be created, naming the user's path (not the temporary
 * file an atomic write opens first), with the error code first as Node gives it.
 */
function createFailure(error: NodeJS.ErrnoException, path: string): string {
  const folder = dirname(path);
  switch (error.code) {
    case 'ENOENT':
      return `ENOENT: the folder ${folder} does not exist`;
    case 'ENOTDIR':
      return `ENOTDIR: ${folder} is not a folder`;
    case 'EISDIR':
      return `EISDIR: ${path} is a folder; give a file name in it`;
    case 'EACCES':
    case 'EPERM':
      return `${error.code}: permission denied (you may not write in ${folder})`;
    case 'EROFS':
      return `EROFS: ${folder} is on a read-only file system`;
    case 'ENOSPC':
      return 'ENOSPC: no space left on the device';
    default:
      return error.message;
  }
}

/**
 * Opens a capture file for writing and writes its header(s) at once.
 * Throws `CaptureFileError('io')` when the file cannot be created (e.g. the directory is missing) and
 * RangeError for invalid options. In atomic mode (the default) the target is replaced only by `close()`.
 */
export function openCaptureWriter(path: string, opts: WriterOptions): CaptureWriter {
  return new BufferedCaptureWriter(path, opts);
}
