/** PacketRow: one virtualised row of the Packet List (memoised: it re-renders only when its props change). */
import { memo } from 'react';
import type { FrameSummary } from '../../../../shared/model';
import { colourClass, COLUMNS } from './columns';

/** PacketRowProps: the row (undefined while loading), its displayed index, position and selection. */
export interface PacketRowProps {
  row: FrameSummary | undefined;
  index: number;
  top: number;
  selected: boolean;
  loadingText: string;
}

export const PacketRow = memo(function PacketRow({ row, index, top, selected, loadingText }: PacketRowProps) {
  const classes = ['pl-row', row ? colourClass(row.colour) : 'c-loading'];
  if (row?.marked) classes.push('marked');
  if (selected) classes.push('selected');
  return (
    <div
      id={`pl-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      data-frame={row?.number}
      className={classes.join(' ')}
      style={{ transform: `translateY(${top}px)` }}
    >
      {/* The same cells while loading (empty, the info cell saying so), so a recycled row element only
          changes text when its rows arrive or it moves to another index. */}
      {COLUMNS.map((c) => (
        <div key={c.key} role="gridcell" className={`pl-cell col-${c.key}`} title={row && c.key === 'info' ? row.info : undefined}>
          {row ? c.text(row) : c.key === 'info' ? loadingText : ''}
        </div>
      ))}
    </div>
  );
});
