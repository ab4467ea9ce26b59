/**
 * RowPool: the Packet List's row elements, written directly (no React render per scroll step).
 *
 * The pool owns the children of the list body: one row element per slot (`index % slots`, see
 * `visibleRange`), each with its seven cells and their Text nodes, made once. `update` is called from the
 * scroll handler itself (so the rows are painted in the same frame as the scroll), when rows arrive, and
 * when the selection or the count changes. For every row of the window it compares what the slot shows
 * (index, row object, selection) with what it should show and writes only the differences: a scroll by
 * one row rewrites one row, a block that arrives rewrites only the rows that were waiting for it, and no
 * closure or object is made per row. Cell text is written to the Text node (`data`), which relayouts the
 * text without rebuilding the layout tree.
 *
 * Rows that are not cached are not written as "Loading…" at once: the slot keeps its old row (off
 * screen) and the viewport is blank there until the block arrives, usually a frame or two later, so a
 * row costs one layout instead of two (placeholder, then row). Overscan rows (beyond the visible rows
 * and NEAR more on each side) matter only while the compositor scrolls a few rows ahead of the main
 * thread (a wheel notch); after a jump (a dragged thumb, Go to packet, End) every row changes, and
 * writing the overscan rows too would mean ~50 % more rows to lay out and paint in that frame, rows
 * nobody sees. So they are written only when at most FAR_BUDGET of them changed. At most ROW_BUDGET
 * rows are written per update, visible rows first, the rest in the next animation frame. Whatever was
 * left is written once no update has left anything for SETTLE_MS (placeholders included). A slot left
 * with its old row stays true to the view: it is hidden when that row changes or leaves the cache, and
 * its selection is kept current.
 *
 * Tooltips (the Info cell's full text) are set when the pointer enters a row, not on every write.
 */
import type { FrameSummary } from '../../../../shared/model';
import { colourClass, COLUMNS } from './columns';
import type { VisibleRange } from './visible-range';

/** NEAR rows beyond the visible ones on each side are always written at once. */
export const NEAR = 1;
/** FAR_BUDGET: at most this many overscan rows are written in one update; more are deferred. */
export const FAR_BUDGET = 8;
/**
 * ROW_BUDGET: at most this many rows are written per update (visible rows first); the rest are written in
 * the next animation frame. A row costs ~0.3–0.6 ms of style, layout, paint and layerisation on a slow
 * machine, so a jump fills ~20 visible rows in two frames of < 10 ms instead of one of ~15 ms.
 */
export const ROW_BUDGET = 12;
/** SETTLE_MS: deferred overscan rows are written after this long without an update that deferred. */
export const SETTLE_MS = 100;

/** RowSource is what the rows show: the cached rows, the selected index and the loading text. */
export interface RowSource {
  /** count: rows in the view */
  count: number;
  rowAt(index: number): FrameSummary | undefined;
  selectedIndex: number;
  loadingText: string;
}

interface Slot extends SlotView {
  el: HTMLDivElement;
  cells: Text[];
  info: HTMLDivElement;
  className: string;
  titled: boolean;
}

/** What a slot shows (the part `rowAction` looks at). */
export interface SlotView {
  /** index shown (-1: none); row: the row object shown (undefined: loading; null: nothing yet) */
  index: number;
  row: FrameSummary | undefined | null;
  selected: boolean | null;
  loadingText: string;
  hidden: boolean;
}

/**
 * rowAction decides what to do with the slot of row `index` (pure, unit-tested): `skip` when it shows
 * the row as it should, `write` it, or `keep` what it shows (another row, off screen) for now. A row
 * that is not cached is not written as "Loading…" right away (its block usually arrives within a frame
 * or two, and writing the placeholder and then the row costs two layouts): the slot keeps its old row
 * and the viewport is blank there until the row arrives, or until scrolling `settled` (then the
 * placeholder is written). `writeFar` is false when too many overscan rows changed at once.
 */
