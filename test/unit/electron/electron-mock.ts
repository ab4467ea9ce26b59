/**
 * A recording stand-in for the `electron` module (no Electron binary is needed to run the tests).
 * Use with `vi.mock('electron', () => import('./electron-mock'))`; read what was called from `recorded`.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

/** FakeFrame stands in for WebFrameMain: a URL, ids and a parent (null for a main frame). */
export class FakeFrame {
  private static nextRoutingId = 1;
  readonly routingId = FakeFrame.nextRoutingId++;
  constructor(
    public url: string,
    readonly parent: FakeFrame | null = null,
    readonly processId = 1,
  ) {}
}

/** FakeWebContents records listeners, the window-open handler and sent messages like Electron's WebContents. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly mainFrame = new FakeFrame('app://wirelab/index.html');
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {}
  toggleDevTools(): void {}
}

/** FakeBrowserWindow records its constructor options and the loaded URL. */
export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  static getAllWindows = (): FakeBrowserWindow[] => FakeBrowserWindow.created;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {}
  destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

/** FakeIpcMain records handlers by channel, as ipcMain.handle / ipcMain.on do. */
export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new FakeIpcMain();

export const recorded = {
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
};

export const protocol = {
  registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes)),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
    recorded.protocolHandlers.set(scheme, handler);
  }),
};

export const BrowserWindow = FakeBrowserWindow;

/** userData is a fresh temporary folder per test file (Open Recent is saved there). */
const userData = mkdtempSync(path.join(tmpdir(), 'wirelab-userdata-'));

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  enableSandbox: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
  quit: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  getVersion: vi.fn(() => '0.1.0'),
  getPath: vi.fn((_name: string) => userData),
});

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const dialog = {
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' })),
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 2, checkboxChecked: false })),
};

/** Renderer-side modules (the preload): the tests replace their functions with spies as needed. */
export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
  send: vi.fn(),
});
export const webUtils = { getPathForFile: vi.fn((_file: unknown) => '') };

/** createFakeSession returns a session whose permission handlers can be called by the test. */
export function createFakeSession() {
  return {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
}

export const session = { defaultSession: createFakeSession() };

export default {
  app,
  BrowserWindow,
  protocol,
  session,
  ipcMain,
  Menu,
  dialog,
  contextBridge,
  ipcRenderer,
  webUtils,
};
