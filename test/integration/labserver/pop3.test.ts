/**
 * Lab POP3 server (RFC 1939 + RFC 2449) against python poplib, curl pop3:// and raw sockets: the full
 * command set, -ERR for everything else, one-byte segments, pipelining, bare LF, telnet IAC bytes, line
 * limits, the mailbox lock, UPDATE only on QUIT, and the idle timeout.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLabServer, type LabServer } from '../../../src/main/engine/labserver';
import { curlPop3, pythonPoplib, typeOneKeyPerSegment } from '../../support/clients';

let lab: LabServer;
const TEACHER = { user: 'teacher', password: 'lab0418' };
const MAIL1 = 'Subject: one\r\n\r\nfirst body\r\n.starts with a dot\r\n..two dots\r\nlast\r\n';
const MAIL2 = 'Subject: two\r\nX-Extra: yes\r\n\r\nline 1\r\nline 2\r\nline 3\r\nline 4\r\n';

beforeAll(async () => {
  lab = await startLabServer({ smtpPort: 0, popPort: 0, popIdleTimeoutMs: 60_000 });
  lab.mailbox.deliver('teacher', Buffer.from(MAIL1));
  lab.mailbox.deliver('teacher', Buffer.from(MAIL2));
});
afterAll(async () => {
  await lab.close();
});

/**
 * session writes `input` (all at once, or in the given chunks) after the greeting and resolves with
 * everything received until the server closes or `untilMs` passes.
 */
function session(input: string | Buffer | Array<string | Buffer>, options: { port?: number; untilMs?: number; chunkDelayMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options.port ?? lab.popPort, '127.0.0.1');
    socket.setNoDelay(true);
    let text = '';
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(text);
    }, options.untilMs ?? 3_000);
    socket.on('data', async (b) => {
      text += b.toString('latin1');
      if (!sent) {
        sent = true;
        const chunks = Array.isArray(input) ? input : [input];
        for (const chunk of chunks) {
          socket.write(chunk);
          if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
        }
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', reject);
  });
}

function lines(text: string): string[] {
  return text.split('\r\n').slice(0, -1);
}

