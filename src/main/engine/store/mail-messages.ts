/**
 * The mail view's data: every message seen in SMTP DATA/BDAT or POP3 RETR/TOP in a loaded capture, with
 * its headers (RFC 2047 decoded for display, raw in `headers`), a plain-text body, its attachments and
 * the message bytes as received (dot-unstuffed). docs/mail.md describes the result.
 *
 * How (store-level analysis, like follow.ts):
 *  - The frames that complete a message are found through the frozen protocol stack
 *    (`store.layers(n)` holds `imf`); only those are re-dissected, in `fields` mode with a small interest
 *    set, to get the IMF protocol item (its data source and range are exactly the message bytes) and,
 *    when present, the reassembly totals (a message longer than the dissectors' cap is `truncated`).
 *  - The message bytes are then read by the IMF dissector itself (imf.ts, in full-tree mode over a
 *    one-source context), and the tree it builds — headers, MIME parts, decoded base64/QP sources — is
 *    walked here. MIME is therefore parsed once, by imf.ts; this file only chooses the body and names
 *    attachments (RFC 2183/2231 parameters, RFC 2047 words through `decodeEncodedWords`).
 *  - A message cut by the capture (no final `.`) is the tail of its TCP stream: SMTP DATA fragments
 *    without "Reassembled DATA in frame", or POP body lines after the stream's last complete message.
 *    It is listed with `truncated: true`.
 *  - {@link MailIndex} caches per store: complete messages are found incrementally as frames are added
 *    (first-pass results never change), the truncated tails are recomputed when the store grew.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { MailMessage } from '../../../shared/contract';
import type { DataSource } from '../../../shared/model';
import { bufferContext } from '../decode/session';
import type { TreeItem } from '../decode/tree';
import { ByteView } from '../decode/view';
import { decodeEncodedWords, decodeTransfer, dissectImf } from '../dissect/imf';
import { mailTranscripts, type Transcript } from '../dissect/mailinfo';
import { dotUnstuff } from '../dissect/smtp';
import { existingTarget } from '../file/writer';
import { concatBytes } from '../dissect/text';
import type { PacketStore } from './packet-store';

/** MailAttachmentData is one attachment with its decoded bytes. */
export interface MailAttachmentData {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** ParsedMessage is what the IMF tree of one message yields. */
export interface ParsedMessage {
  headers: { name: string; value: string }[];
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  body: string;
  attachments: MailAttachmentData[];
}

/** MAX_TAIL_FRAMES bounds the frames re-dissected per stream when looking for a cut message. */
const MAX_TAIL_FRAMES = 20_000;

const FRAME_INTEREST = new Set([
  'smtp',
  'pop',
  'imf',
  'smtp.eom',
  'smtp.data.fragments',
  'smtp.data.reassembled.length',
  'pop.data.fragments',
  'pop.data.reassembled.length',
]);

const utf8 = new TextDecoder('utf-8');

// ---------------------------------------------------------------------------------------------------
// Running the IMF dissector over message bytes

/**
 * imfTree dissects `raw` with the IMF dissector in full-tree mode and returns the IMF item and the data
 * sources (0 = the message, then decoded base64 / quoted-printable parts).
 */
function imfTree(raw: Uint8Array): { root: TreeItem | undefined; sources: DataSource[] } {
  const ctx = bufferContext(raw, 'Message');
  if (raw.length > 0) dissectImf(ctx, new ByteView(raw, 0, raw.length, 'imf', 0), null);
  return { root: ctx.tree.roots.find((r) => r.field.abbrev === 'imf'), sources: ctx.sources };
}

// ---------------------------------------------------------------------------------------------------
// Header values and MIME parameters

/** unfold removes the CRLF of folded header lines (RFC 5322 §2.2.3). */
function unfold(text: string): string {
  return text.replace(/\r?\n(?=[ \t])/g, '');
}

/** headerLine reads the header field an item covers: its name and its raw value (UTF-8, unfolded). */
function headerLine(item: TreeItem, sources: DataSource[]): { name: string; value: string } {
  const bytes = sources[item.src].bytes;
  let start = item.start;
  // IMF items of known headers cover the value only; the name is on the same (first) line before it.
  while (start > 0 && bytes[start - 1] !== 0x0a) start--;
  // (The last header of a MIME part also covers the empty line after it, as in tshark.)
  const text = unfold(utf8.decode(bytes.subarray(start, item.start + item.length))).replace(/[\r\n]+$/, '');
  const colon = text.indexOf(':');
  if (colon < 0) return { name: '', value: text.trim() };
  return { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).replace(/^[ \t]+/, '').replace(/[ \t]+$/, '') };
}

