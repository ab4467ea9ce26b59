/**
 * SMTP dissector unit tests. Fixtures are the client/server byte streams of the lab handout session
 * (lab-handout-smtp-pop3.zh.md) and of scripted dialogs whose tshark 4.0.17 output was recorded from
 * captures made with test/support/mail-dialog.ts on 127.0.0.1:25 (expected Info strings below are tshark's
 * `-2 -o tcp.desegment_tcp_streams:TRUE -T fields -e _ws.col.Info` output for the same bytes).
 */
import { describe, expect, it } from 'vitest';
import { b64, dissectSegments, findNode, type Segment } from './mail-harness';
import { credentials, mailTranscripts } from '../../../src/main/engine/dissect/mailinfo';

const handout: Segment[] = [
  { from: 's', data: '220 163.com Anti-spam GT for Coremail System (163com[20121016])\r\n' },
  ...[...'ehlo li\r\n'].map((ch) => ({ from: 'c' as const, data: ch })),
  { from: 's', data: '250-mail\r\n250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n250-AUTH=LOGIN PLAIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n' },
  { from: 'c', data: 'auth login\r\n' },
  { from: 's', data: '334 dXNlcm5hbWU6\r\n' },
  { from: 'c', data: b64('test_20130418') + '\r\n' },
  { from: 's', data: '334 UGFzc3dvcmQ6\r\n' },
  { from: 'c', data: b64('test0418') + '\r\n' },
  { from: 's', data: '235 Authentication successful\r\n' },
  { from: 'c', data: 'mail from: <test_20130418@163.com>\r\n' },
  { from: 's', data: '250 Mail OK\r\n' },
  { from: 'c', data: 'rcpt to: <chengli@bupt.edu.cn>\r\n' },
  { from: 's', data: '250 Mail OK\r\n' },
  { from: 'c', data: 'data\r\n' },
  { from: 's', data: '354 End data with <CR><LF>.<CR><LF>\r\n' },
  { from: 'c', data: 'subject: SMTP commands test\r\n\r\n' },
  { from: 'c', data: 'This is just a test.\r\n..dot\r\n' },
  { from: 'c', data: '.\r\n' },
  { from: 's', data: '250 Mail OK queued as smtp3\r\n' },
  { from: 'c', data: 'quit\r\n' },
  { from: 's', data: '221 Bye\r\n' },
];

