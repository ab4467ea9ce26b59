import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock'));

const mock = await import('./electron-mock');

describe('Electron entry (src/main/electron/index.ts)', () => {
  it('sandboxes all renderers, registers app:// before ready and hardens every web contents', async () => {
    await import('../../../src/main/electron/index');
    expect(mock.app.enableSandbox).toHaveBeenCalledOnce();
    expect(mock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();

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
});
