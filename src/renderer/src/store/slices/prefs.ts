/**
 * Prefs slice: UI language, theme, recent filters and files. store/index.ts loads and saves them
 * (localStorage); the slice itself is storage-free so it tests without a DOM.
 *
 * `locale` is the language of the engine's Packet Details labels: the language switch calls
 * `syncEngineLocale`, which sends the `gui.locale` preference (the engine translates trees with its label
 * catalogue, docs/i18n.md) and then fetches the selected frame's tree again in the new language. An
 * engine that refuses the preference leaves the labels English (`locale` 'en') and says why.
 */
import type { Language } from '../../i18n/index';
import { errorText, type SliceCreator } from '../types';

/** Theme is the colour scheme; 'system' follows prefers-color-scheme. */
export type Theme = 'light' | 'dark' | 'system';

/** MAX_RECENT bounds each recent list. */
export const MAX_RECENT = 10;

/** ENGINE_LOCALE_PREF is the engine preference that selects the tree-label language. */
export const ENGINE_LOCALE_PREF = 'gui.locale';

/** PersistedPrefs are the fields saved between sessions. */
export interface PersistedPrefs {
  language: Language;
  theme: Theme;
  recentFilters: string[];
  recentFiles: string[];
}

/** PrefsSlice: see the file comment. */
export interface PrefsSlice extends PersistedPrefs {
  /** locale of the engine's tree labels (what the engine accepted for ENGINE_LOCALE_PREF). */
  locale: string;
  setLanguage(language: Language): void;
  setTheme(theme: Theme): void;
  addRecentFilter(text: string): void;
  addRecentFile(path: string): void;
  syncEngineLocale(): Promise<void>;
}

function pushRecent(list: string[], item: string): string[] {
  const trimmed = item.trim();
  if (trimmed === '') return list;
  return [trimmed, ...list.filter((x) => x !== trimmed)].slice(0, MAX_RECENT);
}

export const createPrefsSlice: SliceCreator<PrefsSlice> = (set, get) => ({
  language: 'en',
  theme: 'system',
  recentFilters: [],
  recentFiles: [],
  locale: 'en',
  setLanguage(language) {
    set({ language });
    void get().syncEngineLocale();
  },
  setTheme: (theme) => set({ theme }),
  addRecentFilter: (text) => set((s) => ({ recentFilters: pushRecent(s.recentFilters, text) })),
  addRecentFile: (path) => set((s) => ({ recentFiles: pushRecent(s.recentFiles, path) })),
  async syncEngineLocale() {
    const language = get().language;
    try {
      await get().client['prefs.set'](ENGINE_LOCALE_PREF, language);
    } catch (error) {
      set({ locale: 'en' });
      if (language !== 'en') get().notify('error', errorText(error));
      return;
    }
    if (get().language !== language) return; // switched again meanwhile; that call re-fetches
    set({ locale: language });
    await get().reloadDetail();
  },
});
