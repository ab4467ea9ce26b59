/**
 * Random SMTP and POP3 dialogs against tshark 4.0 (test/support/random-mail-dialogs.ts): every frame's
 * Protocol, Info and SMTP/POP/IMF fields must be tshark's, on one pass and on two, and the SMTP and IMF
 * trees of `-V` too. The generator leaves out the documented differences, so any mismatch is a bug. A
 * few seeds run in `npm test`; WIRELAB_LONG=1 (`npm run test:long`) runs 60.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliStdout as wirelab } from '../support/cli-stdout';
import { mailDialogs } from '../support/random-mail-dialogs';
import { writePcap } from '../support/packets';
import { tsharkRaw } from '../support/tshark';

const LONG = process.env.WIRELAB_LONG === '1';
const SEEDS = LONG ? Array.from({ length: 60 }, (_, i) => 1000 + i) : [7, 19, 2026];
const STREAMS = 20;
const PIN = ['-o', 'tcp.desegment_tcp_streams:TRUE'];
const FIELDS = [
  'frame.number', '_ws.col.Protocol', '_ws.col.Info', 'smtp.req.command', 'smtp.req.parameter', 'smtp.response.code',
  'smtp.rsp.parameter', 'smtp.auth.username', 'smtp.auth.password', 'smtp.data.fragment.count', 'pop.request.command',
  'pop.request.parameter', 'pop.response.indicator', 'pop.response.description', 'tcp.reassembled_in', 'imf.subject', 'imf.from',
];
const dir = mkdtempSync(path.join(tmpdir(), 'wirelab-dialogs-'));

/** the SMTP, IMF and MIME layers of every packet of `-V` output (tshark's hex dumps after Data left out, a documented difference) */
function mailLayers(text: string): string {
  const out: string[] = [];
  let on = false;
  for (const line of text.replace(/\n\n(?:[0-9a-f]{4} {2}[^\n]*\n)+/g, '\n').split('\n')) {
    if (line === '') {
      on = false;
      out.push('--');
    } else if (!line.startsWith(' ')) {
      on = /^(Simple Mail Transfer Protocol|Internet Message Format|Line-based text data|MIME Multipart|Media Type)/.test(line);
      if (on) out.push(line);
    } else if (on) out.push(line);
  }
  return out.join('\n');
}

// With TCP trouble mixed in (mailDialogs' `perturb`): these seeds hold keep-alives inside and after lines
// typed one key per segment, old segments resent with an old ACK, fast retransmissions of SMTP and POP
// commands and of a POP message body, duplicate ACKs and window updates.
const PERTURBED = LONG ? Array.from({ length: 40 }, (_, i) => 3000 + i) : [7, 20, 67];
const TCP_FIELDS = [
  'frame.number', '_ws.col.Protocol', '_ws.col.Info', 'tcp.analysis.flags', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent',
  'tcp.analysis.acks_frame', 'tcp.analysis.duplicate_ack_num', 'tcp.reassembled_in', 'tcp.segment', 'tcp.segment.count', 'tcp.segment_data',
  'smtp.req.command', 'smtp.response.code', 'pop.request.command', 'imf.subject', '_ws.expert.message', 'frame.protocols',
];

// As a student's telnet sends them (mailDialogs' `quirks`): negotiation bytes before commands, bare LF
// line ends, DEL and NUL typed into commands, 8-bit bytes in message bodies; also with TCP trouble.
const QUIRKY = LONG ? Array.from({ length: 40 }, (_, i) => 5000 + i) : [7, 10, 21];

/** theirFields runs tshark on `-T fields` args, less the documented POP difference. */
async function theirFields(args: string[]): Promise<string> {
  // Documented difference: tshark hands a POP message's final "." line to IMF too (Info ", .  ").
  return (await tsharkRaw([...args, ...PIN])).stdout.replace(/^(\d+\tPOP\/IMF\t[^\t]*), \.  \t/gm, '$1\t');
}

/** expectSameRows compares `-T fields` output row by row, so that a failure names the frame. */
function expectSameRows(ours: string, theirs: string, what: string): void {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const first = b.findIndex((row, i) => row !== a[i]);
  expect(first < 0 ? '' : a[first], `${what} frame row ${first + 1}`).toBe(first < 0 ? '' : b[first]);
  expect(a.length).toBe(b.length);
}

