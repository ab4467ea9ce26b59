/**
 * POP — Post Office Protocol version 3 (RFC 1939) with CAPA/UIDL/TOP (RFC 2449), SASL AUTH (RFC 5034)
 * and STLS (RFC 2595), in tshark 4.0's words: Info `C: user test` / `S: +OK 2 1234`, server segments
 * that are not status lines `S: DATA fragment, N bytes`, fields `pop.request*`, `pop.response*`,
 * `pop.data.*`, RETR/TOP messages handed to IMF (Protocol `POP/IMF`).
 *
 * Invariants:
 *  - Requests go to the matched server port (`ctx.matchValue === ctx.dstPort`).
 *  - Line framing: a PDU is made of complete lines; an unterminated tail is handed back to TCP
 *    (`ctx.desegment` at its offset), so a command typed one key per segment is one PDU. A line longer
 *    than MAX_LINE is taken as it is.
 *  - Multi-line replies (LIST, UIDL, CAPA, TOP, RETR, AUTH without argument lists) are tracked by
 *    pairing each status line with the oldest unanswered command (pipelining works); they end at a line
 *    holding only `.`, and leading dots are removed. RETR/TOP bodies are reassembled — also when the
 *    `+OK` line and the body share a segment, which tshark misses (listed difference).
 *  - First pass only advances state; each PDU's reading is frozen under `pop:<offset>:<src>`.
 *  - A message keeps at most MAX_MESSAGE bytes; a reply never closed only costs that much.
 */
import {
  defineFields,
  ONE_MORE_SEGMENT,
  protocolField,
  type DissectCtx,
  type DissectorTables,
  type ProtocolModule,
  streamConversation,
} from '../decode/protocol';
import { addExpert } from '../decode/expert';
import { FieldGroup, type TreeItem } from '../decode/tree';
import { ByteView } from '../decode/view';
import { dissectImf } from './imf';
import { mailInfo, type Credential } from './mailinfo';
import { asciiValue, base64Decode, ByteAccumulator, findLineEnd, formatText, latin1, nulOrEnd, nulParts, splitLines, startsWithCi, type LineEnd } from './text';

const PROTO = { abbrev: 'pop', short: 'POP', name: 'Post Office Protocol' };

const F = defineFields('pop', {
  response: { name: 'Response', type: 'string' },
  response_indicator: { name: 'Response indicator', type: 'string', abbrev: 'pop.response.indicator' },
  response_description: { name: 'Response description', type: 'string', abbrev: 'pop.response.description' },
  response_data: { name: 'Data', type: 'string', abbrev: 'pop.response.data' },
  request: { name: 'Request', type: 'string' },
  request_command: { name: 'Request command', type: 'string', abbrev: 'pop.request.command' },
  request_parameter: { name: 'Request parameter', type: 'string', abbrev: 'pop.request.parameter' },
  request_data: { name: 'Data', type: 'string', abbrev: 'pop.request.data' },
  tot_len_invalid: { name: 'Length must be a string containing an integer', type: 'none', abbrev: 'pop.response.tot_len.invalid' },
  data_fragments: { name: 'DATA fragments', type: 'none', abbrev: 'pop.data.fragments' },
  data_fragment: { name: 'DATA fragment', type: 'framenum', abbrev: 'pop.data.fragment' },
  data_fragment_count: { name: 'DATA fragment count', type: 'uint32', abbrev: 'pop.data.fragment.count' },
  data_reassembled_in: { name: 'Reassembled DATA in frame', type: 'framenum', abbrev: 'pop.data.reassembled.in' },
  data_reassembled_length: { name: 'Reassembled DATA length', type: 'uint32', abbrev: 'pop.data.reassembled.length' },
  encrypted: { name: 'Encrypted data', type: 'bytes', abbrev: 'pop.encrypted', blurb: 'Wirelab: bytes after STLS or on the POP3S port' },
});

const P = protocolField(PROTO);

/** MAX_LINE is the longest line held back for its CRLF. */
export const MAX_LINE = 64 * 1024;
/** MAX_MESSAGE is the most bytes kept for one RETR/TOP message. */
export const MAX_MESSAGE = 16 * 1024 * 1024;
const MAX_PENDING = 1_000;
const MAX_FRAGMENTS = 100_000;
const POP3S_PORT = 995;

