/**
 * Renderer entry: connects to the engine (preload bridge or web host), builds the store, binds the
 * contract's events to it once, and mounts the React app. Nothing here touches any network but the
 * web host's own WebSocket on this origin.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { connect } from './api/client';
import { App } from './app/App';
import { detectLanguage, initI18n } from './i18n/index';
import { bindIpcToStore, createAppStore, loadPrefs, persistPrefs, StoreContext } from './store/index';
import { loadScripts, persistScripts } from './store/slices/scripts';
import './app/app.css';

const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();

const connection = connect();
const store = createAppStore(connection.client, connection.host);
store.setState({ language: detectLanguage(navigator.language), ...loadPrefs(storage) });
persistPrefs(store, storage);
store.setState(loadScripts(storage));
persistScripts(store, storage);
bindIpcToStore(connection.client, store, connection);
const i18n = initI18n(store.getState().language);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StoreContext.Provider>
  </StrictMode>,
);
