/** Packet List visible range for fixed-height rows: rows rendered, rows on screen, recycled slots. */
import { describe, expect, it } from 'vitest';
import { visibleRange } from '../../../src/renderer/src/panes/packetlist/visible-range';

describe('visibleRange', () => {
  it('covers the viewport plus overscan, clamped to the view', () => {
    // 400 px / 20 px = 20 rows, +1 for a partly shown row.
    expect(visibleRange(0, 400, 20, 1_000_000, 8)).toEqual({ first: 0, last: 28, visibleFirst: 0, visibleLast: 20, slots: 37 });
    expect(visibleRange(500_000, 400, 20, 1_000_000, 8)).toEqual({
      first: 499_992,
      last: 500_028,
      visibleFirst: 500_000,
      visibleLast: 500_020,
      slots: 37,
    });
    expect(visibleRange(999_990, 400, 20, 1_000_000, 8)).toMatchObject({ first: 999_982, last: 999_999, visibleLast: 999_999 });
    expect(visibleRange(0, 400, 20, 5, 8)).toMatchObject({ first: 0, last: 4, visibleLast: 4 });
    expect(visibleRange(12, 400, 20, 0, 8).last).toBe(-1);
  });

  it('clamps a top row left over from a longer view', () => {
    expect(visibleRange(900_000, 400, 20, 100, 8)).toMatchObject({ visibleFirst: 99, last: 99 });
  });

  it('never gives two rendered rows the same slot, at any scroll position', () => {
    for (const height of [20, 95, 400, 1013]) {
      for (let top = 0; top < 3000; top += 7) {
        const r = visibleRange(top, height, 20, 2500, 8);
        const slots = new Set<number>();
        for (let i = r.first; i <= r.last; i++) slots.add(i % r.slots);
        expect(slots.size).toBe(Math.max(0, r.last - r.first + 1));
      }
    }
  });
});
