/**
 * Selection slice: the selected packet (frame number and displayed-row index), its detail tree and data
 * sources fetched once with `frame.detail`, the selected tree item, expansion, and the Packet Bytes tab
 * and highlight. Selecting a tree item highlights its bytes (`src`, `start`, `length`) and selects its
 * tab; selecting a byte selects the deepest item covering it. Answers for a frame that is no longer
 * selected are dropped.
 */
import type { FrameDetail } from '../../../../shared/contract';
import { deepestAt, keysAlongPath, nodeAtPath, nodeKey, subtreeKeys, allKeys } from '../detail-tree';
import { errorText, type SliceCreator } from '../types';

/** ByteRange is the highlighted part of a data source. */
export interface ByteRange {
  src: number;
  start: number;
  length: number;
}

/** SelectionSlice: see the file comment. */
export interface SelectionSlice {
  selectedFrame: number | null;
  /** selectedIndex is the displayed-row index of the selected frame (-1 when not displayed). */
  selectedIndex: number;
  detail: FrameDetail | null;
  detailLoading: boolean;
  selectedPath: string | null;
  expanded: ReadonlySet<string>;
  byteSource: number;
  highlight: ByteRange | null;
  /** selectRow selects the row at a displayed index (fetching its frame number if not cached). */
  selectRow(index: number): Promise<void>;
  /**
   * reloadDetail fetches the selected frame's detail again (the engine's tree language changed), keeping
   * the selected item, expansion and byte tab: the tree has the same structure, only its labels differ.
   */
  reloadDetail(): Promise<void>;
  /** goToFrame selects a frame by number; false when it is not displayed. */
  goToFrame(frame: number): Promise<boolean>;
  clearSelection(): void;
  selectNode(path: string | null): void;
  toggleNode(key: string): void;
  setExpanded(key: string, expanded: boolean): void;
  expandSubtree(path: string, expanded: boolean): void;
  expandAll(expanded: boolean): void;
  setByteSource(src: number): void;
  selectByte(src: number, offset: number): void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set, get) => {
  let detailRequest = 0;

  const loadDetail = async (frame: number) => {
    const request = ++detailRequest;
    set({ detailLoading: true });
    try {
      const detail = await get().client['frame.detail'](frame);
      if (request !== detailRequest) return;
      set({ detail, detailLoading: false, selectedPath: null, highlight: null, byteSource: 0 });
    } catch (error) {
      if (request !== detailRequest) return;
      set({ detail: null, detailLoading: false });
      get().notify('error', errorText(error));
    }
  };

  const select = (frame: number, index: number) => {
    if (get().selectedFrame === frame && get().detail?.number === frame) {
      if (get().selectedIndex !== index) set({ selectedIndex: index });
      return Promise.resolve();
    }
    set({ selectedFrame: frame, selectedIndex: index });
    return loadDetail(frame);
  };

  return {
    selectedFrame: null,
    selectedIndex: -1,
    detail: null,
    detailLoading: false,
    selectedPath: null,
    expanded: new Set<string>(),
    byteSource: 0,
    highlight: null,
    async selectRow(index) {
      const total = get().counts.displayed;
      if (total === 0) return;
      const clamped = Math.max(0, Math.min(total - 1, index));
      let row = get().rowAt(clamped);
      if (!row) {
        try {
          row = (await get().client['view.rows'](clamped, 1))[0];
        } catch (error) {
          get().notify('error', errorText(error));
          return;
        }
      }
      if (row) await select(row.number, clamped);
    },
    async goToFrame(frame) {
      let index: number;
      try {
        index = await get().client['view.indexOf'](frame);
      } catch (error) {
        get().notify('error', errorText(error));
        return false;
      }
      if (index < 0) return false;
      set({ followLive: false });
      await select(frame, index);
      return true;
    },
    async reloadDetail() {
      const frame = get().selectedFrame;
      if (frame === null) return;
      const request = ++detailRequest;
      try {
        const detail = await get().client['frame.detail'](frame);
        if (request !== detailRequest || get().selectedFrame !== frame) return;
        set({ detail, detailLoading: false });
      } catch (error) {
        if (request !== detailRequest) return;
        get().notify('error', errorText(error));
      }
    },
    clearSelection() {
      detailRequest++;
      set({ selectedFrame: null, selectedIndex: -1, detail: null, detailLoading: false, selectedPath: null, highlight: null, byteSource: 0 });
    },
    selectNode(path) {
      const detail = get().detail;
      const node = path !== null && detail ? nodeAtPath(detail.tree, path) : undefined;
      if (!node || path === null) {
        set({ selectedPath: null, highlight: null });
        return;
      }
      const highlight = node.length > 0 ? { src: node.src, start: node.start, length: node.length } : null;
      set({ selectedPath: path, highlight, byteSource: node.length > 0 ? node.src : get().byteSource });
    },
    toggleNode(key) {
      get().setExpanded(key, !get().expanded.has(key));
    },
    setExpanded(key, isExpanded) {
      if (get().expanded.has(key) === isExpanded) return;
      const expanded = new Set(get().expanded);
      if (isExpanded) expanded.add(key);
      else expanded.delete(key);
      set({ expanded });
    },
    expandSubtree(path, isExpanded) {
      const detail = get().detail;
      const node = detail ? nodeAtPath(detail.tree, path) : undefined;
      if (!detail || !node) return;
      const keys = keysAlongPath(detail.tree, path);
      const key = keys[keys.length - 1] ?? nodeKey(node, '');
      const expanded = new Set(get().expanded);
      for (const k of subtreeKeys(node, key)) isExpanded ? expanded.add(k) : expanded.delete(k);
      set({ expanded });
    },
    expandAll(isExpanded) {
      const detail = get().detail;
      if (!detail) return;
      set({ expanded: isExpanded ? new Set([...get().expanded, ...allKeys(detail.tree)]) : new Set() });
    },
    setByteSource: (byteSource) => set({ byteSource }),
    selectByte(src, offset) {
      const detail = get().detail;
      if (!detail) return;
      const path = deepestAt(detail.tree, src, offset);
      if (path === undefined) return;
      const keys = keysAlongPath(detail.tree, path);
      const expanded = new Set(get().expanded);
      for (const k of keys.slice(0, -1)) expanded.add(k);
      set({ expanded });
      get().selectNode(path);
    },
  };
};
