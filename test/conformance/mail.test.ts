/**
 * SMTP/POP/IMF conformance against tshark 4.0: scripted dialogs (test/support/mail-dialog.ts, whole lines,
 * pipelining, AUTH LOGIN/PLAIN, DATA with RFC 2047 headers, POP status lines) are captured on 127.0.0.1
 * with tcpdump (`--immediate-mode`, so no packet is still in the kernel ring at SIGINT) and read by both
 * tshark and the engine (test/support/dissect.ts). Rows are compared for every frame tshark calls SMTP or
 * POP, with `smtp.decryption` off and on; rows covered by docs/wireshark-differences.md are excluded by
 * their scenario design (no retried AUTH, no one-key POP commands, no UIDL/RETR bodies).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allModules } from '../../src/main/engine/modules';
import { dissectFile } from '../support/dissect';
import { captureDialog, type DialogStep } from '../support/mail-dialog';
import { tsharkFields } from '../support/tshark';
import { formatFieldValue } from '../../src/shared/format';

if (!allModules.some((m) => m.proto.abbrev === 'tcp')) throw new Error('the TCP module must be registered');
const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

const FIELDS = [
  'smtp.req.command',
  'smtp.req.parameter',
  'smtp.response.code',
  'smtp.rsp.parameter',
  'smtp.auth.username',
  'smtp.auth.password',
  'pop.request.command',
  'pop.response.indicator',
  'imf.subject',
  'imf.from',
];

const SMTP: DialogStep[] = [
  { s: '220 163.com Anti-spam GT for Coremail System (163com[20121016])\r\n' },
  { c: 'ehlo li\r\n', keys: true },
  { s: '250-mail\r\n250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n' },
  { c: 'auth login\r\n' },
  { s: '334 dXNlcm5hbWU6\r\n' },
  { c: b64('test_20130418') + '\r\n' },
  { s: '334 UGFzc3dvcmQ6\r\n' },
  { c: b64('test0418') + '\r\n' },
  { s: '235 Authentication successful\r\n' },
  { c: 'AUTH PLAIN ' + b64('\0bob\0pw1') + '\r\n' },
  { s: '503 already\r\n' },
  { c: 'mail from: <test_20130418@163.com>\r\n', keys: true },
  { s: '250 Mail OK\r\n' },
  { c: 'RCPT TO:<d@e.f>\r\nDATA\r\n' },
  { s: '250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n' },
  { c: 'From: =?UTF-8?B?5byg5LiJ?= <a@b.c>\r\nTo: d@e.f\r\nSubject: =?GBK?B?xOO6ww==?= hi\r\nX-Custom: v\r\n\r\nbody\r\n' },
  { c: 'line2\r\n.\r\n' },
  { s: '250 Mail OK queued as smtp3\r\n' },
  { c: 'quit\r\n' },
  { s: '221 Bye\r\n' },
];

const POP: DialogStep[] = [
  { s: '+OK POP3 ready\r\n' },
  { c: 'user test\r\n' },
  { s: '+OK\r\n' },
  { c: 'pass secret\r\n' },
  { s: '+OK 2 messages\r\n' },
  { c: 'stat\r\n' },
  { s: '+OK 2 1234\r\n' },
  { c: 'dele 1\r\n' },
  { s: '-ERR no such message\r\n' },
  { c: 'quit\r\n' },
  { s: '+OK bye\r\n' },
];

function ourRows(file: string, prefs: Record<string, string>): string[][] {
  const r = dissectFile(file, { prefs, mode: 'fields', interest: new Set(FIELDS) });
  const rows: string[][] = [];
  r.frames.forEach((f, i) => {
    if (!/^(SMTP|POP)/.test(f.columns.protocol)) return;
    const cells = FIELDS.map((name) =>
      f.tree
        .get(name)
        .map((o) => formatFieldValue(o.field, o.value))
        .join(','),
    );
    rows.push([String(i + 1), f.columns.protocol, f.columns.info, ...cells]);
  });
  return rows;
}

describe('mail conformance with tshark 4.0 (needs the TCP layer)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-mail-'));
  for (const [name, steps, port, filter] of [
    ['smtp', SMTP, 25, 'smtp'],
    ['pop', POP, 110, 'pop'],
  ] as const) {
    for (const decryption of ['FALSE', 'TRUE']) {
      it(`${name}: rows match tshark (smtp.decryption ${decryption})`, async () => {
        const file = await captureDialog(steps, port, path.join(dir, `${name}-${decryption}.pcap`));
        const prefs = { 'smtp.decryption': decryption };
        const expected = await tsharkFields(file, ['frame.number', '_ws.col.Protocol', '_ws.col.Info', ...FIELDS], {
          twoPass: true,
          filter,
          prefs,
        });
        expect(expected.length).toBeGreaterThan(name === 'smtp' ? 15 : 8);
        expect(ourRows(file, prefs)).toEqual(expected);
      });
    }
  }
});
