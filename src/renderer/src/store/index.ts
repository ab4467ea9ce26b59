/**
 * The renderer's one zustand store, built from slices (store/slices/*.ts), plus the one place where the
 * contract's events reach it: {@link bindIpcToStore}. Components read the store with selectors and never
 * subscribe to the client. Preferences are saved to localStorage here (the only "middleware").
 */
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Client } from '../../../shared/contract';
import type { Connection } from '../api/client';
import { createCaptureSlice } from './slices/capture';
import { createConnectionSlice } from './slices/connection';
import { createFilterSlice } from './slices/filter';
import { createFramesSlice } from './slices/frames';
import { createPrefsSlice, type PersistedPrefs } from './slices/prefs';
import { createSelectionSlice } from './slices/selection';
import { createUiSlice } from './slices/ui';
import { createConsoleSlice } from './slices/console';
import { createLabSlice } from './slices/lab';
import { createScriptsSlice } from './slices/scripts';
import { createRecoverySlice } from './slices/recovery';
import type { AppState } from './types';

export type { AppState } from './types';
export type AppStore = StoreApi<AppState>;

/** createAppStore builds the store around one client (tests pass a fake one). */
export function createAppStore(client: Client, host: 'electron' | 'web' = 'web'): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createConnectionSlice(client, host)(...a),
    ...createCaptureSlice(...a),
    ...createFramesSlice(...a),
    ...createSelectionSlice(...a),
    ...createFilterSlice(...a),
    ...createPrefsSlice(...a),
    ...createUiSlice(...a),
    ...createConsoleSlice(...a),
    ...createLabSlice(...a),
    ...createScriptsSlice(...a),
    ...createRecoverySlice(...a),
  }));
}

/** PREFS_KEY is the localStorage key of the saved preferences. */
export const PREFS_KEY = 'wirelab.prefs.v1';

/** loadPrefs reads saved preferences, ignoring anything malformed. */
export function loadPrefs(storage: Pick<Storage, 'getItem'> | undefined): Partial<PersistedPrefs> {
  try {
    const raw = storage?.getItem(PREFS_KEY);
    if (!raw) return {};
    const data = JSON.parse(raw) as Record<string, unknown>;
    const out: Partial<PersistedPrefs> = {};
    if (data.language === 'en' || data.language === 'zh-CN') out.language = data.language;
    if (data.theme === 'light' || data.theme === 'dark' || data.theme === 'system') out.theme = data.theme;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 10) : undefined);
    out.recentFilters = strings(data.recentFilters);
    out.recentFiles = strings(data.recentFiles);
    if (!out.recentFilters) delete out.recentFilters;
    if (!out.recentFiles) delete out.recentFiles;
    return out;
  } catch {
    return {};
  }
}

/** persistPrefs saves the preferences whenever they change; returns the unsubscribe function. */
export function persistPrefs(store: AppStore, storage: Pick<Storage, 'setItem'> | undefined): () => void {
  const pick = (s: AppState): PersistedPrefs => ({
    language: s.language,
    theme: s.theme,
    recentFilters: s.recentFilters,
    recentFiles: s.recentFiles,
  });
  let last = JSON.stringify(pick(store.getState()));
  return store.subscribe((state) => {
    const next = JSON.stringify(pick(state));
    if (next === last) return;
    last = next;
    try {
      storage?.setItem(PREFS_KEY, next);
    } catch {
      // Storage full or disabled: preferences simply are not remembered.
    }
  });
}

/** LAB_SERVER_POLL_MS is how often the lab server's status is re-read (it has no event). */
export const LAB_SERVER_POLL_MS = 5000;

/**
 * bindIpcToStore wires every contract event to a store action and loads the initial state. It is run
 * once at startup (and its cleanup on shutdown); it is the only code that subscribes to the client.
 */
export function bindIpcToStore(client: Client, store: AppStore, connection?: Pick<Connection, 'onState' | 'state'>): () => void {
  const s = () => store.getState();
  const loadAll = async () => {
    await Promise.all([s().loadAppInfo(), s().loadRegistry(), s().refreshLabServer()]);
    try {
      const [info, status] = await Promise.all([client['file.info'](), client['capture.status']()]);
      s().onReset(info);
      s().onCaptureStatus(status);
      // The engine may hold another filter than the one this page shows (after a reconnect, or one an
      // earlier page applied): ours goes to the engine, none included…
      if (s().appliedFilter !== '') void s().applyFilter(s().appliedFilter);
      else await client['view.setFilter']('');
      // …and so does our order (the engine answers with view.onSort).
      if (s().sortRequest !== null) void s().applySort(s().sortRequest);
      else await client['view.sort']('none', false);
    } catch (error) {
      s().notify('error', error instanceof Error ? error.message : String(error));
    }
    // Always, English too: the engine keeps the tree language another page (or an earlier session of
    // this one, in another language) set, and its labels must follow this page's language.
    void s().syncEngineLocale();
  };
  const offs = [
    client.on('view.onCounts', (counts) => {
      s().setCounts(counts);
      s().scheduleLabRefresh();
    }),
    client.on('view.onRowsChanged', (frames) => s().rowsChanged(frames)),
    client.on('view.onSort', (state) => s().onSortState(state)),
    client.on('view.onRows', ({ start, rows }) => s().pushRows(start, rows)),
    client.on('view.onReset', (info) => {
      s().onReset(info);
      s().clearLab();
      s().scheduleLabRefresh();
    }),
    client.on('console.onOutput', (output) => s().onConsoleOutput(output)),
    client.on('capture.onStatus', (status) => s().onCaptureStatus(status)),
    client.on('app.onError', ({ message }) => s().notify('error', message)),
  ];
  if (connection) {
    s().setConnection(connection.state());
    let wasClosed = false;
    offs.push(
      connection.onState((state) => {
        s().setConnection(state);
        if (state === 'closed') wasClosed = true;
        if (state === 'open' && wasClosed) {
          wasClosed = false;
          void loadAll();
        }
      }),
    );
  }
  // Once per start: a capture an earlier run left unsaved is offered (not again after a reconnect).
  void loadAll().then(() => s().checkRecoverable());
  const timer = setInterval(() => void s().refreshLabServer(), LAB_SERVER_POLL_MS);
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
  };
}

/** StoreContext carries the store to the React tree. */
export const StoreContext = createContext<AppStore | null>(null);

/** useApp reads the store with a selector (use `useShallow` for several fields). */
export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext.Provider>');
  return useStore(store, selector);
}

/** useAppStore gives the store itself (transient subscriptions, getState in handlers). */
export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return store;
}
