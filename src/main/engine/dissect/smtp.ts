/**
 * SMTP — Simple Mail Transfer Protocol (RFC 5321), with AUTH (RFC 4954), PIPELINING (RFC 2920),
 * CHUNKING/BDAT (RFC 3030) and STARTTLS (RFC 3207), following tshark 4.0's packet-smtp.c field by field:
 * Info `C: <line>` / `S: <code> <text>`, pipelined lines joined with ` | `, continuation lines of a
 * multi-line reply shown by their parameter only, AUTH lines as `User:` / `Pass:`, DATA as
 * `C: DATA fragment, N bytes` until `C: .`, whose frame carries the reassembled message (`SMTP/IMF`).
 *
 * Invariants:
 *  - Direction: a PDU sent to the matched server port is a request (`ctx.matchValue === ctx.dstPort`);
 *    after a heuristic match the server port is the banner's source port.
 *  - Line framing: when the first line of a PDU has no CR/LF yet, TCP is asked for one more segment
 *    (`ctx.desegment`); a line typed one key per segment becomes one PDU. Lines longer than MAX_LINE are
 *    not held back: they are shown as they come and the stream resynchronises at the next line end.
 *  - First pass only: conversation state (command/data/STARTTLS state, AUTH sub-state, DATA fragments)
 *    advances only when `ctx.firstPass`; what a PDU is (its line roles, fragment list, message bytes) is
 *    frozen per PDU with `setFrameData('smtp:<offset>:<src>')` and re-dissection reads only that, so the
 *    tree never depends on click order.
 *  - Memory is bounded: a message keeps at most MAX_MESSAGE bytes and MAX_FRAGMENTS fragment entries.
 *  - Deliberate differences from tshark are listed in docs/wireshark-differences.md.
 */
import {
  defineFields,
  ONE_MORE_SEGMENT,
  protocolField,
  type DissectCtx,
  type DissectorTables,
  type ProtocolModule,
  conversationKey,
  streamConversation,
} from '../decode/protocol';
import { addExpert, addStrayCharacters } from '../decode/expert';
import { FieldGroup, NULL_ITEM, type TreeItem } from '../decode/tree';
import { ByteView } from '../decode/view';
import { addTextLines, dissectImf } from './imf';
import { mailInfo, type Credential } from './mailinfo';
import { asciiValue, base64Decode, ByteAccumulator, cString, findLineEnd, formatText, latin1, nextLineStart, nulOrEnd, nulParts, splitLines, startsWithCi, type LineEnd } from './text';

const PROTO = { abbrev: 'smtp', short: 'SMTP', name: 'Simple Mail Transfer Protocol' };

/** RESPONSE_CODES are tshark 4.0's reply-code meanings (RFC 5321 §4.2, RFC 4954). */
export const RESPONSE_CODES: Readonly<Record<number, string>> = {
  211: 'System status, or system help reply',
  214: 'Help message',
  220: '<domain> Service ready',
  221: '<domain> Service closing transmission channel',
  235: 'Authentication successful',
  250: 'Requested mail action okay, completed',
  251: 'User not local; will forward to <forward-path>',
  252: 'Cannot VRFY user, but will accept message and attempt delivery',
  334: 'AUTH input',
  354: 'Start mail input; end with <CRLF>.<CRLF>',
  421: '<domain> Service not available, closing transmission channel',
  432: 'A password transition is needed',
  450: 'Requested mail action not taken: mailbox unavailable',
  451: 'Requested action aborted: local error in processing',
  452: 'Requested action not taken: insufficient system storage',
  454: 'Temporary authentication failed',
  455: 'Server unable to accommodate parameters',
  500: 'Syntax error, command unrecognized',
  501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented',
  503: 'Bad sequence of commands',
  504: 'Command parameter not implemented',
  530: 'Authentication required',
  534: 'Authentication mechanism is too weak',
  535: 'Authentication credentials invalid',
  538: 'Encryption required for requested authentication mechanism',
  550: 'Requested action not taken: mailbox unavailable',
  551: 'User not local; please try <forward-path>',
  552: 'Requested mail action aborted: exceeded storage allocation',
  553: 'Requested action not taken: mailbox name not allowed',
  554: 'Transaction failed',
  555: 'MAIL FROM/RCPT TO parameters not recognized or not implemented',
};

const F = defineFields('smtp', {
  req: { name: 'Request', type: 'boolean' },
  rsp: { name: 'Response', type: 'boolean' },
  message: { name: 'Message', type: 'string' },
  command_line: { name: 'Command Line', type: 'string' },
  req_command: { name: 'Command', type: 'string', abbrev: 'smtp.req.command' },
  req_parameter: { name: 'Request parameter', type: 'string', abbrev: 'smtp.req.parameter' },
  response: { name: 'Response', type: 'string' },
  response_code: { name: 'Response code', type: 'uint32', base: 'dec', values: RESPONSE_CODES, abbrev: 'smtp.response.code' },
  rsp_parameter: { name: 'Response parameter', type: 'string', abbrev: 'smtp.rsp.parameter' },
  auth_username: { name: 'Username', type: 'string', abbrev: 'smtp.auth.username' },
  auth_password: { name: 'Password', type: 'string', abbrev: 'smtp.auth.password' },
  auth_username_password: { name: 'Username/Password', type: 'string', abbrev: 'smtp.auth.username_password' },
  eom: { name: 'EOM', type: 'none' },
  data_fragments: { name: 'DATA fragments', type: 'none', abbrev: 'smtp.data.fragments' },
  data_fragment: { name: 'DATA fragment', type: 'framenum', abbrev: 'smtp.data.fragment' },
  data_fragment_count: { name: 'DATA fragment count', type: 'uint32', abbrev: 'smtp.data.fragment.count' },
  data_reassembled_in: { name: 'Reassembled DATA in frame', type: 'framenum', abbrev: 'smtp.data.reassembled.in' },
  data_reassembled_length: { name: 'Reassembled DATA length', type: 'uint32', abbrev: 'smtp.data.reassembled.length' },
  base64_decode: { name: 'base64 decode failed or is not enabled (check SMTP preferences)', type: 'none', abbrev: 'smtp.base64_decode' },
  response_code_unexpected: { name: 'Unexpected response code in multiline response', type: 'none', abbrev: 'smtp.response.code.unexpected' },
  line_too_long: { name: 'Line too long', type: 'none', abbrev: 'smtp.line_too_long', blurb: 'Wirelab: a line longer than 64 KiB; the stream resynchronises at the next line end' },
  encrypted: { name: 'Encrypted data', type: 'bytes', abbrev: 'smtp.encrypted', blurb: 'Wirelab: bytes after STARTTLS or on the SMTPS port' },
});

