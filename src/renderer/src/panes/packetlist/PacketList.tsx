/**
 * Packet List (role grid, "Packet list"): the displayed view, virtualised so only the visible rows exist
 * in the DOM and only their blocks are fetched (store `ensureRows`, which also prefetches the next block
 * in the direction of scrolling). Rows have one fixed height, so the visible range is two divisions of
 * the scroll offset: no per-row measurements (a measured virtualiser rebuilt a 1M-entry array on every
 * count update while a file loaded). The list re-renders only when the first visible row changes, and
 * row elements are recycled by slot (`index % slots`), so scrolling by a row re-renders one row and a
 * jump updates the existing elements' text instead of creating new ones. Rows are coloured by the
 * engine's rule name. Keyboard: Up/Down/PageUp/PageDown/Home/End; Ctrl+M marks. During a live capture the
 * list follows new rows until the user scrolls away from the bottom.
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
import { PacketRow } from './PacketRow';
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
  // Fetched blocks (or dropped rows) re-render the list at most once per animation frame: blocks that
  // arrive together while the thumb is dragged are painted in one render, in the frame's rAF.
  const [rowsVersion, setRowsVersion] = useState(() => store.getState().rowsVersion);
  useEffect(() => {
    let frame = 0;
    const off = store.subscribe((state, previous) => {
      if (state.rowsVersion === previous.rowsVersion || frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setRowsVersion(store.getState().rowsVersion);
      });
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [store]);
  const rowAt = useApp((s) => s.rowAt);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  // The first row at the top of the viewport and the viewport's height: the only scroll state rendered.
  const [topRow, setTopRow] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(ROW_HEIGHT * 10);
  const range = visibleRange(topRow, viewportHeight, ROW_HEIGHT, displayed, OVERSCAN);
  const { first, last, slots } = range;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewportHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A shorter view (a filter, a new file) can leave scrollTop past the end: read it back.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el) setTopRow(Math.floor(el.scrollTop / ROW_HEIGHT));
  }, [displayed]);

  useEffect(() => {
    store.getState().ensureRows(range.visibleFirst, range.visibleLast);
  }, [store, range.visibleFirst, range.visibleLast, displayed, rowsVersion]);

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

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    // Same first row, same rendering: most scroll events of a wheel notch change nothing.
    setTopRow(Math.floor(el.scrollTop / ROW_HEIGHT));
    if (store.getState().captureStatus.state !== 'capturing') return;
    store.getState().setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2);
  }, [store]);

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

  const loadingText = t('list.loading');
  const activeId = selectedIndex >= first && selectedIndex <= last ? `pl-row-${selectedIndex}` : undefined;
  return (
    <div
      role="grid"
      aria-label={t('list.label')}
      aria-rowcount={displayed + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={activeId}
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
        onScroll={onScroll}
        onMouseDown={(e) => {
          const index = rowFromEvent(e);
          if (index !== undefined && e.button !== 1) void store.getState().selectRow(index);
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          if (rowFromEvent(e) !== undefined) setMenu({ x: e.clientX, y: e.clientY });
        }}
      >
        <div role="rowgroup" className="pl-body" style={{ height: displayed * ROW_HEIGHT }}>
          {rowIndexes(first, last).map((index) => (
            <PacketRow
              key={index % slots}
              index={index}
              top={index * ROW_HEIGHT}
              row={rowAt(index)}
              selected={index === selectedIndex}
              loadingText={loadingText}
            />
          ))}
        </div>
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

function rowIndexes(first: number, last: number): number[] {
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}
