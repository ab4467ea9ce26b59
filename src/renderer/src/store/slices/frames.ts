/**
 * Frames-view slice: the displayed view as the Packet List sees it. Rows live in the engine; the list
 * asks for the visible window with {@link FramesSlice.ensureRows} and this slice fetches the missing
 * blocks of ROW_BLOCK rows with `view.rows(start, count)`, then prefetches the next block in the
 * direction the window moved (so wheel scrolling finds its rows cached), keeping at most MAX_BLOCKS
 * blocks (least recently used go first). Rows the engine pushes (`view.onRows`, the first page of a
 * loading file) fill the cache the same way, so the first rows are painted without a round trip. One
 * fetch is one `set` (never one per row); `rowsVersion` tells subscribers that the cache changed. `view.onRowsChanged` drops the rows of the frames it names, `view.onReset`
 * and a new display filter drop everything; a generation counter discards answers that arrive after.
 *
 * Sorting happens in the engine (`view.sort`): {@link FramesSlice.sortBy} cycles a column ascending →
 * descending → capture order as Wireshark's header clicks do. `view.onSort` says which sort is in effect
 * (also when a live capture drops it) and how far a long sort is; a new order drops the cached rows and
 * the selected frame keeps its selection at its new row.
 */
import type { SortColumn, SortState, ViewCounts, ViewSort } from '../../../../shared/contract';
import type { FrameSummary } from '../../../../shared/model';
import { errorText, type SliceCreator } from '../types';

/** ROW_BLOCK is how many rows one `view.rows` call fetches. */
export const ROW_BLOCK = 128;
/** MAX_BLOCKS bounds the cache (MAX_BLOCKS × ROW_BLOCK rows). */
export const MAX_BLOCKS = 48;
/**
 * ROWS_CHANGED_DELAY_MS coalesces `view.onRowsChanged`: during a load the engine may send thousands per
 * second, and the cache is updated at most once per delay (one `set`, never one per event).
 */
export const ROWS_CHANGED_DELAY_MS = 16;

/** FramesSlice: see the file comment. */
export interface FramesSlice {
  counts: ViewCounts;
  /** rows cached by displayed-row index; read it through {@link FramesSlice.rowAt}. */
  rowCache: Map<number, FrameSummary>;
  /** rowBlocks maps block number → rows loaded, in least-recently-used order. */
  rowBlocks: Map<number, number>;
  rowsVersion: number;
  /** follow: keep the newest row in view during a live capture (until the user scrolls away). */
  followLive: boolean;
  rowAt(index: number): FrameSummary | undefined;
  ensureRows(first: number, last: number): void;
  setCounts(counts: ViewCounts): void;
  /** pushRows handles `view.onRows`: rows the engine sent unasked (the first page of a loading file). */
  pushRows(start: number, rows: FrameSummary[]): void;
  /** rowsChanged handles `view.onRowsChanged`: the summaries of these frames changed (coalesced). */
  rowsChanged(frames: number[]): void;
  /** flushRowsChanged drops the cached rows of every frame reported since the last flush. */
  flushRowsChanged(): void;
  resetRows(): void;
  setFollow(follow: boolean): void;
  markFrames(frames: number[], marked: boolean): Promise<void>;
  /** viewSort is the sort the engine's view is in (null: capture order). */
  viewSort: ViewSort | null;
  /** sortRequest is the last sort asked for (it may still be computing); null: capture order. */
  sortRequest: ViewSort | null;
  /** sorting: the sort being computed and its progress (0..1), while the engine reports one. */
  sorting: (ViewSort & { progress: number }) | null;
  /** sortBy cycles a column: ascending, then descending, then back to capture order. */
  sortBy(column: SortColumn): Promise<void>;
  /** applySort asks the engine for a sort (null: capture order). */
  applySort(sort: ViewSort | null): Promise<void>;
  /** onSortState handles `view.onSort`. */
  onSortState(state: SortState): void;
}