/** lineEndAfter returns the offset after the line terminator at or after `offset`. */
function lineEndAfter(bytes: Uint8Array, offset: number): number {
  let i = offset;
  while (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
  if (bytes[i] === 0x0d) i++;
  if (bytes[i] === 0x0a) i++;
  return i;
}

function charsetDecode(bytes: Uint8Array, charset: string | undefined): string {
  let label = (charset ?? 'utf-8').trim().toLowerCase();
  if (label === 'gb2312') label = 'gbk';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return utf8.decode(bytes);
  }
}

/**
 * mimeParameters reads `type; a=1; b="x"` (RFC 2045) with RFC 2231 extensions (`name*=UTF-8''%E4…`,
 * `name*0*=` continuations). Keys are lower case; values are decoded text.
 */
export function mimeParameters(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const pieces = new Map<string, { index: number; text: string; encoded: boolean }[]>();
  const text = unfold(value);
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1].toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    const ext = /^(.+?)(?:\*(\d+))?(\*)?$/.exec(key);
    if (ext && (ext[2] !== undefined || ext[3] !== undefined)) {
      const list = pieces.get(ext[1]) ?? [];
      list.push({ index: Number(ext[2] ?? 0), text: raw, encoded: ext[3] !== undefined });
      pieces.set(ext[1], list);
    } else if (!out.has(key)) out.set(key, raw);
  }
  for (const [key, list] of pieces) {
    list.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const bytes: number[] = [];
    list.forEach((piece, i) => {
      let t = piece.text;
      if (piece.encoded && i === 0) {
        const q = /^([^']*)'[^']*'(.*)$/.exec(t);
        if (q) {
          charset = q[1] || 'utf-8';
          t = q[2];
        }
      }
      if (piece.encoded) {
        for (let k = 0; k < t.length; k++) {
          if (t[k] === '%' && /^[0-9A-Fa-f]{2}$/.test(t.slice(k + 1, k + 3))) {
            bytes.push(parseInt(t.slice(k + 1, k + 3), 16));
            k += 2;
          } else bytes.push(...Buffer.from(t[k], 'utf8'));
        }
      } else bytes.push(...Buffer.from(t, 'utf8'));
    });
    out.set(key, charsetDecode(Uint8Array.from(bytes), charset));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The MIME structure, read from the IMF tree

/** MimeNode is one entity: a leaf with its decoded content, or a multipart with children. */
interface MimeNode {
  type: string;
  params: Map<string, string>;
  disposition?: string;
  dispositionParams: Map<string, string>;
  /** Content-Transfer-Encoding of the entity (undone by asSent where the body item holds the bytes as sent) */
  transferEncoding?: string;
  content?: Uint8Array;
  children?: MimeNode[];
}

function contentOf(item: TreeItem, sources: DataSource[]): Uint8Array {
  return sources[item.src].bytes.subarray(item.start, item.start + item.length);
}

function splitType(value: string): { type: string; params: Map<string, string> } {
  const semi = value.indexOf(';');
  return { type: (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase(), params: mimeParameters(semi < 0 ? '' : value.slice(semi)) };
}

/**
 * asSent undoes the node's transfer encoding on a body item that shows the bytes as sent: one in the
 * data source of the entity's headers (`headerSrc`). A decoded copy is always a data source of its own.
 */
function asSent(node: MimeNode, bytes: Uint8Array, src: number, headerSrc: number): Uint8Array {
  if (node.transferEncoding === undefined || src !== headerSrc) return bytes;
  return decodeTransfer(node.transferEncoding, bytes)?.bytes ?? bytes;
}

/**
 * fillBody reads the body item among `items` (children of the IMF item or of a multipart part), whose
 * headers are in data source `headerSrc`.
 */
function fillBody(node: MimeNode, items: readonly TreeItem[], sources: DataSource[], headerSrc: number, headerEnd = 0): void {
  for (const item of items) {
    const abbrev = item.field.abbrev;
    if (abbrev === 'data-text-lines' || abbrev === 'imf') {
      // Text (decoded by the dissector) or a forwarded message (message/rfc822, its bytes whole).
      node.content = contentOf(item, sources);
      return;
    }
    if (abbrev === 'imf.message_text') {
      // tshark restarts the message text at offset 0 when a line without a colon ends the headers (the
      // handout's `subject: …` then text, no blank line); the mail view shows only what follows them.
      // A message without a content type (`Content-Type: text/plain` has none for tshark) keeps its
      // transfer encoding in the message text: undone here.
      const start = Math.max(item.start, headerEnd);
      node.content = asSent(node, sources[item.src].bytes.subarray(start, item.start + item.length), item.src, headerSrc);
      return;
    }
    if (abbrev === 'data' || abbrev === 'media') {
      // A non-text part, shown as tshark shows it (the bytes as sent): decoded here for the mail view.
      node.content = asSent(node, contentOf(item, sources), item.src, headerSrc);
      return;
    }
    if (abbrev === 'mime_multipart') {
      node.children = [];
      for (const part of item.children ?? []) {
        if (part.field.abbrev === 'mime_multipart.part') node.children.push(partNode(part, sources));
      }
      return;
    }
  }
}

function partNode(part: TreeItem, sources: DataSource[]): MimeNode {
  const node: MimeNode = { type: 'text/plain', params: new Map(), dispositionParams: new Map() };
  for (const item of part.children ?? []) {
    const abbrev = item.field.abbrev;
    if (abbrev === 'mime_multipart.header.content-type') {
      Object.assign(node, splitType(headerLine(item, sources).value));
    } else if (abbrev === 'mime_multipart.header.content-disposition') {
      const { type, params } = splitType(headerLine(item, sources).value);
      node.disposition = type;
      node.dispositionParams = params;
    } else if (abbrev === 'mime_multipart.header.content-transfer-encoding') {
      node.transferEncoding = headerLine(item, sources).value;
    }
  }
  fillBody(node, part.children ?? [], sources, part.src);
  return node;
}

function isAttachment(node: MimeNode): boolean {
  // A multipart whose body is missing (TOP n 0) or had no boundary is structure, not an attachment.
  if (node.children || node.type.startsWith('multipart/')) return false;
  if (node.disposition === 'attachment') return true;
  if (node.dispositionParams.has('filename') || node.params.has('name')) return true;
  return !(node.type.startsWith('text/') || node.type === 'message/rfc822' || node.type === '');
}

function leafText(node: MimeNode): string {
  const text = charsetDecode(node.content ?? new Uint8Array(0), node.params.get('charset'));
  return node.type === 'text/html' ? htmlToText(text) : text;
}

/** bodyText picks the readable text: text/plain first (multipart/alternative), HTML rendered as text. */
function bodyText(node: MimeNode): string | undefined {
  if (node.children) {
    if (node.type === 'multipart/alternative') {
      const plain = node.children.find((c) => c.type === 'text/plain' && !isAttachment(c));
      if (plain) return leafText(plain);
      for (let i = node.children.length - 1; i >= 0; i--) {
        const text = bodyText(node.children[i]);
        if (text !== undefined) return text;
      }
      return undefined;
    }
    const texts = node.children.map(bodyText).filter((t): t is string => t !== undefined);
    return texts.length > 0 ? texts.join('\n') : undefined;
  }
  if (isAttachment(node)) return undefined;
  return leafText(node);
}

function collectAttachments(node: MimeNode, out: MailAttachmentData[]): void {
  if (node.children) {
    for (const child of node.children) collectAttachments(child, out);
    return;
  }
  if (!isAttachment(node)) return;
  const rawName = node.dispositionParams.get('filename') ?? node.params.get('name');
  const name = rawName ? decodeEncodedWords(rawName) : `attachment-${out.length + 1}${node.type === 'message/rfc822' ? '.eml' : '.bin'}`;
  out.push({ name, contentType: node.type || 'application/octet-stream', bytes: node.content ?? new Uint8Array(0) });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** htmlToText renders HTML as plain text: block elements become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\r?\n/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote|pre)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[e.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** BODY_ITEMS: the children of the IMF item that show its body, not a header (text items have no field). */
const BODY_ITEMS = new Set(['mime_multipart', 'data-text-lines', 'imf.message_text', 'data', 'media', 'imf', '']);

/** parseMessage reads one message (bytes as received, dot-unstuffed) with the IMF dissector. */
export function parseMessage(raw: Uint8Array): ParsedMessage {
  const { root, sources } = imfTree(raw);
  const result: ParsedMessage = { headers: [], body: '', attachments: [] };
  if (!root) return result;
  const top: MimeNode = { type: '', params: new Map(), dispositionParams: new Map() };
  let headerEnd = 0;
  for (const item of root.children ?? []) {
    const abbrev = item.field.abbrev;
    if (BODY_ITEMS.has(abbrev)) continue;
    if (item.src === 0) headerEnd = Math.max(headerEnd, lineEndAfter(raw, item.start + item.length));
    const header = headerLine(item, sources);
    result.headers.push(header);
    const key = header.name.toLowerCase();
    const decoded = () => decodeEncodedWords(header.value);
    if (key === 'from' && result.from === undefined) result.from = decoded();
    else if (key === 'to' && result.to === undefined) result.to = decoded();
    else if (key === 'subject' && result.subject === undefined) result.subject = decoded();
    else if (key === 'date' && result.date === undefined) result.date = header.value;
    else if (key === 'content-type' && top.type === '') Object.assign(top, splitType(header.value));
    else if (key === 'content-transfer-encoding' && top.transferEncoding === undefined) top.transferEncoding = header.value;
    else if (key === 'content-disposition' && top.disposition === undefined) {
      const { type, params } = splitType(header.value);
      top.disposition = type;
      top.dispositionParams = params;
    }
  }
  fillBody(top, root.children ?? [], sources, root.src, headerEnd);
  if (top.type === '') top.type = 'text/plain';
  result.body = (bodyText(top) ?? '').replace(/\r\n?/g, '\n');
  collectAttachments(top, result.attachments);
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Finding messages in the store

/** StoredMessage is a listed message (what the contract returns). */
type StoredMessage = MailMessage;

interface Found {
  protocol: 'smtp' | 'pop';
  frame: number;
  stream: number;
  raw: Uint8Array;
  truncated: boolean;
  command?: string;
  /** first frame of a cut message (its id) */
  firstFrame?: number;
}

/** popMessageCommands pairs a POP transcript's status lines with its commands: RETR/TOP answered +OK. */
function popMessageCommands(t: Transcript): string[] {
  const pending: string[] = [];
  const out: string[] = [];
  let sasl = false;
  for (const line of t.lines) {
    if (line.dir === 'C') {
      if (!sasl) pending.push(line.text);
      continue;
    }
    const ok = /^\+OK/i.test(line.text);
    if (ok || /^-ERR/i.test(line.text)) {
      sasl = false;
      const command = pending.shift() ?? '';
      if (ok && /^(RETR|TOP)\b/i.test(command.trim())) out.push(command.trim());
    } else if (/^\+( |$)/.test(line.text)) sasl = true;
  }
  return out;
}

function toMessage(found: Found, id: string): StoredMessage {
  const parsed = parseMessage(found.raw);
  const message: StoredMessage = {
    id,
    protocol: found.protocol,
    frame: found.frame,
    stream: found.stream,
    body: parsed.body,
    attachments: parsed.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.bytes.length })),
    raw: found.raw,
    headers: parsed.headers,
  };
  if (parsed.from !== undefined) message.from = parsed.from;
  if (parsed.to !== undefined) message.to = parsed.to;
  if (parsed.subject !== undefined) message.subject = parsed.subject;
  if (parsed.date !== undefined) message.date = parsed.date;
  if (found.command !== undefined) message.command = found.command;
  if (found.truncated) message.truncated = true;
  return message;
}

/** MailIndex lists the messages of one store and serves their attachments; see the file comment. */
export class MailIndex {
  private scanned = 0;
  private readonly complete: StoredMessage[] = [];
  private readonly lastComplete = new Map<number, number>();
  private readonly popCount = new Map<number, number>();
  private tail: StoredMessage[] = [];
  private tailSize = -1;

  constructor(readonly store: PacketStore) {}

  /** messages lists every message in frame order (cut messages last in their stream's order). */
  messages(): StoredMessage[] {
    this.update();
    return [...this.complete, ...this.tail].sort((a, b) => a.frame - b.frame || a.id.localeCompare(b.id));
  }

  /** message finds a listed message by id, or throws a clear error. */
  message(id: string): StoredMessage {
    const found = this.messages().find((m) => m.id === id);
    if (!found) throw new Error(`There is no mail message "${id}" in this capture.`);
    return found;
  }

  /** attachment returns attachment `index` (0-based) of message `id` with its decoded bytes. */
  attachment(id: string, index: number): MailAttachmentData {
    const message = this.message(id);
    const attachments = parseMessage(message.raw).attachments;
    if (!Number.isInteger(index) || index < 0 || index >= attachments.length) {
      const have = attachments.length === 0 ? 'it has none' : `it has ${attachments.length} (0..${attachments.length - 1})`;
      throw new Error(`Mail message "${id}" has no attachment ${index}: ${have}.`);
    }
    return attachments[index];
  }

  private update(): void {
    const store = this.store;
    const size = store.size;
    if (size === this.tailSize) return;
    const streams = store.hotColumn('tcp.stream');
    let transcripts: Map<number, string[]> | undefined;
    for (let n = this.scanned + 1; n <= size; n++) {
      if (!store.layers(n).has('imf')) continue;
      const stream = streams && !Number.isNaN(streams[n]) ? streams[n] : -1;
      const found = this.completedIn(n, stream);
      found.forEach((f, k) => {
        if (f.protocol === 'pop') {
          const index = this.popCount.get(stream) ?? 0;
          this.popCount.set(stream, index + 1);
          transcripts ??= popCommandsByStream(store);
          f.command = transcripts.get(stream)?.[index];
        }
        this.complete.push(toMessage(f, `${f.protocol}-${n}${k > 0 ? `-${k + 1}` : ''}`));
      });
      this.lastComplete.set(stream, n);
    }
    this.scanned = size;
    this.tail = this.cutMessages().map((f) => toMessage(f, `${f.protocol}-${f.firstFrame}-partial`));
    this.tailSize = size;
  }

  /** completedIn re-dissects frame n (fields mode) for the messages it completes. */
  private completedIn(n: number, stream: number): Found[] {
    const result = this.store.session.dissect(this.store.frameInput(n), { firstPass: false, mode: 'fields', interest: FRAME_INTEREST });
    const out: Found[] = [];
    let protocol: 'smtp' | 'pop' = 'smtp';
    let eom = false;
    let stored = -1;
    let total = -1;
    for (const occ of result.tree.occurrences) {
      switch (occ.field.abbrev) {
        case 'smtp':
        case 'pop':
          protocol = occ.field.abbrev;
          eom = false;
          stored = total = -1;
          break;
        case 'smtp.eom':
          eom = true;
          break;
        case 'smtp.data.fragments':
        case 'pop.data.fragments':
          stored = occ.length;
          break;
        case 'smtp.data.reassembled.length':
        case 'pop.data.reassembled.length':
          total = typeof occ.value === 'number' ? occ.value : -1;
          break;
        case 'imf': {
          const raw = result.sources[occ.src].bytes.slice(occ.start, occ.start + occ.length);
          const found: Found = { protocol, frame: n, stream, raw, truncated: stored >= 0 && total > stored };
          if (protocol === 'smtp') found.command = eom ? 'DATA' : 'BDAT';
          out.push(found);
          break;
        }
      }
    }
    return out;
  }

  /**
   * cutMessages finds, per TCP stream, a message still open at the end of the capture: SMTP DATA
   * fragments without a reassembly frame, or POP body lines after the stream's last complete message.
   */
  private cutMessages(): Found[] {
    const store = this.store;
    const streams = store.hotColumn('tcp.stream');
    if (!streams) return [];
    const tails = new Map<number, { protocol: 'smtp' | 'pop'; frames: number[] }>();
    for (let n = 1; n <= store.size; n++) {
      const layers = store.layers(n);
      const stream = streams[n];
      if (Number.isNaN(stream) || layers.has('imf')) continue;
      const smtp = layers.has('smtp') && layers.has('data-text-lines');
      const pop = layers.has('pop');
      if (!smtp && !pop) continue;
      if ((this.lastComplete.get(stream) ?? 0) > n) continue;
      let tail = tails.get(stream);
      if (!tail) tails.set(stream, (tail = { protocol: smtp ? 'smtp' : 'pop', frames: [] }));
      if (tail.frames.length < MAX_TAIL_FRAMES) tail.frames.push(n);
    }
    const out: Found[] = [];
    for (const [stream, tail] of tails) {
      const chunks: Uint8Array[] = [];
      const frames: number[] = [];
      for (const n of tail.frames) {
        const result = store.session.dissect(store.frameInput(n), { firstPass: false, mode: 'full' });
        for (const root of result.tree.roots) {
          if (root.field.abbrev === 'smtp' && tail.protocol === 'smtp') {
            const children = root.children ?? [];
            if (children.some((c) => c.field.abbrev === 'smtp.data.reassembled.in')) continue;
            const data = children.find((c) => c.field.abbrev === 'data-text-lines');
            if (data) {
              chunks.push(contentOf(data, result.sources));
              frames.push(n);
            }
          } else if (root.field.abbrev === 'pop' && tail.protocol === 'pop') {
            const children = root.children ?? [];
            if (children.some((c) => c.field.abbrev === 'pop.data.reassembled.in')) continue;
            for (const line of children) {
              if (line.field.abbrev !== '') continue;
              // RFC 1939 §3: the leading dot of a body line is stuffing.
              const bytes = contentOf(line, result.sources);
              chunks.push(bytes[0] === 0x2e ? bytes.subarray(1) : bytes);
              if (frames[frames.length - 1] !== n) frames.push(n);
            }
          }
        }
      }
      if (frames.length === 0) continue;
      let raw = concatBytes(chunks);
      if (tail.protocol === 'smtp') raw = dotUnstuff(raw) ?? raw;
      const found: Found = { protocol: tail.protocol, frame: frames[frames.length - 1], stream, raw, truncated: true, firstFrame: frames[0] };
      if (tail.protocol === 'pop') found.command = popCommandsByStream(store).get(stream)?.[this.popCount.get(stream) ?? 0];
      out.push(found);
    }
    return out;
  }
}

function popCommandsByStream(store: PacketStore): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const t of mailTranscripts(store.session)) if (t.protocol === 'pop') out.set(t.stream, popMessageCommands(t));
  return out;
}

/** mailMessages lists every message of a capture (see {@link MailIndex} to keep the work between calls). */
export function mailMessages(store: PacketStore): MailMessage[] {
  return new MailIndex(store).messages();
}

/**
 * writeFileAtomic writes `bytes` to `<path>.tmp-<random>` (exclusive create), syncs it and renames it over
 * `path`, so a failed save never leaves a half-written file under the chosen name. A target that is not
 * a regular file (/dev/null, a FIFO) is written in place, and a symlink's file is replaced with the link
 * kept (file/writer.ts existingTarget).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): { path: string; bytes: number } {
  const existing = existingTarget(path);
  const renameTo = existing === undefined || existing === 'special' ? path : existing;
  const temp = existing === 'special' ? undefined : `${renameTo}.tmp-${randomBytes(6).toString('hex')}`;
  let fd: number | undefined;
  try {
    fd = openSync(temp ?? path, temp === undefined ? 'w' : 'wx');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    if (temp !== undefined) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (temp !== undefined) renameSync(temp, renameTo);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      if (temp !== undefined) unlinkSync(temp);
    } catch {
      // the temporary file was never created or is already gone
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Could not save "${path}": ${reason}`);
  }
  return { path, bytes: bytes.length };
}