/** COMMAND_GROUP / RESPONSE_GROUP: the line items of a command and of a reply (skipped when none is kept). */
const COMMAND_GROUP = new FieldGroup([F.req, F.command_line, F.req_command, F.req_parameter, '_ws.expert', '_ws.expert.message', '_ws.expert.severity', '_ws.expert.group']);
const RESPONSE_GROUP = new FieldGroup([F.rsp, F.response, F.rsp_parameter]);

const P = protocolField(PROTO);

/** MAX_LINE is the longest line held back waiting for its CRLF (RFC 5321 allows 1000; be generous). */
export const MAX_LINE = 64 * 1024;
/** MAX_MESSAGE is the most message bytes kept for one DATA/BDAT reassembly. */
export const MAX_MESSAGE = 16 * 1024 * 1024;
const MAX_FRAGMENTS = 100_000;
const SMTPS_PORT = 465;

type State = 'start' | 'cmds' | 'data' | 'starttls';
type Auth =
  | 'none'
  | 'start'
  | 'user_req'
  | 'user_rsp'
  | 'pass_req'
  | 'pass_rsp'
  | 'plain_start'
  | 'plain_cred'
  | 'plain_req'
  | 'plain_rsp'
  | 'other'
  | 'success'
  | 'failed';

type LineRole = 'cmd' | 'user' | 'pass' | 'userpass' | 'login_initial' | 'plain_initial' | 'sasl';

/** Fragment is one piece of a DATA/BDAT message: where it came from and where it sits in the message. */
interface Fragment {
  frame: number;
  offset: number;
  length: number;
}

/** SmtpPdu is what the first pass froze about one PDU. */
interface SmtpPdu {
  request: boolean;
  kind: 'cmd' | 'message' | 'eom' | 'rsp' | 'tls' | 'long';
  /** bytes of the view belonging to this PDU; a remainder (after `.` or a BDAT line) is its own PDU */
  end: number;
  roles?: LineRole[];
  /** message fragments: the frame that completes the message (filled in when it arrives) */
  reassembledIn?: number;
  /** final PDU: fragments, total length, the message bytes (capped) */
  fragments?: Fragment[];
  total?: number;
  message?: Uint8Array;
  /** offset (in the view) of the `.` line of an EOM PDU */
  eomOffset?: number;
}

/** MessageBuffer collects DATA fragments of the message being sent. */
interface MessageBuffer {
  fragments: Fragment[];
  /** the bytes kept (at most MAX_MESSAGE) */
  data: ByteAccumulator;
  total: number;
  pdus: SmtpPdu[];
}

/** SmtpConversation is the first-pass state of one TCP conversation. */
interface SmtpConversation {
  key: string;
  stream: number;
  serverPort: number | undefined;
  state: State;
  auth: Auth;
  crlfSeen: boolean;
  dataSeen: boolean;
  bdatRemaining: number;
  bdatLast: boolean;
  bdatActive: boolean;
  /** frames after this one are TLS (0: none) */
  tlsAfterFrame: number;
  message: MessageBuffer | undefined;
  longLine: [boolean, boolean];
  credential: Credential | undefined;
  /** the AUTH LOGIN username line's frame and text as shown (for tshark's credentials tap) */
  userFrame: number;
  userShown: string;
}

/** conversation is the SMTP state of the current stream (see streamConversation). */
function conversation(ctx: DissectCtx): SmtpConversation {
  return streamConversation(ctx, 'smtp', newConversation);
}

function newConversation(key: string, stream: number): SmtpConversation {
  return {
    key,
    stream,
    serverPort: undefined,
    state: 'start',
    auth: 'none',
    crlfSeen: false,
    dataSeen: false,
    bdatRemaining: 0,
    userFrame: 0,
    userShown: '',
    bdatLast: false,
    bdatActive: false,
    tlsAfterFrame: 0,
    message: undefined,
    longLine: [false, false],
    credential: undefined,
  };
}

/** isCommand is tshark's line_is_smtp_command: four letters, or a known longer extension keyword. */
function isCommand(word: string): boolean {
  if (/^[A-Za-z]{4}$/.test(word)) return true;
  return /^(STARTTLS|X-EXPS|X-LINK2STATE|XEXCH50)$/i.test(word);
}

function decodeForDisplay(ctx: DissectCtx, raw: string): string {
  if (!ctx.pref<boolean>('smtp.decryption')) return raw;
  const decoded = base64Decode(raw);
  return decoded ? cString(decoded) : raw;
}

const UTF8 = new TextEncoder();

/**
 * authValue is what an AUTH line's user or password field holds: with `smtp.decryption` the decoded
 * text, else the line as tshark reads it (ASCII: an 8-bit byte is U+FFFD, a NUL ends it).
 */
function authValue(ctx: DissectCtx, bytes: Uint8Array, start: number, end: number): { value: string; info: string } {
  if (ctx.pref<boolean>('smtp.decryption')) {
    const raw = latin1(bytes, start, end);
    const shown = decodeForDisplay(ctx, raw);
    if (shown !== raw) return { value: shown, info: shown };
  }
  return { value: asciiValue(bytes, start, end), info: lineInfo(bytes, start, end) };
}

/**
 * lineInfo is an AUTH line's Info text as tshark prints it: the line read as ASCII (an 8-bit byte is
 * U+FFFD, a NUL stays), then format_text over the first line-length bytes of that (tshark passes the
 * raw line's length, so a line with 8-bit bytes, three bytes each as U+FFFD, is cut short).
 */
function lineInfo(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += bytes[i] < 0x80 ? String.fromCharCode(bytes[i]) : '\ufffd';
  const utf8 = UTF8.encode(text);
  return formatText(utf8, 0, Math.min(utf8.length, end - start));
}

