/**
 * Data types of the capture file layer: one record (packet) as read from a pcap or pcapng file, the
 * interfaces and file-level facts a reader learns, and the single error type every reader and writer
 * reports. The formats are libpcap's savefile (draft-ietf-opsawg-pcap) and pcapng
 * (draft-ietf-opsawg-pcapng). Timestamps are kept as whole seconds plus nanoseconds so that nanosecond
 * files survive a round trip without the precision loss of a single double.
 */

/** CaptureRecord is one packet read from a capture file. */
export interface CaptureRecord {
  /** Seconds since the Unix epoch (pcapng `if_tsoffset` already added). */
  tsSec: number;
  /** Nanoseconds within the second (0..999 999 999 for well-formed files). */
  tsNsec: number;
  /** Number of bytes captured; equals `data.length`. */
  caplen: number;
  /** Length of the packet on the wire (may be larger than caplen after a snaplen cut). */
  origLen: number;
  /** LINKTYPE_* value of the record's interface (unknown values are kept as they are). */
  linktype: number;
  /** Index into `CaptureFileInfo.interfaces` (counted over all pcapng sections; always 0 for pcap). */
  interfaceId: number;
  /** Captured bytes; a view that the caller must not write to. */
  data: Uint8Array;
  /** pcapng `opt_comment` of the packet block (several comments are joined with a newline). */
  comment?: string;
  /** Byte offset of the record header / block in the (decompressed) file. */
  fileOffset: number;
}

/** InterfaceInfo describes one capture interface (the pcap file header or one pcapng IDB). */
export interface InterfaceInfo {
  linktype: number;
  /** Snapshot length; 0 means "no limit" in pcapng. */
  snaplen: number;
  name?: string;
  description?: string;
  /** Nanoseconds per timestamp tick: 1000 for microseconds, 1 for nanoseconds (may be fractional). */
  tsResolNs: number;
  /** pcapng `if_tsoffset`: seconds added to every timestamp of the interface. */
  tsOffsetSec?: number;
}

/** CaptureFileInfo holds the file-level facts learned from the file header / section headers. */
export interface CaptureFileInfo {
  format: 'pcap' | 'pcapng';
  /** pcap: nanosecond magic; pcapng: some interface has a resolution finer than 1 µs. */
  nanosecond: boolean;
  /** Byte order of the (first) file header / section header block. */
  byteOrder: 'le' | 'be';
  versionMajor: number;
  versionMinor: number;
  /** The file was gzip-compressed (only `readCaptureFile` / `readCaptureFileSync` set it). */
  compressed: boolean;
  /** All interfaces seen so far, over every pcapng section, in file order. */
  interfaces: InterfaceInfo[];
  /** Section header comments (`opt_comment` of each SHB), in file order. */
  comments: string[];
}

/** CaptureFileErrorCode names the kind of problem; the message gives the details. */
export type CaptureFileErrorCode =
  | 'bad-magic'
  | 'bad-version'
  | 'truncated'
  | 'bad-length'
  | 'unknown-linktype'
  | 'bad-block'
  | 'bad-interface'
  | 'io';

/**
 * CaptureFileError is the one error type of the file layer. Messages are stable and name the byte
 * offset, e.g. `truncated record at byte offset 1234: need 60 bytes, 17 available`.
 */
export class CaptureFileError extends Error {
  /**
   * @param code what kind of problem this is
   * @param message stable, human-readable text naming the byte offset
   * @param offset byte offset in the (decompressed) file where the problem was found
   */
  constructor(
    public readonly code: CaptureFileErrorCode,
    message: string,
    public readonly offset: number,
  ) {
    super(message);
    this.name = 'CaptureFileError';
  }
}
