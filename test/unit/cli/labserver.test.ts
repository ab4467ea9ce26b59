import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runLabServerCommand } from '../../../src/main/cli/labserver';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
}

describe('wirelab labserver', () => {
  it('serves SMTP and POP3 on loopback until told to stop', async () => {
    const { out, io: sink } = io();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runLabServerCommand(['--smtp-port', '0', '--pop-port', '0'], sink, () => stopped);
    while (!out.stdout.includes('POP3')) await new Promise((r) => setTimeout(r, 10));
    const m = /SMTP 127\.0\.0\.1:(\d+), POP3 127\.0\.0\.1:(\d+)/.exec(out.stdout)!;
    const banner = await new Promise<string>((resolve, reject) => {
      const s = createConnection({ host: '127.0.0.1', port: Number(m[2]) });
      s.once('data', (d) => (resolve(d.toString()), s.destroy()));
      s.once('error', reject);
    });
    expect(banner).toMatch(/^\+OK /);
    expect(out.stdout).toContain('student/lab0418 <student@wirelab.lab>');
    stop();
    expect(await done).toBe(0);
  });

  it('rejects bad arguments and non-loopback hosts with a message', async () => {
    const a = io();
    expect(await runLabServerCommand(['--smtp-port', '70000'], a.io)).toBe(1);
    expect(a.out.stderr).toMatch(/needs a port number/);
    const b = io();
    expect(await runLabServerCommand(['--host', '192.0.2.1', '--once'], b.io)).toBe(1);
    expect(b.out.stderr).toMatch(/loopback/i);
  });
});