function plural(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------------
// First pass: classify a PDU and advance the conversation

function lineText(bytes: Uint8Array, line: LineEnd): string {
  return latin1(bytes, line.start, line.start + line.length);
}

function startMessage(conv: SmtpConversation): MessageBuffer {
  return (conv.message ??= { fragments: [], data: new ByteAccumulator(), total: 0, pdus: [] });
}

function addFragment(conv: SmtpConversation, frame: number, bytes: Uint8Array, pdu: SmtpPdu): void {
  const m = startMessage(conv);
  if (m.fragments.length < MAX_FRAGMENTS) m.fragments.push({ frame, offset: m.total, length: bytes.length });
  const room = MAX_MESSAGE - m.data.length;
  if (room > 0) m.data.append(bytes, 0, Math.min(bytes.length, room));
  m.total += bytes.length;
  m.pdus.push(pdu);
}

function finishMessage(conv: SmtpConversation, frame: number, pdu: SmtpPdu): void {
  const m = conv.message;
  conv.message = undefined;
  if (!m || m.fragments.length === 0) return;
  pdu.fragments = m.fragments;
  pdu.total = m.total;
  pdu.message = m.data.take();
  for (const p of m.pdus) if (p !== pdu) p.reassembledIn = frame;
}

function classifyRequest(ctx: DissectCtx, conv: SmtpConversation, view: ByteView, start: number): SmtpPdu {
  const bytes = view.bytes;
  const end = view.base + view.length;
  const frame = ctx.frame.number;
  if (conv.bdatActive) {
    // BDAT chunk bytes are counted, not framed in lines (RFC 3030).
    const take = Math.min(conv.bdatRemaining, end - (view.base + start));
    const pdu: SmtpPdu = { request: true, kind: 'message', end: start + take };
    conv.bdatRemaining -= take;
    const chunk = bytes.subarray(view.base + start, view.base + start + take);
    if (conv.bdatRemaining === 0) {
      conv.bdatActive = false;
      conv.state = 'cmds';
      addFragment(conv, frame, chunk, pdu);
      if (conv.bdatLast) {
        pdu.kind = 'message';
        finishMessage(conv, frame, pdu);
      }
    } else addFragment(conv, frame, chunk, pdu);
    return pdu;
  }
  const roles: LineRole[] = [];
  const pdu: SmtpPdu = { request: true, kind: 'cmd', end: view.length, roles };
  if (conv.state === 'data') return classifyData(ctx, conv, view, start, pdu);
  const lines = splitLines(bytes, view.base + start, end);
  // A CR that ends the bytes may be the first half of a CRLF: tshark then reads a later line up to the
  // end, CR included ("DATA\r" is no command); a first line waits for more bytes (framing).
  const last = lines[lines.length - 1];
  if (lines.length > 1 && last.next === end && last.start + last.length === end - 1 && bytes[end - 1] === 0x0d) {
    lines[lines.length - 1] = { start: last.start, length: last.length + 1, next: end, terminated: false };
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (conv.state === 'data') {
      // Message data after a DATA command earlier in these bytes (pipelined).
      if (eomAt(conv, bytes, line.start, end)) return endMessage(ctx, conv, view, start, line.start, pdu);
      pdu.kind = 'message';
      continue;
    }
    let text = lineText(bytes, line);
    if (conv.auth !== 'none' && conv.auth !== 'success' && conv.auth !== 'failed' && ctx.pref<boolean>('smtp.decryption') && text.length > 1) {
      const decoded = base64Decode(text);
      if (decoded) text = cString(decoded);
    }
    const space = text.indexOf(' ');
    const word = space < 0 ? text : text.slice(0, space);
    let role: LineRole = 'cmd';
    if (isCommand(word)) {
      const upper = text.toUpperCase();
      const rawLen = line.length;
      if (upper.startsWith('DATA')) {
        conv.state = 'data';
        conv.dataSeen = true;
        conv.crlfSeen = false;
      } else if (upper.startsWith('BDAT')) {
        const size = Number.parseInt(text.slice(5), 10);
        const n = Number.isFinite(size) && size > 0 ? size : 0;
        conv.dataSeen = true;
        conv.bdatLast = /\sLAST\s*$/i.test(text);
        conv.bdatRemaining = n;
        conv.bdatActive = n > 0;
        conv.state = n > 0 ? 'data' : 'cmds';
        if (n === 0 && conv.bdatLast) {
          pdu.end = line.next - view.base;
          roles.push('cmd');
          finishMessage(conv, frame, pdu);
          recordCommand(ctx, conv, bytes, line);
          return pdu;
        }
        if (n > 0 && line.next < end) {
          // The chunk starts in this segment: it is dissected as its own PDU.
          pdu.end = line.next - view.base;
          roles.push('cmd');
          recordCommand(ctx, conv, bytes, line);
          return pdu;
        }
      } else if (upper.startsWith('AUTH LOGIN') && rawLen <= 11) {
        conv.state = 'cmds';
        conv.auth = 'start';
        conv.credential = newCredential(ctx, conv, { protocol: 'smtp', stream: conv.stream, mechanism: 'AUTH LOGIN', frames: [frame] });
      } else if (upper.startsWith('AUTH LOGIN')) {
        conv.state = 'cmds';
        conv.auth = 'user_rsp';
        role = 'login_initial';
        const raw = latin1(bytes, line.start + 11, line.start + line.length);
        const user = base64Decode(raw);
        conv.userFrame = frame;
        conv.userShown = ctx.pref<boolean>('smtp.decryption') && user ? cString(user) : raw;
        conv.credential = newCredential(ctx, conv, {
          protocol: 'smtp',
          stream: conv.stream,
          mechanism: 'AUTH LOGIN',
          username: user ? cString(user) : raw,
          frames: [frame],
        });
      } else if (upper.startsWith('AUTH PLAIN') && rawLen <= 11) {
        conv.state = 'cmds';
        conv.auth = 'plain_start';
        conv.credential = newCredential(ctx, conv, { protocol: 'smtp', stream: conv.stream, mechanism: 'AUTH PLAIN', frames: [frame] });
      } else if (upper.startsWith('AUTH PLAIN')) {
        conv.state = 'cmds';
        conv.auth = 'plain_cred';
        role = 'plain_initial';
        conv.credential = newCredential(ctx, conv, { protocol: 'smtp', stream: conv.stream, mechanism: 'AUTH PLAIN', frames: [frame] });
        fillPlain(ctx, conv.credential, latin1(bytes, line.start + 11, line.start + line.length), frame);
      } else if (upper.startsWith('AUTH ')) {
        conv.state = 'cmds';
        conv.auth = 'other';
        conv.credential = undefined;
      } else if (upper.startsWith('STARTTLS')) {
        conv.state = 'starttls';
      }
    } else if (conv.auth === 'user_req') {
      conv.auth = 'user_rsp';
      role = 'user';
      if (conv.credential) {
        const raw = lineText(bytes, line);
        if (raw === '*') conv.credential.cancelled = true;
        else {
          const user = base64Decode(raw);
          conv.credential.username = cString(user ?? new Uint8Array());
          conv.userFrame = frame;
          conv.userShown = ctx.pref<boolean>('smtp.decryption') && user ? cString(user) : raw;
        }
        conv.credential.frames.push(frame);
      }
    } else if (conv.auth === 'pass_req') {
      conv.auth = 'pass_rsp';
      role = 'pass';
      if (conv.credential) {
        const raw = lineText(bytes, line);
        if (raw === '*') conv.credential.cancelled = true;
        else {
          conv.credential.password = cString(base64Decode(raw) ?? new Uint8Array());
          conv.credential.tap = { proto: 'SMTP', frame, userFrame: conv.userFrame, username: conv.userShown };
        }
        conv.credential.frames.push(frame);
      }
    } else if (conv.auth === 'plain_req') {
      conv.auth = 'plain_rsp';
      role = 'userpass';
      if (conv.credential) {
        const raw = lineText(bytes, line);
        if (raw === '*') conv.credential.cancelled = true;
        else fillPlain(ctx, conv.credential, raw, frame);
        conv.credential.frames.push(frame);
      }
    } else if (conv.auth === 'other') {
      role = 'sasl';
    } else {
      // tshark: a line that is no command is message data once DATA was seen or before any
      // DATA/AUTH/STARTTLS moved the session out of its start state (e.g. telnet IAC bytes).
      if (conv.dataSeen || conv.state === 'start') {
        pdu.kind = 'message';
        roles.push('cmd');
        continue;
      }
    }
    pdu.kind = 'cmd';
    roles.push(role);
    recordCommand(ctx, conv, bytes, line);
  }
  if (pdu.kind === 'message') {
    pdu.roles = undefined;
    addFragment(conv, frame, bytes.subarray(view.base + start, end), pdu);
  }
  return pdu;
}

/**
 * eomAt tells whether the line starting at `at` (message data, bytes up to `end`) is the end-of-message
 * marker: `.` CRLF after a CRLF, the CRLF possibly ending the previous segment (`conv.crlfSeen`, which it
 * updates: whether these bytes end with CRLF), or CRLF `.` CRLF at the line start.
 */
function eomAt(conv: SmtpConversation, bytes: Uint8Array, at: number, end: number): boolean {
  const rest = end - at;
  const eom =
    (conv.crlfSeen && rest >= 3 && bytes[at] === 0x2e && bytes[at + 1] === 0x0d && bytes[at + 2] === 0x0a) ||
    (rest >= 5 && bytes[at] === 0x0d && bytes[at + 1] === 0x0a && bytes[at + 2] === 0x2e && bytes[at + 3] === 0x0d && bytes[at + 4] === 0x0a);
  conv.crlfSeen = rest >= 2 && bytes[end - 2] === 0x0d && bytes[end - 1] === 0x0a;
  return eom;
}

/** endMessage makes `pdu` the end of the message whose marker eomAt found at the line starting at `at`. */
function endMessage(ctx: DissectCtx, conv: SmtpConversation, view: ByteView, start: number, at: number, pdu: SmtpPdu): SmtpPdu {
  const bytes = view.bytes;
  const end = view.base + view.length;
  const frame = ctx.frame.number;
  pdu.kind = 'eom';
  const dotAt = bytes[at] === 0x2e ? at : at + 2;
  pdu.eomOffset = dotAt - view.base;
  pdu.end = findLineEnd(bytes, dotAt, end).next - view.base;
  pdu.roles = undefined;
  conv.state = 'cmds';
  const before = bytes.subarray(view.base + start, dotAt);
  if (before.length > 0) addFragment(conv, frame, before, pdu);
  const total = conv.message?.total ?? 0;
  finishMessage(conv, frame, pdu);
  const info = mailInfo(ctx);
  info.line(conv.key, 'smtp', conv.stream, frame, 'C', `[message, ${plural(total)}]`);
  info.line(conv.key, 'smtp', conv.stream, frame, 'C', '.');
  return pdu;
}

/**
 * classifyData is classifyRequest for bytes that are all message data from their first line (DATA state
 * on entry): it makes the line loop's end-of-message check (eomAt) at every line start without splitting
 * the message into line objects.
 */
function classifyData(ctx: DissectCtx, conv: SmtpConversation, view: ByteView, start: number, pdu: SmtpPdu): SmtpPdu {
  const bytes = view.bytes;
  const end = view.base + view.length;
  for (let at = view.base + start; at < end; ) {
    if (eomAt(conv, bytes, at, end)) return endMessage(ctx, conv, view, start, at, pdu);
    at = nextLineStart(bytes, at, end);
  }
  pdu.kind = 'message';
  pdu.roles = undefined;
  addFragment(conv, ctx.frame.number, bytes.subarray(view.base + start, end), pdu);
  return pdu;
}

/** fillPlain reads an AUTH PLAIN response; tshark taps it (in its frame) only when it decodes it. */
function fillPlain(ctx: DissectCtx, cred: Credential, raw: string, frame: number): void {
  const decoded = base64Decode(raw);
  if (!decoded) return;
  const parts = nulParts(decoded);
  if (parts.length >= 2) cred.username = parts[1];
  if (parts.length >= 3) cred.password = parts[2];
  if (parts.length >= 2 && ctx.pref<boolean>('smtp.decryption')) cred.tap = { proto: 'SMTP', frame, userFrame: frame, username: parts[1] };
}

/**
 * newCredential records a login attempt, except for a command sent again (TcpInfo.resent): the attempt
 * it repeats goes on.
 */
function newCredential(ctx: DissectCtx, conv: SmtpConversation, init: Parameters<ReturnType<typeof mailInfo>['credential']>[0]): Credential {
  if (ctx.tcp?.resent && conv.credential !== undefined) return conv.credential;
  return mailInfo(ctx).credential(init);
}

function recordCommand(ctx: DissectCtx, conv: SmtpConversation, bytes: Uint8Array, line: LineEnd): void {
  const info = mailInfo(ctx);
  // A command sent again (TcpInfo.resent) is in the transcript once.
  if (info.keepTranscripts && !ctx.tcp?.resent) info.line(conv.key, 'smtp', conv.stream, ctx.frame.number, 'C', formatText(bytes, line.start, line.start + line.length));
}

function classifyResponse(ctx: DissectCtx, conv: SmtpConversation, view: ByteView, start: number): SmtpPdu {
  const bytes = view.bytes;
  const info = mailInfo(ctx);
  for (const line of splitLines(bytes, view.base + start, view.base + view.length)) {
    if (info.keepTranscripts && !ctx.tcp?.resent) info.line(conv.key, 'smtp', conv.stream, ctx.frame.number, 'S', formatText(bytes, line.start, line.start + line.length));
    if (line.length < 3) continue;
    const codeText = latin1(bytes, line.start, line.start + 3);
    if (!/^\d{3}$/.test(codeText)) continue;
    const code = Number(codeText);
    if (conv.state === 'starttls') {
      if (code === 220) conv.tlsAfterFrame = ctx.frame.number;
      conv.state = 'cmds';
    }
    if (code === 334) {
      if (conv.auth === 'start') conv.auth = 'user_req';
      else if (conv.auth === 'user_rsp') conv.auth = 'pass_req';
      else if (conv.auth === 'plain_start') conv.auth = 'plain_req';
    } else if (conv.auth !== 'none' && conv.auth !== 'success' && conv.auth !== 'failed') {
      const isFinal = line.length === 3 || bytes[line.start + 3] !== 0x2d;
      if (!isFinal) continue;
      conv.auth = code === 235 ? 'success' : 'failed';
      if (conv.credential) {
        conv.credential.success = code === 235;
        conv.credential.frames.push(ctx.frame.number);
        conv.credential = undefined;
      }
      if (code !== 235) conv.auth = 'none';
    }
  }
  return { request: false, kind: 'rsp', end: view.length };
}

// ---------------------------------------------------------------------------------------------------
// Tree and columns (every pass)

function addCommandLines(ctx: DissectCtx, view: ByteView, top: TreeItem, start: number, pdu: SmtpPdu): void {
  const bytes = view.bytes;
  const lines = splitLines(bytes, view.base + start, view.base + pdu.end);
  const roles = pdu.roles ?? [];
  const building = ctx.tree.wantsAny(COMMAND_GROUP);
  lines.forEach((line, i) => {
    const role = roles[i] ?? 'cmd';
    const ls = line.start;
    const le = line.start + line.length;
    ctx.columns.appendInfo(i === 0 ? 'C: ' : ' | ');
    if (building) ctx.tree.add(top, F.req, view.src, view.base + start, 0, true).setHidden();
    if (role === 'user' || role === 'pass') {
      const shown = authValue(ctx, bytes, ls, le);
      ctx.tree.add(top, role === 'user' ? F.auth_username : F.auth_password, view.src, ls, line.length, shown.value);
      ctx.columns.appendInfo(`${role === 'user' ? 'User' : 'Pass'}: ${shown.info}`);
      return;
    }
    if (role === 'userpass') {
      addPlain(ctx, top, view.src, bytes, ls, le);
      return;
    }
    // The command's items (and their values) only when the tree keeps one: Info needs none of them.
    // String items as tshark adds them: the value (and label) stop at a NUL; a NUL followed by other
    // bytes is "Trailing stray characters".
    const cmdLine = !building
      ? NULL_ITEM
      : ctx.tree.add(top, F.command_line, view.src, ls, line.next - ls, asciiValue(bytes, ls, line.next), () =>
          `Command Line: ${formatText(bytes, ls, nulOrEnd(bytes, ls, line.next))}`,
        );
    if (building) {
      addStrayCharacters(ctx, cmdLine, bytes, view.src, ls, line.next);
      const cmdLen = Math.min(4, line.length);
      const cmd = ctx.tree.add(cmdLine, F.req_command, view.src, ls, cmdLen, asciiValue(bytes, ls, ls + cmdLen), () =>
        `Command: ${formatText(bytes, ls, nulOrEnd(bytes, ls, ls + cmdLen))}`,
      );
      addStrayCharacters(ctx, cmd, bytes, view.src, ls, ls + cmdLen);
      if (line.length > 5) {
        const param = ctx.tree.add(cmdLine, F.req_parameter, view.src, ls + 5, line.length - 5, asciiValue(bytes, ls + 5, le), () =>
          `Request parameter: ${formatText(bytes, ls + 5, nulOrEnd(bytes, ls + 5, le))}`,
        );
        addStrayCharacters(ctx, param, bytes, view.src, ls + 5, le);
      }
    }
    if (role === 'login_initial' && line.length > 11) {
      const shown = authValue(ctx, bytes, ls + 11, le);
      ctx.tree.add(cmdLine, F.auth_username, view.src, ls + 11, line.length - 11, shown.value);
      ctx.columns.appendInfo(`${formatText(bytes, ls, ls + 11)}User: ${shown.info}`);
    } else if (role === 'plain_initial' && line.length > 11) {
      ctx.columns.appendInfo(formatText(bytes, ls, ls + 11));
      addPlain(ctx, cmdLine, view.src, bytes, ls + 11, le);
    } else {
      ctx.columns.appendInfo(formatText(bytes, ls, le));
    }
  });
}

/** addPlain shows an AUTH PLAIN response (`authzid \0 user \0 pass` in base64) as tshark does. */
function addPlain(ctx: DissectCtx, parent: TreeItem, src: number, bytes: Uint8Array, start: number, end: number): void {
  const raw = latin1(bytes, start, end);
  const decoded = ctx.pref<boolean>('smtp.decryption') ? base64Decode(raw) : undefined;
  if (decoded) {
    const first = decoded.indexOf(0);
    if (first >= 0) {
      const second = decoded.indexOf(0, first + 1);
      const user = cString(decoded, first + 1);
      ctx.tree.add(parent, F.auth_username, src, start, end - start, user);
      ctx.columns.appendInfo(`User: ${user}`);
      if (second >= 0) {
        const pass = cString(decoded, second + 1);
        ctx.tree.add(parent, F.auth_password, src, start, Math.min(end - start, decoded.length - second - 1), pass);
        ctx.columns.appendInfo(`  Pass: ${pass}`);
      }
      return;
    }
  }
  const item = ctx.tree.add(parent, F.auth_username_password, src, start, end - start, asciiValue(bytes, start, end));
  addExpert(ctx, item, F.base64_decode, 'warn', 'Protocol', F.base64_decode.name, src, start, end - start);
  ctx.columns.appendInfo(lineInfo(bytes, start, end));
}

function addResponseLines(ctx: DissectCtx, view: ByteView, top: TreeItem, start: number, pdu: SmtpPdu): void {
  const bytes = view.bytes;
  // The reply's items (and their values) only when the tree keeps one: Info needs none of them.
  const building = ctx.tree.wantsAny(RESPONSE_GROUP);
  if (building) ctx.tree.add(top, F.rsp, view.src, view.base + start, 0, true).setHidden();
  const decrypt = ctx.pref<boolean>('smtp.decryption');
  // tshark 4.0's multi-line state: a reply's first line ("250-…") opens it, its other lines add their
  // parameters to the same Response item (Info shows only their parameters), its last line ("250 …")
  // closes it. A line without a three-digit code adds nothing but Info's separator.
  let multiline = MULTILINE_NONE;
  let multilineCode = 0;
  let item: TreeItem = NULL_ITEM;
  let codeItem: TreeItem = NULL_ITEM;
  let codeStart = 0;
  let first = true;
  for (const line of splitLines(bytes, view.base + start, view.base + pdu.end)) {
    const ls = line.start;
    const le = ls + line.length;
    ctx.columns.appendInfo(first ? 'S: ' : ' | ');
    first = false;
    if (line.length < 3 || !isDigit(bytes[ls]) || !isDigit(bytes[ls + 1]) || !isDigit(bytes[ls + 2])) continue;
    const code = (bytes[ls] - 0x30) * 100 + (bytes[ls + 1] - 0x30) * 10 + (bytes[ls + 2] - 0x30);
    if (line.length > 3 && bytes[ls + 3] === 0x2d) {
      if (multiline === MULTILINE_NONE) {
        multiline = MULTILINE_START;
        multilineCode = code;
      } else multiline = MULTILINE_CONTINUE;
    } else if (multiline === MULTILINE_START || multiline === MULTILINE_CONTINUE) multiline = MULTILINE_END;
    const inside = multiline === MULTILINE_CONTINUE || multiline === MULTILINE_END;
    if (!inside) {
      if (building) item = ctx.tree.add(top, F.response, view.src, ls, line.next - ls, asciiValue(bytes, ls, line.next), () => `Response: ${formatText(bytes, ls, line.next)}`);
      codeItem = ctx.tree.add(item, F.response_code, view.src, ls, 3, code);
      codeStart = ls;
    } else if (code !== multilineCode) {
      // On the first line's code item, as tshark.
      const message = `Unexpected response code ${code} in multiline response. Expected ${multilineCode}`;
      addExpert(ctx, codeItem, F.response_code_unexpected, 'warn', 'Protocol', message, view.src, codeStart, 3);
    }
    if (line.length >= 4) {
      const decoded = decrypt && code === 334 ? base64Decode(latin1(bytes, ls + 4, le)) : null;
      if (decoded) {
        if (building) {
          const shown = formatText(decoded, 0, decoded.indexOf(0) >= 0 ? decoded.indexOf(0) : decoded.length);
          ctx.tree.add(item, F.rsp_parameter, view.src, ls + 4, line.length - 4, cString(decoded), () => `Response parameter: ${shown}`);
        }
        ctx.columns.appendInfo(`${code} ${formatText(decoded, 0, decoded.indexOf(0) >= 0 ? decoded.indexOf(0) : decoded.length)}`);
      } else {
        if (building) {
          ctx.tree.add(item, F.rsp_parameter, view.src, ls + 4, line.length - 4, asciiValue(bytes, ls + 4, le), () => `Response parameter: ${formatText(bytes, ls + 4, le)}`);
        }
        ctx.columns.appendInfo(inside ? formatText(bytes, ls + 4, le) : formatText(bytes, ls, le));
      }
    } else {
      ctx.columns.appendInfo(formatText(bytes, ls, le));
    }
    if (multiline === MULTILINE_END) multiline = MULTILINE_NONE;
  }
}

/** tshark's smtp_multiline_state_t */
const MULTILINE_NONE = 0;
const MULTILINE_START = 1;
const MULTILINE_CONTINUE = 2;
const MULTILINE_END = 3;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function addMessageFragment(ctx: DissectCtx, view: ByteView, top: TreeItem, start: number, pdu: SmtpPdu): void {
  const length = pdu.end - start;
  ctx.columns.setInfo(`C: DATA fragment, ${plural(length)}`);
  if (length > 0 && ctx.tree.full) addTextLines(ctx, view.sub(start, length), top);
  else if (length > 0 && !ctx.layers.includes('data-text-lines')) ctx.layers.push('data-text-lines');
  if (pdu.reassembledIn !== undefined) {
    ctx.tree
      .add(top, F.data_reassembled_in, view.src, view.base + start, 0, pdu.reassembledIn)
      .setGenerated()
      .setFrameRef(pdu.reassembledIn);
  }
}

/** addReassembled shows the fragment list and hands the message to IMF (tshark's process_reassembled_data). */
function addReassembled(ctx: DissectCtx, top: TreeItem, pdu: SmtpPdu, protocolLabel: string): void {
  const message = pdu.message;
  const fragments = pdu.fragments;
  if (!message || !fragments) return;
  // The fragment list and the "Reassembled SMTP" data source are shown as tshark shows them, also for a
  // message sent in one segment together with its final "." ([1 DATA fragment (N bytes): #21(N)]).
  const listSrc = ctx.addSource(`Reassembled ${protocolLabel} (${message.length} bytes)`, message);
  const listBase = 0;
  let messageView = new ByteView(message, 0, message.length, 'imf', listSrc);
  const total = pdu.total ?? message.length;
  const shownLength = messageView.length;
  const list = ctx.tree.add(top, F.data_fragments, listSrc, listBase, shownLength, null, () => {
    const shown = fragments.slice(0, 40).map((f) => `#${f.frame}(${f.length})`).join(', ');
    // tshark: "1 DATA fragment", "2 DATA fragments" (the count decides, on either pass).
    const noun = fragments.length === 1 ? 'DATA fragment' : 'DATA fragments';
    return `[${fragments.length} ${noun} (${plural(total)}): ${shown}${fragments.length > 40 ? ', …' : ''}]`;
  });
  list.setGenerated();
  if (ctx.tree.full || ctx.tree.wants(F.data_fragment)) {
    for (const f of fragments) {
      const visible = Math.max(0, Math.min(f.length, shownLength - f.offset));
      ctx.tree
        .add(list, F.data_fragment, listSrc, listBase + Math.min(f.offset, shownLength), visible, f.frame, () =>
          `[Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.length - 1} (${plural(f.length)})]`,
        )
        .setGenerated()
        .setFrameRef(f.frame);
    }
  }
  ctx.tree.add(list, F.data_fragment_count, listSrc, listBase, 0, fragments.length, `[DATA fragment count: ${fragments.length}]`).setGenerated();
  ctx.tree.add(list, F.data_reassembled_length, listSrc, listBase, 0, total, `[Reassembled DATA length: ${total}]`).setGenerated();
  const unstuffed = dotUnstuff(messageView.rest());
  if (unstuffed) {
    // RFC 5321 §4.5.2: the receiver removes the leading dot of a line; IMF reads the mail as delivered.
    const src = ctx.addSource(`Unstuffed ${protocolLabel} message (${unstuffed.length} bytes)`, unstuffed);
    messageView = new ByteView(unstuffed, 0, unstuffed.length, 'imf', src);
  }
  ctx.columns.protocol = `${protocolLabel}/IMF`;
  dissectImf(ctx, messageView, null);
}

/** dotUnstuff removes the leading dot of lines starting with `..`; undefined when there is none. */
export function dotUnstuff(bytes: Uint8Array): Uint8Array | undefined {
  let found = false;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x2e && bytes[i + 1] === 0x2e && (i === 0 || bytes[i - 1] === 0x0a)) {
      found = true;
      break;
    }
  }
  if (!found) return undefined;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2e && (i === 0 || bytes[i - 1] === 0x0a) && bytes[i + 1] === 0x2e) continue;
    out[n++] = bytes[i];
  }
  return out.slice(0, n);
}

