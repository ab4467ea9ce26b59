/**
 * A recording stand-in for the `electron` module (no Electron binary is needed to run the tests).
 * Use with `vi.mock('electron', () => import('./electron-mock'))`; read what was called from `recorded`.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** FakeWebContents records listeners and the window-open handler like Electron's WebContents. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
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
}

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

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  enableSandbox: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
  quit: vi.fn(),
});

/** createFakeSession returns a session whose permission handlers can be called by the test. */
export function createFakeSession() {
  return {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
}

export const session = { defaultSession: createFakeSession() };

export default { app, BrowserWindow, protocol, session };
