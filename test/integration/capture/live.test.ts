/**
 * Live capture on lo with both backends (cap in process, dumpcap child), against real traffic to servers
 * on 127.0.0.1, with tcpdump capturing the same traffic at the same time as the reference.
 */
import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src/main/engine/workbench';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { startLabServer, type LabServer } from '../../../src/main/engine/labserver/index';
import { LiveCapture } from '../../../src/main/engine/capture/live';
import { findRecoverableSpools } from '../../../src/main/engine/capture/spool';
import { CaptureError } from '../../../src/main/engine/capture/types';
import { captureTraffic } from '../../support/capture';
import { run, sleep } from '../../support/tools';
import { tsharkFields } from '../../support/tshark';

let lab: LabServer;
const dir = mkdtempSync(join(tmpdir(), 'wirelab-live-'));
beforeAll(async () => {
  lab = await startLabServer({ smtpPort: 0, popPort: 0 });
});
afterAll(async () => {
  await lab.close();
});

async function sendMailWithPython(port: number): Promise<void> {
  const script = [
    'import smtplib',
    `s = smtplib.SMTP("127.0.0.1", ${port}, timeout=10)`,
    's.ehlo("li")',
    's.login("student", "lab0418")',
    's.sendmail("student@wirelab.lab", ["teacher@wirelab.lab"], "Subject: live test\\r\\n\\r\\nhello from the live capture test\\r\\n")',
    's.quit()',
  ].join('\n');
  await run('python3', ['-c', script], { timeoutMs: 20_000 });
}

for (const backend of ['cap', 'dumpcap'] as const) {
  describe(`live capture with ${backend}`, () => {
    it('stores the same packets as tcpdump on the same traffic; live rows equal the reopened spool', async () => {
      const workbench = new Workbench({ labServer: false, capture: { spoolDir: join(dir, backend), backend } });
      const reference = join(dir, `${backend}-tcpdump.pcap`);
      await captureTraffic({ iface: 'lo', bpf: `tcp port ${lab.smtpPort}`, out: reference, graceMs: 800 }, async () => {
        await workbench['capture.start']({ iface: 'lo', captureFilter: `tcp port ${lab.smtpPort}` });
        await sleep(300);
        await sendMailWithPython(lab.smtpPort);
        await sleep(600);
      });
      const status = await workbench['capture.stop']();
      expect(status.state).toBe('stopped');
      expect(status.backend).toBe(backend);
      const ours = workbench.packetStore;
      const theirs = readCaptureFileSync(reference);
      expect(theirs.error).toBeNull();
      expect(ours.size).toBe(theirs.records.length);
      for (let i = 0; i < theirs.records.length; i++) {
        expect(Buffer.from(ours.bytes(i + 1))).toEqual(Buffer.from(theirs.records[i].data));
      }
      // The spool opens in tshark with the same packets, and reopening it gives the same rows.
      expect(status.spool).toBeDefined();
      const tshark = await tsharkFields(status.spool!, ['frame.len', 'tcp.srcport', 'tcp.dstport']);
      expect(tshark.length).toBe(theirs.records.length);
      const liveRows = workbench['view.rows'](0, 10_000).map(({ number, source, destination, protocol, length, info }) => ({ number, source, destination, protocol, length, info }));
      const reopened = new Workbench({ labServer: false });
      await reopened['file.open'](status.spool!);
      const fileRows = reopened['view.rows'](0, 10_000).map(({ number, source, destination, protocol, length, info }) => ({ number, source, destination, protocol, length, info }));
      expect(fileRows).toEqual(liveRows);
    });

    it('shows the packets that match a display filter set before the capture, as they arrive', async () => {
      const workbench = new Workbench({ labServer: false, capture: { spoolDir: join(dir, backend + '-filtered'), backend } });
      let counts = { frames: 0, displayed: 0, marked: 0 };
      workbench.events.on('view.onCounts', (c) => (counts = c));
      expect(await workbench['view.setFilter']('smtp.req.command || smtp.response.code == 250')).toMatchObject({ ok: true });
      await workbench['capture.start']({ iface: 'lo', captureFilter: `tcp port ${lab.smtpPort}` });
      await sleep(300);
      await sendMailWithPython(lab.smtpPort);
      // Still capturing: the list already holds the matching packets.
      await sleep(600);
      const live = workbench['view.rows'](0, 1000).map((r) => r.number);
      const status = await workbench['capture.stop']();
      const expected = (await tsharkFields(status.spool!, ['frame.number'], { filter: 'smtp.req.command || smtp.response.code == 250', decodeAs: [`tcp.port==${lab.smtpPort},smtp`] })).map(([n]) => Number(n));
      expect(expected.length).toBeGreaterThan(5);
      expect(live).toEqual(expected);
      workbench.events.flush();
      expect(counts.displayed).toBe(expected.length);
      expect(counts.frames).toBeGreaterThan(expected.length);
    });

    it('receives 1000 datagrams distinct and in order', async () => {
      const server = createSocket('udp4');
      await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
      const port = server.address().port;
      const workbench = new Workbench({ labServer: false, capture: { spoolDir: join(dir, backend + '-udp'), backend } });
      await workbench['capture.start']({ iface: 'lo', captureFilter: `udp port ${port}` });
      await sleep(300);
      const client = createSocket('udp4');
      for (let i = 0; i < 1000; i++) {
        await new Promise<void>((r) => client.send(`datagram ${String(i).padStart(4, '0')}`, port, '127.0.0.1', () => r()));
        if (i % 50 === 49) await sleep(5);
      }
      await sleep(800);
      await workbench['capture.stop']();
      client.close();
      server.close();
      const store = workbench.packetStore;
      const payloads: string[] = [];
      for (let n = 1; n <= store.size; n++) payloads.push(Buffer.from(store.bytes(n).subarray(42)).toString('latin1'));
      expect(payloads).toEqual(Array.from({ length: 1000 }, (_, i) => `datagram ${String(i).padStart(4, '0')}`));
    });

    it('rejects an invalid capture filter with a typed error and captures nothing', async () => {
      // With an excluded connection too: the message quotes the filter as the user typed it.
      for (const exclude of [undefined, { address: '127.0.0.1', port: 47800 }]) {
        const err = await LiveCapture.start(
          { iface: 'lo', captureFilter: 'tcp portt 25' },
          { record: () => undefined, stopped: () => undefined },
          { spoolDir: join(dir, backend + '-bad'), backend, exclude },
        ).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CaptureError);
        expect((err as CaptureError).code).toBe('bad-filter');
        expect((err as CaptureError).message).toMatch(/^Invalid capture filter "tcp portt 25": /);
      }
    });

    it("leaves the host's own connection out of a loopback capture and keeps the user's filter", async () => {
      // The lab server's POP3 port stands in for the web host's: a connection to it is not captured,
      // SMTP to the lab server is, and nothing outside the user's filter is.
      const workbench = new Workbench({ labServer: false, capture: { spoolDir: join(dir, backend + '-own'), backend } });
      workbench.excludeOwnConnection('127.0.0.1', lab.popPort);
      const started = await workbench['capture.start']({ iface: 'lo', captureFilter: `tcp port ${lab.smtpPort} or tcp port ${lab.popPort}` });
      expect(started.excluded).toBe(`127.0.0.1:${lab.popPort}`);
      await sleep(300);
      await sendMailWithPython(lab.smtpPort);
      await run('python3', ['-c', `import poplib\np = poplib.POP3("127.0.0.1", ${lab.popPort}, timeout=10)\np.user("student")\np.pass_("lab0418")\np.stat()\np.quit()`], { timeoutMs: 20_000 });
      await sleep(600);
      const status = await workbench['capture.stop']();
      expect(status.excluded).toBe(`127.0.0.1:${lab.popPort}`);
      const rows = await tsharkFields(status.spool!, ['tcp.srcport', 'tcp.dstport']);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.filter(([src, dst]) => src !== String(lab.smtpPort) && dst !== String(lab.smtpPort))).toEqual([]);
    });
  });
}