/** nextSort is the sort after a click on `column`'s header (Wireshark's three-click cycle). */
export function nextSort(current: ViewSort | null, column: SortColumn): ViewSort | null {
  if (current?.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}

const sameSort = (a: ViewSort | null, b: ViewSort | null) =>
  a === b || (a !== null && b !== null && a.column === b.column && a.descending === b.descending);

export const createFramesSlice: SliceCreator<FramesSlice> = (set, get) => {
  let generation = 0;
  const inflight = new Set<number>();
  const changedFrames = new Set<number>();
  /** the window's first row at the last ensureRows, to tell the scrolling direction */
  let lastFirst = 0;
  let changedTimer: ReturnType<typeof setTimeout> | undefined;

  const fetchBlock = async (block: number): Promise<void> => {
    const start = block * ROW_BLOCK;
    const gen = generation;
    inflight.add(block);
    try {
      const rows = await get().client['view.rows'](start, ROW_BLOCK);
      if (gen !== generation) return;
      // The cache is updated in place (copying up to MAX_BLOCKS × ROW_BLOCK entries per block cost
      // milliseconds per frame while dragging); `rowsVersion` is what tells subscribers.
      const { rowCache, rowBlocks } = get();
      rowBlocks.delete(block);
      rowBlocks.set(block, rows.length);
      rows.forEach((row, i) => rowCache.set(start + i, row));
      // Evict the least recently used blocks beyond the cap.
      for (const old of rowBlocks.keys()) {
        if (rowBlocks.size <= MAX_BLOCKS) break;
        const oldStart = old * ROW_BLOCK;
        for (let i = oldStart; i < oldStart + ROW_BLOCK; i++) rowCache.delete(i);
        rowBlocks.delete(old);
      }
      set((s) => ({ rowsVersion: s.rowsVersion + 1 }));
    } catch (error) {
      if (gen === generation) get().notify('error', errorText(error));
    } finally {
      if (gen === generation) inflight.delete(block);
    }
  };

  /** orderChanged: the rows moved; drop them and find the selected frame's new row. */
  const orderChanged = async () => {
    get().resetRows();
    const selected = get().selectedFrame;
    if (selected === null) return;
    const index = await get().client['view.indexOf'](selected).catch(() => -1);
    if (get().selectedFrame !== selected) return;
    if (index < 0) get().clearSelection();
    else set({ selectedIndex: index });
  };

  return {
    viewSort: null,
    sortRequest: null,
    sorting: null,
    async sortBy(column) {
      await get().applySort(nextSort(get().sortRequest, column));
    },
    async applySort(sort) {
      set({ sortRequest: sort });
      try {
        const feedback = await get().client['view.sort'](sort?.column ?? 'none', sort?.descending ?? false);
        if (feedback.cancelled) return;
        // The event normally arrived first; this covers a transport that delivers it later.
        get().onSortState({ sort: feedback.sort });
      } catch (error) {
        set({ sortRequest: get().viewSort, sorting: null });
        get().notify('error', errorText(error));
      }
    },
    onSortState(state) {
      const before = get().viewSort;
      const sorting = state.sorting ?? null;
      if (sorting) {
        set({ sorting });
        return;
      }
      set({ viewSort: state.sort, sorting: null, ...(state.dropped ? { sortRequest: null } : {}) });
      if (!sameSort(before, state.sort) || state.dropped) void orderChanged();
    },
    counts: { frames: 0, displayed: 0, marked: 0 },
    rowCache: new Map(),
    rowBlocks: new Map(),
    rowsVersion: 0,
    followLive: true,
    rowAt: (index) => get().rowCache.get(index),
    ensureRows(first, last) {
      const total = get().counts.displayed;
      if (total === 0 || last < first) return;
      const from = Math.max(0, Math.floor(first / ROW_BLOCK));
      const to = Math.floor(Math.min(last, total - 1) / ROW_BLOCK);
      const fetchIfMissing = (block: number) => {
        const expected = Math.min(ROW_BLOCK, total - block * ROW_BLOCK);
        const loaded = get().rowBlocks.get(block);
        if ((loaded === undefined || loaded < expected) && !inflight.has(block)) void fetchBlock(block);
      };
      for (let block = from; block <= to; block++) fetchIfMissing(block);
      // Prefetch one block ahead in the direction of scrolling (down when the window did not move), but
      // not after a jump (a dragged thumb, Go to packet): the rows beyond a jump are rarely wanted next.
      const ahead = first < lastFirst ? from - 1 : to + 1;
      const jumped = Math.abs(first - lastFirst) > ROW_BLOCK;
      lastFirst = first;
      if (!jumped && ahead >= 0 && ahead * ROW_BLOCK < total && !get().rowBlocks.has(ahead)) fetchIfMissing(ahead);
    },
    pushRows(start, rows) {
      // Only whole blocks from their first row: a block is then loaded (maybe partly, like a live view's
      // last block) and refetched by ensureRows when more rows exist.
      if (rows.length === 0 || start % ROW_BLOCK !== 0) return;
      const { rowCache, rowBlocks } = get();
      rows.forEach((row, i) => rowCache.set(start + i, row));
      for (let at = 0; at < rows.length; at += ROW_BLOCK) {
        const block = (start + at) / ROW_BLOCK;
        if (inflight.has(block)) continue;
        rowBlocks.delete(block);
        rowBlocks.set(block, Math.min(ROW_BLOCK, rows.length - at));
      }
      set((s) => ({ rowsVersion: s.rowsVersion + 1 }));
    },
    setCounts(counts) {
      const before = get().counts;
      if (before.frames === counts.frames && before.displayed === counts.displayed && before.marked === counts.marked) return;
      set({ counts });
    },
    rowsChanged(frames) {
      for (const n of frames) changedFrames.add(n);
      changedTimer ??= setTimeout(() => get().flushRowsChanged(), ROWS_CHANGED_DELAY_MS);
    },
    flushRowsChanged() {
      clearTimeout(changedTimer);
      changedTimer = undefined;
      if (changedFrames.size === 0) return;
      const stale: number[] = [];
      for (const [index, row] of get().rowCache) if (changedFrames.has(row.number)) stale.push(index);
      changedFrames.clear();
      if (stale.length === 0) return;
      const rowCache = new Map(get().rowCache);
      const rowBlocks = new Map(get().rowBlocks);
      for (const index of stale) {
        rowCache.delete(index);
        rowBlocks.delete(Math.floor(index / ROW_BLOCK));
      }
      set((s) => ({ rowCache, rowBlocks, rowsVersion: s.rowsVersion + 1 }));
    },
    resetRows() {
      generation++;
      inflight.clear();
      changedFrames.clear();
      set((s) => ({ rowCache: new Map(), rowBlocks: new Map(), rowsVersion: s.rowsVersion + 1 }));
    },
    setFollow: (followLive) => {
      if (get().followLive !== followLive) set({ followLive });
    },
    async markFrames(frames, marked) {
      try {
        const counts = await get().client['frame.mark'](frames, marked);
        const which = new Set(frames);
        const rowCache = new Map(get().rowCache);
        for (const [index, row] of rowCache) if (which.has(row.number)) rowCache.set(index, { ...row, marked });
        set((s) => ({ counts, rowCache, rowsVersion: s.rowsVersion + 1 }));
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },
  };
};
