/**
 * POP dissector unit tests. Byte streams are the POP3 dialog scripted in test/support/mail-dialog.ts
 * (scenario `pop1`); tshark 4.0.17's Info for the status lines and whole-line commands of that capture is
 * what the expectations use. Where tshark misreads (one-key commands, UIDL bodies as IMF, RETR bodies
 * sharing the +OK segment) we assert our reading, listed in docs/wireshark-differences.md.
 */
import { describe, expect, it } from 'vitest';
import { b64, dissectSegments, findNode, type Segment } from './mail-harness';
import { credentials } from '../../../src/main/engine/dissect/mailinfo';

const dialog: Segment[] = [
  { from: 's', data: '+OK POP3 ready\r\n' },
  ...[...'user test\r\n'].map((ch) => ({ from: 'c' as const, data: ch })),
  { from: 's', data: '+OK\r\n' },
  { from: 'c', data: 'pass secret\r\n' },
  { from: 's', data: '+OK 2 messages\r\n' },
  { from: 'c', data: 'stat\r\n' },
  { from: 's', data: '+OK 2 1234\r\n' },
  { from: 'c', data: 'list\r\n' },
  { from: 's', data: '+OK 2 messages\r\n1 600\r\n2 634\r\n.\r\n' },
  { from: 'c', data: 'retr 1\r\n' },
  { from: 's', data: '+OK 600 octets\r\n' },
  { from: 's', data: 'From: a@b.c\r\nSubject: hello\r\n\r\nbody line\r\n..dotted\r\n' },
  { from: 's', data: 'more\r\n.\r\n' },
  { from: 'c', data: 'retr 2\r\n' },
  { from: 's', data: '+OK 634 octets\r\nFrom: x@y.z\r\nSubject: same seg\r\n\r\nhi\r\n.\r\n' },
  { from: 'c', data: 'dele 1\r\n' },
  { from: 's', data: '-ERR no such message\r\n' },
  { from: 'c', data: 'auth plain\r\n' },
  { from: 's', data: '+ \r\n' },
  { from: 'c', data: b64('\0u\0p') + '\r\n' },
  { from: 's', data: '+OK\r\n' },
  { from: 'c', data: 'quit\r\n' },
  { from: 's', data: '+OK bye\r\n' },
];

describe('POP', () => {
  const cap = dissectSegments(dialog, { serverPort: 110 });
  const rows = cap.rows.map((r, i) => [i + 1, r.protocol, r.info]).filter((r) => r[1] !== 'TCP');

  it('shows commands, status lines, data fragments and POP/IMF', () => {
    expect(rows).toEqual([
      [1, 'POP', 'S: +OK POP3 ready'],
      [12, 'POP', 'C: user test'],
      [13, 'POP', 'S: +OK'],
      [14, 'POP', 'C: pass secret'],
      [15, 'POP', 'S: +OK 2 messages'],
      [16, 'POP', 'C: stat'],
      [17, 'POP', 'S: +OK 2 1234'],
      [18, 'POP', 'C: list'],
      [19, 'POP', 'S: +OK 2 messages'],
      [20, 'POP', 'C: retr 1'],
      [21, 'POP', 'S: +OK 600 octets'],
      [22, 'POP', 'S: DATA fragment, 52 bytes'],
      [23, 'POP/IMF', 'from: a@b.c, subject: hello, , body line  , .dotted  , more  '],
      [24, 'POP', 'C: retr 2'],
      [25, 'POP/IMF', 'from: x@y.z, subject: same seg, , hi  '],
      [26, 'POP', 'C: dele 1'],
      [27, 'POP', 'S: -ERR no such message'],
      [28, 'POP', 'C: auth plain'],
      [29, 'POP', 'S: + '],
      [30, 'POP', 'C: AHUAcA=='],
      [31, 'POP', 'S: +OK'],
      [32, 'POP', 'C: quit'],
      [33, 'POP', 'S: +OK bye'],
    ]);
  });

  it('builds request/response trees with byte ranges', () => {
    const req = findNode(cap.detail(14).nodes, 'pass secret')!;
    expect(req.field).toBe('pop.request');
    expect(req.children!.map((c) => [c.label, c.start, c.length])).toEqual([
      ['Request command: pass', 6, 4],
      ['Request parameter: secret', 11, 6],
    ]);
    const rsp = findNode(cap.detail(17).nodes, '+OK 2 1234')!;
    expect(rsp.label).toBe('+OK 2 1234\\r\\n');
    expect(rsp.children!.map((c) => [c.label, c.start, c.length])).toEqual([
      ['Response indicator: +OK', 6, 3],
      ['Response description: 2 1234', 10, 6],
    ]);
    // As tshark: the line is the label; pop.response.data (like pop.request and pop.response) holds "".
    expect(cap.fields(19, 'pop.response.data')).toEqual(['', '', '']);
    expect(findNode(cap.detail(19).nodes, '2 634')!.label).toBe('2 634\\r\\n');
    expect(cap.fields(14, 'pop.request')).toEqual(['']);
    expect(cap.fields(17, 'pop.response')).toEqual(['']);
    expect(cap.fields(12, 'pop.request.command')).toEqual(['user']);
  });

  it('reassembles RETR bodies (dot-unstuffed) and finds bodies sharing the +OK segment', () => {
    expect(cap.fields(22, 'pop.data.reassembled.in')).toEqual([23]);
    const d = cap.detail(23);
    expect(findNode(d.nodes, '[2 DATA fragments')!.label).toBe('[2 DATA fragments (57 bytes): #22(51), #23(6)]');
    expect(d.sources.map((s) => s.name)).toContain('Reassembled POP (57 bytes)');
    expect(cap.fields(25, 'imf.subject')).toEqual(['same seg']);
    // Pipelined: the body's final dot and the next reply in one segment; the frame stays POP/IMF.
    const piped = dissectSegments(
      [
        { from: 's', data: '+OK ready\r\n' },
        { from: 'c', data: 'retr 1\r\nquit\r\n' },
        { from: 's', data: '+OK 30 octets\r\nSubject: piped\r\n\r\nhi\r\n.\r\n+OK bye\r\n' },
      ],
      { serverPort: 110 },
    );
    expect(piped.fields(3, 'imf.subject')).toEqual(['piped']);
    // The reply after the final dot follows IMF's Info, as an SMTP command after a message does.
    expect(piped.rows[2]).toEqual({ protocol: 'POP/IMF', info: 'subject: piped, , hi   | S: +OK bye' });
  });

  it('collects USER/PASS and SASL PLAIN credentials with their outcome', () => {
    expect(credentials(cap.session).map((c) => [c.mechanism, c.username, c.password, c.success])).toEqual([
      ['USER/PASS', 'test', 'secret', true],
      ['AUTH PLAIN', 'u', 'p', true],
    ]);
  });
});
