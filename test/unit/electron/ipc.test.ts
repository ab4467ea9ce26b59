/**
 * The Electron IPC wrapper (src/main/electron/ipc.ts) with the host's service (service.ts), against a
 * mocked `electron`: every contract method is reachable on its own channel; calls from anything but our
 * window's main frame at app://wirelab are refused; hostile arguments and paths the user never chose are
 * refused — and in every refused case the engine method is not called (no side effect).
 */
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { METHODS, type MethodName, type Service } from '../../../src/shared/contract';
import {
  IPC_DROP_CHANNEL,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type IpcResult,
} from '../../../src/shared/ipc-channels';

vi.mock('electron', () => import('./electron-mock'));

const mock = await import('./electron-mock');
const { bindContractToIpc, trustedUrlCheck, isAppUrl } = await import('../../../src/main/electron/ipc');
const { createElectronService } = await import('../../../src/main/electron/service');
const { RecentFiles, UserPaths } = await import('../../../src/main/electron/user-files');
const { EngineEvents } = await import('../../../src/main/engine/events');
const { Workbench } = await import('../../../src/main/engine/workbench');

type Engine = { [M in MethodName]: Mock };

/** VALID_ARGS is one well-formed call per method; a new contract method fails to compile until it has one. */
const CHOSEN_OPEN = '/home/student/lab/smtp.pcapng';
const CHOSEN_SAVE = '/home/student/lab/saved.pcapng';
/** LISTED_SPOOL is a spool the engine listed in capture.recoverable (origin 'recovery'). */
const LISTED_SPOOL = '/tmp/wirelab-spool/wirelab-lo-2026-11-26T23-01-02-123Z-4242.pcapng';
const VALID_ARGS: { [M in MethodName]: unknown[] } = {
  'app.info': [],
  'fields.registry': [],
  'capture.interfaces': [],
  'capture.start': [{ iface: 'lo', captureFilter: 'udp port 9', autostop: { packets: 10 } }],
  'capture.stop': [],
  'capture.status': [],
  'capture.recoverable': [],
  'capture.recover': [LISTED_SPOOL],
  'capture.discardRecoverable': [LISTED_SPOOL],
  'file.open': [CHOSEN_OPEN],
  'file.save': [CHOSEN_SAVE, { format: 'pcapng', which: 'all' }],
  'file.info': [],
  'file.recent': [],
  'dialog.openFile': [],
  'dialog.saveFile': ['capture.pcapng'],
  'view.setFilter': ['smtp'],
  'view.sort': ['length', true],
  'view.rows': [0, 100],
  'view.indexOf': [1],
  'view.find': ['string', 'MAIL', 1, false],
  'frame.detail': [1],
  'frame.mark': [[1, 2, 3], true],
  'stream.follow': [0],
  'mail.credentials': [],
  'mail.transcripts': [],
  'mail.messages': [],
  'mail.attachment': ['smtp-21', 0],
  'mail.saveMessage': ['smtp-21', CHOSEN_SAVE],
  'mail.saveAttachment': ['smtp-21', 0, CHOSEN_SAVE],
  'lab.steps': [],
  'console.connect': ['127.0.0.1', 2525, 'line'],
  'console.send': [1, 'EHLO lab\r\n'],
  'console.setMode': [1, 'character'],
  'console.disconnect': [1],
  'labserver.status': [],
  'prefs.set': ['tcp.desegment', true],
};

/** Methods the host answers itself without the engine (dialogs, Open Recent). */
const HOST_ONLY = new Set<MethodName>(['file.recent', 'dialog.openFile', 'dialog.saveFile']);

const TEN_MIB = 'x'.repeat(10 * 1024 * 1024);
const protoObject = (json: string) => JSON.parse(json) as unknown;

