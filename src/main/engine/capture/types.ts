/**
 * Live capture sources. A CaptureSource delivers raw records (timestamp, lengths, link type, bytes) from
 * one interface; two backends exist: `cap` (libpcap in this process, the default) and a `dumpcap` child
 * process read as a pcapng stream (Wireshark's privilege split, for users who may not capture directly).
 */
import type { CaptureRecord } from '../file/types';

/** SourceOptions open a source. */
export interface SourceOptions {
  iface: string;
  /** BPF capture filter ("" = everything) */
  filter: string;
  /** the filter as the user typed it, for error messages (default: `filter`) */
  shownFilter?: string;
}

/** SourceStats are what the backend counted. */
export interface SourceStats {
  packets: number;
  bytes: number;
  /** dropped by the kernel or the backend (when it tells) */
  dropped: number;
}

/** SourceHandlers receive what a source produces. */
export interface SourceHandlers {
  record(rec: CaptureRecord): void;
  /** error ends the source; the message says what to do */
  error(err: CaptureError): void;
}

/** CaptureSource is one running capture. */
export interface CaptureSource {
  readonly backend: 'cap' | 'dumpcap';
  /** linktype of the records (known once started) */
  readonly linktype: number;
  stats(): SourceStats;
  stop(): Promise<void>;
}

/** CaptureErrorCode names what went wrong. */
export type CaptureErrorCode = 'permission' | 'bad-filter' | 'no-device' | 'backend-missing' | 'backend-failed';

/** CaptureError is the capture layer's error value: a stable message saying what to do. */
export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}