/** expectSameMailTrees compares the SMTP and IMF layers of `-V` for the SMTP streams (POP bodies are framed differently on purpose). */
async function expectSameMailTrees(file: string): Promise<void> {
  const smtpOnly = ['-r', file, '-V', '-Y', 'tcp.port == 25'];
  // Documented differences: Wirelab's labels show RFC 2047 encoded words decoded, and are not cut at
  // 240 bytes (a header line of pipelined commands after a message without headers): lines are compared
  // up to 200 bytes of their label.
  const cut = (text: string): string =>
    text
      .split('\n')
      .map((line) => {
        const indent = line.length - line.trimStart().length;
        const bytes = Buffer.from(line);
        return bytes.length > indent + 200 ? bytes.subarray(0, indent + 200).toString() : line;
      })
      .join('\n');
  const theirTree = mailLayers((await tsharkRaw([...smtpOnly, ...PIN])).stdout).replace(/^( {4}Subject: )=\?UTF-8\?B\?5L2g5aW9\?=$/gm, '$1你好');
  expect(cut(mailLayers(await wirelab(smtpOnly)))).toBe(cut(theirTree));
}

describe('random SMTP and POP3 dialogs (tshark 4.0)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: fields on one pass and two, and the SMTP/IMF trees`, async () => {
      const file = writePcap(path.join(dir, `dialogs-${seed}.pcap`), mailDialogs(seed, STREAMS));
      for (const pass of [[], ['-2']]) {
        const args = [...pass, '-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
        const theirs = await theirFields(args);
        expect(theirs).toContain('\tSMTP\t');
        expectSameRows(await wirelab(args), theirs, `seed ${seed} ${pass.join('')}`);
      }
      await expectSameMailTrees(file);
    });
  }
});

describe('random SMTP and POP3 dialogs with retransmissions, keep-alives and duplicate ACKs (tshark 4.0)', () => {
  for (const seed of PERTURBED) {
    it(`seed ${seed}: TCP analysis, segments and mail fields on one pass and two, and the TCP trees`, async () => {
      const file = writePcap(path.join(dir, `perturbed-${seed}.pcap`), mailDialogs(seed, STREAMS, true));
      for (const pass of [[], ['-2']]) {
        const args = [...pass, '-r', file, '-T', 'fields', ...TCP_FIELDS.flatMap((f) => ['-e', f])];
        const theirs = await theirFields(args);
        expect(theirs).toContain('[TCP Keep-Alive]');
        expectSameRows(await wirelab(args), theirs, `seed ${seed} ${pass.join('')}`);
      }
      // Documented differences: Wirelab marks a segment whose bytes all arrived before with
      // "[Segment overlap: Set]" itself (tshark only in the reassembled PDU's list, which both show), and
      // does not cut a long segment list at 240 characters (its items follow, compared one by one).
      const tree = ['-r', file, '-V', '-O', 'tcp'];
      const uncut = (text: string): string => text.replace(/^(\[\d+ Reassembled TCP Segments \(\d+ bytes?\): ).*$/gm, '$1…');
      const ours = uncut((await wirelab(tree)).replace(/^ {4}\[Segment overlap: Set\]\n/gm, ''));
      expect(ours).toBe(uncut((await tsharkRaw([...tree, ...PIN])).stdout));
    });
  }
});

describe('random SMTP and POP3 dialogs as telnet sends them: IAC, bare LF, DEL, NUL, 8-bit bytes (tshark 4.0)', () => {
  for (const seed of QUIRKY) {
    it(`seed ${seed}: fields with smtp.decryption off and on, on one pass and two, and the SMTP/IMF trees`, async () => {
      const file = writePcap(path.join(dir, `quirky-${seed}.pcap`), mailDialogs(seed, STREAMS, seed % 2 === 0, true));
      const fields = [...FIELDS, '_ws.expert.message'];
      for (const options of [[], ['-2'], ['-o', 'smtp.decryption:TRUE']]) {
        const args = [...options, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
        const theirs = await theirFields(args);
        expect(theirs).toMatch(/\\377\\375\\003|\\177/);
        expectSameRows(await wirelab(args), theirs, `seed ${seed} ${options.join(' ')}`);
      }
      await expectSameMailTrees(file);
    });
  }
});