/** HOSTILE lists calls that must be refused at the boundary: [method, args, why]. */
const HOSTILE: [MethodName, unknown[], string][] = [
  ['view.sort', ['colour', false], 'unknown sort column'],
  ['view.sort', ['__proto__', false], 'prototype name for a column'],
  ['view.sort', ['info', 'yes'], 'string for boolean'],
  ['view.sort', ['info'], 'missing direction'],
  ['view.rows', ['0', 10], 'string for int'],
  ['view.rows', [NaN, 10], 'NaN'],
  ['view.rows', [0, Infinity], '+Infinity'],
  ['view.rows', [-Infinity, 10], '-Infinity'],
  ['view.rows', [0.5, 10], 'fraction'],
  ['view.rows', [0, 10_001], 'count over the cap'],
  ['view.rows', [0], 'missing argument'],
  ['view.rows', [0, 10, 'extra'], 'extra argument'],
  ['view.rows', [], 'no arguments'],
  ['view.indexOf', [0], 'frame 0'],
  ['view.indexOf', [2 ** 53], 'beyond u32'],
  ['frame.detail', [null], 'null'],
  ['frame.detail', [{ valueOf: 1 }], 'object for int'],
  ['frame.detail', [-1], 'negative'],
  ['frame.mark', [[1, NaN], true], 'NaN in list'],
  ['frame.mark', [{ 0: 1, length: 1 }, true], 'array-like object'],
  ['frame.mark', [[1], 'yes'], 'string for boolean'],
  ['frame.mark', [[1, Infinity], false], 'Infinity in list'],
  ['view.setFilter', [TEN_MIB], '10 MiB filter'],
  ['view.setFilter', [42], 'number for string'],
  ['view.find', ['regex', 'x', 1, false], 'unknown enum'],
  ['view.find', ['string', 'x', 1, 0], 'number for boolean'],
  ['view.find', ['string', TEN_MIB, 1, false], '10 MiB needle'],
  ['file.open', [TEN_MIB], '10 MiB path'],
  ['file.open', [['/etc/passwd']], 'array for path'],
  ['file.open', [{ toString: '/etc/passwd' }], 'object for path'],
  ['file.open', [], 'missing path'],
  ['capture.discardRecoverable', [TEN_MIB], '10 MiB spool path'],
  ['capture.discardRecoverable', [[LISTED_SPOOL]], 'array for spool path'],
  ['capture.recover', [protoObject('{"__proto__": "x"}')], '__proto__ object for spool path'],
  ['file.save', [CHOSEN_SAVE, ['pcapng', 'all']], 'array instead of options'],
  [
    'file.save',
    [CHOSEN_SAVE, protoObject('{"__proto__": {"format": "pcapng", "which": "all"}}')],
    '__proto__ options',
  ],
  ['file.save', [CHOSEN_SAVE, { format: 'pcapng', which: { from: NaN, to: 3 } }], 'NaN range'],
  ['file.save', [CHOSEN_SAVE, { format: 'exe', which: 'all' }], 'unknown format'],
  ['file.save', [CHOSEN_SAVE, null], 'null options'],
  ['capture.start', [protoObject('{"__proto__": {"iface": "lo"}}')], '__proto__ only'],
  [
    'capture.start',
    [protoObject('{"iface": "lo", "__proto__": {"polluted": true}}')],
    '__proto__ beside iface',
  ],
  ['capture.start', [[{ iface: 'lo' }]], 'array instead of object'],
  ['capture.start', [{ iface: 'lo', autostop: { packets: Infinity } }], 'Infinity autostop'],
  [
    'capture.start',
    [{ iface: 'lo', autostop: protoObject('{"__proto__": {"packets": 1}}') }],
    '__proto__ autostop',
  ],
  ['capture.start', [{ iface: 'lo', captureFilter: TEN_MIB }], '10 MiB BPF'],
  ['capture.start', [{ iface: '' }], 'empty iface'],
  ['capture.start', [{ iface: 'lo' }, 'extra'], 'extra argument'],
  ['capture.start', ['lo'], 'string instead of object'],
  ['capture.start', [new Date()], 'class instance'],
  ['console.connect', ['127.0.0.1; rm -rf /', 25, 'line'], 'shell characters in host'],
  ['console.connect', ['127.0.0.1', 0, 'line'], 'port 0'],
  ['console.connect', ['127.0.0.1', 65536, 'line'], 'port 65536'],
  ['console.connect', ['127.0.0.1', NaN, 'line'], 'NaN port'],
  ['console.connect', ['127.0.0.1', 25, 'raw'], 'unknown mode'],
  ['console.send', [1, TEN_MIB], '10 MiB console data'],
  ['console.send', [1, new Uint8Array(4)], 'bytes for string'],
  ['console.setMode', [1, '__proto__'], '__proto__ as enum'],
  ['console.disconnect', [Infinity], 'Infinity id'],
  ['prefs.set', ['__proto__', 1], '__proto__ preference name'],
  ['prefs.set', ['tcp.desegment', NaN], 'NaN value'],
  ['prefs.set', ['tcp.desegment', -Infinity], '-Infinity value'],
  ['prefs.set', ['tcp.desegment', { a: 1 }], 'object value'],
  ['prefs.set', ['tcp.desegment', TEN_MIB], '10 MiB value'],
  ['stream.follow', ['0'], 'string stream'],
  ['dialog.saveFile', [TEN_MIB], '10 MiB suggestion'],
  ['dialog.saveFile', [], 'missing suggestion'],
  ['app.info', ['extra'], 'argument to a method without any'],
  ['capture.stop', [protoObject('{"__proto__": {}}')], 'argument to a method without any'],
];

