/**
 * Packet List (role grid, "Packet list"): the displayed view, virtualised with @tanstack/react-virtual so
 * only the visible rows exist in the DOM and only their blocks are fetched (store `ensureRows`). Rows are
 * coloured by the engine's rule name. Keyboard: Up/Down/PageUp/PageDown/Home/End; Ctrl+M marks. During a
 * live capture the list follows new rows until the user scrolls away from the bottom.
 *
 * Column headers sort the view in the engine (`sortBy`): a click, Enter or Space cycles ascending →
 * descending → capture order; the header carries `aria-sort` and an arrow, and a long sort shows its
 * progress over the list.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { ContextMenu } from '../../components/ContextMenu';
import { copyText } from '../../components/clipboard';
import { filterForSelection, followSelectedStream, applyOrPrepareFilter } from '../../app/actions';
import { useApp, useAppStore } from '../../store/index';
import { COLUMNS, summaryText } from './columns';
import { PacketRow } from './PacketRow';

/** ROW_HEIGHT in pixels (fixed, so 1M rows need no measuring). */
export const ROW_HEIGHT = 20;

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
  // Subscribing to the version re-renders the list once per fetched block (or dropped rows).
  const rowsVersion = useApp((s) => s.rowsVersion);
  const rowAt = useApp((s) => s.rowAt);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const virtualizer = useVirtualizer({
    count: displayed,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    store.getState().ensureRows(first, last);
  }, [store, first, last, displayed, rowsVersion]);

  useEffect(() => {
    if (capturing && followLive && displayed > 0) virtualizer.scrollToIndex(displayed - 1, { align: 'end' });
  }, [capturing, followLive, displayed, virtualizer]);

  useEffect(() => {
    if (selectedIndex >= 0 && selectedIndex < displayed) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, displayed, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el || store.getState().captureStatus.state !== 'capturing') return;
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
        <div role="rowgroup" className="pl-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => (
            <PacketRow
              key={item.index}
              index={item.index}
              top={item.start}
              row={rowAt(item.index)}
              selected={item.index === selectedIndex}
              loadingText={t('list.loading')}
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
