/**
 * SMTP in, POP3 out: a mail sent to the lab server over SMTP comes back byte-identical over POP3
 * (python smtplib → poplib and curl), including lines that start with "." (dot-stuffed both ways),
 * 8-bit UTF-8 text, and a long base64 body; and the persistent store survives a restart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createMailboxStore, normalizeCrlf, startLabServer } from '../../../src/main/engine/labserver';
import { curlPop3Retr, curlSendMail, pythonPoplib, pythonSmtplib } from '../../support/clients';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-mailbox-'));
  dirs.push(dir);
  return dir;
}

const MAIL = [
  'From: student@wirelab.lab',
  'To: teacher@wirelab.lab',
  'Subject: =?UTF-8?B?5rWL6K+V?=',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  '你好，POP3！',
  '.',
  '.. two dots',
  '. space',
  'tab\there',
  Buffer.alloc(3000, 7).toString('base64').match(/.{1,76}/g)!.join('\r\n'),
  'end',
  '',
].join('\r\n');

describe('lab server SMTP → POP3 round trip', () => {
  test('smtplib sends, poplib and curl retrieve byte-identical content', async () => {
    const lab = await startLabServer({ host: '127.0.0.1', smtpPort: 0, popPort: 0, storeDir: tempDir() });
    try {
      const sent = await pythonSmtplib({ host: '127.0.0.1', port: lab.smtpPort, user: 'student@wirelab.lab', password: 'lab0418', auth: 'LOGIN', from: 'student@wirelab.lab', to: ['teacher@wirelab.lab'], messages: [MAIL] });
      expect(sent.replies).toEqual([{ ok: true, refused: {} }]);
      const expected = Buffer.from(MAIL, 'utf8');
      const stored = lab.mailbox.read('teacher', lab.mailbox.list('teacher')[0].uidl);
      expect(stored.equals(expected)).toBe(true);

      const popped = await pythonPoplib({ host: '127.0.0.1', port: lab.popPort, user: 'teacher', password: 'lab0418', ops: [{ cmd: 'list', args: [1] }, { cmd: 'retr', args: [1] }] });
      expect(popped.results![0].resp).toBe(`+OK 1 ${expected.length}`);
      expect(Buffer.from(popped.results![1].b64!, 'base64').equals(expected)).toBe(true);

      const curled = await curlPop3Retr({ host: '127.0.0.1', port: lab.popPort, user: 'teacher', password: 'lab0418', message: 1 });
      expect(curled.equals(expected)).toBe(true);
    } finally {
      await lab.close();
    }
  });

  test('over IPv6 (::1): curl sends, curl retrieves', async () => {
    const lab = await startLabServer({ host: '::1', smtpPort: 0, popPort: 0 });
    try {
      await curlSendMail({ host: '::1', port: lab.smtpPort, user: 'teacher', password: 'lab0418', from: 'teacher@wirelab.lab', to: ['student@wirelab.lab'], message: 'Subject: v6\r\n\r\nover ::1\r\n' });
      const got = await curlPop3Retr({ host: '::1', port: lab.popPort, user: 'student', password: 'lab0418', message: 1 });
      expect(got.toString()).toMatch(/^Subject: v6\r\n\r\nover ::1\r\n/);
    } finally {
      await lab.close();
    }
  });

  test('the persistent store keeps mail across a restart and removes deleted files', async () => {
    const dir = tempDir();
    const first = await startLabServer({ smtpPort: 0, popPort: 0, storeDir: dir });
    await pythonSmtplib({ host: '127.0.0.1', port: first.smtpPort, user: 'student', password: 'lab0418', auth: 'PLAIN', from: 'student@wirelab.lab', to: ['teacher@wirelab.lab', 'student@wirelab.lab'], messages: ['Subject: keep\r\n\r\nkept\r\n'] });
    await first.close();
    expect(readdirSync(path.join(dir, 'teacher'))).toHaveLength(1);
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as { version: number; accounts: Record<string, unknown[]> };
    expect(index.version).toBe(1);
    expect(Object.keys(index.accounts).sort()).toEqual(['student', 'teacher']);

    const second = await startLabServer({ smtpPort: 0, popPort: 0, storeDir: dir });
    try {
      expect(second.status().messages).toEqual({ student: 1, teacher: 1 });
      const popped = await pythonPoplib({ host: '127.0.0.1', port: second.popPort, user: 'teacher', password: 'lab0418', ops: [{ cmd: 'retr', args: [1] }, { cmd: 'dele', args: [1] }] });
      expect(Buffer.from(popped.results![0].b64!, 'base64').toString()).toBe('Subject: keep\r\n\r\nkept\r\n');
      expect(readdirSync(path.join(dir, 'teacher'))).toHaveLength(0);
      expect(second.status().messages).toEqual({ student: 1 });
    } finally {
      await second.close();
    }
  });

  test('mailbox store: CRLF normalisation, in-memory mode, unknown accounts', () => {
    expect(normalizeCrlf(Buffer.from('a\nb\r\nc\rd')).toString()).toBe('a\r\nb\r\nc\r\nd');
    const store = createMailboxStore();
    expect(store.dir).toBeUndefined();
    const m = store.deliver('student', Buffer.from('x\n'), { from: 'a@b', to: ['student@wirelab.lab'] });
    expect(m.size).toBe(3);
    expect(m.uidl).toMatch(/^[\x21-\x7e]{1,70}$/);
    expect(store.read('student', m.uidl).toString()).toBe('x\r\n');
    expect(() => store.read('student', 'nope')).toThrow(/no message/);
    expect(() => store.deliver('../etc', Buffer.from('x'))).toThrow(/invalid mailbox account/);
    store.remove('student', [m.uidl]);
    expect(store.list('student')).toEqual([]);
  });
});
