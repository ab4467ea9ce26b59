/**
 * Mail facts collected on the first pass, for grading and the lab "contract" views: per conversation an
 * ordered transcript of client (C:) and server (S:) lines with frame numbers, and every credential seen
 * (SMTP AUTH LOGIN / PLAIN, POP3 USER+PASS, APOP, POP3 AUTH PLAIN) decoded, with its frames and whether
 * the server accepted it. Filled only while `ctx.firstPass` is true, so re-dissection never duplicates
 * entries. Memory is bounded: transcripts keep at most MAX_LINES lines of at most MAX_LINE_CHARS each.
 */
import type { DissectCtx, DissectorTables } from '../decode/protocol';

/** TranscriptLine is one client or server line of a mail conversation. */
export interface TranscriptLine {
  frame: number;
  dir: 'C' | 'S';
  text: string;
}

/** Transcript is the ordered dialogue of one TCP conversation. */
export interface Transcript {
  protocol: 'smtp' | 'pop';
  stream: number;
  lines: TranscriptLine[];
  /** truncated is true when lines were dropped because of MAX_LINES. */
  truncated: boolean;
}

/** Credential is one login attempt seen in clear text (or base64). */
export interface Credential {
  protocol: 'smtp' | 'pop';
  stream: number;
  mechanism: 'AUTH LOGIN' | 'AUTH PLAIN' | 'USER/PASS' | 'APOP';
  username?: string;
  password?: string;
  /** frames that carried the username / password / reply */
  frames: number[];
  /** true on 235 / +OK, false on a failure reply, undefined while unanswered. */
  success?: boolean;
  /** cancelled is true when the client answered a SASL prompt with `*`. */
  cancelled?: boolean;
  /** tap is what tshark's dissector hands its `-z credentials` tap for this attempt, when it does. */
  tap?: CredentialTap;
}

/**
 * CredentialTap is one row of tshark's `-z credentials`: SMTP AUTH LOGIN at the password line (the
 * username as the dissector showed it: base64 unless smtp.decryption), SMTP AUTH PLAIN only when
 * decoded, POP3 at PASS after USER. APOP and POP SASL are not tapped by tshark.
 */
export interface CredentialTap {
  proto: 'SMTP' | 'POP3';
  /** the frame of the row: the password's */
  frame: number;
  /** the frame of the username (`Username in packet N` when it differs from `frame`) */
  userFrame: number;
  username: string;
}

const MAX_LINES = 20_000;
const MAX_LINE_CHARS = 1_000;

/** MailInfoCollector holds the transcripts and credentials of one dissection session. */
export class MailInfoCollector {
  readonly transcripts = new Map<string, Transcript>();
  readonly credentials: Credential[] = [];
  /**
   * keepTranscripts: collect transcript lines (default). A host that never reads them (the one-pass CLI)
   * turns it off so that memory does not grow with the number of conversations; dissectors skip
   * formatting the lines too. Credentials are always collected.
   */
  keepTranscripts = true;

  /** line appends a transcript line for conversation `key`. */
  line(key: string, protocol: 'smtp' | 'pop', stream: number, frame: number, dir: 'C' | 'S', text: string): void {
    if (!this.keepTranscripts) return;
    let t = this.transcripts.get(key);
    if (!t) this.transcripts.set(key, (t = { protocol, stream, lines: [], truncated: false }));
    if (t.lines.length >= MAX_LINES) {
      t.truncated = true;
      return;
    }
    t.lines.push({ frame, dir, text: text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) + '…' : text });
  }

  /** credential starts a login attempt and returns it for later completion. */
  credential(c: Credential): Credential {
    this.credentials.push(c);
    return c;
  }
}

const collectors = new WeakMap<DissectorTables, MailInfoCollector>();

/** mailInfo returns the collector of the session `ctx` belongs to (one per session's tables). */
export function mailInfo(ctx: Pick<DissectCtx, 'tables'>): MailInfoCollector {
  let c = collectors.get(ctx.tables);
  if (!c) collectors.set(ctx.tables, (c = new MailInfoCollector()));
  return c;
}

/** setMailTranscripts turns transcript collection on or off for a session (credentials stay on). */
export function setMailTranscripts(session: { registry: { tables: DissectorTables } }, enabled: boolean): void {
  mailInfo({ tables: session.registry.tables }).keepTranscripts = enabled;
}

/** mailTranscripts lists the transcripts of a session (`session.registry.tables` identifies it). */
export function mailTranscripts(session: { registry: { tables: DissectorTables } }): Transcript[] {
  return [...(collectors.get(session.registry.tables)?.transcripts.values() ?? [])];
}

/** credentials lists the credentials found in a session, in frame order of their first frame. */
export function credentials(session: { registry: { tables: DissectorTables } }): Credential[] {
  return [...(collectors.get(session.registry.tables)?.credentials ?? [])];
}
