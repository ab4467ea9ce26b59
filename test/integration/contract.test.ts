/**
 * The whole contract against a real Workbench, through both text transports the hosts use: the in-memory
 * pair (serveTransport + createClient) and the real web host (startWebHost + a `ws` client presenting the
 * right Origin and token). The same suite runs over both: every method is reachable, a real capture made
 * by tcpdump (the standard lab set from globalSetup) opens, pages, details, marks, finds and saves; the
 * console talks to the built-in lab server (ports 0) with output events; `lo` is listed and a short live
 * capture on it delivers its status and count events. The web host refuses sockets without the token or
 * from another Origin.
 */
import { createSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  FILE_EXISTS_ERROR,
  METHODS,
  type Client,
  type EventName,
  type Events,
  type MethodName,
} from '../../src/shared/contract';
import { createClient, memoryTransportPair, serveTransport, type Transport } from '../../src/shared/rpc';
import { Workbench } from '../../src/main/engine/workbench';
import { startWebHost, type WebHost } from '../../src/main/web/server';
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import { Spool } from '../../src/main/engine/capture/spool';

const captures = inject('captures').captures;
const CAPTURE = captures['smtp-python'];
const dir = mkdtempSync(join(tmpdir(), 'wirelab-contract-'));
const rendererDir = join(dir, 'renderer');

interface Connected {
  client: Client;
  workbench: Workbench;
  spoolDir: string;
  close(): Promise<void>;
}

function newWorkbench(name: string): Workbench {
  return new Workbench({
    labServer: { smtpPort: 0, popPort: 0 },
    capture: { spoolDir: join(dir, `spool-${name}`) },
  });
}

async function connectMemory(): Promise<Connected> {
  const workbench = newWorkbench('memory');
  await workbench.start();
  const [serverSide, clientSide] = memoryTransportPair();
  const stop = serveTransport(workbench, serverSide, (forward) => workbench.events.onAny(forward));
  return {
    client: createClient(clientSide),
    workbench,
    spoolDir: join(dir, 'spool-memory'),
    close: async () => {
      stop();
      await workbench.stop();
    },
  };
}

