/** Packet List row pool: what a slot does with the row it should show (pure part, no DOM). */
import { describe, expect, it } from 'vitest';
import type { FrameSummary } from '../../../src/shared/model';
import { rowAction, type SlotView } from '../../../src/renderer/src/panes/packetlist/row-pool';

const row = (number: number): FrameSummary => ({
  number,
  time: 0,
  source: 'a',
  destination: 'b',
  protocol: 'TCP',
  length: 60,
  info: 'x',
  colour: 'tcp',
});
const shown = (
  index: number,
  r: FrameSummary | undefined | null,
  extra: Partial<SlotView> = {},
): SlotView => ({
  index,
  row: r,
  selected: false,
  loadingText: 'Loading…',
  hidden: false,
  ...extra,
});

describe('rowAction', () => {
  const r5 = row(6);
  it('skips a slot that shows its row as it should', () => {
    expect(rowAction(shown(5, r5), 5, r5, false, 'Loading…', true, true, false)).toBe('skip');
    expect(rowAction(shown(5, undefined), 5, undefined, false, 'Loading…', true, true, false)).toBe('skip');
  });

  it('rewrites a slot that shows the right index with other data, selection or language', () => {
    expect(rowAction(shown(5, undefined), 5, r5, false, 'Loading…', false, false, false)).toBe('write');
    expect(rowAction(shown(5, r5), 5, undefined, false, 'Loading…', false, false, false)).toBe('write');
    expect(rowAction(shown(5, r5), 5, r5, true, 'Loading…', false, false, false)).toBe('write');
    expect(rowAction(shown(5, undefined), 5, undefined, false, '加载中…', false, false, false)).toBe('write');
    expect(rowAction(shown(5, r5, { hidden: true }), 5, r5, false, 'Loading…', true, true, false)).toBe(
      'write',
    );
  });

  it('moves a slot to a cached row near the viewport, or in the overscan when few rows changed', () => {
    expect(rowAction(shown(40, row(41)), 5, r5, false, 'Loading…', true, false, false)).toBe('write');
    expect(rowAction(shown(40, row(41)), 5, r5, false, 'Loading…', false, true, false)).toBe('write');
  });

  it('keeps the old row while the new one is not cached or is overscan after a jump', () => {
    expect(rowAction(shown(40, row(41)), 5, undefined, false, 'Loading…', true, true, false)).toBe('keep');
    expect(rowAction(shown(40, row(41)), 5, r5, false, 'Loading…', false, false, false)).toBe('keep');
    expect(
      rowAction(shown(-1, null, { hidden: true }), 5, undefined, false, 'Loading…', true, true, false),
    ).toBe('keep');
  });

  it('writes everything, placeholders included, once scrolling settled', () => {
    expect(rowAction(shown(40, row(41)), 5, undefined, false, 'Loading…', true, true, true)).toBe('write');
    expect(rowAction(shown(40, row(41)), 5, r5, false, 'Loading…', false, false, true)).toBe('write');
  });
});
