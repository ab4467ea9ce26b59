/**
 * Packet List (role grid, "Packet list"): the displayed view, virtualised so only the visible rows exist
 * in the DOM and only their blocks are fetched (store `ensureRows`, which also prefetches the next block
 * in the direction of scrolling). Rows have one fixed height, so the visible range is two divisions of
 * the scroll offset: no per-row measurements (a measured virtualiser rebuilt a 1M-entry array on every
 * count update while a file loaded). The rows are not React elements: a RowPool (`row-pool.ts`) keeps
 * one element per slot (`index % slots`) and writes only what changed, from the scroll handler itself
 * (same frame as the scroll), so scrolling by a row rewrites one row and a jump only the visible rows;
 * React renders the grid around them. Rows are coloured by the engine's rule name. Keyboard:
 * Up/Down/PageUp/PageDown/Home/End; Ctrl+M marks. During a live capture the list follows new rows until
 * the user scrolls away from the bottom.
 *
 * Column headers sort the view in the engine (`sortBy`): a click, Enter or Space cycles ascending →
 * descending → capture order; the header carries `aria-sort` and an arrow, and a long sort shows its
 * progress over the list.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { ContextMenu } from '../../components/ContextMenu';
import { copyText } from '../../components/clipboard';
import { filterForSelection, followSelectedStream, applyOrPrepareFilter } from '../../app/actions';
import { useApp, useAppStore } from '../../store/index';
import { COLUMNS, summaryText } from './columns';
import { RowPool } from './row-pool';
import { visibleRange } from './visible-range';

/** ROW_HEIGHT in pixels (fixed, so 1M rows need no measuring). */
export const ROW_HEIGHT = 20;
/** OVERSCAN rows are rendered above and below the viewport. */
const OVERSCAN = 8;

