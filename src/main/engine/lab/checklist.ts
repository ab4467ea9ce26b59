/**
 * The lab guide's checklist, computed from the traffic: which steps of the handout's SMTP and POP3
 * sessions appear in a capture, which failed (535, -ERR…), and the frame carrying the server's reply to
 * each. The same logic ticks the guide in the app and grades submitted captures (`wirelab check`).
 *
 * Input is the per-conversation transcript the SMTP/POP dissectors collect on the first pass (ordered
 * C:/S: lines with frame numbers), so it works whatever the segmentation was (one key per segment,
 * pipelining) and on any port the dissectors recognise. Replies are matched to commands in order (a FIFO,
 * as RFC 2920 pipelining requires); multi-line replies complete on their last line (`250 ` after `250-`).
 * A step passes when any conversation passed it (a failed AUTH followed by a good one passes, as in the
 * handout); it fails when it was attempted and only failed; otherwise it is missing.
 */
import type { LabStep } from '../../../shared/contract';
import type { Transcript, TranscriptLine } from '../dissect/mailinfo';

/** SMTP_STEPS are the handout's SMTP steps in order. */
export const SMTP_STEPS = [
  'smtp.greeting',
  'smtp.ehlo',
  'smtp.auth.start',
  'smtp.auth.user',
  'smtp.auth.pass',
  'smtp.mail',
  'smtp.rcpt',
  'smtp.data',
  'smtp.message',
  'smtp.quit',
] as const;

/** POP_STEPS are the handout's POP3 steps in order. */
export const POP_STEPS = ['pop.greeting', 'pop.user', 'pop.pass', 'pop.stat', 'pop.list', 'pop.retr', 'pop.quit'] as const;

/** StepId names one step. */
export type StepId = (typeof SMTP_STEPS)[number] | (typeof POP_STEPS)[number];

type Outcome = { ok: boolean; frame: number; detail: string };

/** Results collects outcomes per step across conversations. */
class Results {
  private readonly passed = new Map<StepId, Outcome>();
  private readonly failed = new Map<StepId, Outcome>();

  record(id: StepId, ok: boolean, frame: number, detail: string): void {
    if (ok) {
      if (!this.passed.has(id)) this.passed.set(id, { ok, frame, detail });
    } else if (!this.failed.has(id)) {
      this.failed.set(id, { ok, frame, detail });
    }
  }

  steps(ids: readonly StepId[]): LabStep[] {
    return ids.map((id) => {
      const o = this.passed.get(id) ?? this.failed.get(id);
      if (!o) return { id, status: 'missing' };
      return { id, status: o.ok ? 'passed' : 'failed', frame: o.frame, detail: o.detail };
    });
  }
}

const REPLY = /^(\d{3})([ -]?)(.*)$/s;

/** isMessageEnd tells whether a client line (or DATA fragment text) ends the message with a lone ".". */
function isMessageEnd(text: string): boolean {
  const t = text.replace(/\r?\n$/, '');
  return t === '.' || /\r?\n\.$/.test(t);
}

type SmtpPending =
  | 'ehlo'
  | 'auth-login'
  | 'auth-login-ir'
  | 'auth-plain'
  | 'auth-plain-ir'
  | 'auth-other'
  | 'auth-user'
  | 'auth-pass'
  | 'auth-plain-data'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message'
  | 'quit'
  | 'other';

