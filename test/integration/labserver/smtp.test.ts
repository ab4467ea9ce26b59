/**
 * Lab SMTP server against real clients (python smtplib, curl) and a raw socket: AUTH LOGIN and PLAIN
 * without TLS, 163-like replies, mail only after AUTH, sender must be the logged-in account, recipients
 * must be lab accounts, bad commands get 500 and bad passwords 535.
 */
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLabServer, type LabServer } from '../../../src/main/engine/labserver';
import { base64Line, curlSendMail, pythonSmtplib, typeOneKeyPerSegment } from '../../support/clients';

let lab: LabServer;
const STUDENT = { user: 'student', password: 'lab0418' };

beforeAll(async () => {
  lab = await startLabServer({ smtpPort: 0, popPort: 0 });
});
afterAll(async () => {
  await lab.close();
});

/** talk sends each line after the previous reply and returns everything the server said. */
async function talk(port: number, lines: string[], host = '127.0.0.1'): Promise<string> {
  const t = await typeOneKeyPerSegment(host, port, lines.map((text) => ({ text, expect: 'reply' as const })), { protocol: 'smtp', keyDelayMs: 0, pasted: lines.map((_, i) => i) });
  return t.received;
}

describe('lab SMTP server', () => {
  test('greeting (163-like, without "ESMTP") and EHLO capabilities look like the handout server as far as smtp-server allows', async () => {
    const text = await talk(lab.smtpPort, ['ehlo li', 'quit']);
    expect(text).toBe(
      '220 wirelab.lab Anti-spam GT for Coremail System (wirelab)\r\n' +
        '250-mail\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 AUTH LOGIN PLAIN\r\n' +
        '221 Bye\r\n',
    );
  });

  test('handout AUTH LOGIN dialogue: wrong password 535, then 334/334/235, mail accepted', async () => {
    const lines = [
      'ehlo li',
      'auth login',
      base64Line('student@wirelab.lab'),
      base64Line('wrong'),
      'auth login',
      base64Line('student'),
      base64Line('lab0418'),
      'mail from: <student@wirelab.lab>',
      'rcpt to: <teacher@wirelab.lab>',
      'data',
    ];
    const t = await typeOneKeyPerSegment('127.0.0.1', lab.smtpPort, [...lines, { text: 'subject: hi', expect: 'none' }, { text: 'hello', expect: 'none' }, '.', 'quit'], {
      protocol: 'smtp',
      keyDelayMs: 1,
    });
    expect(t.replies.slice(1, 10)).toEqual([
      '334 dXNlcm5hbWU6\r\n',
      '334 UGFzc3dvcmQ6\r\n',
      '535 Error: authentication failed\r\n',
      '334 dXNlcm5hbWU6\r\n',
      '334 UGFzc3dvcmQ6\r\n',
      '235 Authentication successful\r\n',
      '250 Mail OK\r\n',
      '250 Mail OK\r\n',
      '354 End data with <CR><LF>.<CR><LF>\r\n',
    ]);
    expect(t.replies[12]).toMatch(/^250 Mail OK queued as wirelab\.\S+ \d+\r\n$/);
    expect(t.replies[13]).toBe('221 Bye\r\n');
  });

  test('bad commands get 500, MAIL before AUTH gets 530, foreign sender 553, unknown recipient 550', async () => {
    const text = await talk(lab.smtpPort, [
      'hello there',
      'ehlo li',
      'mail from: <student@wirelab.lab>',
      `auth plain ${Buffer.from('\0student\0lab0418').toString('base64')}`,
      'mail from: <teacher@wirelab.lab>',
      'mail from: <student@wirelab.lab>',
      'rcpt to: <nobody@example.com>',
      'quit',
    ]);
    const finals = text.split('\r\n').filter((l) => /^\d{3} /.test(l));
    expect(finals.map((l) => l.slice(0, 3))).toEqual(['220', '500', '250', '530', '235', '553', '250', '550', '221']);
    expect(finals[1]).toBe('500 Error: command not recognized');
    expect(finals[5]).toBe('553 Mail from must equal authorized user');
  });

  test('python smtplib AUTH LOGIN and AUTH PLAIN deliver to the mailbox', async () => {
    const before = lab.mailbox.list('teacher').length;
    for (const auth of ['LOGIN', 'PLAIN'] as const) {
      const result = await pythonSmtplib({ host: '127.0.0.1', port: lab.smtpPort, ...STUDENT, auth, from: 'student@wirelab.lab', to: ['teacher@wirelab.lab'], messages: [`Subject: ${auth}\r\n\r\nbody\r\n`] });
      // EHLO still works after a greeting without the word "ESMTP" (smtplib always tries EHLO first).
      expect(result.ehlo[0]).toBe(250);
      expect(result.ehlo[1].split('\n')).toEqual(['mail', 'PIPELINING', '8BITMIME', 'AUTH LOGIN PLAIN']);
      expect(result.auth).toEqual([235, 'Authentication successful']);
      expect(result.replies).toEqual([{ ok: true, refused: {} }]);
      expect(result.quit).toEqual([221, 'Bye']);
    }
    expect(lab.mailbox.list('teacher').length).toBe(before + 2);
  });

  test('python smtplib with a wrong password gets 535', async () => {
    const result = await pythonSmtplib({ host: '127.0.0.1', port: lab.smtpPort, user: 'student', password: 'nope', auth: 'LOGIN', from: 'student@wirelab.lab', to: ['teacher@wirelab.lab'], messages: [] });
    expect(result.auth).toEqual([535, 'Error: authentication failed']);
  });

  // curl authenticates only with the AUTH capability of an EHLO reply, so these uploads also prove EHLO.
  test('curl smtp:// upload with AUTH PLAIN (default) and LOGIN', async () => {
    for (const auth of [undefined, 'LOGIN'] as const) {
      const before = lab.mailbox.list('teacher').length;
      await curlSendMail({ host: '127.0.0.1', port: lab.smtpPort, ...STUDENT, auth, from: 'student@wirelab.lab', to: ['teacher@wirelab.lab'], message: 'Subject: curl\n\nbody line\n.leading dot\n' });
      const messages = lab.mailbox.list('teacher');
      expect(messages.length).toBe(before + 1);
      const stored = lab.mailbox.read('teacher', messages.at(-1)!.uidl).toString('latin1');
      // curl 7.88 always sends CRLF "." CRLF after the upload, so a body ending in a line end gains an
      // empty last line (newer curl checks); the server stores exactly what arrived, dot-unstuffed.
      expect(stored).toMatch(/^Subject: curl\r\n\r\nbody line\r\n\.leading dot\r\n(\r\n)?$/);
    }
  });

  test('curl with a wrong password fails (535)', async () => {
    await expect(
      curlSendMail({ host: '127.0.0.1', port: lab.smtpPort, user: 'student', password: 'bad', from: 'student@wirelab.lab', to: ['teacher@wirelab.lab'], message: 'x\n' }),
    ).rejects.toThrow(/535|Login denied/);
  });

  test('one key per segment with setNoDelay(true) works through a whole session', async () => {
    const socketCount = lab.status().smtpConnections;
    const t = await typeOneKeyPerSegment('127.0.0.1', lab.smtpPort, ['EHLO li', 'AUTH LOGIN', base64Line('student'), base64Line('lab0418'), 'MAIL FROM:<student@wirelab.lab>', 'RCPT TO:<student@wirelab.lab>', 'DATA', 'x', '.', 'QUIT'], {
      protocol: 'smtp',
      keyDelayMs: 2,
    });
    expect(t.replies.at(-1)).toBe('221 Bye\r\n');
    expect(t.replies[8]).toMatch(/^250 Mail OK/);
    expect(lab.status().smtpConnections).toBeLessThanOrEqual(socketCount + 1);
  });

  test('pipelined commands in one write are answered in order', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(lab.smtpPort, '127.0.0.1');
      let text = '';
      socket.on('data', (b) => {
        text += b.toString('latin1');
        if (text.startsWith('220') && !text.includes('\r\n250')) {
          socket.write(`EHLO li\r\nAUTH PLAIN ${Buffer.from('\0student\0lab0418').toString('base64')}\r\nMAIL FROM:<student@wirelab.lab>\r\nRCPT TO:<teacher@wirelab.lab>\r\nNOOP\r\nQUIT\r\n`);
        }
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    const codes = received.split('\r\n').filter((l) => /^\d{3} /.test(l)).map((l) => l.slice(0, 3));
    expect(codes).toEqual(['220', '250', '235', '250', '250', '250', '221']);
  });

  test('refuses to bind a non-loopback address', async () => {
    await expect(startLabServer({ host: '0.0.0.0', smtpPort: 0, popPort: 0 })).rejects.toThrow(/loopback/);
  });
});
