/**
 * The Electron host's own behaviour with plain fakes (no Electron): the menu template (Wireshark's
 * accelerators, Ctrl+E toggling, reload only in development, Open Recent), the "unsaved capture" prompt
 * (Save / Don't Save / Cancel) before opening another file or quitting, Save As, the Ctrl+E toggle, menu
 * commands sent to the UI as `app.onMenu`, About, and files named on a command line.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { CaptureInfo, Service } from '../../../src/shared/contract';
import { EngineEvents } from '../../../src/main/engine/events';
import { ElectronHost, fileFromArgv } from '../../../src/main/electron/host';
import {
  buildMenuTemplate,
  findMenuItem,
  type MenuActions,
  type MenuState,
} from '../../../src/main/electron/menu';
import { RecentFiles, UserPaths } from '../../../src/main/electron/user-files';

function actions(): { [K in keyof MenuActions]: MenuActions[K] & ReturnType<typeof vi.fn> } {
  const names = [
    'open',
    'openRecent',
    'clearRecent',
    'save',
    'saveAs',
    'stopCapture',
    'ui',
    'about',
    'quit',
    'reload',
    'toggleDevTools',
  ];
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as never;
}

const STATE: MenuState = {
  capturing: false,
  unsaved: false,
  hasFrames: true,
  recent: [],
  production: true,
  platform: 'linux',
};
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as () => void)();

describe('menu template', () => {
  it('has Wireshark accelerators', () => {
    const t = buildMenuTemplate(STATE, actions());
    const acc = (id: string) => findMenuItem(t, id)?.accelerator;
    expect(acc('file.open')).toBe('CmdOrCtrl+O');
    expect(acc('file.save')).toBe('CmdOrCtrl+S');
    expect(acc('file.saveAs')).toBe('CmdOrCtrl+Shift+S');
    expect(acc('file.quit')).toBe('CmdOrCtrl+Q');
    expect(acc('capture.options')).toBe('CmdOrCtrl+K');
    expect(acc('capture.restart')).toBe('CmdOrCtrl+R');
    expect(acc('go.toPacket')).toBe('CmdOrCtrl+G');
    expect(acc('edit.find')).toBe('CmdOrCtrl+F');
  });

  it('gives Ctrl+E to Start when idle and to Stop while capturing', () => {
    const idle = buildMenuTemplate(STATE, actions());
    expect(findMenuItem(idle, 'capture.start')).toMatchObject({ accelerator: 'CmdOrCtrl+E', enabled: true });
    expect(findMenuItem(idle, 'capture.stop')).toMatchObject({ accelerator: undefined, enabled: false });
    const busy = buildMenuTemplate({ ...STATE, capturing: true }, actions());
    expect(findMenuItem(busy, 'capture.start')).toMatchObject({ accelerator: undefined, enabled: false });
    expect(findMenuItem(busy, 'capture.stop')).toMatchObject({ accelerator: 'CmdOrCtrl+E', enabled: true });
  });

  it('disables reload and developer tools in production, never binds Ctrl+R to reload', () => {
    const production = buildMenuTemplate(STATE, actions());
    expect(findMenuItem(production, 'view.reload')).toMatchObject({ enabled: false, visible: false });
    expect(findMenuItem(production, 'view.devTools')).toMatchObject({ enabled: false, visible: false });
    const dev = buildMenuTemplate({ ...STATE, production: false }, actions());
    expect(findMenuItem(dev, 'view.reload')).toMatchObject({ enabled: true });
    expect(findMenuItem(dev, 'view.reload')?.accelerator).toBeUndefined();
    expect(findMenuItem(dev, 'view.reload')?.role).toBeUndefined();
  });

  it('routes items to the host or to the UI', () => {
    const a = actions();
    const t = buildMenuTemplate({ ...STATE, capturing: true, recent: ['/caps/a.pcap'] }, a);
    click(findMenuItem(t, 'file.open'));
    click(findMenuItem(t, 'capture.stop'));
    click(findMenuItem(t, 'file.exportSpecified'));
    click(findMenuItem(t, 'capture.restart'));
    click(findMenuItem(t, 'go.toPacket'));
    click(findMenuItem(t, 'edit.find'));
    click(findMenuItem(t, 'capture.options'));
    expect(a.open).toHaveBeenCalledOnce();
    expect(a.stopCapture).toHaveBeenCalledOnce();
    expect(a.ui.mock.calls.map((c) => c[0])).toEqual([
      'file.exportSpecified',
      'capture.restart',
      'go.toPacket',
      'edit.find',
      'capture.options',
    ]);
    const recentMenu = findMenuItem(t, 'file.openRecent')?.submenu as MenuItemConstructorOptions[];
    expect(recentMenu[0]?.label).toContain('a.pcap');
    click(recentMenu[0]);
    expect(a.openRecent).toHaveBeenCalledWith('/caps/a.pcap');
  });

  it('enables Save only for an unsaved capture and shows an empty Open Recent', () => {
    const t = buildMenuTemplate({ ...STATE, hasFrames: false }, actions());
    expect(findMenuItem(t, 'file.save')?.enabled).toBe(false);
    expect(findMenuItem(t, 'file.saveAs')?.enabled).toBe(false);
    expect((findMenuItem(t, 'file.openRecent')?.submenu as MenuItemConstructorOptions[])[0]).toMatchObject({
      enabled: false,
    });
    expect(
      findMenuItem(buildMenuTemplate({ ...STATE, unsaved: true }, actions()), 'file.save')?.enabled,
    ).toBe(true);
  });
});

function hostWith(info: Partial<CaptureInfo>, responses: number[] = []) {
  const counts = { frames: 3, displayed: 3, marked: 0 };
  const engine = {
    'file.info': vi.fn(async () => ({ source: 'live', unsaved: false, counts, ...info })),
    'file.open': vi.fn(async (path: string) => ({ source: 'file', path, unsaved: false, counts })),
    'file.save': vi.fn(async (path: string) => ({ path, frames: 3 })),
    'capture.status': vi.fn(async () => ({ state: 'idle', packets: 0, bytes: 0, dropped: 0 })),
    'capture.stop': vi.fn(async () => ({ state: 'stopped', packets: 0, bytes: 0, dropped: 0 })),
  };
  const dialog = {
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/caps/opened.pcapng'] })),
    showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/caps/saved.pcap' })),
    showMessageBox: vi.fn(async () => ({ response: responses.shift() ?? 2, checkboxChecked: false })),
  };
  const events = new EngineEvents();
  const emitted: [string, unknown][] = [];
  events.onAny((e, p) => emitted.push([e, p]));
  const recent = new RecentFiles();
  const userPaths = new UserPaths(recent);
  const host = new ElectronHost({
    engine: engine as unknown as Service,
    events,
    dialog: dialog as never,
    getWindow: () => null,
    userPaths,
    recent,
    production: true,
    versions: { app: '0.1.0', electron: '45.5.0', chrome: '140', node: '22.20.0', v8: '14.0' },
  });
  return { host, engine, dialog, emitted, recent, userPaths };
}

describe('unsaved capture prompt', () => {
  it('does not ask when nothing is unsaved', async () => {
    const { host, dialog } = hostWith({ unsaved: false });
    expect(await host.confirmDiscard('quit')).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('Save saves through the Save dialog, then proceeds', async () => {
    const { host, dialog, engine } = hostWith({ unsaved: true, fileName: 'lo (live)' }, [0]);
    expect(await host.confirmDiscard('quit')).toBe(true);
    const box = dialog.showMessageBox.mock.calls[0] as unknown as [
      { buttons: string[]; message: string; cancelId: number },
    ];
    expect(box[0].buttons).toEqual(['Save', 'Don’t Save', 'Cancel']);
    expect(box[0].cancelId).toBe(2);
    expect(box[0].message).toMatch(/before quitting/);
    expect((dialog.showSaveDialog.mock.calls[0] as unknown as [{ defaultPath: string }])[0].defaultPath).toBe(
      'lo.pcapng',
    );
    expect(engine['file.save']).toHaveBeenCalledWith('/caps/saved.pcap', { format: 'pcap', which: 'all', replace: true });
  });

  it('Save then cancelling the Save dialog does not proceed', async () => {
    const { host, dialog, engine } = hostWith({ unsaved: true }, [0]);
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await host.confirmDiscard('quit')).toBe(false);
    expect(engine['file.save']).not.toHaveBeenCalled();
  });

  it("Don't Save proceeds without saving; Cancel stops", async () => {
    const discard = hostWith({ unsaved: true }, [1]);
    expect(await discard.host.confirmDiscard('quit')).toBe(true);
    expect(discard.engine['file.save']).not.toHaveBeenCalled();
    const cancel = hostWith({ unsaved: true }, [2]);
    expect(await cancel.host.confirmDiscard('quit')).toBe(false);
  });

  it('opening another file asks first, and Cancel keeps the capture', async () => {
    const { host, engine, dialog } = hostWith({ unsaved: true }, [2]);
    expect(await host.openPath('/caps/dropped.pcap', 'drop')).toBe(false);
    expect((dialog.showMessageBox.mock.calls[0] as unknown as [{ message: string }])[0].message).toMatch(
      /before opening another file/,
    );
    expect(engine['file.open']).not.toHaveBeenCalled();
  });
});

describe('host actions', () => {
  it('File › Open opens the chosen file, remembers it and lists it in Open Recent', async () => {
    const { host, engine, recent, userPaths } = hostWith({});
    expect(await host.open()).toBe(true);
    expect(engine['file.open']).toHaveBeenCalledWith('/caps/opened.pcapng');
    expect(recent.list()).toEqual(['/caps/opened.pcapng']);
    expect(userPaths.checkOpen('/caps/opened.pcapng')).toBe('/caps/opened.pcapng');
  });

  it('reports a failing open as app.onError and drops a broken recent entry', async () => {
    const { host, engine, emitted, recent } = hostWith({});
    recent.add('/caps/gone.pcap');
    engine['file.open'].mockRejectedValueOnce(
      new Error('The file "/caps/gone.pcap" could not be opened: no such file'),
    );
    expect(await host.openPath('/caps/gone.pcap', 'recent')).toBe(false);
    expect(emitted).toContainEqual([
      'app.onError',
      { message: 'The file "/caps/gone.pcap" could not be opened: no such file' },
    ]);
    expect(recent.list()).toEqual([]);
  });

  it('Ctrl+E stops a running capture, or asks the UI to start one', async () => {
    const { host, engine, emitted } = hostWith({});
    await host.toggleCapture();
    expect(emitted).toEqual([['app.onMenu', { command: 'capture.start' }]]);
    engine['capture.status'].mockResolvedValueOnce({ state: 'capturing', packets: 1, bytes: 1, dropped: 0 });
    await host.toggleCapture();
    expect(engine['capture.stop']).toHaveBeenCalledOnce();
  });

  it('About lists the versions', () => {
    const { host } = hostWith({});
    expect(host.aboutText()).toBe('Wirelab 0.1.0\nElectron 45.5.0\nChromium 140\nNode.js 22.20.0\nV8 14.0');
  });
});

describe('fileFromArgv', () => {
  it('skips the executable, the app folder in development and switches', () => {
    expect(fileFromArgv(['/opt/electron', '.', 'a.pcap'], { isPackaged: false, cwd: '/home/s' })).toBe(
      '/home/s/a.pcap',
    );
    expect(
      fileFromArgv(['/opt/Wirelab/wirelab', '--no-sandbox', '/caps/b.pcapng'], {
        isPackaged: true,
        cwd: '/',
      }),
    ).toBe('/caps/b.pcapng');
    expect(
      fileFromArgv(['/opt/Wirelab/wirelab', '--', '-odd-name.pcap'], { isPackaged: true, cwd: '/c' }),
    ).toBe('/c/-odd-name.pcap');
    expect(
      fileFromArgv(['/opt/Wirelab/wirelab', '--enable-logging'], { isPackaged: true, cwd: '/' }),
    ).toBeUndefined();
    expect(fileFromArgv(['/opt/electron', '.'], { isPackaged: false, cwd: '/' })).toBeUndefined();
  });
});
