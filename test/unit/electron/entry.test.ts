import { describe, expect, it, vi } from 'vitest';
import { METHODS } from '../../../src/shared/contract';

vi.mock('electron', () => import('./electron-mock'));

/** The engine is replaced by a fake (no lab server on fixed ports in a unit test); its events are real. */
const engine = vi.hoisted(() => ({ instances: [] as unknown[] }));
vi.mock('../../../src/main/engine/workbench', async () => {
  const { EngineEvents } = await import('../../../src/main/engine/events');
  class FakeWorkbench {
    readonly events = new EngineEvents();
    readonly start = vi.fn(async () => undefined);
    readonly stop = vi.fn(async () => undefined);
    constructor(readonly options: unknown) {
      engine.instances.push(this);
    }
    'file.info'() {
      return { source: 'none', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } };
    }
    readonly 'file.open' = vi.fn(async (path: string) => ({
      source: 'file',
      path,
      unsaved: false,
      counts: { frames: 0, displayed: 0, marked: 0 },
    }));
    'capture.status'() {
      return { state: 'idle', packets: 0, bytes: 0, dropped: 0 };
    }
  }
  return { Workbench: FakeWorkbench };
});

const mock = await import('./electron-mock');

describe('Electron entry (src/main/electron/index.ts)', () => {
  it('sandboxes all renderers, registers app:// before ready and hardens every web contents', async () => {
    await import('../../../src/main/electron/index');
    expect(mock.app.enableSandbox).toHaveBeenCalledOnce();
    expect(mock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();
    expect(mock.app.requestSingleInstanceLock).toHaveBeenCalledOnce();

    const contents = new mock.FakeWebContents();
    mock.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.listenerCount('will-navigate')).toBe(1);

    await vi.waitFor(() => expect(mock.FakeBrowserWindow.created.length).toBe(1));
    expect(mock.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(mock.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    const [window] = mock.FakeBrowserWindow.created;
    expect(window?.options['webPreferences']).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(String((window?.options['webPreferences'] as { preload: string }).preload)).toMatch(
      /out[\\/]preload[\\/]index\.cjs$|preload[\\/]index\.cjs$/,
    );
  });

  it('starts the engine as the electron host and binds every contract method to IPC', () => {
    expect(engine.instances).toHaveLength(1);
    const workbench = engine.instances[0] as { options: unknown; start: () => void };
    expect(workbench.options).toMatchObject({ host: 'electron' });
    expect(workbench.start).toHaveBeenCalledOnce();
    expect([...mock.ipcMain.handlers.keys()].sort()).toEqual(
      Object.keys(METHODS)
        .map((m) => `wirelab:${m}`)
        .sort(),
    );
  });

  it('installs the application menu', async () => {
    await vi.waitFor(() => expect(mock.Menu.setApplicationMenu).toHaveBeenCalled());
    const template = mock.Menu.buildFromTemplate.mock.calls.at(-1)?.[0] as { label?: string }[];
    expect(template.map((item) => item.label).filter(Boolean)).toEqual([
      '&File',
      '&Edit',
      '&View',
      '&Go',
      '&Capture',
      '&Help',
    ]);
  });

  it('opens the file of a second instance (resolved against its folder) once the page has loaded', async () => {
    const [window] = mock.FakeBrowserWindow.created;
    window?.webContents.emit('did-finish-load');
    mock.app.emit(
      'second-instance',
      {},
      ['/opt/electron', '.', '--enable-logging', 'lab/smtp.pcapng'],
      '/home/student',
    );
    const workbench = engine.instances[0] as { 'file.open': ReturnType<typeof vi.fn> };
    await vi.waitFor(() =>
      expect(workbench['file.open']).toHaveBeenCalledWith('/home/student/lab/smtp.pcapng'),
    );
  });

  it('asks before quitting only when a capture is unsaved, and stops the engine before the app exits', async () => {
    const before = { preventDefault: vi.fn() };
    mock.app.emit('before-quit', before);
    expect(before.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(mock.app.quit).toHaveBeenCalled());
    expect(mock.dialog.showMessageBox).not.toHaveBeenCalled();
    const willQuit = { preventDefault: vi.fn() };
    mock.app.emit('will-quit', willQuit);
    expect(willQuit.preventDefault).toHaveBeenCalledOnce();
    const workbench = engine.instances[0] as { stop: () => void };
    await vi.waitFor(() => expect(workbench.stop).toHaveBeenCalledOnce());
    // The second round goes through.
    const again = { preventDefault: vi.fn() };
    mock.app.emit('before-quit', again);
    mock.app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
