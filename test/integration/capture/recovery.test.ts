/**
 * Recovery of live-capture spools (src/main/engine/capture/spool.ts and the workbench's capture.recover /
 * capture.discardRecoverable): which spools are offered, and that Recover and Discard take only a spool
 * the engine lists itself. Spools are written by the real Spool class with the packets of a real tcpdump
 * capture (the standard lab set); a "dead owner" is the pid of a child process that has exited, a "live
 * owner" the pid of a running `sleep`. tshark reads every spool offered.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Spool, checkRecoverable, findRecoverableSpools } from '../../../src/main/engine/capture/spool';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { Workbench } from '../../../src/main/engine/workbench';
import { tsharkFields } from '../../support/tshark';

const CAPTURE = inject('captures').captures['smtp-python'];
const reference = readCaptureFileSync(CAPTURE.file).records;
const root = mkdtempSync(join(tmpdir(), 'wirelab-recovery-'));
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** deadPid is the pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  return child.pid!;
}

/** writeSpool writes `count` packets of the reference capture with the real Spool, as a capture does. */
function writeSpool(dir: string, count = reference.length, iface = 'lo'): Spool {
  const spool = Spool.create(reference[0]!.linktype, iface, dir);
  for (const rec of reference.slice(0, count)) spool.write(rec);
  spool.flush();
  return spool;
}

/** crash leaves a spool as a killed process does: closed (flushed), owned by `pid`, not ours any more. */
function crash(spool: Spool, pid = deadPid()): string {
  spool.close();
  Spool.release(spool.path);
  const marker = JSON.parse(readFileSync(spool.path + '.owner', 'utf8')) as Record<string, unknown>;
  writeFileSync(spool.path + '.owner', JSON.stringify({ ...marker, pid }));
  return spool.path;
}

let dirs = 0;
const newDir = () => {
  const dir = join(root, `spools-${++dirs}`);
  mkdirSync(dir);
  return dir;
};