function dissectTls(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, request: boolean): number {
  ctx.columns.protocol = 'SMTP';
  ctx.columns.setInfo(`${request ? 'C' : 'S'}: Encrypted data, ${plural(view.length)}`);
  const top = ctx.tree.add(parent, P, view.src, view.base, view.length, null);
  ctx.layers.push('smtp');
  ctx.tree.add(top, F.encrypted, view.src, view.base, view.length, view.rest(), `Encrypted data (TLS): ${plural(view.length)}`);
  return view.length;
}

// ---------------------------------------------------------------------------------------------------
// Entry point

function isRequest(ctx: DissectCtx, conv: SmtpConversation): boolean {
  if (typeof ctx.matchValue === 'number' && (ctx.matchValue === ctx.dstPort || ctx.matchValue === ctx.srcPort)) {
    return ctx.matchValue === ctx.dstPort;
  }
  if (conv.serverPort !== undefined) return ctx.dstPort === conv.serverPort;
  return ctx.dstPort < ctx.srcPort;
}

/** TLS_KEY: frozen per frame, the frame follows an accepted STARTTLS. */
const TLS_KEY = 'smtp.tls';
/** HEURISTIC_KEY: frozen per frame, the `220` heuristic claimed the stream (value: the server port). */
const HEURISTIC_KEY = 'smtp.heuristic';