interface Harness {
  engine: Engine;
  service: Service;
  ipc: InstanceType<typeof mock.FakeIpcMain>;
  window: InstanceType<typeof mock.FakeBrowserWindow>;
  events: InstanceType<typeof EngineEvents>;
  userPaths: InstanceType<typeof UserPaths>;
  recent: InstanceType<typeof RecentFiles>;
  dialogs: { open: Mock; save: Mock };
  onDrop: Mock;
  onRejected: Mock;
  dispose: () => void;
  trusted: () => { sender: unknown; senderFrame: unknown };
  call: (method: MethodName, args: unknown[], event?: unknown) => Promise<IpcResult>;
}

function makeEngine(): Engine {
  const engine = {} as Engine;
  for (const method of Object.keys(METHODS) as MethodName[]) {
    engine[method] = vi.fn(async () => (method === 'capture.recoverable' ? [] : { from: method }));
  }
  return engine;
}

function harness(): Harness {
  const engine = makeEngine();
  const recent = new RecentFiles();
  const userPaths = new UserPaths(recent);
  const dialogs = {
    open: vi.fn(async () => null as string | null),
    save: vi.fn(async () => null as string | null),
  };
  const service = createElectronService({ engine: engine as unknown as Service, dialogs, userPaths, recent });
  const ipc = new mock.FakeIpcMain();
  const window = new mock.FakeBrowserWindow({});
  const events = new EngineEvents();
  const onDrop = vi.fn();
  const onRejected = vi.fn();
  const dispose = bindContractToIpc({
    ipcMain: ipc as never,
    service,
    events,
    getWindow: () => window as never,
    onDrop,
    onRejected,
  });
  const trusted = () => ({ sender: window.webContents, senderFrame: window.webContents.mainFrame });
  const call = async (method: MethodName, args: unknown[], event: unknown = trusted()) => {
    const handler = ipc.handlers.get(ipcChannel(method));
    if (!handler) throw new Error(`no handler for ${method}`);
    return (await handler(event, ...args)) as IpcResult;
  };
  return {
    engine,
    service,
    ipc,
    window,
    events,
    userPaths,
    recent,
    dialogs,
    onDrop,
    onRejected,
    dispose,
    trusted,
    call,
  };
}

function engineCalls(engine: Engine): number {
  return Object.values(engine).reduce((sum, fn) => sum + fn.mock.calls.length, 0);
}

let h: Harness;
beforeEach(() => {
  h = harness();
  h.userPaths.allowOpen(CHOSEN_OPEN, 'dialog');
  h.userPaths.allowSave(CHOSEN_SAVE);
  h.userPaths.allowOpen(LISTED_SPOOL, 'recovery');
});

describe('channels', () => {
  it('registers one channel per contract method, derived from its name, and nothing else', () => {
    const expected = Object.keys(METHODS).map((m) => `wirelab:${m}`);
    expect([...h.ipc.handlers.keys()].sort()).toEqual(expected.sort());
    expect(h.ipc.eventNames()).toEqual([IPC_DROP_CHANNEL]);
  });

  it('dispose removes every handler, the drop listener and the event forwarding', () => {
    h.dispose();
    expect(h.ipc.handlers.size).toBe(0);
    expect(h.ipc.listenerCount(IPC_DROP_CHANNEL)).toBe(0);
    h.events.emit('view.onCounts', { frames: 1, displayed: 1, marked: 0 });
    expect(h.window.webContents.sent).toEqual([]);
  });
});