type MultiKind = 'message' | 'list';
type ServerRole = 'status' | 'data' | 'body' | 'end' | 'sasl' | 'other';
type ClientRole = 'command' | 'sasl';

interface Fragment {
  frame: number;
  offset: number;
  length: number;
}

/** PopPdu is what the first pass froze about one PDU. */
interface PopPdu {
  request: boolean;
  end: number;
  roles: (ServerRole | ClientRole)[];
  kind?: 'tls';
  reassembledIn?: number;
  /** final PDU of a message */
  fragments?: Fragment[];
  total?: number;
  message?: Uint8Array;
  /**
   * the lines that answer RETR or TOP with `+OK` and a description that does not start with a number
   * (tshark: "Length must be a string containing an integer", `+OK message follows`)
   */
  lengthInvalid?: number[];
}

interface PopConversation {
  key: string;
  stream: number;
  pending: string[];
  multi: MultiKind | undefined;
  message: { fragments: Fragment[]; data: ByteAccumulator; total: number; pdus: PopPdu[] } | undefined;
  saslActive: boolean;
  stlsPending: boolean;
  tlsAfterFrame: number;
  user: string | undefined;
  /** the frame of the last USER line (0: none) */
  userFrame: number;
  credential: Credential | undefined;
}

function conversation(ctx: DissectCtx): PopConversation {
  return streamConversation(ctx, 'pop', newConversation);
}

function newConversation(key: string, stream: number): PopConversation {
  return {
    key,
    stream,
    pending: [],
    multi: undefined,
    message: undefined,
    saslActive: false,
    stlsPending: false,
    tlsAfterFrame: 0,
    user: undefined,
    userFrame: 0,
    credential: undefined,
  };
}

/** TLS_KEY: frozen per frame, the frame follows an accepted STLS. */
const TLS_KEY = 'pop.tls';
/** HEURISTIC_KEY: frozen per frame, the `+OK` heuristic claimed the stream (value: the server port). */
const HEURISTIC_KEY = 'pop.heuristic';