function pduKey(view: ByteView, start: number): string {
  return `smtp:${view.base + start}:${view.src}`;
}

function dissectSmtp(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  const conv = conversation(ctx);
  const request = isRequest(ctx, conv);
  if (conv.serverPort === undefined && typeof ctx.matchValue === 'number') conv.serverPort = ctx.matchValue;
  // After STARTTLS: decided on the first pass and frozen per frame (re-dissection has no conversation).
  const tls = ctx.firstPass ? conv.tlsAfterFrame !== 0 && ctx.frame.number > conv.tlsAfterFrame : ctx.getFrameData<boolean>(TLS_KEY) === true;
  if (tls || ctx.matchValue === SMTPS_PORT) {
    if (tls) ctx.setFrameData(TLS_KEY, true);
    return dissectTls(ctx, view, parent, request);
  }
  let start = 0;
  let first = true;
  while (start < view.length) {
    let pdu = ctx.getFrameData<SmtpPdu>(pduKey(view, start));
    if (!pdu) {
      if (!ctx.firstPass) {
        // Never seen on the first pass (e.g. the first pass kept no frame data): show it as lines.
        pdu = request ? { request, kind: 'cmd', end: view.length, roles: [] } : { request, kind: 'rsp', end: view.length };
      } else {
        const framed = frameLine(ctx, conv, view, start, request);
        if (framed === 'desegment') return view.length;
        pdu = framed ?? (request ? classifyRequest(ctx, conv, view, start) : classifyResponse(ctx, conv, view, start));
        ctx.setFrameData(pduKey(view, start), pdu);
      }
    }
    if (!first) {
      ctx.columns.fenceInfo();
      ctx.columns.appendInfo(' | ');
      ctx.columns.fenceInfo();
    }
    renderPdu(ctx, view, parent, start, pdu);
    first = false;
    if (pdu.end <= start) break;
    start = pdu.end;
  }
  return view.length;
}

