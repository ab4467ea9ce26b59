/** HexLine: one line of the bytes pane; each byte is a span with its offset so a click can select it. */
import { memo } from 'react';
import { asciiChar, BYTES_PER_LINE, hexByte, offsetText } from './hex';

/** HexLineProps: the bytes of the source, the line's first offset and the highlighted range. */
export interface HexLineProps {
  bytes: Uint8Array;
  offset: number;
  top: number;
  hlStart: number;
  hlEnd: number;
}

export const HexLine = memo(function HexLine({ bytes, offset, top, hlStart, hlEnd }: HexLineProps) {
  const end = Math.min(bytes.length, offset + BYTES_PER_LINE);
  const hex: React.ReactNode[] = [];
  const ascii: React.ReactNode[] = [];
  for (let i = offset; i < end; i++) {
    const hl = i >= hlStart && i < hlEnd;
    const cls = hl ? 'b hl' : 'b';
    const gap = i - offset === 7 ? ' gap' : '';
    hex.push(
      <span key={i} className={cls + gap} data-offset={i}>
        {hexByte(bytes[i]!)}
      </span>,
    );
    ascii.push(
      <span key={i} className={cls} data-offset={i}>
        {asciiChar(bytes[i]!)}
      </span>,
    );
  }
  return (
    <div className="hex-line" style={{ transform: `translateY(${top}px)` }}>
      <span className="hex-offset">{offsetText(offset, bytes.length)}</span>
      <span className="hex-bytes">{hex}</span>
      <span className="hex-ascii">{ascii}</span>
    </div>
  );
});
