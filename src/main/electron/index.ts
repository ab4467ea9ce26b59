/**
 * Electron host entry (out/main/index.js, package.json "main"). It only wires the window, the `app://`
 * protocol and the security policy; the engine is bound to IPC elsewhere (src/main/electron/ipc, later).
 */
import path from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { denyAllPermissions, hardenWebContents, installAppProtocol, registerAppScheme } from './security';
import { createMainWindow } from './window';

// Bundled into out/main/, next to out/preload/ and out/renderer/.
const outDir = path.resolve(import.meta.dirname, '..');
const rendererDir = path.join(outDir, 'renderer');
const preloadPath = path.join(outDir, 'preload', 'index.cjs');
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];

app.enableSandbox();
registerAppScheme();

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void app.whenReady().then(() => {
  installAppProtocol(rendererDir);
  denyAllPermissions(session.defaultSession);
  createMainWindow({ preloadPath, devServerUrl });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow({ preloadPath, devServerUrl });
  });
});