function plural(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

function isDotLine(bytes: Uint8Array, line: LineEnd): boolean {
  return line.length === 1 && bytes[line.start] === 0x2e && line.terminated;
}

/** LINE_GROUP: the items render() adds per line. */
const LINE_GROUP = new FieldGroup([
  F.request, F.request_command, F.request_parameter, F.response, F.response_indicator, F.response_description, F.response_data, F.tot_len_invalid,
  '_ws.expert', '_ws.expert.message', '_ws.expert.severity', '_ws.expert.group',
]);

/** multiFor tells which commands answer +OK with a multi-line body (RFC 1939, 2449, 5034). */
function multiFor(command: string): MultiKind | undefined {
  const [verb, ...args] = command.trim().split(/\s+/);
  switch (verb.toUpperCase()) {
    case 'RETR':
    case 'TOP':
      return 'message';
    case 'LIST':
    case 'UIDL':
      return args.length === 0 ? 'list' : undefined;
    case 'CAPA':
      return 'list';
    case 'AUTH':
      return args.length === 0 ? 'list' : undefined;
    default:
      return undefined;
  }
}

function classifyRequest(ctx: DissectCtx, conv: PopConversation, view: ByteView, lines: LineEnd[], end: number): PopPdu {
  const bytes = view.bytes;
  const info = mailInfo(ctx);
  const frame = ctx.frame.number;
  const roles: ClientRole[] = [];
  for (const line of lines) {
    // The command as tshark reads it: up to a NUL (a NUL typed in telnet ends the string).
    const text = latin1(bytes, line.start, nulOrEnd(bytes, line.start, line.start + line.length));
    if (info.keepTranscripts && !ctx.tcp?.resent) info.line(conv.key, 'pop', conv.stream, frame, 'C', formatText(bytes, line.start, line.start + line.length));
    if (conv.saslActive) {
      roles.push('sasl');
      if (conv.credential && text !== '*') {
        const decoded = base64Decode(text);
        const parts = decoded ? nulParts(decoded) : [];
        if (parts.length >= 3) {
          conv.credential.username = parts[1];
          conv.credential.password = parts[2];
        }
        conv.credential.frames.push(frame);
      } else if (conv.credential) conv.credential.cancelled = true;
      continue;
    }
    roles.push('command');
    // A command sent again (TcpInfo.resent) awaits no reply of its own and starts no second login.
    if (ctx.tcp?.resent) continue;
    if (conv.pending.length < MAX_PENDING) conv.pending.push(text);
    const [verb, ...args] = text.trim().split(/\s+/);
    const upper = verb.toUpperCase();
    if (upper === 'USER') {
      conv.user = args.join(' ');
      conv.userFrame = frame;
    } else if (upper === 'PASS') {
      conv.credential = info.credential({
        protocol: 'pop',
        stream: conv.stream,
        mechanism: 'USER/PASS',
        username: conv.user,
        password: text.slice(5),
        frames: [frame],
        // tshark's POP taps PASS after USER (the USER line's parameter, its frame in Info).
        tap: conv.user !== undefined ? { proto: 'POP3', frame, userFrame: conv.userFrame, username: conv.user } : undefined,
      });
    } else if (upper === 'APOP') {
      conv.credential = info.credential({ protocol: 'pop', stream: conv.stream, mechanism: 'APOP', username: args[0], password: args[1], frames: [frame] });
    } else if (upper === 'AUTH' && args.length > 0 && args[0].toUpperCase() === 'PLAIN') {
      conv.credential = info.credential({ protocol: 'pop', stream: conv.stream, mechanism: 'AUTH PLAIN', frames: [frame] });
      if (args[1]) {
        const decoded = base64Decode(args[1]);
        const parts = decoded ? nulParts(decoded) : [];
        if (parts.length >= 3) {
          conv.credential.username = parts[1];
          conv.credential.password = parts[2];
        }
      }
    } else if (upper === 'STLS') conv.stlsPending = true;
  }
  return { request: true, end, roles };
}

/** addBody adds bytes[start, end) (a body line, possibly empty) to the message being received. */
function addBody(conv: PopConversation, frame: number, bytes: Uint8Array, start: number, end: number, pdu: PopPdu): void {
  const m = (conv.message ??= { fragments: [], data: new ByteAccumulator(), total: 0, pdus: [] });
  const length = end - start;
  if (length > 0) {
    if (m.fragments.length < MAX_FRAGMENTS) {
      const last = m.fragments[m.fragments.length - 1];
      if (last && last.frame === frame && m.pdus[m.pdus.length - 1] === pdu) last.length += length;
      else m.fragments.push({ frame, offset: m.total, length });
    }
    const room = MAX_MESSAGE - m.data.length;
    if (room > 0) m.data.append(bytes, start, start + Math.min(length, room));
    m.total += length;
  }
  if (m.pdus[m.pdus.length - 1] !== pdu) m.pdus.push(pdu);
}

function finishBody(conv: PopConversation, frame: number, pdu: PopPdu): void {
  const m = conv.message;
  conv.message = undefined;
  if (!m) return;
  pdu.fragments = m.fragments;
  pdu.total = m.total;
  pdu.message = m.data.take();
  for (const p of m.pdus) if (p !== pdu) p.reassembledIn = frame;
}

function classifyResponse(ctx: DissectCtx, conv: PopConversation, view: ByteView, lines: LineEnd[], end: number): PopPdu {
  const bytes = view.bytes;
  const info = mailInfo(ctx);
  const frame = ctx.frame.number;
  const pdu: PopPdu = { request: false, end, roles: [] };
  // Consecutive body lines are added as one run of bytes (the same bytes, fragments and total as line by
  // line): a dot-stuffed line, the final dot or any other line ends the run.
  let runFrom = -1;
  let runTo = -1;
  const resent = ctx.tcp?.resent === true;
  let saved: Pick<PopConversation, 'multi' | 'message'> | undefined;
  if (resent) {
    // A reply sent again (TcpInfo.resent) changes nothing of the conversation. A status line is shown
    // and paired with nothing; other lines are a message body of their own, as tshark's POP reassembles
    // them again and hands them to IMF.
    const first = lines[0];
    if (first === undefined || startsWithCi(bytes, first.start, first.start + first.length, '+OK') || startsWithCi(bytes, first.start, first.start + first.length, '-ERR')) {
      for (const _ of lines) pdu.roles.push(pdu.roles.length === 0 ? 'status' : 'data');
      return pdu;
    }
    saved = { multi: conv.multi, message: conv.message };
    conv.multi = 'message';
    conv.message = undefined;
  }
  for (const line of lines) {
    const le = line.start + line.length;
    if (conv.multi === 'message' && !isDotLine(bytes, line)) {
      pdu.roles.push('body');
      // RFC 1939 §3: a leading dot of a body line is removed.
      const from = bytes[line.start] === 0x2e ? line.start + 1 : line.start;
      if (from !== runTo) {
        if (runFrom >= 0) addBody(conv, frame, bytes, runFrom, runTo, pdu);
        runFrom = from;
      }
      runTo = line.next;
      continue;
    }
    if (runFrom >= 0) {
      addBody(conv, frame, bytes, runFrom, runTo, pdu);
      runFrom = runTo = -1;
    }
    if (conv.multi) {
      if (isDotLine(bytes, line)) {
        pdu.roles.push('end');
        if (!resent) info.line(conv.key, 'pop', conv.stream, frame, 'S', '.');
        if (conv.multi === 'message') {
          addBody(conv, frame, bytes, 0, 0, pdu);
          finishBody(conv, frame, pdu);
        }
        conv.multi = undefined;
        continue;
      }
      pdu.roles.push('data');
      if (info.keepTranscripts) info.line(conv.key, 'pop', conv.stream, frame, 'S', formatText(bytes, line.start, le));
      continue;
    }
    const isOk = startsWithCi(bytes, line.start, le, '+OK');
    const isErr = startsWithCi(bytes, line.start, le, '-ERR');
    if (info.keepTranscripts) info.line(conv.key, 'pop', conv.stream, frame, 'S', formatText(bytes, line.start, le));
    if (isOk || isErr) {
      pdu.roles.push('status');
      const command = conv.pending.shift() ?? '';
      const verb = command.trim().split(/\s+/)[0].toUpperCase();
      if (isOk) {
        const kind = multiFor(command);
        if (kind) conv.multi = kind;
        if (kind === 'message') {
          conv.message = undefined;
          // tshark reads the message length from the description: "+OK 120 octets" (a bare "+OK" is fine).
          const described = line.start + 4 < le;
          if (described && !(bytes[line.start + 4] >= 0x30 && bytes[line.start + 4] <= 0x39)) (pdu.lengthInvalid ??= []).push(pdu.roles.length - 1);
        }
        if (verb === 'STLS' && conv.stlsPending) conv.tlsAfterFrame = frame;
      }
      if (verb === 'STLS') conv.stlsPending = false;
      if (conv.saslActive || verb === 'PASS' || verb === 'APOP' || verb === 'AUTH') {
        conv.saslActive = false;
        if (conv.credential && (verb === 'PASS' || verb === 'APOP' || verb === 'AUTH')) {
          conv.credential.success = isOk;
          conv.credential.frames.push(frame);
          conv.credential = undefined;
        }
      }
      continue;
    }
    if (bytes[line.start] === 0x2b && (line.length === 1 || bytes[line.start + 1] === 0x20)) {
      // A SASL continuation (`+ base64`): the next client lines belong to the exchange.
      pdu.roles.push('sasl');
      conv.saslActive = true;
      continue;
    }
    pdu.roles.push('other');
  }
  if (runFrom >= 0) addBody(conv, frame, bytes, runFrom, runTo, pdu);
  if (saved !== undefined) {
    if (conv.message !== undefined) finishBody(conv, frame, pdu);
    conv.multi = saved.multi;
    conv.message = saved.message;
  }
  return pdu;
}

function render(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, start: number, pdu: PopPdu): void {
  const bytes = view.bytes;
  // A frame whose earlier PDU completed a message stays `POP/IMF` (the final `.` and the next reply in one segment).
  if (!ctx.columns.protocol.startsWith('POP')) ctx.columns.protocol = 'POP';
  ctx.columns.clearInfo();
  const top = ctx.tree.add(parent, P, view.src, view.base + start, pdu.end - start, null);
  if (!ctx.layers.includes('pop')) ctx.layers.push('pop');
  const dir = pdu.request ? 'C' : 'S';
  const hasStatus = pdu.request || pdu.roles.some((r) => r === 'status' || r === 'sasl');
  if (!ctx.tree.wantsAny(LINE_GROUP)) {
    // No line item is kept: only Info needs the lines (and a DATA fragment's Info does not).
    if (hasStatus) ctx.columns.setInfo(ctx.columns.enabled ? `${dir}: ${infoText(bytes, view.base + start, view.base + pdu.end, pdu)}` : '');
    else ctx.columns.setInfo(`S: DATA fragment, ${plural(pdu.end - start)}`);
    finishRender(ctx, view, top, start, pdu);
    return;
  }
  const lines = splitLines(bytes, view.base + start, view.base + pdu.end);
  const infoParts: string[] = [];
  let bodyBytes = 0;
  lines.forEach((line, i) => {
    const role = pdu.roles[i] ?? (pdu.request ? 'command' : 'other');
    const ls = line.start;
    const le = ls + line.length;
    const whole = () => formatText(bytes, ls, line.next);
    if (pdu.request) {
      // tshark keeps the whole line only in the label: pop.request, pop.response and pop.response.data
      // hold an empty string (`-T fields` prints nothing, `pop.request contains "USER"` never matches).
      const item = ctx.tree.add(top, F.request, view.src, ls, line.next - ls, '', whole);
      infoParts.push(formatText(bytes, ls, le));
      if (role === 'sasl') {
        ctx.tree.add(item, F.request_command, view.src, ls, line.length, asciiValue(bytes, ls, le), () => `Request command: ${formatText(bytes, ls, le)}`);
        return;
      }
      let sp = bytes.indexOf(0x20, ls);
      if (sp < 0 || sp > le) sp = le;
      ctx.tree.add(item, F.request_command, view.src, ls, sp - ls, asciiValue(bytes, ls, sp), () => `Request command: ${formatText(bytes, ls, sp)}`);
      if (sp + 1 < le) {
        ctx.tree.add(item, F.request_parameter, view.src, sp + 1, le - sp - 1, asciiValue(bytes, sp + 1, le), () =>
          `Request parameter: ${formatText(bytes, sp + 1, le)}`,
        );
      }
      return;
    }
    switch (role) {
      case 'status':
      case 'sasl': {
        const item = ctx.tree.add(top, F.response, view.src, ls, line.next - ls, '', whole);
        const indLen = role === 'sasl' ? 1 : bytes[ls] === 0x2b ? 3 : 4;
        ctx.tree.add(item, F.response_indicator, view.src, ls, indLen, asciiValue(bytes, ls, ls + indLen));
        if (pdu.lengthInvalid?.includes(i)) addExpert(ctx, item, F.tot_len_invalid, 'error', 'Malformed', F.tot_len_invalid.name, view.src, ls, 0);
        if (ls + indLen + 1 < le) {
          ctx.tree.add(item, F.response_description, view.src, ls + indLen + 1, le - ls - indLen - 1, asciiValue(bytes, ls + indLen + 1, le), () =>
            `Response description: ${formatText(bytes, ls + indLen + 1, le)}`,
          );
        }
        infoParts.push(formatText(bytes, ls, le));
        return;
      }
      case 'body':
        bodyBytes += line.next - ls;
        ctx.tree.addText(top, view.src, ls, line.next - ls, whole);
        return;
      default:
        ctx.tree.add(top, F.response_data, view.src, ls, line.next - ls, '', whole);
        if (role === 'other') infoParts.push(formatText(bytes, ls, le));
    }
  });
  if (hasStatus) ctx.columns.setInfo(`${dir}: ${infoParts.join(' | ')}`);
  else ctx.columns.setInfo(`S: DATA fragment, ${plural(pdu.end - start)}`);
  void bodyBytes;
  finishRender(ctx, view, top, start, pdu);
}

/** infoText is the Info text of a PDU's lines: every request line, or the status/other response lines. */
function infoText(bytes: Uint8Array, start: number, end: number, pdu: PopPdu): string {
  let text = '';
  let parts = 0;
  let i = 0;
  for (let at = start; at < end; i++) {
    const line = findLineEnd(bytes, at, end);
    at = line.next;
    const role = pdu.roles[i] ?? (pdu.request ? 'command' : 'other');
    if (pdu.request || role === 'status' || role === 'sasl' || role === 'other') {
      text += (parts++ > 0 ? ' | ' : '') + formatText(bytes, line.start, line.start + line.length);
    }
  }
  return text;
}

function finishRender(ctx: DissectCtx, view: ByteView, top: TreeItem, start: number, pdu: PopPdu): void {
  if (pdu.reassembledIn !== undefined) {
    ctx.tree.add(top, F.data_reassembled_in, view.src, view.base + start, 0, pdu.reassembledIn).setGenerated().setFrameRef(pdu.reassembledIn);
  }
  if (pdu.message && pdu.fragments) {
    addReassembled(ctx, top, pdu);
    // Replies after the final `.` in the same segment (pipelined commands) follow IMF's Info, as an SMTP
    // command after the message does: `subject: …, , hi   | S: +OK bye`.
    const after = linesAfterEnd(view.bytes, view.base + start, view.base + pdu.end, pdu);
    if (after !== '') ctx.columns.appendInfo(` | S: ${after}`);
  }
}

/** linesAfterEnd is the Info text of the status lines that follow a message's final `.` in a PDU. */
function linesAfterEnd(bytes: Uint8Array, start: number, end: number, pdu: PopPdu): string {
  let text = '';
  let ended = false;
  let i = 0;
  for (let at = start; at < end; i++) {
    const line = findLineEnd(bytes, at, end);
    at = line.next;
    const role = pdu.roles[i];
    if (role === 'end') ended = true;
    else if (ended && (role === 'status' || role === 'sasl' || role === 'other')) {
      text += (text === '' ? '' : ' | ') + formatText(bytes, line.start, line.start + line.length);
    }
  }
  return text;
}

function addReassembled(ctx: DissectCtx, top: TreeItem, pdu: PopPdu): void {
  const message = pdu.message!;
  const fragments = pdu.fragments!;
  const total = pdu.total ?? message.length;
  const src = ctx.addSource(`Reassembled POP (${message.length} bytes)`, message);
  const list = ctx.tree
    .add(top, F.data_fragments, src, 0, message.length, null, () => {
      const shown = fragments.slice(0, 40).map((f) => `#${f.frame}(${f.length})`).join(', ');
      return `[${fragments.length} DATA fragment${fragments.length === 1 ? '' : 's'} (${plural(total)}): ${shown}${fragments.length > 40 ? ', …' : ''}]`;
    })
    .setGenerated();
  if (ctx.tree.full || ctx.tree.wants(F.data_fragment)) {
    for (const f of fragments) {
      ctx.tree
        .add(list, F.data_fragment, src, Math.min(f.offset, message.length), Math.max(0, Math.min(f.length, message.length - f.offset)), f.frame, () =>
          `[Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.length - 1} (${plural(f.length)})]`,
        )
        .setGenerated()
        .setFrameRef(f.frame);
    }
  }
  ctx.tree.add(list, F.data_fragment_count, src, 0, 0, fragments.length, `[DATA fragment count: ${fragments.length}]`).setGenerated();
  ctx.tree.add(list, F.data_reassembled_length, src, 0, 0, total, `[Reassembled DATA length: ${total}]`).setGenerated();
  ctx.columns.protocol = 'POP/IMF';
  dissectImf(ctx, new ByteView(message, 0, message.length, 'imf', src), null);
}

function isRequest(ctx: DissectCtx): boolean {
  if (typeof ctx.matchValue === 'number' && (ctx.matchValue === ctx.dstPort || ctx.matchValue === ctx.srcPort)) return ctx.matchValue === ctx.dstPort;
  return ctx.dstPort < ctx.srcPort;
}

function dissectPop(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  const conv = conversation(ctx);
  const request = isRequest(ctx);
  const tls = ctx.firstPass ? conv.tlsAfterFrame !== 0 && ctx.frame.number > conv.tlsAfterFrame : ctx.getFrameData<boolean>(TLS_KEY) === true;
  if (tls) ctx.setFrameData(TLS_KEY, true);
  if (tls || ctx.matchValue === POP3S_PORT) {
    ctx.columns.protocol = 'POP';
    ctx.columns.setInfo(`${request ? 'C' : 'S'}: Encrypted data, ${plural(view.length)}`);
    const top = ctx.tree.add(parent, P, view.src, view.base, view.length, null);
    ctx.layers.push('pop');
    ctx.tree.add(top, F.encrypted, view.src, view.base, view.length, view.rest(), `Encrypted data (TLS): ${plural(view.length)}`);
    return view.length;
  }
  const key = `pop:${view.base}:${view.src}`;
  let pdu = ctx.getFrameData<PopPdu>(key);
  if (!pdu) {
    const bytes = view.bytes;
    const all = splitLines(bytes, view.base, view.base + view.length);
    let lines = all;
    const tail = all[all.length - 1];
    let end = view.length;
    // A CR as the last byte may still be followed by its LF (Wireshark's tvb_find_line_end with desegment).
    const crAtEnd = tail !== undefined && tail.terminated && tail.next === view.base + view.length && bytes[tail.next - 1] === 0x0d;
    if (tail && (!tail.terminated || crAtEnd) && tail.length <= MAX_LINE && ctx.tcp && !ctx.tcp.quoted && ctx.firstPass) {
      lines = all.slice(0, -1);
      end = tail.start - view.base;
      // An unterminated tail changes this answer only with a line end or past MAX_LINE (DissectCtx.desegment.lineEnd).
      ctx.desegment = { offset: end, needed: ONE_MORE_SEGMENT, lineEnd: tail.terminated ? undefined : MAX_LINE };
      if (lines.length === 0) return view.length;
    }
    if (!ctx.firstPass) pdu = { request, end, roles: [] };
    else {
      pdu = request ? classifyRequest(ctx, conv, view, lines, end) : classifyResponse(ctx, conv, view, lines, end);
      ctx.setFrameData(key, pdu);
    }
  }
  render(ctx, view, parent, 0, pdu);
  return pdu.end;
}

/** Heuristic: a `+OK` greeting starting the server side of a stream makes it POP. */
function heuristicPop(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  // First pass: the stream's state remembers a match; re-dissection reads what the first pass froze.
  let serverPort: number | undefined;
  if (!ctx.firstPass) {
    serverPort = ctx.getFrameData<number>(HEURISTIC_KEY);
    if (serverPort === undefined) return 0;
  } else {
    const bag = ctx.tcp?.streamState;
    // In the stream's own bag a constant names the entry; the capture-wide conversations need the stream.
    const heurKey = bag !== undefined ? 'pop-heur' : `pop-heur:${ctx.tcp?.stream ?? `${ctx.srcPort}-${ctx.dstPort}`}`;
    serverPort = bag !== undefined ? (bag.get(heurKey) as number | undefined) : ctx.conversation<{ serverPort?: number }>(heurKey, () => ({})).serverPort;
    if (serverPort === undefined) {
      if (view.length < 5) return 0;
      if (!startsWithCi(view.bytes, view.base, view.base + view.length, '+OK')) return 0;
      if (view.bytes.subarray(view.base, view.base + Math.min(view.length, 512)).indexOf(0x0a) < 0) return 0;
      if (ctx.tcp && ctx.tcp.seq > 1) return 0;
      serverPort = ctx.srcPort;
      if (bag !== undefined) bag.set(heurKey, serverPort);
      else ctx.conversation<{ serverPort?: number }>(heurKey, () => ({})).serverPort = serverPort;
    }
    ctx.setFrameData(HEURISTIC_KEY, serverPort);
  }
  const saved = ctx.matchValue;
  ctx.matchValue = serverPort;
  try {
    return dissectPop(ctx, view, parent);
  } finally {
    ctx.matchValue = saved;
  }
}

/** pop is the POP module: tcp.port 110 (995 as TLS) and the `+OK` greeting heuristic. */
export const pop: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff(tables: DissectorTables) {
    tables.add('tcp.port', 110, pop);
    tables.add('tcp.port', POP3S_PORT, pop);
    tables.addHeuristic('tcp', { name: 'pop_tcp', dissect: heuristicPop });
  },
  dissect: dissectPop,
};