export function rowAction(
  slot: SlotView,
  index: number,
  row: FrameSummary | undefined,
  selected: boolean,
  loadingText: string,
  near: boolean,
  writeFar: boolean,
  settled: boolean,
): 'skip' | 'write' | 'keep' {
  const same = slot.index === index && !slot.hidden;
  if (
    same &&
    slot.row === row &&
    slot.selected === selected &&
    (row !== undefined || slot.loadingText === loadingText)
  )
    return 'skip';
  if (same || settled) return 'write';
  return (near || writeFar) && row !== undefined ? 'write' : 'keep';
}

export class RowPool {
  private slots: Slot[] = [];
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  /** the animation frame that writes what the row budget left */
  private nextFrame = 0;
  /** the last window and source, for the settle pass */
  private last: { range: VisibleRange; source: RowSource } | undefined;

  constructor(
    private readonly body: HTMLElement,
    private readonly rowHeight: number,
    private readonly onSettled: () => void,
  ) {
    body.addEventListener('mouseover', this.onPointerOver);
  }

  destroy(): void {
    clearTimeout(this.settleTimer);
    cancelAnimationFrame(this.nextFrame);
    this.body.removeEventListener('mouseover', this.onPointerOver);
    for (const slot of this.slots) slot.el.remove();
    this.slots = [];
  }

  /** shows: the row at `index` is written and visible (for aria-activedescendant). */
  shows(index: number): boolean {
    const slot = this.slots.length > 0 ? this.slots[index % this.slots.length] : undefined;
    return slot !== undefined && slot.index === index && !slot.hidden;
  }

  /** update makes the pool show `range` (slots = range.slots) from `source`; `settled` writes every row. */
  update(range: VisibleRange, source: RowSource, settled = false): void {
    if (this.slots.length !== range.slots) this.resize(range.slots);
    this.last = { range, source };
    const n = this.slots.length;
    const { rowAt, selectedIndex, loadingText } = source;
    const nearFirst = range.visibleFirst - NEAR;
    const nearLast = range.visibleLast + NEAR;
    // Overscan rows are written only when few changed (a scroll by a few rows), not after a jump.
    let farChanges = 0;
    for (let i = range.first; i <= range.last; i++) {
      if (i >= nearFirst && i <= nearLast) continue;
      if (
        rowAction(this.slots[i % n]!, i, rowAt(i), i === selectedIndex, loadingText, false, true, false) !==
        'skip'
      )
        farChanges++;
    }
    const writeFar = farChanges <= FAR_BUDGET;
    // Visible rows first, then the overscan; at most ROW_BUDGET rows per frame, the rest in the next.
    let budget = ROW_BUDGET;
    let kept = false;
    let more = false;
    const visit = (i: number) => {
      const slot = this.slots[i % n]!;
      const row = rowAt(i);
      const selected = i === selectedIndex;
      const near = i >= nearFirst && i <= nearLast;
      const action = rowAction(slot, i, row, selected, loadingText, near, writeFar, settled);
      if (action === 'write') {
        if (budget > 0) {
          budget--;
          this.write(slot, i, row, selected, loadingText);
        } else more = true;
      } else if (action === 'keep') {
        kept = true;
        this.keepOld(slot, source);
      }
    };
    for (let i = range.visibleFirst; i <= range.visibleLast; i++) visit(i);
    for (let i = range.visibleFirst - 1; i >= range.first; i--) visit(i);
    for (let i = range.visibleLast + 1; i <= range.last; i++) visit(i);
    cancelAnimationFrame(this.nextFrame);
    this.nextFrame = more
      ? requestAnimationFrame(() => {
          this.nextFrame = 0;
          if (this.last) this.update(this.last.range, this.last.source, settled);
        })
      : 0;
    // Slots with no row in the window (a view shorter than the viewport) are hidden.
    if (range.last - range.first + 1 < n) {
      for (const slot of this.slots) if (slot.index < range.first || slot.index > range.last) this.hide(slot);
    }
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    if (kept) {
      this.settleTimer = setTimeout(() => {
        this.settleTimer = undefined;
        if (this.last) this.update(this.last.range, this.last.source, true);
        this.onSettled();
      }, SETTLE_MS);
    }
  }

