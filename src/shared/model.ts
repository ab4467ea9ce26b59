/**
 * Plain-data model types shared by engine, hosts and renderer: frame summaries (Packet List rows), detail
 * tree nodes (Packet Details), data sources (Packet Bytes tabs) and the per-frame field view that display
 * filters evaluate against. Pure TypeScript, no node:*, no DOM.
 */
import type { FieldDef, FieldValue } from './fields';

/** FieldOccurrence is one occurrence of a field in a frame, with the bytes it covers. */
export interface FieldOccurrence {
  field: FieldDef;
  value: FieldValue;
  /** src indexes the frame's data sources (0 = the frame itself). */
  src: number;
  start: number;
  length: number;
  /**
   * dataLength, on a protocol whose data runs past its own item (Ethernet, IP, TCP, UDP: the item is the
   * header), is the length of that data from `start`: tshark's `contains` and `matches` read a protocol's
   * whole data (`tcp contains "MAIL"` finds the payload), while `==`, slices and len() read the item.
   */
  dataLength?: number;
}

/**
 * FrameFields is what a compiled display filter evaluates against: every occurrence of a field in one
 * frame (in tree order) and the bytes of each data source (protocols compare as the bytes they cover).
 */
export interface FrameFields {
  get(abbrev: string): readonly FieldOccurrence[] | undefined;
  sourceBytes(src: number): Uint8Array;
}

/** DataSource is one tab of the bytes pane: the frame, a reassembled buffer, a decoded MIME part. */
export interface DataSource {
  name: string;
  bytes: Uint8Array;
}

/** ExpertSeverity follows Wireshark's expert info levels. */
export type ExpertSeverity = 'chat' | 'note' | 'warn' | 'error';

/** DetailNode is one row of the detail tree as sent to the renderer and printed by `-V`. */
export interface DetailNode {
  /** label is the full text as shown, e.g. `Source Port: 25` or `[Reassembled PDU in frame: 12]`. */
  label: string;
  /** field abbrev, absent for text-only items. */
  field?: string;
  /** display string of the value (for "copy value" and "apply as filter"). */
  value?: string;
  src: number;
  start: number;
  length: number;
  generated?: boolean;
  hidden?: boolean;
  expert?: { severity: ExpertSeverity; message: string };
  /** frameRef makes `[Reassembled PDU in frame: N]` and `#N` clickable. */
  frameRef?: number;
  children?: DetailNode[];
}

/** FrameSummary is one Packet List row: tshark's one-line output. */
export interface FrameSummary {
  number: number;
  /** seconds since the first frame */
  time: number;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  /** colouring rule name (tcp, smtp, pop, rst, malformed, …) */
  colour?: string;
  marked?: boolean;
}
