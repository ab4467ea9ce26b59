/**
 * The Info column's length limit against tshark 4.0: Wireshark keeps at most COL_MAX_INFO_LEN − 1 = 4095
 * bytes of Info, and an IMF message's Info lists every body line, so a long mail in one frame is cut
 * mid-line. A scripted SMTP dialog (test/support/mail-dialog.ts) sends one long ASCII message and one
 * whose body is Chinese (3-byte UTF-8 characters, so the cut must fall between characters); both tools
 * read the same capture and the summary lines must be byte-identical.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliStdout as wirelab } from '../support/cli-stdout';
import { COL_MAX_INFO_BYTES, truncateUtf8 } from '../../src/main/engine/decode/protocol';
import { captureDialog, type DialogStep } from '../support/mail-dialog';
import { tsharkRaw } from '../support/tshark';

// Not 25: mail.test.ts captures `tcp port 25` at the same time; both tools decode this port as SMTP.
const PORT = 2626;
const DECODE = ['-d', `tcp.port==${PORT},smtp`, '-o', 'tcp.desegment_tcp_streams:TRUE'];

function message(subject: string, line: (i: number) => string, lines: number): string {
  let body = `From: a@b.c\r\nTo: d@e.f\r\nSubject: ${subject}\r\n\r\n`;
  for (let i = 0; i < lines; i++) body += line(i) + '\r\n';
  return body + '.\r\n';
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const DIALOG: DialogStep[] = [
  { s: '220 lab ready\r\n' },
  { c: 'ehlo x\r\n' },
  { s: '250 lab\r\n' },
  { c: 'mail from:<a@b.c>\r\n' },
  { s: '250 Mail OK\r\n' },
  { c: 'rcpt to:<d@e.f>\r\n' },
  { s: '250 Mail OK\r\n' },
  { c: 'data\r\n' },
  { s: '354 End data with <CR><LF>.<CR><LF>\r\n' },
  { c: message('long', (i) => `This is line ${i} of a long lab message.`, 200) },
  { s: '250 Mail OK queued\r\n' },
  { c: 'mail from:<a@b.c>\r\n' },
  { s: '250 Mail OK\r\n' },
  { c: 'rcpt to:<d@e.f>\r\n' },
  { s: '250 Mail OK\r\n' },
  { c: 'data\r\n' },
  { s: '354 End data with <CR><LF>.<CR><LF>\r\n' },
  { c: utf8(message('zh', (i) => `第${i}行：计算机网络实验抓包，邮件正文。`, 150)) },
  { s: '250 Mail OK queued\r\n' },
  { c: 'quit\r\n' },
  { s: '221 Bye\r\n' },
];

describe('Info column length (tshark 4.0)', () => {
  it('truncateUtf8 cuts at a byte budget, never inside a character', () => {
    expect(truncateUtf8('abc', 2)).toBe('ab');
    expect(truncateUtf8('计算机', 7)).toBe('计算');
    expect(truncateUtf8('a😀b', 4)).toBe('a');
    expect(truncateUtf8('a😀b', 5)).toBe('a😀');
    const short = 'x'.repeat(1000);
    expect(truncateUtf8(short, COL_MAX_INFO_BYTES)).toBe(short);
  });

  it('a long mail body in one frame: the summary equals tshark, Info cut at 4095 bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-columns-'));
    const file = await captureDialog(DIALOG, PORT, path.join(dir, 'long-info.pcap'));
    const ours = await wirelab(['-r', file, ...DECODE]);
    const theirs = await tsharkRaw(['-r', file, ...DECODE]);
    expect(theirs.code).toBe(0);
    const imf = theirs.stdout.split('\n').filter((l) => l.includes('SMTP/IMF'));
    expect(imf).toHaveLength(2);
    // tshark really cut both (so the test exercises the limit), at a character boundary for Chinese.
    for (const line of imf) {
      const info = line.slice(line.indexOf('from: '));
      expect(Buffer.byteLength(info)).toBeGreaterThan(COL_MAX_INFO_BYTES - 3);
      expect(Buffer.byteLength(info)).toBeLessThanOrEqual(COL_MAX_INFO_BYTES);
    }
    expect(ours).toBe(theirs.stdout);
  });

  it('non-ASCII bytes in Info and labels are printed as tshark prints them (format_text)', async () => {
    // Valid UTF-8 (Chinese, NBSP, emoji), a GBK-like lone byte, C1 and format characters, an overlong NUL,
    // a surrogate, a cut sequence, noncharacter U+FFFE, ASCII controls.
    const lines = ['\xE4\xB8\xAD\xE6\x96\x87', 'a\xC4b', 'c\xC2\x85d', 'e\xC2\xA0f', 'g\xC0\x80h', 'i\xED\xA0\x80j', 'k\xF0\x9F\x98\x80l', 'm\xE4\xB8n', 'o\x7Fp\x01q', 'r\xEF\xBF\xBEs', 't\xE2\x80\x8Bu', 'v\xE2\x80\xAEw', '\xBF\xF8x'];
    const body = Buffer.from(`From: a@b.c\r\nSubject: p\r\n\r\n${lines.join('\r\n')}\r\n.\r\n`, 'latin1');
    const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-columns-'));
    const port = PORT + 1;
    const steps: DialogStep[] = [{ s: '220 x\r\n' }, { c: 'data\r\n' }, { s: '354 go\r\n' }, { c: new Uint8Array(body) }, { s: '250 ok\r\n' }];
    const file = await captureDialog(steps, port, path.join(dir, 'utf8.pcap'));
    const decode = ['-d', `tcp.port==${port},smtp`, '-o', 'tcp.desegment_tcp_streams:TRUE'];
    const args = ['-r', file, ...decode, '-Y', 'imf', '-T', 'fields', '-e', '_ws.col.Info'];
    const theirs = await tsharkRaw(args);
    expect(theirs.stdout).toContain('\u4e2d\u6587');
    expect(await wirelab(args)).toBe(theirs.stdout);
    // The detail tree's text lines use the same formatting (-V -O imf).
    const verbose = ['-r', file, ...decode, '-Y', 'imf', '-V', '-O', 'imf'];
    expect(await wirelab(verbose)).toBe((await tsharkRaw(verbose)).stdout);
  });
});