  /**
   * keepOld: a slot keeps showing its old row (outside the window, off screen) until it is written; it
   * stays true to the view: hidden once that row changed or left the cache, selection kept current.
   */
  private keepOld(slot: Slot, { count, rowAt, selectedIndex }: RowSource): void {
    if (slot.hidden) return;
    if (slot.index < 0 || slot.index >= count || (slot.row !== undefined && rowAt(slot.index) !== slot.row)) {
      this.hide(slot);
      return;
    }
    const selected = slot.index === selectedIndex;
    if (slot.selected !== selected)
      this.write(slot, slot.index, slot.row ?? undefined, selected, slot.loadingText);
  }

  private resize(count: number): void {
    for (const slot of this.slots) slot.el.remove();
    this.slots = [];
    const fragment = document.createDocumentFragment();
    for (let s = 0; s < count; s++) {
      const el = document.createElement('div');
      el.setAttribute('role', 'row');
      el.className = 'pl-row';
      el.hidden = true;
      const cells: Text[] = [];
      let info: HTMLDivElement | undefined;
      for (const column of COLUMNS) {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.className = `pl-cell col-${column.key}`;
        const text = document.createTextNode('');
        cell.appendChild(text);
        el.appendChild(cell);
        cells.push(text);
        info = cell;
      }
      fragment.appendChild(el);
      this.slots.push({
        el,
        cells,
        info: info!,
        index: -1,
        row: null,
        selected: null,
        loadingText: '',
        className: 'pl-row',
        hidden: true,
        titled: false,
      });
    }
    this.body.appendChild(fragment);
  }

  private write(
    slot: Slot,
    index: number,
    row: FrameSummary | undefined,
    selected: boolean,
    loadingText: string,
  ): void {
    const el = slot.el;
    if (slot.index !== index) {
      slot.index = index;
      el.id = `pl-row-${index}`;
      el.setAttribute('aria-rowindex', String(index + 2));
      el.dataset.index = String(index);
      el.style.transform = `translateY(${index * this.rowHeight}px)`;
    }
    if (slot.row !== row || slot.loadingText !== loadingText) {
      slot.row = row;
      slot.loadingText = loadingText;
      if (row) el.dataset.frame = String(row.number);
      else el.removeAttribute('data-frame');
      // The same cells while loading (empty, Info saying so), so a row only changes text.
      for (let c = 0; c < COLUMNS.length; c++) {
        const text = row ? COLUMNS[c]!.text(row) : c === COLUMNS.length - 1 ? loadingText : '';
        const node = slot.cells[c]!;
        if (node.data !== text) node.data = text;
      }
      if (slot.titled) {
        slot.info.removeAttribute('title');
        slot.titled = false;
      }
    }
    if (slot.selected !== selected) {
      slot.selected = selected;
      el.setAttribute('aria-selected', String(selected));
    }
    const className = `pl-row ${row ? colourClass(row.colour) : 'c-loading'}${row?.marked ? ' marked' : ''}${selected ? ' selected' : ''}`;
    if (slot.className !== className) {
      slot.className = className;
      el.className = className;
    }
    if (slot.hidden) {
      slot.hidden = false;
      el.hidden = false;
    }
  }

  /** hide: a hidden slot shows nothing (no index, row, selection or text: the DOM is read by assistive
   *  technology and by tests), and costs no layout. */
  private hide(slot: Slot): void {
    if (slot.hidden) return;
    const el = slot.el;
    slot.hidden = true;
    el.hidden = true;
    slot.index = -1;
    slot.row = null;
    slot.selected = null;
    slot.loadingText = '';
    slot.className = 'pl-row';
    el.className = 'pl-row';
    for (const name of ['id', 'aria-rowindex', 'aria-selected', 'data-index', 'data-frame'])
      el.removeAttribute(name);
    for (const text of slot.cells) text.data = '';
    if (slot.titled) {
      slot.info.removeAttribute('title');
      slot.titled = false;
    }
  }

  /** The Info cell's tooltip is its full text, set when the pointer is over the row. */
  private readonly onPointerOver = (event: MouseEvent): void => {
    const el = (event.target as Element).closest?.('[role="row"]');
    const slot = el ? this.slots.find((s) => s.el === el) : undefined;
    if (!slot?.row || slot.titled) return;
    slot.info.title = slot.row.info;
    slot.titled = true;
  };
}