describe('lab POP3 server', () => {
  test('greeting carries an APOP timestamp', async () => {
    const text = await session('QUIT\r\n');
    expect(text).toMatch(/^\+OK Wirelab POP3 server ready <[^<>@\s]+@wirelab\.lab>\r\n\+OK Wirelab POP3 server signing off\r\n$/);
  });

  test('python poplib: user/pass, stat, list, uidl, retr, top, dele, then QUIT commits', async () => {
    lab.mailbox.deliver('student', Buffer.from('Subject: a\r\n\r\nA\r\n'));
    lab.mailbox.deliver('student', Buffer.from('Subject: b\r\n\r\nB\r\n'));
    const uidls = lab.mailbox.list('student').map((m) => m.uidl);
    const result = await pythonPoplib({
      host: '127.0.0.1',
      port: lab.popPort,
      user: 'student',
      password: 'lab0418',
      ops: [{ cmd: 'stat' }, { cmd: 'list' }, { cmd: 'list', args: [2] }, { cmd: 'uidl' }, { cmd: 'retr', args: [1] }, { cmd: 'top', args: [2, 0] }, { cmd: 'dele', args: [1] }, { cmd: 'list' }, { cmd: 'retr', args: [1] }],
    });
    const r = result.results!;
    expect(r[0]).toEqual({ ok: true, count: 2, size: 34 });
    expect(r[1].lines).toEqual(['1 17', '2 17']);
    expect(r[2].resp).toBe('+OK 2 17');
    expect(r[3].lines).toEqual([`1 ${uidls[0]}`, `2 ${uidls[1]}`]);
    expect(Buffer.from(r[4].b64!, 'base64').toString()).toBe('Subject: a\r\n\r\nA\r\n');
    expect(Buffer.from(r[5].b64!, 'base64').toString()).toBe('Subject: b\r\n\r\n');
    expect(r[6].resp).toBe('+OK message 1 deleted');
    expect(r[7].lines).toEqual(['2 17']);
    expect(r[8]).toEqual({ ok: false, error: '-ERR message 1 already deleted' });
    expect(result.quit).toBe('+OK Wirelab POP3 server signing off (1 messages left)');
    expect(lab.mailbox.list('student').map((m) => m.uidl)).toEqual([uidls[1]]);
  });

  test('bad password gets -ERR and the session stays in AUTHORIZATION', async () => {
    const text = await session('USER teacher\r\nPASS wrong\r\nSTAT\r\nUSER teacher@wirelab.lab\r\nPASS lab0418\r\nSTAT\r\nQUIT\r\n');
    expect(lines(text).slice(1)).toEqual([
      '+OK core mail',
      '-ERR [AUTH] authentication failed',
      '-ERR command not valid in this state (log in with USER and PASS first)',
      '+OK core mail',
      `+OK 2 message(s) [${MAIL1.length + MAIL2.length} byte(s)]`,
      `+OK 2 ${MAIL1.length + MAIL2.length}`,
      '+OK Wirelab POP3 server signing off (2 messages left)',
    ]);
    const poplib = await pythonPoplib({ host: '127.0.0.1', port: lab.popPort, user: 'teacher', password: 'bad', ops: [] });
    expect(poplib.loginError).toBe('-ERR [AUTH] authentication failed');
  });

  test('unknown, malformed and out-of-state commands get -ERR; keywords are case-insensitive', async () => {
    const text = await session(
      'FOO\r\nPASS x\r\n\r\nuser teacher\r\npAsS lab0418\r\nuser x\r\nlist 0\r\nlist 9\r\nlist x\r\nretr\r\ntop 1\r\ndele 1 2\r\nstat 1\r\nnoop\r\nNoOp 1\r\nhelo\r\nrset\r\nquit\r\n',
    );
    expect(lines(text).slice(1)).toEqual([
      '-ERR unknown command',
      '-ERR send USER first',
      '-ERR empty command',
      '+OK core mail',
      expect.stringMatching(/^\+OK 2 message\(s\)/),
      '-ERR command not valid in this state (already logged in)',
      '-ERR no such message, only 2 messages in maildrop',
      '-ERR no such message, only 2 messages in maildrop',
      '-ERR invalid message number',
      '-ERR RETR needs one argument: RETR msg',
      '-ERR TOP needs two arguments: TOP msg n',
      '-ERR DELE needs one argument: DELE msg',
      '-ERR STAT takes no argument',
      '+OK',
      '-ERR NOOP takes no argument',
      '-ERR unknown command',
      expect.stringMatching(/^\+OK maildrop has 2 messages/),
      '+OK Wirelab POP3 server signing off (2 messages left)',
    ]);
  });

  test('RETR dot-stuffs, TOP n m cuts after m body lines, LIST/UIDL n, CAPA', async () => {
    const text = await session('USER teacher\r\nPASS lab0418\r\nRETR 1\r\nTOP 2 2\r\nLIST 2\r\nUIDL 1\r\nCAPA\r\nQUIT\r\n');
    const uidl = lab.mailbox.list('teacher')[0].uidl;
    expect(text).toContain(`+OK ${MAIL1.length} octets\r\nSubject: one\r\n\r\nfirst body\r\n..starts with a dot\r\n...two dots\r\nlast\r\n.\r\n`);
    expect(text).toContain('+OK top of message follows\r\nSubject: two\r\nX-Extra: yes\r\n\r\nline 1\r\nline 2\r\n.\r\n');
    expect(text).toContain(`+OK 2 ${MAIL2.length}\r\n+OK 1 ${uidl}\r\n`);
    expect(text).toContain('+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\n');
  });

  test('APOP with the MD5 of timestamp + password', async () => {
    const greeting = await new Promise<string>((resolve) => {
      const socket = net.connect(lab.popPort, '127.0.0.1');
      let text = '';
      socket.on('data', (b) => {
        text += b.toString('latin1');
        if (!text.includes('\r\n')) return;
        if (!text.includes('APOP-SENT')) {
          const stamp = /<[^>]+>/.exec(text)![0];
          const digest = createHash('md5').update(stamp + 'lab0418').digest('hex');
          text += 'APOP-SENT\r\n';
          socket.write(`APOP teacher ${digest}\r\nAPOP teacher 00000000000000000000000000000000\r\nSTAT\r\nQUIT\r\n`);
        }
      });
      socket.on('close', () => resolve(text));
    });
    const replies = lines(greeting).slice(2);
    expect(replies[0]).toMatch(/^\+OK 2 message\(s\)/);
    expect(replies[1]).toBe('-ERR command not valid in this state (already logged in)');
    expect(replies[2]).toMatch(/^\+OK 2 /);
  });

  test('commands split into 1-byte segments (setNoDelay) are understood', async () => {
    const t = await typeOneKeyPerSegment('127.0.0.1', lab.popPort, ['user teacher', 'pass lab0418', 'stat', 'list', 'retr 2', 'quit'], { protocol: 'pop3', keyDelayMs: 1 });
    expect(t.replies[0]).toBe('+OK core mail\r\n');
    expect(t.replies[3]).toMatch(/^\+OK 2 \d+\r\n1 \d+\r\n2 \d+\r\n\.\r\n$/);
    expect(t.replies[4]).toBe(`+OK ${MAIL2.length} octets\r\n${MAIL2}.\r\n`);
    expect(t.replies[5]).toMatch(/^\+OK Wirelab POP3 server signing off/);
  });

  test('a whole session pipelined into one segment is answered in order; bare LF and CR NUL end lines', async () => {
    const text = await session('USER teacher\nPASS lab0418\r\0STAT\r\nLIST 1\nNOOP\r\nQUIT\r\nSTAT\r\n');
    expect(lines(text).slice(1)).toEqual([
      '+OK core mail',
      expect.stringMatching(/^\+OK 2 message/),
      expect.stringMatching(/^\+OK 2 \d+$/),
      `+OK 1 ${MAIL1.length}`,
      '+OK',
      '+OK Wirelab POP3 server signing off (2 messages left)',
    ]);
  });

  test('telnet IAC negotiation and Backspace/DEL editing are tolerated', async () => {
    const iac = Buffer.from([0xff, 0xfd, 0x03, 0xff, 0xfd, 0x01]);
    const text = await session([iac, Buffer.from('USER teachx\x7fer\r\n'), Buffer.from([0xff]), Buffer.from([0xfb, 0x18]), Buffer.from('PASS lab0418\r\nQUIT\r\n')], { chunkDelayMs: 5 });
    expect(lines(text).slice(1)).toEqual(['+OK core mail', expect.stringMatching(/^\+OK 2 message/), expect.stringMatching(/^\+OK Wirelab POP3 server signing off/)]);
  });

  test('lines longer than 255 octets (with CRLF) get -ERR and are discarded; 255 is fine', async () => {
    const text = await session(`USER ${'x'.repeat(300)}\r\nUSER ${'y'.repeat(248)}\r\nQUIT\r\n`);
    expect(lines(text).slice(1)).toEqual(['-ERR line too long (at most 255 octets)', '+OK core mail', '+OK Wirelab POP3 server signing off']);
  });

  test('the mailbox is locked while a session is in TRANSACTION; a dropped session does not commit', async () => {
    const holder = net.connect(lab.popPort, '127.0.0.1');
    await new Promise<void>((resolve) => {
      let text = '';
      holder.on('data', (b) => {
        text += b.toString();
        if (text.split('\r\n').length === 2) holder.write('USER teacher\r\nPASS lab0418\r\nDELE 1\r\n');
        if (/deleted\r\n$/.test(text)) resolve();
      });
    });
    const second = await session('USER teacher\r\nPASS lab0418\r\nQUIT\r\n');
    expect(lines(second)[2]).toBe('-ERR [IN-USE] mailbox already locked by another session');
    expect(lab.status().popLockedAccounts).toEqual(['teacher']);
    holder.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(lab.status().popLockedAccounts).toEqual([]);
    expect(lab.mailbox.list('teacher').length).toBe(2);
  });

  test('RSET undoes DELE', async () => {
    const text = await session('USER teacher\r\nPASS lab0418\r\nDELE 1\r\nDELE 2\r\nSTAT\r\nRSET\r\nQUIT\r\n');
    expect(lines(text).slice(5)).toEqual(['+OK 0 0', expect.stringMatching(/^\+OK maildrop has 2 messages/), '+OK Wirelab POP3 server signing off (2 messages left)']);
  });

  test('curl pop3:// lists and retrieves by URL path, byte-exact (curl un-stuffs dots)', async () => {
    const list = await curlPop3({ host: '127.0.0.1', port: lab.popPort, ...TEACHER });
    expect(list.stdout).toBe(`1 ${MAIL1.length}\r\n2 ${MAIL2.length}\r\n`);
    const retr = await curlPop3({ host: '127.0.0.1', port: lab.popPort, ...TEACHER, message: 1 });
    expect(retr.stdoutBytes.toString('latin1')).toBe(MAIL1);
    const bad = await curlPop3({ host: '127.0.0.1', port: lab.popPort, user: 'teacher', password: 'nope', allowFailure: true });
    expect(bad.code).not.toBe(0);
  });

  test('idle timeout closes the session with -ERR and without UPDATE', async () => {
    const short = await startLabServer({ smtpPort: 0, popPort: 0, popIdleTimeoutMs: 300, mailbox: lab.mailbox });
    try {
      const text = await session('USER teacher\r\nPASS lab0418\r\nDELE 1\r\n', { port: short.popPort, untilMs: 5_000 });
      expect(lines(text).at(-1)).toBe('-ERR autologout: idle for too long, deletions not committed');
      expect(lab.mailbox.list('teacher').length).toBe(2);
    } finally {
      await short.close();
    }
  });
});
