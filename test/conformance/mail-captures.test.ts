/**
 * SMTP/POP/IMF columns and fields against tshark on every standard lab capture (made with real clients:
 * curl, python smtplib/poplib, one key per segment, Debian telnet in character mode, IPv6, -i any), with
 * `smtp.decryption` off and on. A row may differ only where docs/wireshark-differences.md lists why, and
 * the test checks the row is exactly the listed variant: IMF reads the dot-unstuffed message; a POP
 * RETR/TOP body sharing the +OK segment goes to IMF; every AUTH LOGIN attempt is labelled. pop-handout
 * (POP lines typed one key per segment, which tshark does not reassemble) is covered by
 * test/unit/dissect/pop.test.ts and test/integration/lab/check.test.ts instead.
 */
import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/main/cli/index';
import { tsharkRaw } from '../support/tshark';

const FIELDS = [
  'frame.number', '_ws.col.Protocol', '_ws.col.Info', 'smtp.req.command', 'smtp.req.parameter', 'smtp.response.code',
  'smtp.rsp.parameter', 'smtp.auth.username', 'smtp.auth.password', 'pop.request.command', 'pop.response.indicator',
  'imf.subject', 'imf.from',
];
const captures = inject('captures').captures;

async function ours(args: string[]): Promise<string[]> {
  let out = '';
  const code = await main(args, { stdout: (t: string) => (out += t), stderr: () => undefined, sameTarget: false } as unknown as Parameters<typeof main>[1]);
  expect(code).toBe(0);
  return out.split('\n');
}

/** listed tells whether a differing row is one of the listed differences (and which). */
function listed(theirs: string, mine: string): string | undefined {
  const t = theirs.split('\t');
  const m = mine.split('\t');
  if (t[0] !== m[0]) return undefined;
  // IMF reads the dot-unstuffed copy of the message (RFC 5321 §4.5.2).
  if (t[1] === m[1] && t[2].replace(/, \.\./g, ', .') === m[2]) return 'dot-unstuffing';
  // A POP RETR/TOP body in the same segment as its +OK line is handed to IMF.
  if (t[1] === 'POP' && m[1] === 'POP/IMF' && /^S: \+OK /.test(t[2])) return 'POP body sharing the +OK segment';
  // Every AUTH LOGIN attempt's lines are labelled User:/Pass: (tshark labels only the last attempt's).
  if (t[1] === 'SMTP' && m[1] === 'SMTP' && /^C: (User|Pass): /.test(m[2])) {
    const shown = m[2].replace(/^C: (User|Pass): /, '');
    const raw = t[2].replace(/^C: /, '');
    // With smtp.decryption on, we show the decoded value (tshark shows the unlabelled base64 line).
    if (shown === raw || Buffer.from(raw, 'base64').toString('utf8') === shown) return 'AUTH LOGIN retried after a failure';
  }
  return undefined;
}

describe('mail dissection equals tshark on the lab captures', () => {
  const names = (Object.keys(captures) as (keyof typeof captures)[]).filter((n) => n !== 'pop-handout');
  for (const name of names) {
    for (const decryption of ['FALSE', 'TRUE']) {
      it(`${name} (smtp.decryption ${decryption})`, async () => {
        const file = captures[name].file;
        const args = ['-r', file, '-2', '-o', `smtp.decryption:${decryption}`, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
        const theirs = await tsharkRaw(['-o', 'tcp.desegment_tcp_streams:TRUE', ...args]);
        expect(theirs.code).toBe(0);
        const t = theirs.stdout.split('\n');
        const m = await ours(args);
        expect(m.length).toBe(t.length);
        const unexplained: string[] = [];
        for (let i = 0; i < t.length; i++) {
          if (t[i] === m[i]) continue;
          if (!listed(t[i], m[i])) unexplained.push(`tshark: ${t[i].slice(0, 160)}\nours:   ${m[i].slice(0, 160)}`);
        }
        expect(unexplained).toEqual([]);
      });
    }
  }
});