/**
 * frameLine decides whether the PDU at `start` is complete: asks TCP for more when its first line has no
 * end yet, unless the line is already over MAX_LINE (then it is shown as it is and the stream resyncs).
 * Returns a PDU for over-long lines, 'desegment', or undefined for a normal PDU.
 */
function frameLine(ctx: DissectCtx, conv: SmtpConversation, view: ByteView, start: number, request: boolean): SmtpPdu | 'desegment' | undefined {
  if (request && conv.bdatActive) return undefined;
  const dir = request ? 0 : 1;
  const bytes = view.bytes;
  const end = view.base + view.length;
  let eol = -1;
  for (let i = view.base + start; i < end; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
      eol = i;
      break;
    }
  }
  if (conv.longLine[dir]) {
    // Still inside an over-long line: everything up to its end is continuation.
    if (eol < 0) return { request, kind: 'long', end: view.length };
    conv.longLine[dir] = false;
    const next = bytes[eol] === 0x0d && bytes[eol + 1] === 0x0a ? eol + 2 : eol + 1;
    return { request, kind: 'long', end: next - view.base };
  }
  // A CR as the last byte may be followed by LF in the next segment (tvb_find_line_end with desegment).
  const crAtEnd = eol === end - 1 && bytes[eol] === 0x0d;
  // (a segment quoted in an ICMP error is shown as it is: TcpInfo.quoted)
  const more = ctx.tcp !== undefined && ctx.tcp.quoted !== true;
  if (eol >= 0 && !(crAtEnd && more)) return undefined;
  if (view.length - start > MAX_LINE) {
    conv.longLine[dir] = true;
    if (conv.state === 'data' && request) {
      // Inside DATA a long line is still message data.
      conv.longLine[dir] = false;
      return undefined;
    }
    return { request, kind: 'long', end: view.length };
  }
  if (more) {
    // With no CR or LF yet, nothing but a line end or passing MAX_LINE changes this answer: TCP need not
    // ask again for each key of a line typed one key per segment (DissectCtx.desegment.lineEnd).
    ctx.desegment = { offset: start, needed: ONE_MORE_SEGMENT, lineEnd: eol < 0 ? MAX_LINE : undefined };
    return 'desegment';
  }
  return undefined;
}