/** openSocket connects a `ws` client; rejects with the HTTP status when the upgrade is refused. */
function openSocket(url: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { headers: { Origin: origin } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function socketTransport(ws: WebSocket): Transport {
  return {
    send: (text) => ws.send(text),
    onMessage: (listener) => {
      const handler = (data: Buffer, isBinary: boolean) => {
        if (!isBinary) listener(data.toString('utf8'));
      };
      ws.on('message', handler);
      return () => ws.off('message', handler);
    },
  };
}

let webHost: WebHost | undefined;
async function connectWeb(): Promise<Connected> {
  const workbench = newWorkbench('web');
  await workbench.start();
  webHost = await startWebHost({
    service: workbench,
    events: workbench.events,
    rendererDir: dir,
    token: 'a'.repeat(32),
  });
  const ws = await openSocket(
    `ws://127.0.0.1:${webHost.port}/rpc?token=${webHost.token}`,
    `http://127.0.0.1:${webHost.port}`,
  );
  const host = webHost;
  return {
    client: createClient(socketTransport(ws)),
    workbench,
    spoolDir: join(dir, 'spool-web'),
    close: async () => {
      ws.close();
      await host.close();
      await workbench.stop();
    },
  };
}

/** nextEvent resolves with the first payload of `event` that satisfies `accept`. */
function nextEvent<E extends EventName>(
  client: Client,
  event: E,
  accept: (payload: Events[E]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Events[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('latin1');

for (const [transportName, connect] of [
  ['in-memory transport', connectMemory],
  ['WebSocket web host', connectWeb],
] as const) {
  describe(`contract over the ${transportName}`, () => {
    let c: Connected;
    beforeAll(async () => {
      c = await connect();
    });
    afterAll(async () => {
      await c?.close();
    });

    it('answers app.info, fields.registry and labserver.status', async () => {
      expect(await c.client['app.info']()).toMatchObject({ host: 'web', platform: process.platform });
      const registry = await c.client['fields.registry']();
      expect(registry.fields.some((f) => f.abbrev === 'frame.number')).toBe(true);
      expect(registry.protocols.length).toBeGreaterThan(3);
      const lab = await c.client['labserver.status']();
      expect(lab).toMatchObject({ running: true, host: '127.0.0.1' });
      expect(lab.smtpPort).toBeGreaterThan(0);
      expect(lab.popPort).toBeGreaterThan(0);
    });

    it('opens a real capture: view.onReset, rows, detail bytes, marks, find, filter, save', async () => {
      const reset = nextEvent(c.client, 'view.onReset');
      const info = await c.client['file.open'](CAPTURE.pcapng);
      expect(info).toMatchObject({
        source: 'file',
        format: 'pcapng',
        unsaved: false,
        counts: { frames: CAPTURE.frames },
      });
      expect((await reset).path).toBe(CAPTURE.pcapng);

      const rows = await c.client['view.rows'](0, 5);
      expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
      expect(rows[0]?.protocol).toBe('TCP');
      const reference = readCaptureFileSync(CAPTURE.pcapng).records;
      const detail = await c.client['frame.detail'](1);
      expect(detail.number).toBe(1);
      expect(detail.tree.length).toBeGreaterThan(0);
      // Bytes cross the transport as Uint8Array, equal to the file's.
      expect(detail.sources[0]?.bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(detail.sources[0]!.bytes)).toEqual(Buffer.from(reference[0]!.data));

      const counts = nextEvent(c.client, 'view.onCounts', (x) => x.marked === 2);
      expect(await c.client['frame.mark']([1, 3], true)).toEqual({
        frames: CAPTURE.frames,
        displayed: CAPTURE.frames,
        marked: 2,
      });
      await counts;
      expect((await c.client['view.rows'](0, 3)).map((r) => r.marked ?? false)).toEqual([true, false, true]);

      // smtplib sends its commands in lower case; take whichever spelling the capture holds.
      const needle = ['EHLO', 'ehlo'].find((n) => reference.some((r) => text(r.data).includes(n)))!;
      const expectedFrame = reference.findIndex((r, i) => i > 0 && text(r.data).includes(needle)) + 1;
      expect(expectedFrame).toBeGreaterThan(1);
      expect(await c.client['view.find']('string', needle, 1, false)).toEqual({ frame: expectedFrame });
      const ehloFrame = expectedFrame;
      const hex = Buffer.from(needle)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 ');
      expect(await c.client['view.find']('hex', hex, 1, false)).toEqual({ frame: ehloFrame });
      expect(await c.client['view.find']('string', needle, ehloFrame + 1, true)).toEqual({
        frame: ehloFrame,
      });
      expect(await c.client['view.find']('string', 'no such text anywhere', 1, false)).toBeNull();
      expect(await c.client['view.find']('hex', 'zz', 1, false)).toEqual({ error: expect.any(String) });
      expect(await c.client['view.indexOf'](ehloFrame)).toBe(ehloFrame - 1);

      const filtered = await c.client['view.setFilter']('smtp');
      expect(filtered.ok).toBe(true);
      expect(filtered.displayed).toBeGreaterThan(0);
      expect(filtered.displayed).toBeLessThan(CAPTURE.frames);
      const smtpRows = await c.client['view.rows'](0, 1000);
      expect(smtpRows.length).toBe(filtered.displayed);
      expect(smtpRows.every((r) => r.protocol.startsWith('SMTP') || r.protocol === 'IMF')).toBe(true);
      expect(await c.client['view.setFilter']('smtp.req.command ==')).toMatchObject({
        ok: false,
        message: expect.any(String),
      });
      expect((await c.client['view.setFilter']('')).displayed).toBe(CAPTURE.frames);

      // Sorted by Length, longest first (ties: higher frame number first, the exact reverse of ascending).
      const sortEvent = nextEvent(c.client, 'view.onSort', (x) => x.sort?.column === 'length');
      expect(await c.client['view.sort']('length', true)).toEqual({
        ok: true,
        sort: { column: 'length', descending: true },
        displayed: CAPTURE.frames,
      });
      expect(await sortEvent).toEqual({ sort: { column: 'length', descending: true } });
      const byLength = reference
        .map((r, i) => ({ number: i + 1, length: r.origLen }))
        .sort((a, b) => b.length - a.length || b.number - a.number)
        .map((r) => r.number);
      expect((await c.client['view.rows'](0, 1000)).map((r) => r.number)).toEqual(byLength);
      expect(await c.client['view.indexOf'](byLength[7]!)).toBe(7);
      const unsorted = nextEvent(c.client, 'view.onSort', (x) => x.sort === null);
      expect((await c.client['view.sort']('none', false)).sort).toBeNull();
      await unsorted;
      expect((await c.client['view.rows'](0, 5)).map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);

      const saved = join(dir, `${transportName.replace(/\W+/g, '-')}-marked.pcap`);
      expect(await c.client['file.save'](saved, { format: 'pcap', which: 'marked' })).toEqual({
        path: saved,
        frames: 2,
      });
      const savedRecords = readCaptureFileSync(saved).records;
      expect(savedRecords.map((r) => Buffer.from(r.data))).toEqual([
        Buffer.from(reference[0]!.data),
        Buffer.from(reference[2]!.data),
      ]);

      // An existing file is not replaced unless the caller says so; the error's name crosses the transport.
      await expect(c.client['file.save'](saved, { format: 'pcap', which: 'all' })).rejects.toMatchObject({
        message: `A file named "${basename(saved)}" already exists in ${dir}.`,
        remoteName: FILE_EXISTS_ERROR,
      });
      expect(readCaptureFileSync(saved).records).toHaveLength(2);
      expect(await c.client['file.save'](saved, { format: 'pcap', which: 'all', replace: true })).toEqual({ path: saved, frames: reference.length });
      expect(readCaptureFileSync(saved).records).toHaveLength(reference.length);
      // A folder, and a folder that does not exist, say so in the user's words.
      await expect(c.client['file.save'](dir, { format: 'pcap', which: 'all', replace: true })).rejects.toThrow(`"${dir}" is a folder: give a file name in it.`);
      await expect(c.client['file.save'](join(dir, 'no-such-folder', 'x.pcap'), { format: 'pcap', which: 'all' })).rejects.toThrow(
        `cannot create capture file ${join(dir, 'no-such-folder', 'x.pcap')}: ENOENT: the folder ${join(dir, 'no-such-folder')} does not exist`,
      );
    });

    it('sets gui.locale: frame.detail labels in Chinese, same bytes; an unknown locale is refused', async () => {
      const english = await c.client['frame.detail'](1);
      await c.client['prefs.set']('gui.locale', 'zh-CN');
      const chinese = await c.client['frame.detail'](1);
      expect(chinese.tree.map((n) => n.label)).toContain('网际协议版本 4, 源地址: 127.0.0.1, 目的地址: 127.0.0.1');
      expect(chinese.tree.map((n) => [n.field, n.src, n.start, n.length])).toEqual(english.tree.map((n) => [n.field, n.src, n.start, n.length]));
      expect(chinese.sources.map((s) => Buffer.from(s.bytes))).toEqual(english.sources.map((s) => Buffer.from(s.bytes)));
      await expect(c.client['prefs.set']('gui.locale', 'fr')).rejects.toThrow('Unknown locale "fr" for gui.locale: use one of en, zh-CN');
      expect((await c.client['frame.detail'](1)).tree).toEqual(chinese.tree);
      await c.client['prefs.set']('gui.locale', 'en');
      expect(await c.client['frame.detail'](1)).toEqual(english);
    });

    it('reaches every method (errors, if any, come from the engine, never from validation)', async () => {
      const args: { [M in MethodName]?: unknown[] } = {
        'capture.start': [{ iface: 'no-such-interface-0' }],
        'file.open': [CAPTURE.file],
        'file.save': [
          join(dir, `${transportName.replace(/\W+/g, '-')}-all.pcapng`),
          { format: 'pcapng', which: 'all' },
        ],
        'dialog.saveFile': ['capture.pcapng'],
        'capture.recover': [join(c.spoolDir, 'wirelab-lo-2026-11-26T23-01-02-123Z-1.pcapng')],
        'capture.discardRecoverable': [join(c.spoolDir, 'wirelab-lo-2026-11-26T23-01-02-123Z-1.pcapng')],
        'view.setFilter': ['tcp'],
        'view.sort': ['protocol', false],
        'view.rows': [0, 10],
        'view.indexOf': [1],
        'view.find': ['filter', 'tcp.port == 25', 1, false],
        'frame.detail': [2],
        'frame.mark': [[2], false],
        'stream.follow': [0],
        'mail.attachment': ['smtp-1', 0],
        'mail.saveMessage': ['smtp-1', join(dir, 'no-such-message.eml')],
        'mail.saveAttachment': ['smtp-1', 0, join(dir, 'no-such-attachment.bin')],
        'console.connect': ['127.0.0.1', (await c.client['labserver.status']()).popPort, 'line'],
        'console.send': [999, 'x'],
        'console.setMode': [999, 'character'],
        'console.disconnect': [999],
        'prefs.set': ['tcp.desegment_tcp_streams', true],
      };
      const outcomes: Record<string, string> = {};
      for (const method of Object.keys(METHODS) as MethodName[]) {
        const call = c.client[method] as (...a: unknown[]) => Promise<unknown>;
        try {
          await call(...(args[method] ?? []));
          outcomes[method] = 'ok';
        } catch (err) {
          const remote = err as { remoteName?: string; message: string };
          expect(remote.remoteName, `${method}: ${remote.message}`).not.toBe('ValidationError');
          outcomes[method] = remote.message;
        }
      }
      expect(outcomes['dialog.openFile']).toMatch(/not available in the browser/);
      expect(outcomes['dialog.saveFile']).toMatch(/not available in the browser/);
      expect(outcomes['console.send']).toMatch(/not connected/);
      expect(outcomes['capture.recover']).toMatch(/not a capture left for recovery/);
      expect(outcomes['capture.discardRecoverable']).toMatch(/not a capture left for recovery/);
      expect(outcomes['capture.start']).not.toBe('ok');
      for (const method of [
        'file.open',
        'file.save',
        'view.sort',
        'view.rows',
        'frame.detail',
        'file.recent',
        'console.connect',
      ] as const) {
        expect(outcomes[method], method).toBe('ok');
      }
      await c.client['console.disconnect'](1);
    });

    it('refuses bad arguments with ValidationError and no side effect', async () => {
      const before = await c.client['file.info']();
      await expect(c.client['file.open'](42 as unknown as string)).rejects.toMatchObject({
        remoteName: 'ValidationError',
      });
      await expect(c.client['view.rows'](NaN, 1)).rejects.toMatchObject({ remoteName: 'ValidationError' });
      await expect(c.client['view.sort']('colour' as never, false)).rejects.toMatchObject({ remoteName: 'ValidationError' });
      await expect(c.client['view.setFilter']('x'.repeat(10 * 1024 * 1024))).rejects.toMatchObject({
        remoteName: 'ValidationError',
      });
      const polluted = JSON.parse('{"__proto__": {"format": "pcapng", "which": "all"}}') as never;
      await expect(c.client['file.save'](join(dir, 'never.pcapng'), polluted)).rejects.toMatchObject({
        remoteName: 'ValidationError',
      });
      expect(await c.client['file.info']()).toEqual(before);
    });

    it('runs a console session against the lab server with output events', async () => {
      const lab = await c.client['labserver.status']();
      const outputs: string[] = [];
      const off = c.client.on('console.onOutput', (o) => {
        if (o.kind === 'data') outputs.push(text(o.data));
      });
      const banner = nextEvent(
        c.client,
        'console.onOutput',
        (o) => o.kind === 'data' && text(o.data).includes('220 '),
      );
      const { id } = await c.client['console.connect'](lab.host, lab.smtpPort, 'line');
      expect(id).toBeGreaterThan(0);
      const first = await banner;
      expect(first.data).toBeInstanceOf(Uint8Array);
      const bye = nextEvent(
        c.client,
        'console.onOutput',
        (o) => o.kind === 'data' && text(o.data).includes('221'),
      );
      await c.client['console.send'](id, 'EHLO contract.test\r\nQUIT\r\n');
      await bye;
      expect(outputs.join('')).toMatch(/^250[- ]/m);
      await c.client['console.disconnect'](id);
      off();
    });

    it('lists lo among the capture interfaces', async () => {
      const interfaces = await c.client['capture.interfaces']();
      expect(interfaces.find((i) => i.name === 'lo')).toMatchObject({ loopback: true, canCapture: true });
    });

    it('captures UDP on lo live, with status and count events', async () => {
      await c.client['view.setFilter']('');
      const server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
      const port = server.address().port;
      const statuses: string[] = [];
      const offStatus = c.client.on('capture.onStatus', (s) => statuses.push(s.state));
      const reset = nextEvent(c.client, 'view.onReset', (info) => info.source === 'live');
      const started = await c.client['capture.start']({ iface: 'lo', captureFilter: `udp port ${port}` });
      expect(started).toMatchObject({ state: 'capturing', iface: 'lo' });
      await reset;
      const counted = nextEvent(c.client, 'view.onCounts', (counts) => counts.frames >= 5);
      const sender = createSocket('udp4');
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) =>
          sender.send(`wirelab datagram ${i}`, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
        );
      }
      await counted;
      const stopped = nextEvent(c.client, 'capture.onStatus', (s) => s.state === 'stopped');
      const final = await c.client['capture.stop']();
      await stopped;
      expect(final).toMatchObject({ state: 'stopped', packets: 5 });
      expect(statuses[0]).toBe('capturing');
      expect(await c.client['file.info']()).toMatchObject({
        source: 'live',
        unsaved: true,
        counts: { frames: 5 },
      });
      const rows = await c.client['view.rows'](0, 10);
      expect(rows.map((r) => r.protocol)).toEqual(['UDP', 'UDP', 'UDP', 'UDP', 'UDP']);
      const detail = await c.client['frame.detail'](5);
      expect(text(detail.sources[0]?.bytes)).toContain('wirelab datagram 4');
      offStatus();
      sender.close();
      server.close();
    });

    it('offers stale spools only: recovers one as an unsaved capture, discards another', async () => {
      const own = (await c.client['capture.status']()).spool!;
      expect(own).toBeDefined();
      // The stopped capture of this engine is never offered.
      expect(await c.client['capture.recoverable']()).toEqual([]);
      // A spool left by a process that is gone (written by the real Spool, then its owner "dies").
      const reference = readCaptureFileSync(CAPTURE.file).records;
      const spool = Spool.create(reference[0]!.linktype, 'lo', c.spoolDir);
      for (const rec of reference) spool.write(rec);
      spool.close();
      Spool.release(spool.path);
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      writeFileSync(spool.path + '.owner', JSON.stringify({ pid: dead, iface: 'lo' }));
      expect(await c.client['capture.recoverable']()).toEqual([
        expect.objectContaining({ path: spool.path, packets: reference.length, iface: 'lo' }),
      ]);
      const reset = nextEvent(c.client, 'view.onReset', (info) => info.recovered === true);
      const info = await c.client['capture.recover'](spool.path);
      expect(await reset).toMatchObject({ source: 'file', unsaved: true, recovered: true });
      expect(info).toMatchObject({ recovered: true, unsaved: true, counts: { frames: reference.length } });
      // The live capture it replaced was not saved: its spool stays and is offered now.
      expect((await c.client['capture.recoverable']()).map((s) => s.path)).toEqual([own]);
      await c.client['capture.discardRecoverable'](own);
      expect(existsSync(own)).toBe(false);
      expect(await c.client['capture.recoverable']()).toEqual([]);
    });
  });
}

describe('web host admission', () => {
  let host: WebHost;
  let workbench: Workbench;
  beforeAll(async () => {
    workbench = new Workbench({ labServer: false });
    host = await startWebHost({ service: workbench, events: workbench.events, rendererDir });
  });
  afterAll(async () => {
    await host.close();
  });

  it('accepts the right token and Origin', async () => {
    const ws = await openSocket(
      `ws://127.0.0.1:${host.port}/rpc?token=${host.token}`,
      `http://127.0.0.1:${host.port}`,
    );
    const client = createClient(socketTransport(ws));
    expect(await client['file.info']()).toMatchObject({ source: 'none' });
    ws.close();
  });

  const refused: [string, () => [string, string | undefined]][] = [
    ['without a token', () => [`ws://127.0.0.1:${host.port}/rpc`, `http://127.0.0.1:${host.port}`]],
    [
      'with a wrong token',
      () => [`ws://127.0.0.1:${host.port}/rpc?token=${'0'.repeat(32)}`, `http://127.0.0.1:${host.port}`],
    ],
    [
      'with a token of another length',
      () => [`ws://127.0.0.1:${host.port}/rpc?token=${host.token}0`, `http://127.0.0.1:${host.port}`],
    ],
    [
      'from another Origin',
      () => [`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, 'http://evil.example'],
    ],
    [
      'from another port of 127.0.0.1',
      () => [`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, `http://127.0.0.1:${host.port + 1}`],
    ],
    ['without an Origin', () => [`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, undefined]],
    [
      'on another path',
      () => [`ws://127.0.0.1:${host.port}/other?token=${host.token}`, `http://127.0.0.1:${host.port}`],
    ],
  ];
  for (const [what, target] of refused) {
    it(`refuses a socket ${what} (403)`, async () => {
      const [url, origin] = target();
      await expect(openSocket(url, origin)).rejects.toThrow('HTTP 403');
    });
  }
});
