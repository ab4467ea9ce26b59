/**
 * Lab checklist over transcripts written like the handout's session (535 then 235), a pipelined client,
 * AUTH PLAIN with an initial response, a session without QUIT, and POP3 with multi-line replies.
 * The end-to-end version on real captures is test/integration/lab/check.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { labChecklist } from '../../../src/main/engine/lab/checklist';
import type { Transcript, TranscriptLine } from '../../../src/main/engine/dissect/mailinfo';

function transcript(protocol: 'smtp' | 'pop', script: string): Transcript {
  let frame = 0;
  const lines: TranscriptLine[] = script
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .map((l) => ({ frame: ++frame * 2, dir: l[0] as 'C' | 'S', text: l.slice(3) }));
  return { protocol, stream: 0, lines, truncated: false };
}

const handout = transcript(
  'smtp',
  `S: 220 163.com Anti-spam GT for Coremail System (163com[20121016])
   C: ehlo li
   S: 250-mail
   S: 250-PIPELINING
   S: 250 8BITMIME
   C: auth login
   S: 334 dXNlcm5hbWU6
   C: dGVzdF8yMDEzMDQxOA==
   S: 535 Error: authentication failed
   C: auth login
   S: 334 dXNlcm5hbWU6
   C: dGVzdF8yMDEzMDQxOA==
   S: 334 UGFzc3dvcmQ6
   C: dGVzdDA0MTg=
   S: 235 Authentication successful
   C: mail from: <test_20130418@163.com>
   S: 250 Mail OK
   C: rcpt to: <chengli@bupt.edu.cn>
   S: 250 Mail OK
   C: data
   S: 354 End data with <CR><LF>.<CR><LF>
   C: subject: SMTP commands test
   C: This is just a test.
   C: .
   S: 250 Mail OK queued as smtp3
   C: quit
   S: 221 Bye`,
);

describe('labChecklist', () => {
  it('passes every SMTP step of the handout session, with the reply frames', () => {
    const steps = labChecklist([handout], 'smtp');
    expect(steps.map((s) => [s.id, s.status, s.frame])).toEqual([
      ['smtp.greeting', 'passed', 2],
      ['smtp.ehlo', 'passed', 10],
      ['smtp.auth.start', 'passed', 14],
      ['smtp.auth.user', 'passed', 26],
      ['smtp.auth.pass', 'passed', 30],
      ['smtp.mail', 'passed', 34],
      ['smtp.rcpt', 'passed', 38],
      ['smtp.data', 'passed', 42],
      ['smtp.message', 'passed', 50],
      ['smtp.quit', 'passed', 54],
    ]);
  });

  it('fails AUTH when only 535 came, and reports missing steps after it', () => {
    const t = transcript(
      'smtp',
      `S: 220 hi
       C: EHLO x
       S: 250 ok
       C: AUTH LOGIN
       S: 334 VXNlcm5hbWU6
       C: eA==
       S: 334 UGFzc3dvcmQ6
       C: eQ==
       S: 535 Error: authentication failed`,
    );
    const byId = Object.fromEntries(labChecklist([t], 'smtp').map((s) => [s.id, s]));
    expect(byId['smtp.auth.pass']).toMatchObject({ status: 'failed', frame: 18, detail: '535 Error: authentication failed' });
    expect(byId['smtp.mail'].status).toBe('missing');
    expect(byId['smtp.quit'].status).toBe('missing');
  });

  it('matches pipelined replies in order and accepts AUTH PLAIN with an initial response', () => {
    const t = transcript(
      'smtp',
      `S: 220 hi
       C: EHLO x
       S: 250-PIPELINING
       S: 250 AUTH PLAIN
       C: AUTH PLAIN AHN0dWRlbnQAbGFiMDQxOA==
       S: 235 ok
       C: MAIL FROM:<a@b>
       C: RCPT TO:<c@d>
       C: DATA
       S: 250 ok
       S: 550 no such user
       S: 354 go
       C: hello
       C: .
       S: 250 queued
       C: QUIT
       S: 221 bye`,
    );
    const byId = Object.fromEntries(labChecklist([t], 'smtp').map((s) => [s.id, s]));
    for (const id of ['smtp.auth.start', 'smtp.auth.user', 'smtp.auth.pass', 'smtp.mail', 'smtp.data', 'smtp.message', 'smtp.quit']) {
      expect(byId[id].status, id).toBe('passed');
    }
    expect(byId['smtp.rcpt']).toMatchObject({ status: 'failed', detail: '550 no such user' });
  });

  it('checks POP3 steps across multi-line LIST and RETR', () => {
    const t = transcript(
      'pop',
      `S: +OK ready
       C: user student
       S: +OK
       C: pass lab0418
       S: +OK 2 messages
       C: stat
       S: +OK 2 320
       C: list
       S: +OK 2 messages
       S: 1 160
       S: 2 160
       S: .
       C: retr 1
       S: +OK 160 octets
       S: Subject: hi
       S: -ERR is not a reply inside a message
       S: .
       C: quit
       S: +OK bye`,
    );
    const steps = labChecklist([t]);
    expect(steps.map((s) => s.id)).toEqual(['pop.greeting', 'pop.user', 'pop.pass', 'pop.stat', 'pop.list', 'pop.retr', 'pop.quit']);
    expect(steps.every((s) => s.status === 'passed')).toBe(true);
    expect(steps.find((s) => s.id === 'pop.quit')!.frame).toBe(38);
  });

  it('reports everything missing for an empty capture', () => {
    const steps = labChecklist([]);
    expect(steps).toHaveLength(17);
    expect(steps.every((s) => s.status === 'missing')).toBe(true);
  });
});
