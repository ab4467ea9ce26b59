/**
 * The preload (src/preload/index.ts) with a mocked `electron`: it exposes exactly one object, and that
 * object is exactly the contract's Client (one function per METHODS key, plus `on`), each method invoking
 * its own derived channel; nothing of ipcRenderer leaks. Drops of real files reach the host; synthetic
 * drops do not.
 */
import { describe, expect, it, vi } from 'vitest';
import { EVENTS, METHODS, type MethodName } from '../../src/shared/contract';
import { IPC_DROP_CHANNEL, IPC_EVENT_CHANNEL } from '../../src/shared/ipc-channels';

vi.mock('electron', () => import('./electron/electron-mock'));

type Handler = (event: unknown) => void;
/** A stand-in for the page's window: records the listeners the preload adds. */
const page = vi.hoisted(() => {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const target = {
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
  };
  (globalThis as { window?: unknown }).window = target;
  return { listeners };
});

const mock = await import('./electron/electron-mock');
await import('../../src/preload/index');
delete (globalThis as { window?: unknown }).window;

const exposed = mock.contextBridge.exposeInMainWorld.mock.calls;
const api = exposed[0]?.[1] as Record<string, (...args: unknown[]) => unknown>;

describe('what the preload exposes', () => {
  it('exposes one object, window.wirelab', () => {
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('wirelab');
  });

  it('has exactly the contract: every METHODS key plus on, all functions, nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...Object.keys(METHODS), 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    for (const forbidden of ['invoke', 'send', 'ipcRenderer', 'sendSync', 'pathForFile', 'version']) {
      expect(api, forbidden).not.toHaveProperty(forbidden);
    }
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('each method invokes its own channel with the arguments, and unwraps the result', async () => {
    for (const method of Object.keys(METHODS) as MethodName[]) {
      mock.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { method } });
      await expect(api[method]?.(1, 'two')).resolves.toEqual({ method });
      expect(mock.ipcRenderer.invoke).toHaveBeenLastCalledWith(`wirelab:${method}`, 1, 'two');
    }
  });

  it('rejects with the engine message when the call failed', async () => {
    mock.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { name: 'ValidationError', message: 'view.rows: argument 1 must be an integer' },
    });
    const failure = api['view.rows']?.('x', 1) as Promise<unknown>;
    await expect(failure).rejects.toThrow('view.rows: argument 1 must be an integer');
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    mock.ipcRenderer.invoke.mockResolvedValueOnce(undefined);
    await expect(api['file.info']?.()).rejects.toThrow('The call failed.');
  });
});

describe('events', () => {
  const deliver = (name: unknown, payload: unknown) =>
    mock.ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, name, payload);

  it('on() delivers only its event and returns an unsubscribe function', () => {
    const counts = vi.fn();
    const menu = vi.fn();
    const offCounts = api.on?.('view.onCounts', counts) as () => void;
    api.on?.('app.onMenu', menu);
    deliver('view.onCounts', { frames: 1, displayed: 1, marked: 0 });
    deliver('app.onMenu', { command: 'edit.find' });
    deliver('not.anEvent', {});
    deliver('__proto__', {});
    expect(counts).toHaveBeenCalledExactlyOnceWith({ frames: 1, displayed: 1, marked: 0 });
    expect(menu).toHaveBeenCalledExactlyOnceWith({ command: 'edit.find' });
    offCounts();
    deliver('view.onCounts', { frames: 2, displayed: 2, marked: 0 });
    expect(counts).toHaveBeenCalledOnce();
  });

  it('accepts every contract event and refuses other names', () => {
    for (const event of EVENTS) expect(typeof api.on?.(event, () => undefined)).toBe('function');
    expect(() => api.on?.('wirelab:file.open', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on?.('view.onCounts', 'not a function')).toThrow(/function/);
  });

  it('a throwing listener does not stop the others', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const second = vi.fn();
    api.on?.('app.onError', () => {
      throw new Error('boom');
    });
    api.on?.('app.onError', second);
    deliver('app.onError', { message: 'x' });
    expect(second).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});

describe('file drops', () => {
  const file = (name: string) => ({ name }) as unknown as File;
  const drop = (event: Record<string, unknown>) => {
    for (const l of page.listeners.get('drop') ?? []) (l as Handler)(event);
  };

  it('lets dragged files be dropped (dragover is prevented only for files)', () => {
    const withFiles = {
      dataTransfer: { types: ['Files'], files: [] },
      preventDefault: vi.fn(),
      isTrusted: true,
    };
    const withText = {
      dataTransfer: { types: ['text/plain'], files: [] },
      preventDefault: vi.fn(),
      isTrusted: true,
    };
    for (const l of page.listeners.get('dragover') ?? []) {
      (l as Handler)(withFiles);
      (l as Handler)(withText);
    }
    expect(withFiles.preventDefault).toHaveBeenCalled();
    expect(withText.preventDefault).not.toHaveBeenCalled();
  });

  it('sends the real paths of a trusted drop, and nothing for synthetic or path-less files', () => {
    mock.webUtils.getPathForFile.mockImplementation((f: unknown) =>
      (f as { name: string }).name === 'real.pcap' ? '/home/student/real.pcap' : '',
    );
    drop({
      isTrusted: false,
      dataTransfer: { types: ['Files'], files: [file('real.pcap')] },
      preventDefault: vi.fn(),
    });
    drop({
      isTrusted: true,
      dataTransfer: { types: ['Files'], files: [file('made-by-script')] },
      preventDefault: vi.fn(),
    });
    expect(mock.ipcRenderer.send).not.toHaveBeenCalled();
    drop({
      isTrusted: true,
      dataTransfer: { types: ['Files'], files: [file('real.pcap'), file('made-by-script')] },
      preventDefault: vi.fn(),
    });
    expect(mock.ipcRenderer.send).toHaveBeenCalledExactlyOnceWith(IPC_DROP_CHANNEL, [
      '/home/student/real.pcap',
    ]);
  });
});
