/** Capture, prefs, ui slices and bindIpcToStore: events reach slice actions, errors are shown as the engine words them. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bindIpcToStore, createAppStore, loadPrefs, persistPrefs, PREFS_KEY, type AppStore } from '../../../src/renderer/src/store/index';
import { MAX_RECENT } from '../../../src/renderer/src/store/slices/prefs';
import { en } from '../../../src/renderer/src/i18n/en';
import { zhCN } from '../../../src/renderer/src/i18n/zh-CN';
import { detectLanguage } from '../../../src/renderer/src/i18n/index';
import { isContractClient } from '../../../src/renderer/src/api/client';
import { METHODS } from '../../../src/shared/contract';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;
let unbind: () => void = () => undefined;

beforeEach(() => {
  client = fakeClient(100);
  store = createAppStore(client);
});
afterEach(() => unbind());

describe('bindIpcToStore', () => {
  it('loads the initial state and routes every event to the store', async () => {
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(store.getState().registry?.get('smtp.req.command')?.name).toBe('Command');
    expect(store.getState().labServer?.smtpPort).toBe(2525);
    client.emit('view.onCounts', { frames: 5, displayed: 4, marked: 1 });
    expect(store.getState().counts).toEqual({ frames: 5, displayed: 4, marked: 1 });
    client.emit('view.onReset', { source: 'live', unsaved: true, counts: { frames: 0, displayed: 0, marked: 0 } });
    expect(store.getState().info.source).toBe('live');
    client.emit('capture.onStatus', { state: 'capturing', packets: 3, bytes: 300, dropped: 0, iface: 'lo' });
    expect(store.getState().captureStatus.state).toBe('capturing');
    client.emit('app.onError', { message: 'disk full' });
    expect(store.getState().notices.map((n) => n.text)).toContain('disk full');
  });

  it('sets the engine tree language to the page language on connect, English included', async () => {
    // Another page (or this one before a reload, in Chinese) left the engine translating trees.
    let engineLocale = 'zh-CN';
    client.mock('prefs.set').mockImplementation(async (_name: string, value: string) => void (engineLocale = value));
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(store.getState().language).toBe('en');
    expect(client.mock('prefs.set')).toHaveBeenCalledWith('gui.locale', 'en');
    expect(engineLocale).toBe('en');
    expect(store.getState().notices).toEqual([]);
  });

  it('clears a filter and a sort the engine holds from an earlier page, so the list is what this page says', async () => {
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(store.getState().appliedFilter).toBe('');
    expect(client.mock('view.setFilter')).toHaveBeenCalledWith('');
    expect(client.mock('view.sort')).toHaveBeenCalledWith('none', false);
  });

  it('unsubscribes everything it subscribed', async () => {
    unbind = bindIpcToStore(client, store);
    await settle();
    unbind();
    client.emit('view.onCounts', { frames: 9, displayed: 9, marked: 0 });
    expect(store.getState().counts.frames).toBe(0);
  });

  it('reloads state after the connection comes back', async () => {
    let report: (s: 'connecting' | 'open' | 'closed') => void = () => undefined;
    const connection = { state: () => 'open' as const, onState: (l: typeof report) => ((report = l), () => undefined) };
    unbind = bindIpcToStore(client, store, connection);
    await settle();
    report('closed');
    expect(store.getState().connection).toBe('closed');
    report('open');
    await settle();
    expect(client.mock('file.info')).toHaveBeenCalledTimes(2);
  });
});

describe('capture slice', () => {
  it('opens a file by path, resets the view and remembers the file', async () => {
    store.getState().setCounts({ frames: 3, displayed: 3, marked: 0 });
    expect(await store.getState().openFile('/tmp/a.pcap')).toBe(true);
    expect(store.getState().info.fileName).toBe('a.pcap');
    expect(store.getState().counts.displayed).toBe(100);
    expect(store.getState().recentFiles).toEqual(['/tmp/a.pcap']);
  });

  it('opens the Open dialog when no path is given (the browser has no native dialog)', async () => {
    expect(await store.getState().openFile()).toBe(false);
    expect(store.getState().dialog).toBe('open');
  });

  it("shows the engine's error text when a file cannot be opened", async () => {
    client.mock('file.open').mockRejectedValueOnce(new Error('The file "/nope" could not be opened: no such file'));
    expect(await store.getState().openFile('/nope')).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toBe('The file "/nope" could not be opened: no such file');
  });

  it("shows the engine's error text when capture is not available", async () => {
    await store.getState().loadInterfaces();
    expect(store.getState().interfacesError).toBe('Live capture is not available in this build yet.');
    expect(await store.getState().startCapture()).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toBe('Live capture is not available in this build yet.');
  });

  it('starts a capture on the chosen interface and follows new rows', async () => {
    client.mock('capture.interfaces').mockResolvedValueOnce([{ name: 'lo', addresses: ['127.0.0.1'], loopback: true, canCapture: true }]);
    client.mock('capture.start').mockResolvedValueOnce({ state: 'capturing', iface: 'lo', packets: 0, bytes: 0, dropped: 0 });
    store.setState({ followLive: false });
    await store.getState().loadInterfaces();
    expect(await store.getState().startCapture('tcp port 25')).toBe(true);
    expect(client.mock('capture.start')).toHaveBeenCalledWith({ iface: 'lo', captureFilter: 'tcp port 25' });
    expect(store.getState().followLive).toBe(true);
  });

  it('saves with the chosen format and packets', async () => {
    expect(await store.getState().saveFile('/tmp/out.pcapng', { format: 'pcapng', which: 'displayed' })).toBe(true);
    expect(client.mock('file.save')).toHaveBeenCalledWith('/tmp/out.pcapng', { format: 'pcapng', which: 'displayed' });
  });
});

describe('ui slice', () => {
  it("shows Follow TCP Stream's error in the engine's words", async () => {
    await store.getState().followStream(0);
    expect(store.getState().notices.at(-1)?.text).toBe('Follow TCP Stream is not available in this build yet.');
    expect(store.getState().dialog).toBeNull();
  });

  it('keeps a bounded list of notices without duplicates', () => {
    for (let i = 0; i < 20; i++) store.getState().notify('error', `e${i % 7}`);
    expect(store.getState().notices.length).toBeLessThanOrEqual(5);
    expect(new Set(store.getState().notices.map((n) => n.text)).size).toBe(store.getState().notices.length);
  });
});

describe('prefs slice', () => {
  it('keeps recent filters unique, newest first, bounded', () => {
    for (let i = 0; i < MAX_RECENT + 3; i++) store.getState().addRecentFilter(`f${i}`);
    store.getState().addRecentFilter('f5');
    const recent = store.getState().recentFilters;
    expect(recent[0]).toBe('f5');
    expect(recent).toHaveLength(MAX_RECENT);
    expect(new Set(recent).size).toBe(MAX_RECENT);
  });

  it('switches language; an engine that refuses gui.locale keeps tree labels English and says why', async () => {
    store.getState().setLanguage('zh-CN');
    await settle();
    expect(store.getState().language).toBe('zh-CN');
    expect(client.mock('prefs.set')).toHaveBeenCalledWith('gui.locale', 'zh-CN');
    expect(store.getState().locale).toBe('en');
    expect(store.getState().notices.at(-1)?.text).toBe('No such preference "gui.locale"');
  });

  it('switches the engine locale and fetches the selected frame tree again, keeping the selection', async () => {
    const labels: Record<string, string> = { en: 'Transmission Control Protocol', 'zh-CN': '传输控制协议' };
    let engineLocale = 'en';
    client.mock('prefs.set').mockImplementation(async (_name: string, value: string) => void (engineLocale = value));
    client.mock('frame.detail').mockImplementation(async (frame: number) => ({
      number: frame,
      tree: [{ label: labels[engineLocale], field: 'tcp', src: 0, start: 0, length: 20 }],
      sources: [{ name: 'Frame', bytes: new Uint8Array(20) }],
    }));
    await store.getState().openFile('/tmp/x.pcap');
    await store.getState().selectRow(2);
    store.getState().selectNode('0');
    expect(store.getState().detail?.tree[0].label).toBe('Transmission Control Protocol');
    store.getState().setLanguage('zh-CN');
    await settle();
    expect(store.getState().locale).toBe('zh-CN');
    expect(client.mock('frame.detail')).toHaveBeenLastCalledWith(3);
    expect(store.getState().detail?.tree[0].label).toBe('传输控制协议');
    expect(store.getState().selectedPath).toBe('0');
    expect(store.getState().highlight).toEqual({ src: 0, start: 0, length: 20 });
    store.getState().setLanguage('en');
    await settle();
    expect(store.getState().detail?.tree[0].label).toBe('Transmission Control Protocol');
  });

  it('saves and loads preferences, ignoring malformed data', () => {
    const storage = new Map<string, string>();
    const fakeStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const off = persistPrefs(store, fakeStorage);
    store.getState().setTheme('dark');
    store.getState().addRecentFile('/tmp/x.pcap');
    off();
    expect(loadPrefs(fakeStorage)).toMatchObject({ theme: 'dark', recentFiles: ['/tmp/x.pcap'] });
    storage.set(PREFS_KEY, '{"theme":"purple","language":42,"recentFiles":[1,"/a"]}');
    expect(loadPrefs(fakeStorage)).toEqual({ recentFiles: ['/a'] });
    storage.set(PREFS_KEY, 'not json');
    expect(loadPrefs(fakeStorage)).toEqual({});
  });
});

describe('i18n and api', () => {
  it('has the same keys in English and Chinese', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [p + k] : keys(v as object, `${p}${k}.`)));
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
  });

  it('follows navigator.language', () => {
    expect(detectLanguage('zh-CN')).toBe('zh-CN');
    expect(detectLanguage('zh-Hans-CN')).toBe('zh-CN');
    expect(detectLanguage('en-US')).toBe('en');
    expect(detectLanguage(undefined)).toBe('en');
  });

  it('recognises a preload bridge only when it implements the whole contract', () => {
    expect(isContractClient({ version: '0.1.0' })).toBe(false);
    const full: Record<string, unknown> = Object.fromEntries(Object.keys(METHODS).map((m) => [m, vi.fn()]));
    full.on = vi.fn();
    expect(isContractClient(full)).toBe(true);
    delete full['frame.detail'];
    expect(isContractClient(full)).toBe(false);
  });
});
