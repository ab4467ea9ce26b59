/** The Packet List's visible range for fixed-height rows (pure, so it is unit-tested without a DOM). */

/** VisibleRange: rows to render (`first..last`, overscan included), rows on screen, and element slots. */
export interface VisibleRange {
  first: number;
  last: number;
  visibleFirst: number;
  visibleLast: number;
  /** slots is how many row elements can exist at once; a row's element is `index % slots`. */
  slots: number;
}

/**
 * visibleRange gives the rows to render when `topRow` is the first row at the top of a viewport
 * `viewportHeight` pixels tall, for `count` rows of `rowHeight` pixels with `overscan` extra rows on each
 * side. `last` is -1 when there is nothing to render. `slots` depends only on the viewport, so keys stay
 * stable while scrolling: no two rendered rows share a slot.
 */
export function visibleRange(topRow: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): VisibleRange {
  const onScreen = Math.max(1, Math.ceil(viewportHeight / rowHeight) + 1);
  const slots = onScreen + 2 * overscan;
  if (count <= 0) return { first: 0, last: -1, visibleFirst: 0, visibleLast: -1, slots };
  const visibleFirst = Math.max(0, Math.min(topRow, count - 1));
  const visibleLast = Math.min(count - 1, visibleFirst + onScreen - 1);
  return {
    first: Math.max(0, visibleFirst - overscan),
    last: Math.min(count - 1, visibleLast + overscan),
    visibleFirst,
    visibleLast,
    slots,
  };
}