describe('crash safety', () => {
  it('keeps every complete record of a capturing process killed with SIGKILL', async () => {
    const spoolDir = join(dir, 'crash');
    // Bundled inside the checkout so that node finds the external packages in node_modules.
    const bundle = resolve('node_modules/.cache/wirelab-test/capture-child.mjs');
    await run(resolve('node_modules/.bin/rolldown'), [resolve('test/support/capture-child.ts'), '--platform', 'node', '--format', 'esm',
      '--external', 'cap', '--external', 'smtp-server', '--external', 'ws', '-o', bundle]);
    const child = spawn(process.execPath, [bundle, spoolDir], { stdio: ['ignore', 'pipe', 'inherit'], cwd: resolve('.') });
    await new Promise<void>((ready, fail) => {
      child.stdout!.on('data', (b: Buffer) => b.toString().includes('capturing') && ready());
      child.once('exit', (code) => fail(new Error(`capture child exited ${code}`)));
    });
    // Traffic while the child captures: 1 kpps of UDP to a port nobody listens on, on loopback.
    const client = createSocket('udp4');
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < 4000) {
      client.send(`crash ${sent++}`, 9, '127.0.0.1');
      if (sent % 10 === 0) await sleep(10);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    client.close();
    const spools = readdirSync(spoolDir).filter((f) => f.endsWith('.pcapng'));
    expect(spools.length).toBe(1);
    const recoverable = await findRecoverableSpools(spoolDir);
    expect(recoverable.map((r) => r.path)).toEqual([join(spoolDir, spools[0])]);
    const { records, error } = readCaptureFileSync(recoverable[0].path);
    // The last record may be cut by the kill: that is the only allowed error, and earlier ones are complete.
    if (error) expect(error.code).toBe('truncated');
    expect(records.length).toBeGreaterThan(100);
    const tshark = await tsharkFields(recoverable[0].path, ['frame.number']).catch(() => null);
    if (tshark) expect(tshark.length).toBeGreaterThanOrEqual(records.length);
  });
});
