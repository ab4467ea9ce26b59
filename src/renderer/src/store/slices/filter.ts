/**
 * Filter slice: the display filter bar. The text is checked locally as the user types with the shared
 * `filterState` (so feedback is instant and worded exactly like the engine's), and applied with
 * `view.setFilter` on Enter. The engine's answer wins: if it rejects a filter the local check accepted,
 * its message is shown. Applying keeps the selected packet selected when it is still displayed.
 */
import type { FilterFeedback } from '../../../../shared/contract';
import { filterState } from '../../../../shared/filter/index';
import { errorText, type SliceCreator } from '../types';

/** FilterCheckKind is the colour of the bar: neutral (empty, incomplete), green, amber, red. */
export type FilterCheckKind = 'empty' | 'incomplete' | 'valid' | 'deprecated' | 'invalid';

/** FilterCheck is plain data for the bar: state, message, hint and the span of the offending token. */
export interface FilterCheck {
  kind: FilterCheckKind;
  message?: string;
  hint?: string;
  start?: number;
  length?: number;
  warnings?: { message: string; start: number; length: number; hint?: string }[];
}

/** FilterSlice: see the file comment. */
export interface FilterSlice {
  filterText: string;
  filterCheck: FilterCheck;
  appliedFilter: string;
  /** the engine's answer to the last apply of `filterFeedbackText` */
  filterFeedback: FilterFeedback | null;
  filterFeedbackText: string;
  filterBusy: boolean;
  setFilterText(text: string): void;
  /** applyFilter applies `text` (default: the bar's text); resolves true when the engine accepted it. */
  applyFilter(text?: string): Promise<boolean>;
}

export const createFilterSlice: SliceCreator<FilterSlice> = (set, get) => {
  const check = (text: string): FilterCheck => {
    const registry = get().registry;
    if (text.trim() === '') return { kind: 'empty' };
    if (!registry) return { kind: 'incomplete' };
    const state = filterState(text, registry);
    switch (state.kind) {
      case 'empty':
        return { kind: 'empty' };
      case 'valid':
        return state.filter.warnings.length > 0
          ? { kind: 'deprecated', warnings: state.filter.warnings.map((w) => ({ ...w })) }
          : { kind: 'valid' };
      case 'deprecated':
        return { kind: 'deprecated', warnings: [...state.warnings, ...state.filter.warnings].map((w) => ({ ...w })) };
      case 'incomplete':
      case 'invalid':
        return { kind: state.kind, ...state.error };
    }
  };

  return {
    filterText: '',
    filterCheck: { kind: 'empty' },
    appliedFilter: '',
    filterFeedback: null,
    filterFeedbackText: '',
    filterBusy: false,
    setFilterText(text) {
      set({ filterText: text, filterCheck: check(text) });
    },
    async applyFilter(text = get().filterText) {
      const local = check(text);
      set({ filterText: text, filterCheck: local });
      if (local.kind === 'invalid') {
        set({ filterFeedback: { ok: false, message: local.message, hint: local.hint, start: local.start, length: local.length }, filterFeedbackText: text });
        return false;
      }
      set({ filterBusy: true });
      get().resetRows();
      let feedback: FilterFeedback;
      try {
        feedback = await get().client['view.setFilter'](text);
      } catch (error) {
        feedback = { ok: false, message: errorText(error) };
      }
      if (feedback.cancelled) return false;
      set({ filterBusy: false, filterFeedback: feedback, filterFeedbackText: text });
      if (!feedback.ok) {
        if (get().filterText === text && feedback.message !== undefined && !feedback.timedOut) {
          set({ filterCheck: { kind: 'invalid', message: feedback.message, hint: feedback.hint, start: feedback.start, length: feedback.length } });
        }
        return false;
      }
      set({ appliedFilter: text });
      get().addRecentFilter(text);
      get().resetRows();
      if (feedback.displayed !== undefined) get().setCounts({ ...get().counts, displayed: feedback.displayed });
      const selected = get().selectedFrame;
      if (selected !== null) {
        const index = await get().client['view.indexOf'](selected).catch(() => -1);
        if (index < 0) get().clearSelection();
        else set({ selectedIndex: index });
      }
      return true;
    },
  };
};