function renderPdu(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, start: number, pdu: SmtpPdu): void {
  // A frame whose earlier PDU completed a message stays `SMTP/IMF` (`.` then `QUIT` in one segment).
  if (!ctx.columns.protocol.startsWith('SMTP')) ctx.columns.protocol = 'SMTP';
  ctx.columns.clearInfo();
  const top = ctx.tree.add(parent, P, view.src, view.base + start, pdu.end - start, null);
  if (!ctx.layers.includes('smtp')) ctx.layers.push('smtp');
  switch (pdu.kind) {
    case 'cmd':
      addCommandLines(ctx, view, top, start, pdu);
      break;
    case 'rsp':
      addResponseLines(ctx, view, top, start, pdu);
      break;
    case 'message':
      addMessageFragment(ctx, view, top, start, pdu);
      if (pdu.message) addReassembled(ctx, top, pdu, 'SMTP');
      break;
    case 'eom': {
      ctx.columns.setInfo('C: .');
      const at = view.base + (pdu.eomOffset ?? start);
      ctx.tree.add(top, F.eom, view.src, at, Math.min(3, view.base + pdu.end - at), null, 'C: .');
      addReassembled(ctx, top, pdu, 'SMTP');
      break;
    }
    case 'long': {
      const length = pdu.end - start;
      ctx.columns.setInfo(`${pdu.request ? 'C' : 'S'}: [line longer than ${MAX_LINE} bytes], ${plural(length)}`);
      ctx.tree
        .add(top, F.line_too_long, view.src, view.base + start, length, null, `[Line too long: ${plural(length)} without CR LF]`)
        .setExpert('warn', `Line longer than ${MAX_LINE} bytes; resynchronising at the next line end`);
      break;
    }
    case 'tls':
      break;
  }
}