describe('every method is reachable', () => {
  for (const method of Object.keys(METHODS) as MethodName[]) {
    it(method, async () => {
      if (method === 'dialog.openFile') h.dialogs.open.mockResolvedValueOnce('/home/student/picked.pcap');
      if (method === 'dialog.saveFile') h.dialogs.save.mockResolvedValueOnce('/home/student/out.pcap');
      const result = await h.call(method, VALID_ARGS[method]);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (HOST_ONLY.has(method)) {
        expect(engineCalls(h.engine)).toBe(0);
      } else {
        expect(h.engine[method]).toHaveBeenCalledOnce();
        expect(h.engine[method]).toHaveBeenCalledWith(...VALID_ARGS[method]);
      }
    });
  }

  it('a real Workbench answers through the wrapper (plain data, null for void)', async () => {
    const workbench = new Workbench({ labServer: false, host: 'electron' });
    const recent = new RecentFiles();
    const userPaths = new UserPaths(recent);
    const service = createElectronService({
      engine: workbench,
      dialogs: { open: async () => null, save: async () => null },
      userPaths,
      recent,
    });
    const ipc = new mock.FakeIpcMain();
    const window = new mock.FakeBrowserWindow({});
    bindContractToIpc({
      ipcMain: ipc as never,
      service,
      events: workbench.events,
      getWindow: () => window as never,
    });
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const invoke = async (method: MethodName, ...args: unknown[]) =>
      (await ipc.handlers.get(ipcChannel(method))!(event, ...args)) as IpcResult;
    expect(await invoke('app.info')).toEqual({
      ok: true,
      value: expect.objectContaining({ host: 'electron' }),
    });
    expect(await invoke('file.info')).toMatchObject({ ok: true, value: { source: 'none', unsaved: false } });
    expect(await invoke('view.rows', 0, 10)).toEqual({ ok: true, value: [] });
    expect(await invoke('console.disconnect', 5)).toEqual({ ok: true, value: null });
    expect(await invoke('prefs.set', 'no.such.pref', 1)).toEqual({
      ok: false,
      error: { name: 'Error', message: 'No such preference "no.such.pref"' },
    });
    await workbench.stop();
  });
});

describe('senders', () => {
  const strangers: [string, (h: Harness) => unknown][] = [
    [
      'another web contents',
      (x) => ({ sender: new mock.FakeWebContents(), senderFrame: x.window.webContents.mainFrame }),
    ],
    [
      'a subframe of our window',
      (x) => ({
        sender: x.window.webContents,
        senderFrame: new mock.FakeFrame('app://wirelab/index.html', x.window.webContents.mainFrame as never),
      }),
    ],
    [
      'another main frame (other ids)',
      (x) => ({
        sender: x.window.webContents,
        senderFrame: new mock.FakeFrame('app://wirelab/index.html', null, 99),
      }),
    ],
    ['a destroyed frame (senderFrame null)', (x) => ({ sender: x.window.webContents, senderFrame: null })],
    [
      'a senderFrame getter that throws',
      (x) => ({
        sender: x.window.webContents,
        get senderFrame() {
          throw new Error('Render frame was disposed');
        },
      }),
    ],
  ];
  for (const [what, event] of strangers) {
    it(`refuses ${what} for every method, with no side effect`, async () => {
      for (const method of Object.keys(METHODS) as MethodName[]) {
        const result = await h.call(method, VALID_ARGS[method], event(h));
        expect(result, method).toMatchObject({ ok: false, error: { name: 'SecurityError' } });
      }
      expect(engineCalls(h.engine)).toBe(0);
      expect(h.dialogs.open).not.toHaveBeenCalled();
      expect(h.dialogs.save).not.toHaveBeenCalled();
      expect(h.onRejected).toHaveBeenCalled();
    });
  }

  for (const url of [
    'https://evil.example/',
    'file:///etc/passwd',
    'app://other/index.html',
    'http://127.0.0.1:5173/',
    'about:blank',
    'devtools://devtools/',
    'not a url',
  ]) {
    it(`refuses our main frame once it shows ${url}`, async () => {
      (h.window.webContents.mainFrame as { url: string }).url = url;
      for (const method of ['file.open', 'capture.start', 'console.connect', 'dialog.openFile'] as const) {
        expect(await h.call(method, VALID_ARGS[method])).toMatchObject({
          ok: false,
          error: { name: 'SecurityError' },
        });
      }
      expect(engineCalls(h.engine)).toBe(0);
      expect(h.dialogs.open).not.toHaveBeenCalled();
    });
  }

  it('refuses everything when the window is gone', async () => {
    h.window.destroyed = true;
    expect(await h.call('file.info', [])).toMatchObject({ ok: false, error: { name: 'SecurityError' } });
    expect(engineCalls(h.engine)).toBe(0);
  });

  it('accepts the loopback dev server only when it was configured, and only that origin', () => {
    expect(isAppUrl('app://wirelab/index.html')).toBe(true);
    expect(isAppUrl('app://wirelab.evil/index.html')).toBe(false);
    const dev = trustedUrlCheck('http://localhost:5173/');
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('app://wirelab/index.html')).toBe(true);
    expect(trustedUrlCheck(undefined)('http://localhost:5173/')).toBe(false);
  });
});