function checkSmtp(lines: readonly TranscriptLine[], results: Results): void {
  const pending: SmtpPending[] = [];
  let greeted = false;
  let authStage: 'none' | 'user' | 'pass' | 'plain' = 'none';
  let inData = false;
  for (const line of lines) {
    if (line.dir === 'C') {
      if (inData) {
        if (isMessageEnd(line.text)) {
          inData = false;
          pending.push('message');
        }
        continue;
      }
      if (authStage !== 'none') {
        const stage = authStage;
        authStage = 'none';
        if (line.text.trim() === '*') {
          pending.push('other');
          continue;
        }
        pending.push(stage === 'user' ? 'auth-user' : stage === 'pass' ? 'auth-pass' : 'auth-plain-data');
        continue;
      }
      const words = line.text.trim().split(/\s+/);
      const verb = (words[0] ?? '').toLowerCase();
      if (verb === 'ehlo' || verb === 'helo') pending.push('ehlo');
      else if (verb === 'auth') {
        const mech = (words[1] ?? '').toUpperCase();
        const initial = words.length > 2 && words[2] !== '=';
        if (mech === 'LOGIN') pending.push(initial ? 'auth-login-ir' : 'auth-login');
        else if (mech === 'PLAIN') pending.push(initial ? 'auth-plain-ir' : 'auth-plain');
        else pending.push('auth-other');
      } else if (verb === 'mail') pending.push('mail');
      else if (verb === 'rcpt') pending.push('rcpt');
      else if (verb === 'data') pending.push('data');
      else if (verb === 'quit') pending.push('quit');
      else pending.push('other');
      continue;
    }
    const m = REPLY.exec(line.text.replace(/\r?\n$/, ''));
    if (!m || m[2] === '-') continue; // not a reply line, or a continuation of a multi-line reply
    const code = Number(m[1]);
    const text = line.text.replace(/\r?\n$/, '');
    const ok2 = code >= 200 && code < 300;
    if (!greeted && pending.length === 0) {
      greeted = true;
      results.record('smtp.greeting', code === 220, line.frame, text);
      continue;
    }
    greeted = true;
    const cmd = pending.shift();
    switch (cmd) {
      case 'ehlo':
        results.record('smtp.ehlo', code === 250, line.frame, text);
        break;
      case 'auth-login':
        results.record('smtp.auth.start', code === 334, line.frame, text);
        if (code === 334) authStage = 'user';
        break;
      case 'auth-login-ir':
        results.record('smtp.auth.start', code === 334, line.frame, text);
        results.record('smtp.auth.user', code === 334, line.frame, text);
        if (code === 334) authStage = 'pass';
        break;
      case 'auth-user':
        results.record('smtp.auth.user', code === 334, line.frame, text);
        if (code === 334) authStage = 'pass';
        break;
      case 'auth-pass':
        results.record('smtp.auth.pass', code === 235, line.frame, text);
        break;
      case 'auth-plain':
        results.record('smtp.auth.start', code === 334, line.frame, text);
        if (code === 334) authStage = 'plain';
        break;
      case 'auth-plain-ir':
      case 'auth-plain-data':
        if (cmd === 'auth-plain-ir') results.record('smtp.auth.start', code === 235 || code === 535, line.frame, text);
        results.record('smtp.auth.user', code === 235, line.frame, text);
        results.record('smtp.auth.pass', code === 235, line.frame, text);
        break;
      case 'mail':
        results.record('smtp.mail', code === 250, line.frame, text);
        break;
      case 'rcpt':
        results.record('smtp.rcpt', code === 250 || code === 251, line.frame, text);
        break;
      case 'data':
        results.record('smtp.data', code === 354, line.frame, text);
        if (code === 354) inData = true;
        break;
      case 'message':
        results.record('smtp.message', code === 250, line.frame, text);
        break;
      case 'quit':
        results.record('smtp.quit', code === 221, line.frame, text);
        break;
      default:
        void ok2;
    }
  }
}

type PopPending = 'user' | 'pass' | 'apop' | 'auth' | 'auth-data' | 'stat' | 'list' | 'list1' | 'retr' | 'multi' | 'quit' | 'other';