/** snapshot lists a folder's files with their contents, to prove a refused call changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name)).toString('base64');
  return out;
}

describe('which spools are offered', () => {
  it('offers a spool whose owner is gone, with size, times, interface and complete packets; tshark reads it', async () => {
    const dir = newDir();
    const before = Date.now();
    const path = crash(writeSpool(dir, reference.length, 'lo'));
    const listed = await findRecoverableSpools(dir);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ path, iface: 'lo', packets: reference.length, bytes: readFileSync(path).length });
    expect(Date.parse(listed[0]!.started!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(listed[0]!.modified)).toBeGreaterThanOrEqual(Date.parse(listed[0]!.started!) - 1000);
    expect((await tsharkFields(path, ['frame.number'])).length).toBe(reference.length);
  });

  it('never offers a spool of a capture of this process, running or stopped; a released one is offered', async () => {
    const dir = newDir();
    const spool = writeSpool(dir, 5);
    expect(await findRecoverableSpools(dir)).toEqual([]);
    spool.close();
    expect(await findRecoverableSpools(dir)).toEqual([]);
    await expect(checkRecoverable(spool.path, dir)).rejects.toThrow(/not a capture left for recovery/);
    // Released (its capture replaced without saving): the marker still names us, but it is not ours any more.
    Spool.release(spool.path);
    expect((await findRecoverableSpools(dir)).map((s) => s.path)).toEqual([spool.path]);
  });

  it('never offers a spool whose owner process still runs, until it is gone', async () => {
    const dir = newDir();
    const sleeper = spawn('sleep', ['60']);
    children.push(sleeper);
    await new Promise((r) => sleeper.once('spawn', r));
    const path = crash(writeSpool(dir, 5), sleeper.pid!);
    expect(await findRecoverableSpools(dir)).toEqual([]);
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    expect((await findRecoverableSpools(dir)).map((s) => s.path)).toEqual([path]);
  });

  it('removes a stale spool without one complete packet (nothing to recover) and lists only spool names', async () => {
    const dir = newDir();
    const empty = crash(writeSpool(dir, 0));
    const cut = crash(writeSpool(dir, 1));
    // Cut the only record in half: no complete packet left.
    const bytes = readFileSync(cut);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 20));
    writeFileSync(join(dir, 'notes.pcapng'), 'not a spool');
    writeFileSync(join(dir, 'wirelab-lo-2026-11-26T23-01-02-123Z-1.pcapng.owner'), '1');
    const outside = join(root, 'outside.pcapng');
    writeFileSync(outside, readFileSync(CAPTURE.file));
    symlinkSync(outside, join(dir, 'wirelab-lo-2026-11-26T23-01-02-123Z-2.pcapng'));
    expect(await findRecoverableSpools(dir)).toEqual([]);
    expect(existsSync(empty)).toBe(false);
    expect(existsSync(empty + '.owner')).toBe(false);
    expect(existsSync(cut)).toBe(false);
    expect(existsSync(join(dir, 'notes.pcapng'))).toBe(true);
    expect(existsSync(outside)).toBe(true);
  });

  it('lists newest first', async () => {
    const dir = newDir();
    const first = crash(writeSpool(dir, 3));
    await new Promise((r) => setTimeout(r, 20));
    const second = crash(writeSpool(dir, 4));
    expect((await findRecoverableSpools(dir)).map((s) => [s.path, s.packets])).toEqual([
      [second, 4],
      [first, 3],
    ]);
  });
});

describe('the spool of a live capture on lo', () => {
  it('is never offered while loaded; saving in full removes it, but not while packets still arrive', async () => {
    const dir = newDir();
    const workbench = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const port = server.address().port;
    const sender = createSocket('udp4');
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise<void>((r, f) => sender.send(`spool ${i}`, port, '127.0.0.1', (e) => (e ? f(e) : r())));
    };
    const frames = async (n: number) => {
      const until = Date.now() + 10_000;
      while (workbench['file.info']().counts.frames < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(workbench['file.info']().counts.frames).toBe(n);
    };
    await workbench['capture.start']({ iface: 'lo', captureFilter: `udp port ${port}` });
    await send(3);
    await frames(3);
    const spool = workbench['capture.status']().spool!;
    expect(existsSync(spool)).toBe(true);
    expect(await findRecoverableSpools(dir)).toEqual([]);
    // Saved while capturing: the spool stays, and later packets make the capture unsaved again.
    await workbench['file.save'](join(root, 'live-early.pcapng'), { format: 'pcapng', which: 'all' });
    expect(workbench['file.info']().unsaved).toBe(false);
    await send(2);
    await frames(5);
    expect(workbench['file.info']().unsaved).toBe(true);
    await workbench['capture.stop']();
    expect(existsSync(spool)).toBe(true);
    expect(await findRecoverableSpools(dir)).toEqual([]);
    const saved = join(root, 'live-all.pcapng');
    await workbench['file.save'](saved, { format: 'pcapng', which: 'all' });
    expect(existsSync(spool)).toBe(false);
    expect(existsSync(spool + '.owner')).toBe(false);
    expect((await tsharkFields(saved, ['udp.dstport'])).map((r) => r[0])).toEqual(Array(5).fill(String(port)));
    sender.close();
    server.close();
    await workbench.stop();
  });
});

describe('Recover and Discard through the workbench', () => {
  it('refuses every path that is not a listed spool, with no side effect', async () => {
    const dir = newDir();
    const stale = crash(writeSpool(dir, 5));
    const running = writeSpool(dir, 2);
    const notSpool = join(dir, 'notes.pcapng');
    writeFileSync(notSpool, 'keep me');
    const outside = join(root, 'victim.pcapng');
    writeFileSync(outside, readFileSync(CAPTURE.file));
    const link = join(dir, 'wirelab-lo-2026-11-26T23-01-02-123Z-9.pcapng');
    symlinkSync(outside, link);
    const workbench = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    const hostile = [
      outside,
      notSpool,
      link,
      running.path,
      running.path + '.owner',
      stale + '.owner',
      join(dir, '..', 'victim.pcapng'),
      `${dir}/../${dir.split('/').pop()}/${stale.split('/').pop()}`,
      stale.split('/').pop()!,
      `${stale}\0.txt`,
      '/etc/passwd',
      dir,
      '',
    ];
    const before = { dir: snapshot(dir), outside: readFileSync(outside).toString('base64'), info: workbench['file.info']() };
    for (const path of hostile) {
      await expect(workbench['capture.discardRecoverable'](path), path).rejects.toThrow(/not a capture left for recovery/);
      await expect(workbench['capture.recover'](path), path).rejects.toThrow(/not a capture left for recovery/);
    }
    expect(snapshot(dir)).toEqual(before.dir);
    expect(readFileSync(outside).toString('base64')).toBe(before.outside);
    expect(workbench['file.info']()).toEqual(before.info);
    expect((await workbench['capture.recoverable']()).map((s) => s.path)).toEqual([stale]);
    running.close();
    Spool.discard(running.path);
    await workbench.stop();
  });

  it('Discard deletes the spool and its marker; a second Discard is refused', async () => {
    const dir = newDir();
    const stale = crash(writeSpool(dir, 5));
    const workbench = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    await workbench['capture.discardRecoverable'](stale);
    expect(readdirSync(dir)).toEqual([]);
    await expect(workbench['capture.discardRecoverable'](stale)).rejects.toThrow(/not a capture left for recovery/);
    await workbench.stop();
  });

  it('Recover opens an unsaved, recovered capture; saving it removes the spool', async () => {
    const dir = newDir();
    const stale = crash(writeSpool(dir));
    const workbench = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    const info = await workbench['capture.recover'](stale);
    expect(info).toMatchObject({ source: 'file', recovered: true, unsaved: true, path: stale, counts: { frames: reference.length } });
    const opened = new Workbench({ labServer: false });
    const fromFile = await opened['file.open'](CAPTURE.file);
    expect(workbench['view.rows'](0, 1000).map((r) => r.info)).toEqual(opened['view.rows'](0, 1000).map((r) => r.info));
    expect(fromFile.counts.frames).toBe(reference.length);
    // Loaded here now: no longer offered, neither Discard nor a second Recover may take it.
    expect(await workbench['capture.recoverable']()).toEqual([]);
    await expect(workbench['capture.discardRecoverable'](stale)).rejects.toThrow(/not a capture left/);
    const saved = join(root, 'recovered-saved.pcapng');
    await workbench['file.save'](saved, { format: 'pcapng', which: 'all' });
    expect(workbench['file.info']()).toMatchObject({ unsaved: false, path: saved });
    expect(workbench['file.info']().recovered).toBeUndefined();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(stale + '.owner')).toBe(false);
    expect(readCaptureFileSync(saved).records.length).toBe(reference.length);
    await workbench.stop();
    await opened.stop();
  });

  it('a recovered capture replaced or closed without saving stays on disk and is offered again', async () => {
    const dir = newDir();
    const stale = crash(writeSpool(dir, 7));
    const workbench = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    await workbench['capture.recover'](stale);
    await workbench['file.open'](CAPTURE.file);
    expect((await workbench['capture.recoverable']()).map((s) => [s.path, s.packets])).toEqual([[stale, 7]]);
    await workbench['capture.recover'](stale);
    await workbench.stop();
    expect((await findRecoverableSpools(dir)).map((s) => s.path)).toEqual([stale]);
    // The Electron host stops with discardUnsaved after its "unsaved capture" prompt: then it is gone.
    const electron = new Workbench({ labServer: false, capture: { spoolDir: dir } });
    await electron['capture.recover'](stale);
    await electron.stop({ discardUnsaved: true });
    expect(readdirSync(dir)).toEqual([]);
  });
});
