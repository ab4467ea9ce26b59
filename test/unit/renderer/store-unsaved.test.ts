/**
 * "Unsaved packets", as Wireshark asks: Open…, Start and Restart capture ask before they replace an
 * unsaved capture (live or recovered); Cancel keeps it, Continue without Saving goes on, Save before
 * Continue stops a running capture, opens the Save dialog and goes on only once saved. Nothing is asked
 * when what is loaded is saved or empty, and the Open dialog does not ask a second time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import type { CaptureInfo, CaptureStatus } from '../../../src/shared/contract';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;

const live: CaptureInfo = { source: 'live', fileName: 'lo (live)', unsaved: true, counts: { frames: 367, displayed: 367, marked: 0 } };
const capturing: CaptureStatus = { state: 'capturing', iface: 'lo', packets: 367, bytes: 40_000, dropped: 0 };

/** loadUnsaved puts the store where a stopped (or running) live capture of 367 packets leaves it. */
function loadUnsaved(running = false): void {
  store.getState().onReset(live);
  store.getState().setCounts(live.counts);
  store.getState().onCaptureStatus(running ? capturing : { ...capturing, state: 'stopped' });
  store.getState().selectInterface('lo');
}

beforeEach(() => {
  client = fakeClient(5);
  client.mock('capture.start').mockResolvedValue(capturing);
  store = createAppStore(client);
});

describe('unsaved packets', () => {
  it('Open… asks first; Cancel keeps the capture and opens nothing', async () => {
    loadUnsaved();
    const opening = store.getState().openFile('/tmp/other.pcapng');
    await settle();
    expect(store.getState().dialog).toBe('unsaved');
    expect(store.getState().unsavedPrompt).toMatchObject({ before: 'open', capturing: false, saving: false });
    await store.getState().answerUnsaved('cancel');
    expect(await opening).toBe(false);
    expect(client.mock('file.open')).not.toHaveBeenCalled();
    expect(store.getState().dialog).toBeNull();
    expect(store.getState().counts.frames).toBe(367);
  });

  it('Continue without Saving goes on; the Open dialog (web) then opens without asking again', async () => {
    loadUnsaved();
    const asking = store.getState().openFile();
    await settle();
    await store.getState().answerUnsaved('discard');
    expect(await asking).toBe(false); // no path yet: the Open dialog is shown
    expect(store.getState().dialog).toBe('open');
    expect(await store.getState().openFile('/tmp/other.pcapng', true)).toBe(true);
    expect(client.mock('file.open')).toHaveBeenCalledWith('/tmp/other.pcapng');
  });

  it('Save before Continue stops a running capture, opens the Save dialog, and starts the new capture once saved', async () => {
    loadUnsaved(true);
    const starting = store.getState().startCapture();
    await settle();
    expect(store.getState().unsavedPrompt).toMatchObject({ before: 'start', capturing: true });
    await store.getState().answerUnsaved('save');
    expect(client.mock('capture.stop')).toHaveBeenCalledOnce();
    expect(store.getState().dialog).toBe('save');
    expect(client.mock('capture.start')).not.toHaveBeenCalled();
    // The Save dialog saved: the action goes on.
    expect(await store.getState().saveFile('/tmp/lab.pcapng', { format: 'pcapng', which: 'all' })).toBe(true);
    store.getState().closeDialog();
    store.getState().unsavedSaveDone(true);
    expect(await starting).toBe(true);
    expect(client.mock('capture.start')).toHaveBeenCalledWith({ iface: 'lo' });
    expect(store.getState().unsavedPrompt).toBeNull();
  });

  it('a Save dialog cancelled cancels the action too', async () => {
    loadUnsaved();
    const opening = store.getState().openFile('/tmp/other.pcapng');
    await settle();
    await store.getState().answerUnsaved('save');
    store.getState().closeDialog();
    store.getState().unsavedSaveDone(false);
    expect(await opening).toBe(false);
    expect(client.mock('file.open')).not.toHaveBeenCalled();
  });

  it('Restart asks once, with its own wording, then stops and starts', async () => {
    loadUnsaved(true);
    const restarting = store.getState().restartCapture();
    await settle();
    expect(store.getState().unsavedPrompt).toMatchObject({ before: 'restart', capturing: true });
    await store.getState().answerUnsaved('discard');
    expect(await restarting).toBe(true);
    expect(client.mock('capture.stop')).toHaveBeenCalledOnce();
    expect(client.mock('capture.start')).toHaveBeenCalledOnce();
    expect(store.getState().dialog).toBeNull();
  });

  it('asks nothing when the capture was saved or holds no packets', async () => {
    store.getState().onReset({ ...live, unsaved: false });
    store.getState().setCounts(live.counts);
    expect(await store.getState().openFile('/tmp/a.pcapng')).toBe(true);
    store.getState().onReset({ ...live, counts: { frames: 0, displayed: 0, marked: 0 } });
    store.getState().setCounts({ frames: 0, displayed: 0, marked: 0 });
    store.getState().selectInterface('lo');
    expect(await store.getState().startCapture()).toBe(true);
    expect(store.getState().unsavedPrompt).toBeNull();
  });
});