function checkPop(lines: readonly TranscriptLine[], results: Results): void {
  const pending: PopPending[] = [];
  let greeted = false;
  let multiline = false;
  let saslContinue = false;
  for (const line of lines) {
    const text = line.text.replace(/\r?\n$/, '');
    if (line.dir === 'C') {
      multiline = false;
      if (saslContinue) {
        saslContinue = false;
        pending.push('auth-data');
        continue;
      }
      const words = text.trim().split(/\s+/);
      const verb = (words[0] ?? '').toLowerCase();
      if (verb === 'user') pending.push('user');
      else if (verb === 'pass') pending.push('pass');
      else if (verb === 'apop') pending.push('apop');
      else if (verb === 'auth' && words.length > 1) pending.push('auth');
      else if (verb === 'stat') pending.push('stat');
      else if (verb === 'list') pending.push(words.length > 1 ? 'list1' : 'list');
      else if (verb === 'retr') pending.push('retr');
      else if (verb === 'top' || (verb === 'uidl' && words.length === 1) || verb === 'capa') pending.push('multi');
      else if (verb === 'quit') pending.push('quit');
      else pending.push('other');
      continue;
    }
    if (multiline) {
      if (isMessageEnd(text) || text === '.') multiline = false;
      continue;
    }
    const ok = text.startsWith('+OK');
    const err = text.startsWith('-ERR');
    if (text.startsWith('+ ') || text === '+') {
      // SASL continuation: the next client line answers it.
      const cmd = pending.shift();
      if (cmd === 'auth' || cmd === 'auth-data') saslContinue = true;
      continue;
    }
    if (!ok && !err) continue;
    if (!greeted && pending.length === 0) {
      greeted = true;
      results.record('pop.greeting', ok, line.frame, text);
      continue;
    }
    greeted = true;
    const cmd = pending.shift();
    switch (cmd) {
      case 'user':
        results.record('pop.user', ok, line.frame, text);
        break;
      case 'pass':
        results.record('pop.pass', ok, line.frame, text);
        break;
      case 'apop':
      case 'auth':
      case 'auth-data':
        results.record('pop.user', ok, line.frame, text);
        results.record('pop.pass', ok, line.frame, text);
        break;
      case 'stat':
        results.record('pop.stat', ok, line.frame, text);
        break;
      case 'list':
        results.record('pop.list', ok, line.frame, text);
        multiline = ok && !isMessageEnd(text);
        break;
      case 'list1':
        results.record('pop.list', ok, line.frame, text);
        break;
      case 'retr':
        results.record('pop.retr', ok, line.frame, text);
        multiline = ok && !isMessageEnd(text);
        break;
      case 'multi':
        multiline = ok && !isMessageEnd(text);
        break;
      case 'quit':
        results.record('pop.quit', ok, line.frame, text);
        break;
      default:
        break;
    }
  }
}

/** ChecklistProtocols chooses which protocols' steps to report. */
export type ChecklistProtocols = 'smtp' | 'pop' | 'both' | 'auto';

/**
 * labChecklist computes the steps from the transcripts. `auto` reports the protocols present in the
 * capture (both when neither is present, so an empty capture shows everything missing).
 */
export function labChecklist(transcripts: readonly Transcript[], protocols: ChecklistProtocols = 'auto'): LabStep[] {
  const results = new Results();
  const ordered = [...transcripts].sort((a, b) => (a.lines[0]?.frame ?? 0) - (b.lines[0]?.frame ?? 0));
  for (const t of ordered) {
    if (t.protocol === 'smtp') checkSmtp(t.lines, results);
    else checkPop(t.lines, results);
  }
  const hasSmtp = transcripts.some((t) => t.protocol === 'smtp');
  const hasPop = transcripts.some((t) => t.protocol === 'pop');
  let ids: StepId[];
  if (protocols === 'smtp') ids = [...SMTP_STEPS];
  else if (protocols === 'pop') ids = [...POP_STEPS];
  else if (protocols === 'both' || (!hasSmtp && !hasPop) || (hasSmtp && hasPop)) ids = [...SMTP_STEPS, ...POP_STEPS];
  else ids = hasSmtp ? [...SMTP_STEPS] : [...POP_STEPS];
  return results.steps(ids);
}
