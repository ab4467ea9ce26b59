/**
 * The main window. All security-relevant options come from ./security so they are asserted in one test.
 */
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL, secureWebPreferences } from './security';

/** MainWindowOptions says where the preload is and, in `electron-vite dev` only, the dev server URL. */
export interface MainWindowOptions {
  preloadPath: string;
  devServerUrl?: string;
}

/** isLoopbackDevServer accepts only an http URL on 127.0.0.1 / localhost / ::1 (electron-vite dev). */
export function isLoopbackDevServer(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  } catch {
    return false;
  }
}

/** createMainWindow opens the three-pane window and loads the renderer. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Wirelab',
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  const url = isLoopbackDevServer(options.devServerUrl) ? options.devServerUrl : APP_ENTRY_URL;
  void window.loadURL(url);
  return window;
}