/** Heuristic: a `220 ` / `220-` banner starting the server side of a stream makes it SMTP. */
function heuristicSmtp(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  // First pass: the stream's state remembers a match; re-dissection reads what the first pass froze.
  let serverPort: number | undefined;
  if (!ctx.firstPass) {
    serverPort = ctx.getFrameData<number>(HEURISTIC_KEY);
    if (serverPort === undefined) return 0;
  } else {
    const bag = ctx.tcp?.streamState;
    // In the stream's own bag a constant names the entry; the capture-wide conversations need the stream.
    const heurKey = bag !== undefined ? 'smtp-heur' : `smtp-heur:${conversationKey(ctx, 'smtp')}`;
    const known = bag !== undefined ? (bag.get(heurKey) as number | undefined) : ctx.conversation<{ serverPort?: number }>(heurKey, () => ({})).serverPort;
    serverPort = known;
    if (serverPort === undefined) {
      if (view.length < 6) return 0;
      const head = view.bytes.subarray(view.base, view.base + Math.min(view.length, 512));
      if (!(startsWithCi(head, 0, head.length, '220 ') || startsWithCi(head, 0, head.length, '220-'))) return 0;
      if (head.indexOf(0x0a) < 0) return 0;
      if (ctx.tcp && ctx.tcp.seq > 1) return 0;
      serverPort = ctx.srcPort;
      if (bag !== undefined) bag.set(heurKey, serverPort);
      else ctx.conversation<{ serverPort?: number }>(heurKey, () => ({})).serverPort = serverPort;
      conversation(ctx).serverPort = serverPort;
    }
    ctx.setFrameData(HEURISTIC_KEY, serverPort);
  }
  const saved = ctx.matchValue;
  ctx.matchValue = serverPort;
  try {
    return dissectSmtp(ctx, view, parent);
  } finally {
    ctx.matchValue = saved;
  }
}

/** smtp is the SMTP protocol module: tcp.port 25, 587 and 465 (TLS), plus the `220` banner heuristic. */
export const smtp: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  prefs: [
    {
      name: 'smtp.decryption',
      type: 'boolean',
      default: false,
      description: 'Decode AUTH parameters (base64) in the tree and Info, as Wireshark\'s "Decrypt AUTH parameters"',
    },
  ],
  handoff(tables: DissectorTables) {
    tables.add('tcp.port', 25, smtp);
    tables.add('tcp.port', 587, smtp);
    tables.add('tcp.port', SMTPS_PORT, smtp);
    tables.addHeuristic('tcp', { name: 'smtp_tcp', dissect: heuristicSmtp });
  },
  dissect: dissectSmtp,
};
