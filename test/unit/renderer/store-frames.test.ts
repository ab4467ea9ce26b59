/** Frames-view slice: rows fetched by block for the visible window only, cache bounds and invalidation. */
import { beforeEach, describe, expect, it } from 'vitest';
import { bindIpcToStore, createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import { MAX_BLOCKS, nextSort, ROW_BLOCK, ROWS_CHANGED_DELAY_MS } from '../../../src/renderer/src/store/slices/frames';
import { fakeClient, row, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;

beforeEach(() => {
  client = fakeClient(1_000_000);
  store = createAppStore(client);
  store.getState().setCounts({ frames: 1_000_000, displayed: 1_000_000, marked: 0 });
});

describe('frames slice', () => {
  it('fetches only the blocks covering the window after a jump, once, then one block ahead', async () => {
    store.getState().ensureRows(500_000, 500_040);
    await settle();
    const calls = client.mock('view.rows').mock.calls;
    const start = Math.floor(500_000 / ROW_BLOCK) * ROW_BLOCK;
    expect(calls).toEqual([[start, ROW_BLOCK]]);
    expect(store.getState().rowAt(500_010)?.number).toBe(500_011);
    // Staying there (or scrolling on) asks for the next block, once; the window's block is not asked again.
    store.getState().ensureRows(500_000, 500_040);
    store.getState().ensureRows(500_001, 500_041);
    store.getState().ensureRows(500_001, 500_041);
    await settle();
    expect(client.mock('view.rows').mock.calls).toEqual([
      [start, ROW_BLOCK],
      [start + ROW_BLOCK, ROW_BLOCK],
    ]);
    expect(store.getState().rowAt(start + ROW_BLOCK + 5)?.number).toBe(start + ROW_BLOCK + 6);
  });

  it('updates the store once per fetched block, not once per row', async () => {
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().ensureRows(0, ROW_BLOCK * 3 - 1);
    await settle();
    // three visible blocks and the one prefetched below them
    expect(updates).toBe(4);
    expect(store.getState().rowCache.size).toBe(ROW_BLOCK * 4);
  });

  it('prefetches in the direction of scrolling, so wheel scrolling finds its rows cached', async () => {
    const calls = () => client.mock('view.rows').mock.calls.map(([start]) => start / ROW_BLOCK);
    const window = 40;
    // Scrolling down a few rows at a time through two blocks: the next block is asked for before the
    // window reaches it, and every block is asked for once.
    store.getState().ensureRows(10 * ROW_BLOCK, 10 * ROW_BLOCK + window); // the jump there
    for (let first = 10 * ROW_BLOCK + 5; first < 12 * ROW_BLOCK; first += 5) {
      store.getState().ensureRows(first, first + window);
      await settle();
      const lastBlock = Math.floor((first + window) / ROW_BLOCK);
      expect(store.getState().rowBlocks.has(lastBlock + 1)).toBe(true);
    }
    expect(calls()).toEqual([10, 11, 12, 13]);
    // Now upwards from block 20 (a jump: nothing prefetched): block 19 comes before the window gets there.
    client.mock('view.rows').mockClear();
    store.getState().ensureRows(20 * ROW_BLOCK + 10, 20 * ROW_BLOCK + 10 + window);
    await settle();
    expect(calls()).toEqual([20]);
    store.getState().ensureRows(20 * ROW_BLOCK + 5, 20 * ROW_BLOCK + 5 + window);
    await settle();
    expect(calls()).toEqual([20, 19]);
    expect(store.getState().rowAt(19 * ROW_BLOCK)?.number).toBe(19 * ROW_BLOCK + 1);
  });

  it('keeps pushed rows (view.onRows) as a loaded block: painted without asking, refetched when more exist', async () => {
    store = createAppStore(client);
    const unbind = bindIpcToStore(client, store);
    await settle();
    client.emit('view.onReset', { source: 'file', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } });
    client.mock('view.rows').mockClear();
    client.emit('view.onRows', { start: 0, rows: Array.from({ length: 40 }, (_, i) => row(i + 1)) });
    client.emit('view.onCounts', { frames: 40, displayed: 40, marked: 0 });
    expect(store.getState().rowAt(39)?.number).toBe(40);
    store.getState().ensureRows(0, 39);
    await settle();
    expect(client.mock('view.rows')).not.toHaveBeenCalled();
    // More frames loaded: the partial block is asked for again.
    client.emit('view.onCounts', { frames: 300, displayed: 300, marked: 0 });
    store.getState().ensureRows(0, 39);
    await settle();
    expect(client.mock('view.rows').mock.calls[0]).toEqual([0, ROW_BLOCK]);
    // Rows that do not start a block are not kept (a block must be whole from its first row).
    client.emit('view.onRows', { start: 5, rows: [row(6)] });
    expect(store.getState().rowBlocks.has(0)).toBe(true);
    unbind();
  });

  it('prefetches nothing beyond either end of the view', async () => {
    store.getState().setCounts({ frames: 1000, displayed: 1000, marked: 0 });
    store.getState().ensureRows(960, 999);
    await settle();
    store.getState().ensureRows(0, 40);
    await settle();
    store.getState().ensureRows(0, 39);
    await settle();
    const starts = client.mock('view.rows').mock.calls.map(([start]) => start);
    expect(starts).toEqual([896, 0, 128]);
    expect(starts.every((s) => s < 1000)).toBe(true);
  });

  it('keeps at most MAX_BLOCKS blocks, evicting the least recently used', async () => {
    for (let b = 0; b < MAX_BLOCKS + 5; b++) {
      store.getState().ensureRows(b * ROW_BLOCK * 10, b * ROW_BLOCK * 10);
      await settle();
    }
    expect(store.getState().rowBlocks.size).toBe(MAX_BLOCKS);
    expect(store.getState().rowCache.size).toBeLessThanOrEqual(MAX_BLOCKS * ROW_BLOCK);
    expect(store.getState().rowAt(0)).toBeUndefined();
  });

  it('refetches a partial last block when more rows arrive (live capture)', async () => {
    let available = 10;
    client.mock('view.rows').mockImplementation(async (start: number, count: number) =>
      Array.from({ length: Math.max(0, Math.min(count, available - start)) }, (_, i) => row(start + i + 1)),
    );
    store.getState().setCounts({ frames: 10, displayed: 10, marked: 0 });
    store.getState().ensureRows(0, 9);
    await settle();
    store.getState().ensureRows(0, 9);
    await settle();
    expect(client.mock('view.rows').mock.calls).toHaveLength(1);
    available = 20;
    store.getState().setCounts({ frames: 20, displayed: 20, marked: 0 });
    store.getState().ensureRows(0, 19);
    await settle();
    expect(client.mock('view.rows').mock.calls).toHaveLength(2);
    expect(store.getState().rowAt(19)?.number).toBe(20);
  });

  it('drops rows named by view.onRowsChanged and everything on reset', async () => {
    store.getState().ensureRows(0, 10);
    await settle();
    store.getState().rowsChanged([3]);
    store.getState().flushRowsChanged();
    expect(store.getState().rowAt(2)).toBeUndefined();
    store.getState().ensureRows(0, 10);
    await settle();
    expect(store.getState().rowAt(2)?.number).toBe(3);
    store.getState().resetRows();
    expect(store.getState().rowCache.size).toBe(0);
  });

  it('coalesces a storm of view.onRowsChanged into one store update', async () => {
    store.getState().ensureRows(0, 300);
    await settle();
    let updates = 0;
    const off = store.subscribe(() => updates++);
    for (let n = 1; n <= 5000; n++) store.getState().rowsChanged([n]);
    expect(updates).toBe(0);
    await new Promise((r) => setTimeout(r, ROWS_CHANGED_DELAY_MS * 3));
    off();
    expect(updates).toBe(1);
    expect(store.getState().rowCache.size).toBe(0);
  });

  it('ignores row changes for frames that are not cached', async () => {
    store.getState().ensureRows(0, 10);
    await settle();
    const version = store.getState().rowsVersion;
    store.getState().rowsChanged([999_999]);
    store.getState().flushRowsChanged();
    expect(store.getState().rowsVersion).toBe(version);
  });

  it('discards answers that arrive after a reset', async () => {
    store.getState().ensureRows(0, 10);
    store.getState().resetRows();
    await settle();
    expect(store.getState().rowCache.size).toBe(0);
  });

  it('marks frames through frame.mark and updates cached rows and counts', async () => {
    store.getState().ensureRows(0, 10);
    await settle();
    await store.getState().markFrames([2], true);
    expect(client.mock('frame.mark')).toHaveBeenCalledWith([2], true);
    expect(store.getState().rowAt(1)).toEqual({ ...row(2), marked: true });
    expect(store.getState().counts.marked).toBe(1);
  });
});

describe('frames slice: sorting', () => {
  it('cycles a header ascending → descending → capture order (nextSort)', () => {
    expect(nextSort(null, 'length')).toEqual({ column: 'length', descending: false });
    expect(nextSort({ column: 'length', descending: false }, 'length')).toEqual({ column: 'length', descending: true });
    expect(nextSort({ column: 'length', descending: true }, 'length')).toBeNull();
    expect(nextSort({ column: 'length', descending: true }, 'info')).toEqual({ column: 'info', descending: false });
  });

  it('sortBy asks the engine, drops the cached rows and keeps the selected frame selected at its new row', async () => {
    client = fakeClient(1000);
    store = createAppStore(client);
    const unbind = bindIpcToStore(client, store);
    await settle();
    store.getState().setCounts({ frames: 1000, displayed: 1000, marked: 0 });
    store.getState().ensureRows(0, 10);
    await settle();
    await store.getState().selectRow(2); // frame 3
    await settle();
    expect(store.getState().selectedFrame).toBe(3);

    await store.getState().sortBy('no');
    await settle();
    expect(client.mock('view.sort').mock.calls.at(-1)).toEqual(['no', false]);
    expect(store.getState().viewSort).toEqual({ column: 'no', descending: false });

    await store.getState().sortBy('no');
    await settle();
    expect(client.mock('view.sort').mock.calls.at(-1)).toEqual(['no', true]);
    expect(store.getState().viewSort).toEqual({ column: 'no', descending: true });
    expect(store.getState().rowCache.size).toBe(0);
    expect(store.getState().selectedFrame).toBe(3);
    expect(store.getState().selectedIndex).toBe(997);
    store.getState().ensureRows(0, 2);
    await settle();
    expect(store.getState().rowAt(0)?.number).toBe(1000);

    await store.getState().sortBy('no');
    await settle();
    expect(client.mock('view.sort').mock.calls.at(-1)).toEqual(['none', false]);
    expect(store.getState().viewSort).toBeNull();
    expect(store.getState().selectedIndex).toBe(2);
    unbind();
  });

  it('shows a long sort\'s progress and clears it, and a dropped sort forgets the request', () => {
    store.getState().onSortState({ sort: null, sorting: { column: 'info', descending: false, progress: 0.4 } });
    expect(store.getState().sorting).toEqual({ column: 'info', descending: false, progress: 0.4 });
    store.getState().onSortState({ sort: { column: 'info', descending: false } });
    expect(store.getState().sorting).toBeNull();
    expect(store.getState().viewSort).toEqual({ column: 'info', descending: false });
    store.setState({ sortRequest: { column: 'info', descending: false } });
    store.getState().onSortState({ sort: null, dropped: true });
    expect(store.getState().viewSort).toBeNull();
    expect(store.getState().sortRequest).toBeNull();
  });
});
