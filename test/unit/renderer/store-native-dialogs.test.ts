/**
 * File actions in Electron: the host opens and writes only paths the user chose in its native dialogs,
 * so without a path `openFile` asks `dialog.openFile` (cancel: nothing opens) instead of showing the web
 * build's typed-path dialog; the web build keeps its dialog and never calls the native one.
 */
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/store/index';
import { fakeClient, settle } from './fake-client';

describe('native file dialogs (Electron host)', () => {
  it('Open asks the native dialog and opens the chosen path', async () => {
    const client = fakeClient(0);
    void client['dialog.openFile'];
    client.mock('dialog.openFile').mockImplementation(async () => '/home/student/lab.pcapng');
    const store = createAppStore(client, 'electron');
    expect(await store.getState().openFile()).toBe(true);
    expect(client.mock('file.open')).toHaveBeenCalledWith('/home/student/lab.pcapng');
    expect(store.getState().dialog).toBeNull();
  });

  it('a cancelled native dialog opens nothing', async () => {
    const client = fakeClient(0);
    void client['dialog.openFile'];
    client.mock('dialog.openFile').mockImplementation(async () => null);
    const store = createAppStore(client, 'electron');
    expect(await store.getState().openFile()).toBe(false);
    expect(client.mock('file.open')).not.toHaveBeenCalled();
  });

  it('a refused native dialog is reported in the engine’s words', async () => {
    const client = fakeClient(0);
    void client['dialog.openFile'];
    client.mock('dialog.openFile').mockImplementation(async () => {
      throw new Error('no window to attach the dialog to');
    });
    const store = createAppStore(client, 'electron');
    expect(await store.getState().openFile()).toBe(false);
    await settle();
    expect(store.getState().notices.at(-1)?.text).toContain('no window to attach the dialog to');
  });

  it('the web build shows its own Open dialog and never calls the native one', async () => {
    const client = fakeClient(0);
    void client['dialog.openFile'];
    const store = createAppStore(client, 'web');
    expect(await store.getState().openFile()).toBe(false);
    expect(store.getState().dialog).toBe('open');
    expect(client.mock('dialog.openFile')).not.toHaveBeenCalled();
  });
});