describe('hostile arguments', () => {
  for (const [method, args, why] of HOSTILE) {
    it(`${method}: ${why}`, async () => {
      const result = await h.call(method, args);
      expect(result).toMatchObject({ ok: false, error: { name: 'ValidationError' } });
      if (!result.ok) expect(result.error.message.length).toBeLessThan(300);
      expect(engineCalls(h.engine)).toBe(0);
      expect(h.dialogs.save).not.toHaveBeenCalled();
    });
  }

  it('a prototype-polluting payload leaves Object.prototype alone', async () => {
    await h.call('capture.start', [protoObject('{"iface": "lo", "__proto__": {"polluted": true}}')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('paths the user never chose', () => {
  const refusedOpen = [
    '/etc/passwd',
    '/home/student/.ssh/id_rsa',
    'relative/file.pcap',
    '../../etc/shadow',
    '',
    '/home/student/lab/smtp.pcapng\0.txt',
  ];
  for (const path of refusedOpen) {
    it(`file.open refuses ${JSON.stringify(path)}`, async () => {
      const result = await h.call('file.open', [path]);
      expect(result.ok).toBe(false);
      expect(engineCalls(h.engine)).toBe(0);
    });
  }

  it('the refusal says what to do', async () => {
    const result = await h.call('file.open', ['/etc/passwd']);
    expect(result).toEqual({
      ok: false,
      error: {
        name: 'Error',
        message: expect.stringMatching(/opens only files you chose: use File › Open, drop the file/),
      },
    });
  });

  it('Recover and Discard take only spools capture.recoverable listed, never another chosen file', async () => {
    for (const method of ['capture.recover', 'capture.discardRecoverable'] as const) {
      for (const path of [CHOSEN_OPEN, '/etc/passwd', '/tmp/wirelab-spool/../../etc/passwd', 'relative.pcapng', '']) {
        const result = await h.call(method, [path]);
        expect(result, `${method} ${path}`).toMatchObject({
          ok: false,
          error: { message: expect.stringMatching(/listed for recovery|not a capture left/) },
        });
      }
    }
    expect(engineCalls(h.engine)).toBe(0);
    const listed = '/tmp/wirelab-spool/wirelab-eth0-2026-11-26T22-00-00-000Z-77.pcapng';
    expect((await h.call('capture.discardRecoverable', [listed])).ok).toBe(false);
    h.engine['capture.recoverable'].mockResolvedValueOnce([{ path: listed, bytes: 10, modified: 'x' }]);
    await h.call('capture.recoverable', []);
    expect((await h.call('capture.discardRecoverable', [listed])).ok).toBe(true);
    expect(h.engine['capture.discardRecoverable']).toHaveBeenCalledWith(listed);
  });

  it('file.save refuses paths not chosen in a Save dialog, including files chosen to be opened', async () => {
    for (const path of ['/home/student/.bashrc', CHOSEN_OPEN, '/tmp/x.pcapng', 'x.pcapng']) {
      const result = await h.call('file.save', [path, { format: 'pcapng', which: 'all' }]);
      expect(result, path).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/Save dialog/) },
      });
    }
    expect(engineCalls(h.engine)).toBe(0);
  });

  it('accepts a path once the user picked it in the Open dialog, normalised', async () => {
    expect((await h.call('file.open', ['/home/student/picked.pcap'])).ok).toBe(false);
    h.dialogs.open.mockResolvedValueOnce('/home/student/./picked.pcap');
    expect(await h.call('dialog.openFile', [])).toEqual({ ok: true, value: '/home/student/picked.pcap' });
    expect((await h.call('file.open', ['/home/student/picked.pcap'])).ok).toBe(true);
    expect(h.engine['file.open']).toHaveBeenCalledWith('/home/student/picked.pcap');
    expect(h.recent.list()[0]).toBe('/home/student/picked.pcap');
  });

  it('a cancelled dialog returns null and allows nothing', async () => {
    expect(await h.call('dialog.openFile', [])).toEqual({ ok: true, value: null });
    expect(await h.call('dialog.saveFile', ['x.pcapng'])).toEqual({ ok: true, value: null });
  });

  it('the Save dialog suggestion is reduced to a file name (the renderer cannot steer the folder)', async () => {
    h.dialogs.save.mockResolvedValue(null);
    await h.call('dialog.saveFile', ['/home/student/.config/autostart/evil.desktop']);
    await h.call('dialog.saveFile', ['..\\..\\evil.pcap']);
    await h.call('dialog.saveFile', ['..']);
    expect(h.dialogs.save.mock.calls.map((c) => c[0])).toEqual([
      'evil.desktop',
      'evil.pcap',
      'capture.pcapng',
    ]);
  });

  it('a Save dialog path may be written, and afterwards opened', async () => {
    h.dialogs.save.mockResolvedValueOnce('/home/student/new.pcap');
    expect(await h.call('dialog.saveFile', ['new.pcap'])).toEqual({
      ok: true,
      value: '/home/student/new.pcap',
    });
    expect(
      (await h.call('file.save', ['/home/student/new.pcap', { format: 'pcap', which: 'displayed' }])).ok,
    ).toBe(true);
    expect((await h.call('file.open', ['/home/student/new.pcap'])).ok).toBe(true);
  });

  it('recent files and recovered spools may be opened (never written)', async () => {
    h.recent.add('/home/student/old.pcapng');
    expect(await h.call('file.recent', [])).toEqual({ ok: true, value: ['/home/student/old.pcapng'] });
    expect((await h.call('file.open', ['/home/student/old.pcapng'])).ok).toBe(true);
    h.engine['capture.recoverable'].mockResolvedValueOnce([
      { path: '/tmp/wirelab-spool/1.pcapng', bytes: 10, modified: 'x' },
    ]);
    await h.call('capture.recoverable', []);
    expect((await h.call('file.open', ['/tmp/wirelab-spool/1.pcapng'])).ok).toBe(true);
    expect(
      (await h.call('file.save', ['/tmp/wirelab-spool/1.pcapng', { format: 'pcapng', which: 'all' }])).ok,
    ).toBe(false);
  });
});

describe('errors and events', () => {
  it('serialises engine errors to {name, message}', async () => {
    class CaptureError extends Error {
      override name = 'CaptureError';
    }
    h.engine['capture.start'].mockRejectedValueOnce(
      new CaptureError('You may not capture on lo: run the privilege fix'),
    );
    expect(await h.call('capture.start', VALID_ARGS['capture.start'])).toEqual({
      ok: false,
      error: { name: 'CaptureError', message: 'You may not capture on lo: run the privilege fix' },
    });
    h.engine['capture.stop'].mockImplementationOnce(() => {
      throw 'a string';
    });
    expect(await h.call('capture.stop', [])).toEqual({
      ok: false,
      error: { name: 'Error', message: 'a string' },
    });
  });

  it('forwards every contract event to the main window on the event channel, bytes intact', () => {
    const bytes = new Uint8Array([0x32, 0x32, 0x30]);
    h.events.emit('console.onOutput', { id: 1, kind: 'data', data: bytes });
    h.events.emit('app.onMenu', { command: 'go.toPacket' });
    expect(h.window.webContents.sent).toEqual([
      { channel: IPC_EVENT_CHANNEL, args: ['console.onOutput', { id: 1, kind: 'data', data: bytes }] },
      { channel: IPC_EVENT_CHANNEL, args: ['app.onMenu', { command: 'go.toPacket' }] },
    ]);
  });

  it('sends nothing to a destroyed window', () => {
    h.window.webContents.destroyed = true;
    h.events.emit('view.onCounts', { frames: 1, displayed: 1, marked: 0 });
    expect(h.window.webContents.sent).toEqual([]);
  });
});

describe('drop channel', () => {
  it('hands trusted drops to the host', () => {
    h.ipc.emit(IPC_DROP_CHANNEL, h.trusted(), ['/home/student/dropped.pcap']);
    expect(h.onDrop).toHaveBeenCalledWith(['/home/student/dropped.pcap']);
  });

  it('ignores strangers and malformed payloads', () => {
    const stranger = {
      sender: new mock.FakeWebContents(),
      senderFrame: new mock.FakeFrame('app://wirelab/'),
    };
    h.ipc.emit(IPC_DROP_CHANNEL, stranger, ['/etc/passwd']);
    for (const payload of [
      [],
      '/etc/passwd',
      [42],
      [TEN_MIB],
      ['/a\0b'],
      Array(1000).fill('/x'),
      null,
      protoObject('{"__proto__": []}'),
    ]) {
      h.ipc.emit(IPC_DROP_CHANNEL, h.trusted(), payload);
    }
    expect(h.onDrop).not.toHaveBeenCalled();
  });
});
