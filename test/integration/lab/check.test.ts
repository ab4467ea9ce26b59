/**
 * `wirelab check` on captures made with real clients against the lab server (the standard set from
 * globalSetup, plus a failed AUTH without QUIT made here). Expected frames come from tshark on the same
 * files: the reply frames of the steps are the frames tshark finds with the matching reply filters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { checkFile, runCheckCommand } from '../../../src/main/cli/check';
import { startLabServer } from '../../../src/main/engine/labserver/index';
import { captureTraffic } from '../../support/capture';
import { tsharkFields } from '../../support/tshark';
import { run } from '../../support/tools';

const captures = inject('captures').captures;

async function framesOf(file: string, filter: string): Promise<number[]> {
  return (await tsharkFields(file, ['frame.number'], { filter, twoPass: true })).map((r) => Number(r[0]));
}

function sink() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) }, text: () => text };
}

describe('wirelab check', () => {
  it('passes every SMTP step of the handout capture (typed one key per segment, 535 then 235)', async () => {
    const file = captures['smtp-handout'].file;
    const { steps } = await checkFile(file, 'auto');
    expect(steps.every((s) => s.status === 'passed')).toBe(true);
    const frame = Object.fromEntries(steps.map((s) => [s.id, s.frame]));
    expect(frame['smtp.greeting']).toBe((await framesOf(file, 'smtp.response.code == 220'))[0]);
    expect(frame['smtp.auth.pass']).toBe((await framesOf(file, 'smtp.response.code == 235'))[0]);
    expect(frame['smtp.data']).toBe((await framesOf(file, 'smtp.response.code == 354'))[0]);
    expect(frame['smtp.quit']).toBe((await framesOf(file, 'smtp.response.code == 221'))[0]);
    // The 535 of the first attempt is in the capture, but the step passed with the later 235.
    expect((await framesOf(file, 'smtp.response.code == 535')).length).toBe(1);
  });

  it('passes every POP3 step of the handout capture typed one key per segment', async () => {
    const file = captures['pop-handout'].file;
    const { steps } = await checkFile(file, 'pop');
    expect(steps.map((s) => s.status)).toEqual(Array(7).fill('passed'));
    const ok = await framesOf(file, 'pop.response.indicator == "+OK"');
    expect(steps[0].frame).toBe(ok[0]);
    expect(steps[steps.length - 1].frame).toBe(ok[ok.length - 1]);
  });

  it('grades pipelined python and curl sessions, and IPv6', async () => {
    for (const name of ['smtp-python', 'smtp-curl', 'pop-python', 'smtp-telnet'] as const) {
      const { steps } = await checkFile(captures[name].file, 'auto');
      expect(steps.filter((s) => s.status !== 'passed'), name).toEqual([]);
    }
    const mixed = await checkFile(captures['mixed-ipv6'].file, 'smtp');
    expect(mixed.steps.every((s) => s.status === 'passed')).toBe(true);
  });

  it('fails AUTH and reports QUIT missing for a session that gave up, with exit code 1 and JSON', async () => {
    const lab = await startLabServer({ smtpPort: 0, popPort: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'wirelab-check-'));
    const file = join(dir, 'failed-auth.pcap');
    try {
      await captureTraffic({ iface: 'lo', bpf: `tcp port ${lab.smtpPort}`, out: file }, async () => {
        const script = [
          'import smtplib, socket',
          `s = smtplib.SMTP("127.0.0.1", ${lab.smtpPort}, timeout=10)`,
          's.ehlo("li")',
          'try:\n    s.login("student", "wrong-password")\nexcept smtplib.SMTPAuthenticationError:\n    pass',
          's.sock.close()',
        ].join('\n');
        await run('python3', ['-c', script], { timeoutMs: 20_000 });
      });
    } finally {
      await lab.close();
    }
    const out = sink();
    const code = await runCheckCommand([file, '--json', '--protocol', 'smtp'], out.stream, out.stream);
    expect(code).toBe(1);
    const report = JSON.parse(out.text().trim()) as { file: string; steps: { id: string; status: string; frame: number | null; detail: string | null }[] };
    expect(report.file).toBe(file);
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId['smtp.greeting'].status).toBe('passed');
    expect(byId['smtp.auth.pass'].status).toBe('failed');
    expect(byId['smtp.auth.pass'].detail).toMatch(/^535 /);
    expect(byId['smtp.mail'].status).toBe('missing');
    expect(byId['smtp.quit']).toEqual({ id: 'smtp.quit', status: 'missing', frame: null, detail: null });
  });

  it('exits 0 for a complete capture and 2 for bad arguments', async () => {
    const out = sink();
    expect(await runCheckCommand([captures['smtp-python'].file], out.stream, out.stream)).toBe(0);
    expect(out.text()).toMatch(/10\/10 steps passed/);
    expect(await runCheckCommand(['--protocol', 'imap', 'x.pcap'], out.stream, out.stream)).toBe(2);
    expect(await runCheckCommand([], out.stream, out.stream)).toBe(2);
  });
});
