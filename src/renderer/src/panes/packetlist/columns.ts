/** The Packet List columns, as in Wireshark and tshark's one-line output. */
import type { FrameSummary } from '../../../../shared/model';

/** Column describes one column: its i18n key, CSS class and cell text. */
export interface Column {
  key: 'no' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';
  text: (row: FrameSummary) => string;
}

/** COLUMNS in display order. Time is seconds since the first frame with 6 decimals. */
export const COLUMNS: readonly Column[] = [
  { key: 'no', text: (r) => String(r.number) },
  { key: 'time', text: (r) => r.time.toFixed(6) },
  { key: 'source', text: (r) => r.source },
  { key: 'destination', text: (r) => r.destination },
  { key: 'protocol', text: (r) => r.protocol },
  { key: 'length', text: (r) => String(r.length) },
  { key: 'info', text: (r) => r.info },
];

/** COLOUR_RULES lists the colouring rules the engine names in FrameSummary.colour. */
export const COLOUR_RULES = ['tcp', 'tcp-syn', 'smtp', 'pop', 'rst', 'malformed', 'udp', 'arp', 'icmp', 'other'] as const;

/** colourClass maps a rule name to its CSS class (unknown rules get `other`). */
export function colourClass(colour: string | undefined): string {
  return `c-${colour && (COLOUR_RULES as readonly string[]).includes(colour) ? colour : 'other'}`;
}

/** summaryText is a row as tab-separated text (Copy summary). */
export function summaryText(row: FrameSummary): string {
  return COLUMNS.map((c) => c.text(row)).join('\t');
}