export function PacketList() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { displayed, selectedIndex, followLive, capturing, filtered, viewSort, sorting } = useApp(
    useShallow((s) => ({
      displayed: s.counts.displayed,
      selectedIndex: s.selectedIndex,
      followLive: s.followLive,
      capturing: s.captureStatus.state === 'capturing',
      filtered: s.appliedFilter !== '',
      viewSort: s.viewSort,
      sorting: s.sorting,
    })),
  );
  const rowAt = useApp((s) => s.rowAt);
  const gridRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const loadingText = t('list.loading');
  const loadingRef = useRef(loadingText);
  loadingRef.current = loadingText;
  /** render re-draws the rows now (reading scrollTop back first when asked). */
  const renderRef = useRef<((readScroll: boolean) => void) | null>(null);

  // The rows are not React elements: a RowPool writes them (see row-pool.ts), from the scroll handler
  // itself and, at most once per animation frame, when rows arrive or the selection or count changes.
  useLayoutEffect(() => {
    const grid = gridRef.current;
    const el = scrollRef.current;
    const body = bodyRef.current;
    if (!grid || !el || !body) return;
    // The only scroll state: the first row at the top and the viewport's height (no layout reads when
    // rows arrive; scrollTop is read in the scroll handler, where layout is clean).
    let topRow = Math.floor(el.scrollTop / ROW_HEIGHT);
    let viewportHeight = el.clientHeight || ROW_HEIGHT * 10;
    let lastVisible = '';
    let activeId: string | null = null;
    const render = (readScroll = false) => {
      if (readScroll) topRow = Math.floor(el.scrollTop / ROW_HEIGHT);
      const s = store.getState();
      const displayed = s.counts.displayed;
      const range = visibleRange(topRow, viewportHeight, ROW_HEIGHT, displayed, OVERSCAN);
      pool.update(range, { count: displayed, rowAt: s.rowAt, selectedIndex: s.selectedIndex, loadingText: loadingRef.current });
      const visible = `${range.visibleFirst}:${range.visibleLast}:${displayed}:${s.rowsVersion}`;
      if (visible !== lastVisible) {
        lastVisible = visible;
        s.ensureRows(range.visibleFirst, range.visibleLast);
      }
      syncActive();
    };
    /** aria-activedescendant names the selected row while its element shows it. */
    const syncActive = () => {
      const selected = store.getState().selectedIndex;
      const id = selected >= 0 && pool.shows(selected) ? `pl-row-${selected}` : null;
      if (id === activeId) return;
      activeId = id;
      if (id) grid.setAttribute('aria-activedescendant', id);
      else grid.removeAttribute('aria-activedescendant');
    };
    let frame = 0;
    const renderSoon = () => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        render();
      });
    };
    const pool = new RowPool(body, ROW_HEIGHT, () => syncActive());
    renderRef.current = render;
    render();

    const onScroll = () => {
      // Same first row, nothing to write: most scroll events of a wheel notch change nothing.
      const top = Math.floor(el.scrollTop / ROW_HEIGHT);
      if (top !== topRow) {
        topRow = top;
        render();
      }
      const s = store.getState();
      if (s.captureStatus.state !== 'capturing') return;
      s.setFollow(el.scrollTop + viewportHeight >= el.scrollHeight - ROW_HEIGHT * 2);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(() => {
      viewportHeight = el.clientHeight;
      render(true);
    });
    observer.observe(el);
    // Fetched blocks (or dropped rows), the selection and the count re-draw the rows at most once per
    // animation frame: blocks that arrive together while the thumb is dragged are written once.
    const off = store.subscribe((state, previous) => {
      if (state.rowsVersion !== previous.rowsVersion || state.selectedIndex !== previous.selectedIndex) renderSoon();
    });
    return () => {
      off();
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
      pool.destroy();
      renderRef.current = null;
    };
  }, [store]);

  // A new count (or language) re-draws the rows; a shorter view (a filter, a new file) can leave
  // scrollTop past the end, so it is read back.
  useLayoutEffect(() => {
    renderRef.current?.(true);
  }, [displayed, loadingText]);

  const scrollToIndex = useCallback((index: number, align: 'auto' | 'end') => {
    const el = scrollRef.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT - el.clientHeight;
    if (align === 'end' || el.scrollTop < bottom) el.scrollTop = Math.max(0, bottom);
    else if (el.scrollTop > top) el.scrollTop = top;
  }, []);

  useEffect(() => {
    if (capturing && followLive && displayed > 0) scrollToIndex(displayed - 1, 'end');
  }, [capturing, followLive, displayed, scrollToIndex]);

  useEffect(() => {
    if (selectedIndex >= 0 && selectedIndex < displayed) scrollToIndex(selectedIndex, 'auto');
  }, [selectedIndex, displayed, scrollToIndex]);

  const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const s = store.getState();
    const at = s.selectedIndex;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = at < 0 ? 0 : at + 1;
        break;
      case 'ArrowUp':
        next = at < 0 ? 0 : at - 1;
        break;
      case 'PageDown':
        next = Math.max(0, at) + pageRows;
        break;
      case 'PageUp':
        next = Math.max(0, at) - pageRows;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = s.counts.displayed - 1;
        break;
      case 'ContextMenu': {
        const el = document.getElementById(`pl-row-${at}`);
        const box = el?.getBoundingClientRect();
        if (box) setMenu({ x: box.left + 40, y: box.bottom });
        event.preventDefault();
        return;
      }
      case 'm':
        if (event.ctrlKey || event.metaKey) {
          const row = at >= 0 ? s.rowAt(at) : undefined;
          if (row) void s.markFrames([row.number], !row.marked);
          event.preventDefault();
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    if (s.counts.displayed > 0) void s.selectRow(next);
  };

  const rowFromEvent = (event: React.MouseEvent): number | undefined => {
    const el = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return el ? Number(el.dataset.index) : undefined;
  };

  const selectedRow = selectedIndex >= 0 ? rowAt(selectedIndex) : undefined;
  const menuItems = [
    { label: t('menu.applyAsFilter'), action: () => applyOrPrepareFilter(store, filterForSelection(store), true), disabled: !selectedRow },
    { label: t('menu.prepareAsFilter'), action: () => applyOrPrepareFilter(store, filterForSelection(store), false), disabled: !selectedRow },
    { label: t('menu.followTcp'), action: () => followSelectedStream(store, t), disabled: !selectedRow },
    { label: t('menu.copySummary'), action: () => selectedRow && void copyText(summaryText(selectedRow)), disabled: !selectedRow },
    {
      label: selectedRow?.marked ? t('menu.unmark') : t('menu.mark'),
      action: () => selectedRow && void store.getState().markFrames([selectedRow.number], !selectedRow.marked),
      disabled: !selectedRow,
    },
  ];

  return (
    <div
      ref={gridRef}
      role="grid"
      aria-label={t('list.label')}
      aria-rowcount={displayed + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable={false}
      tabIndex={0}
      className="packet-list"
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="pl-head">
        <div role="row" aria-rowindex={1} className="pl-row-head">
          {COLUMNS.map((c) => {
            const sorted = viewSort?.column === c.key ? viewSort : null;
            const direction = sorted ? (sorted.descending ? 'descending' : 'ascending') : 'none';
            const sortNow = () => void store.getState().sortBy(c.key);
            return (
              <div
                key={c.key}
                role="columnheader"
                aria-sort={direction}
                tabIndex={0}
                title={sorted ? `${t('list.sortHint')} (${t(sorted.descending ? 'list.sortDescending' : 'list.sortAscending')})` : t('list.sortHint')}
                className={`pl-cell pl-sortable col-${c.key}${sorted ? ' sorted' : ''}`}
                onClick={sortNow}
                onKeyDown={(event) => {
                  if (event.key !== 'Enter' && event.key !== ' ') return;
                  event.preventDefault();
                  event.stopPropagation();
                  sortNow();
                }}
              >
                <span className="pl-head-label">{t(`list.${c.key}`)}</span>
                {sorted && (
                  <span className="pl-sort-arrow" aria-hidden="true">
                    {sorted.descending ? '▼' : '▲'}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="pl-scroll"
        onMouseDown={(e) => {
          const index = rowFromEvent(e);
          if (index !== undefined && e.button !== 1) void store.getState().selectRow(index);
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          if (rowFromEvent(e) !== undefined) setMenu({ x: e.clientX, y: e.clientY });
        }}
      >
        {/* Rows: written by the RowPool, never by React. */}
        <div ref={bodyRef} role="rowgroup" className="pl-body" style={{ height: displayed * ROW_HEIGHT }} />
        {displayed === 0 && <p className="pane-empty">{filtered ? t('list.emptyFiltered') : t('list.empty')}</p>}
      </div>
      {capturing && followLive && !viewSort && <div className="pl-follow">{t('list.follow')}</div>}
      {sorting && (
        <div className="pl-sorting" role="status" data-testid="sort-status">
          {t('list.sorting', { column: t(`list.${sorting.column}`), percent: Math.round(sorting.progress * 100) })}
        </div>
      )}
      {menu && <ContextMenu x={menu.x} y={menu.y} label={t('list.label')} items={menuItems} onClose={() => setMenu(null)} />}
    </div>
  );
}