describe('SMTP', () => {
  it('shows the handout session with tshark Info, one key per segment becoming one line', () => {
    const cap = dissectSegments(handout);
    const smtpRows = cap.rows.map((r, i) => [i + 1, r.protocol, r.info]).filter((r) => r[1] !== 'TCP');
    expect(smtpRows).toEqual([
      [1, 'SMTP', 'S: 220 163.com Anti-spam GT for Coremail System (163com[20121016])'],
      [10, 'SMTP', 'C: ehlo li'],
      [11, 'SMTP', 'S: 250-mail | PIPELINING | AUTH LOGIN PLAIN | AUTH=LOGIN PLAIN | STARTTLS | 8BITMIME'],
      [12, 'SMTP', 'C: auth login'],
      [13, 'SMTP', 'S: 334 dXNlcm5hbWU6'],
      [14, 'SMTP', 'C: User: dGVzdF8yMDEzMDQxOA=='],
      [15, 'SMTP', 'S: 334 UGFzc3dvcmQ6'],
      [16, 'SMTP', 'C: Pass: dGVzdDA0MTg='],
      [17, 'SMTP', 'S: 235 Authentication successful'],
      [18, 'SMTP', 'C: mail from: <test_20130418@163.com>'],
      [19, 'SMTP', 'S: 250 Mail OK'],
      [20, 'SMTP', 'C: rcpt to: <chengli@bupt.edu.cn>'],
      [21, 'SMTP', 'S: 250 Mail OK'],
      [22, 'SMTP', 'C: data'],
      [23, 'SMTP', 'S: 354 End data with <CR><LF>.<CR><LF>'],
      [24, 'SMTP', 'C: DATA fragment, 31 bytes'],
      [25, 'SMTP', 'C: DATA fragment, 29 bytes'],
      [26, 'SMTP/IMF', 'subject: SMTP commands test, , This is just a test.  , .dot  '],
      [27, 'SMTP', 'S: 250 Mail OK queued as smtp3'],
      [28, 'SMTP', 'C: quit'],
      [29, 'SMTP', 'S: 221 Bye'],
    ]);
    expect(cap.rows[0 + 1].info).toBe('[TCP segment of a reassembled PDU]');
  });

  it('builds the command tree with byte ranges and the reply-code meaning', () => {
    const cap = dissectSegments(handout);
    const d = cap.detail(18);
    const line = findNode(d.nodes, 'Command Line: ')!;
    expect(line.label).toBe('Command Line: mail from: <test_20130418@163.com>\\r\\n');
    expect(line.field).toBe('smtp.command_line');
    expect(line.children!.map((c) => [c.label, c.start, c.length])).toEqual([
      ['Command: mail', 6, 4],
      ['Request parameter: from: <test_20130418@163.com>', 11, 29],
    ]);
    const rsp = cap.detail(11);
    const response = findNode(rsp.nodes, 'Response: 250-mail')!;
    expect(response.children![0].label).toBe('Response code: Requested mail action okay, completed (250)');
    expect(response.children!.slice(1).map((c) => c.label)).toEqual([
      'Response parameter: mail',
      'Response parameter: PIPELINING',
      'Response parameter: AUTH LOGIN PLAIN',
      'Response parameter: AUTH=LOGIN PLAIN',
      'Response parameter: STARTTLS',
      'Response parameter: 8BITMIME',
    ]);
    expect(cap.fields(11, 'smtp.response.code')).toEqual([250]);
    expect(cap.fields(11, 'smtp.rsp')).toEqual([true]);
    expect(cap.fields(18, 'smtp.req.command')).toEqual(['mail']);
  });

  it('reassembles DATA over a Reassembled SMTP source and lists the fragments', () => {
    const cap = dissectSegments(handout);
    expect(cap.fields(24, 'smtp.data.reassembled.in')).toEqual([26]);
    const d = cap.detail(26);
    const frag = findNode(d.nodes, '[2 DATA fragments')!;
    expect(frag.label).toBe('[2 DATA fragments (60 bytes): #24(31), #25(29)]');
    expect(frag.children!.map((c) => c.label)).toEqual([
      '[Frame: 24, payload: 0-30 (31 bytes)]',
      '[Frame: 25, payload: 31-59 (29 bytes)]',
      '[DATA fragment count: 2]',
      '[Reassembled DATA length: 60]',
    ]);
    expect(d.sources.map((s) => s.name)).toContain('Reassembled SMTP (60 bytes)');
    expect(findNode(d.nodes, 'Subject: SMTP commands test')).toBeDefined();
    expect(cap.fields(26, 'imf.subject')).toEqual(['SMTP commands test']);
    expect(cap.fields(26, 'smtp.eom')).toHaveLength(1);
  });

  it('decodes AUTH with smtp.decryption on, incl. the 334 prompts, and keeps credentials', () => {
    const cap = dissectSegments(handout, { session: { prefs: { 'smtp.decryption': 'TRUE' } } });
    expect(cap.rows[12].info).toBe('S: 334 username:');
    expect(cap.rows[13].info).toBe('C: User: test_20130418');
    expect(cap.rows[15].info).toBe('C: Pass: test0418');
    expect(cap.fields(14, 'smtp.auth.username')).toEqual(['test_20130418']);
    expect(cap.fields(16, 'smtp.auth.password')).toEqual(['test0418']);
    const creds = credentials(cap.session);
    expect(creds).toEqual([
      {
        protocol: 'smtp',
        stream: 0,
        mechanism: 'AUTH LOGIN',
        username: 'test_20130418',
        password: 'test0418',
        frames: [12, 14, 16, 17],
        success: true,
        // tshark's credentials tap: at the password line, the username as shown (decoded: decryption on).
        tap: { proto: 'SMTP', frame: 16, userFrame: 14, username: 'test_20130418' },
      },
    ]);
    const t = mailTranscripts(cap.session)[0];
    expect(t.lines.slice(0, 3)).toEqual([
      { frame: 1, dir: 'S', text: '220 163.com Anti-spam GT for Coremail System (163com[20121016])' },
      { frame: 10, dir: 'C', text: 'ehlo li' },
      { frame: 11, dir: 'S', text: '250-mail' },
    ]);
  });

  it('handles AUTH PLAIN both forms, LOGIN with initial response, cancel and failure', () => {
    const segs: Segment[] = [
      { from: 's', data: '220 lab ESMTP\r\n' },
      { from: 'c', data: 'AUTH LOGIN ' + b64('alice') + '\r\n' },
      { from: 's', data: '334 UGFzc3dvcmQ6\r\n' },
      { from: 'c', data: b64('secret') + '\r\n' },
      { from: 's', data: '535 5.7.8 bad\r\n' },
      { from: 'c', data: 'AUTH PLAIN ' + b64('\0bob\0pw1') + '\r\n' },
      { from: 's', data: '235 ok\r\n' },
      { from: 'c', data: 'AUTH PLAIN\r\n' },
      { from: 's', data: '334 \r\n' },
      { from: 'c', data: b64('authz\0carol\0pw2') + '\r\n' },
      { from: 's', data: '235 ok\r\n' },
      { from: 'c', data: 'AUTH LOGIN\r\n' },
      { from: 's', data: '334 VXNlcm5hbWU6\r\n' },
      { from: 'c', data: '*\r\n' },
      { from: 's', data: '501 cancelled\r\n' },
    ];
    const off = dissectSegments(segs);
    expect(off.rows.map((r) => r.info)).toEqual([
      'S: 220 lab ESMTP',
      'C: AUTH LOGIN User: YWxpY2U=',
      'S: 334 UGFzc3dvcmQ6',
      'C: Pass: c2VjcmV0',
      'S: 535 5.7.8 bad',
      'C: AUTH PLAIN AGJvYgBwdzE=',
      'S: 235 ok',
      'C: AUTH PLAIN',
      'S: 334 ',
      'C: YXV0aHoAY2Fyb2wAcHcy',
      'S: 235 ok',
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      'C: User: *',
      'S: 501 cancelled',
    ]);
    const plain = findNode(off.detail(6).nodes, 'Username/Password: ')!;
    // tshark's expert item under it: `smtp.base64_decode`, Warning/Protocol.
    const warning = plain.children!.find((c) => c.field === '_ws.expert')!;
    expect(warning.label).toBe('[Expert Info (Warning/Protocol): base64 decode failed or is not enabled (check SMTP preferences)]');
    expect(warning.children!.map((c) => c.field)).toContain('smtp.base64_decode');
    expect([plain.start, plain.length]).toEqual([6 + 11, 12]);
    const on = dissectSegments(segs, { session: { prefs: { 'smtp.decryption': true } } });
    expect(on.rows[5].info).toBe('C: AUTH PLAIN User: bob  Pass: pw1');
    expect(on.rows[9].info).toBe('C: User: carol  Pass: pw2');
    expect(on.rows[2].info).toBe('S: 334 Password:');
    expect(credentials(on.session).map((c) => [c.mechanism, c.username, c.password, c.success, c.cancelled])).toEqual([
      ['AUTH LOGIN', 'alice', 'secret', false, undefined],
      ['AUTH PLAIN', 'bob', 'pw1', true, undefined],
      ['AUTH PLAIN', 'carol', 'pw2', true, undefined],
      ['AUTH LOGIN', undefined, undefined, false, true],
    ]);
  });

  it('joins pipelined commands and replies with | and marks STARTTLS data as encrypted', () => {
    const cap = dissectSegments([
      { from: 's', data: '220 x\r\n' },
      { from: 'c', data: 'MAIL FROM:<a@b.c> SIZE=100\r\nRCPT TO:<d@e.f>\r\nDATA\r\n' },
      { from: 's', data: '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n' },
      { from: 'c', data: 'Subject: x\r\n\r\nbody\r\n.\r\n' },
      { from: 's', data: '250 queued\r\n' },
      { from: 'c', data: 'STARTTLS\r\n' },
      { from: 's', data: '220 go ahead\r\n' },
      { from: 'c', data: Uint8Array.from([0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5]) },
    ]);
    expect(cap.rows[1].info).toBe('C: MAIL FROM:<a@b.c> SIZE=100 | RCPT TO:<d@e.f> | DATA');
    expect(cap.rows[2].info).toBe('S: 250 2.1.0 Ok | 250 2.1.5 Ok | 354 End data with <CR><LF>.<CR><LF>');
    expect(cap.fields(2, 'smtp.req.command')).toEqual(['MAIL', 'RCPT', 'DATA']);
    expect(cap.rows[3]).toEqual({ protocol: 'SMTP/IMF', info: 'subject: x, , body  ' });
    expect(cap.fields(6, 'smtp.req.command')).toEqual(['STAR']);
    expect(cap.rows[7].info).toBe('C: Encrypted data, 10 bytes');
  });

  it('treats telnet IAC bytes before the first command as tshark does, DEL and NUL escaped', () => {
    const cap = dissectSegments([
      { from: 's', data: '220 lab\r\n' },
      { from: 'c', data: Uint8Array.from([0xff, 0xfd, 0x03, 0xff, 0xfd, 0x01]) },
      { from: 'c', data: 'helo x\r\n' },
      { from: 's', data: '250 lab\r\n' },
      { from: 'c', data: 'mail frxm\x7f\x7fom: <a\0@b>\r\n' },
    ]);
    expect(cap.rows[2].info).toBe('C: DATA fragment, 14 bytes');
    expect(cap.rows[4].info).toBe('C: mail frxm\\177\\177om: <a\\000@b>');
    expect(cap.fields(5, 'smtp.req.parameter')).toEqual(['frxm\x7f\x7fom: <a']);
  });

  it('finds the end of a message wherever its line starts: split, mid-segment, after bare LF, not after a cut line', () => {
    const opening: Segment[] = [
      { from: 's', data: '220 lab\r\n' },
      { from: 'c', data: 'mail from:<a@b>\r\n' },
      { from: 's', data: '250 ok\r\n' },
      { from: 'c', data: 'rcpt to:<c@d>\r\n' },
      { from: 's', data: '250 ok\r\n' },
      { from: 'c', data: 'data\r\n' },
      { from: 's', data: '354 go\r\n' },
    ];
    const eomFrames = (body: string[]) => {
      const cap = dissectSegments([...opening, ...body.map((data) => ({ from: 'c' as const, data }))]);
      const frames = cap.frames.map((f) => f.number).filter((n) => n > opening.length && cap.fields(n, 'smtp.eom').length > 0);
      return { frames, infos: cap.rows.slice(opening.length).map((r) => r.info) };
    };
    // "\r\n.\r\n" split after the CRLF: the next segment's ".\r\n" ends the message.
    expect(eomFrames(['Subject: x\r\n\r\nbody\r\n', '.\r\n']).frames).toEqual([9]);
    // The marker inside one segment, a command after it in the same segment.
    const mid = eomFrames(['Subject: x\r\n\r\nbody\r\n.\r\nquit\r\n']);
    expect(mid.frames).toEqual([8]);
    expect(mid.infos[0]).toMatch(/quit/);
    // The frame carried a message: its later PDU (quit) leaves the Protocol column at SMTP/IMF.
    const midCap = dissectSegments([...opening, { from: 'c', data: 'Subject: x\r\n\r\nbody\r\n.\r\nquit\r\n' }]);
    expect(midCap.rows[7]).toEqual({ protocol: 'SMTP/IMF', info: 'subject: x, , body   | C: quit' });
    // ".\r\n" at the start of a segment whose predecessor did not end with CRLF is data.
    expect(eomFrames(['Subject: x\r\n\r\nbody', '.\r\n', 'more\r\n.\r\n']).frames).toEqual([10]);
    // A bare-LF line end before the dot line (the dot line still ends the message, as the line loop did).
    expect(eomFrames(['Subject: x\r\n\r\nbody\n.\r\n']).frames).toEqual([8]);
    // Dot-stuffed lines are data.
    expect(eomFrames(['Subject: x\r\n\r\n..\r\n', '..x\r\n', '.\r\n']).frames).toEqual([10]);
    // DATA and the whole message pipelined in one segment (the line loop's path into the same checks).
    const piped = dissectSegments([...opening.slice(0, 5), { from: 'c', data: 'data\r\nSubject: y\r\n\r\nhi\r\n.\r\nquit\r\n' }]);
    expect(piped.fields(6, 'smtp.eom')).toHaveLength(1);
    expect(piped.fields(6, 'smtp.req.command')).toContain('quit');
  });

  it('never depends on click order', () => {
    const cap = dissectSegments(handout);
    const inOrder = cap.frames.map((_, i) => JSON.stringify(cap.detail(i + 1)));
    const order = cap.frames.map((_, i) => i + 1).sort((a, b) => ((a * 7919) % 31) - ((b * 7919) % 31));
    for (const n of order) expect(JSON.stringify(cap.detail(n))).toBe(inOrder[n - 1]);
  });
});
