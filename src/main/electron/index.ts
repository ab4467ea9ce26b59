/**
 * Electron host entry (out/main/index.js, package.json "main"): one instance per user (a second start
 * hands its file to the first), the engine with the built-in lab mail server, the `app://` protocol and
 * security policy, the main window, the contract bound to IPC through one validating wrapper (./ipc), the
 * menu (./menu), files from the command line, drops and Open Recent (./host), and the "unsaved capture"
 * prompt before quitting.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { Workbench } from '../engine/workbench';
import { ElectronHost, fileFromArgv } from './host';
import { bindContractToIpc, trustedUrlCheck } from './ipc';
import { buildMenuTemplate } from './menu';
import { denyAllPermissions, hardenWebContents, installAppProtocol, registerAppScheme } from './security';
import { createElectronService } from './service';
import { RecentFiles, UserPaths } from './user-files';
import { createMainWindow, isLoopbackDevServer } from './window';

// Bundled into out/main/, next to out/preload/ and out/renderer/.
const outDir = path.resolve(import.meta.dirname, '..');
const rendererDir = path.join(outDir, 'renderer');
const preloadPath = path.join(outDir, 'preload', 'index.cjs');
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const trustedDevServer = isLoopbackDevServer(devServerUrl) ? devServerUrl : undefined;

app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Wirelab runs: it received our command line in 'second-instance' and opens the file.
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  let mainWindow: BrowserWindow | null = null;
  const getWindow = () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null);

  const workbench = new Workbench({ host: 'electron', version: app.getVersion() });
  const recent = new RecentFiles(path.join(app.getPath('userData'), 'recent-files.json'));
  const userPaths = new UserPaths(recent);
  const host = new ElectronHost({
    engine: workbench,
    events: workbench.events,
    dialog,
    getWindow,
    userPaths,
    recent,
    production: app.isPackaged,
    versions: {
      app: app.getVersion(),
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      node: process.versions.node,
      v8: process.versions.v8,
    },
  });
  const service = createElectronService({ engine: workbench, dialogs: host.dialogs, userPaths, recent });

  // Files named before the window exists (command line, macOS open-file) wait for it.
  let pendingFile = fileFromArgv(process.argv, { isPackaged: app.isPackaged, cwd: process.cwd() });
  let ready = false;
  const openWhenReady = (file: string, origin: 'command-line' | 'drop') => {
    if (ready) void host.openPath(file, origin);
    else pendingFile = file;
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const window = getWindow();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const file = fileFromArgv(argv, { isPackaged: app.isPackaged, cwd: workingDirectory });
    if (file) openWhenReady(file, 'command-line');
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openWhenReady(file, 'command-line');
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const rebuildMenu = async () => {
    const state = await host.menuState();
    const template = buildMenuTemplate(state, {
      open: () => void host.open(),
      openRecent: (file) => void host.openPath(file, 'recent'),
      clearRecent: () => recent.clear(),
      save: () => void host.save(),
      saveAs: () => void host.saveAs(),
      stopCapture: () => void host.stopCapture(),
      ui: (command) => host.ui(command),
      about: () => void host.about(),
      quit: () => app.quit(),
      reload: () => getWindow()?.webContents.reload(),
      toggleDevTools: () => getWindow()?.webContents.toggleDevTools(),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const refreshMenu = () => void rebuildMenu().catch(() => undefined);
  recent.onChange(refreshMenu);
  workbench.events.on('view.onReset', refreshMenu);
  workbench.events.on('capture.onStatus', (status) => {
    const capturing = status.state === 'capturing';
    const changed = capturing !== host.isCapturing;
    host.setCapturing(capturing);
    if (changed || status.state === 'stopped' || status.state === 'error') refreshMenu();
  });

  // The "unsaved capture" prompt: once before quitting, whether from the menu, Ctrl+Q or closing the window.
  let quitConfirmed = false;
  let prompting = false;
  let engineStopped = false;
  const guardQuit = (event: { preventDefault(): void }) => {
    if (quitConfirmed) return;
    event.preventDefault();
    if (prompting) return;
    prompting = true;
    void host
      .confirmDiscard('quit')
      .then((ok) => {
        if (!ok) return;
        quitConfirmed = true;
        app.quit();
      })
      .finally(() => (prompting = false));
  };
  app.on('before-quit', guardQuit);
  app.on('will-quit', (event) => {
    if (engineStopped) return;
    event.preventDefault();
    // The unsaved prompt ran in before-quit: the user saved or chose not to, so no spool is kept.
    void workbench.stop({ discardUnsaved: true }).finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  const openWindow = () => {
    const window = createMainWindow({ preloadPath, devServerUrl });
    mainWindow = window;
    // Closing the last window quits (except on macOS): ask first, from the window that is closing.
    if (process.platform !== 'darwin') window.on('close', guardQuit);
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    return window;
  };

  void app.whenReady().then(async () => {
    installAppProtocol(rendererDir);
    denyAllPermissions(session.defaultSession);
    bindContractToIpc({
      ipcMain,
      service,
      events: workbench.events,
      getWindow,
      isTrustedUrl: trustedUrlCheck(trustedDevServer),
      onDrop: (paths) => void host.openPath(paths[0], 'drop'),
      onRejected: (channel, reason) => console.warn(`wirelab: refused IPC on ${channel}: ${reason}`),
    });
    await workbench.start();
    refreshMenu();
    const window = openWindow();
    window.webContents.once('did-finish-load', () => {
      ready = true;
      if (pendingFile) void host.openPath(pendingFile, 'command-line');
      pendingFile = undefined;
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });
}
