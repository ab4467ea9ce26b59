/**
 * IMF — Internet Message Format (RFC 5322) with MIME (RFC 2045–2047), as Wireshark's packet-imf.c,
 * packet-multipart.c and the "Line-based text data" media dissector show it. Called by SMTP (after
 * `DATA … .` or BDAT LAST) and POP (RETR/TOP) with the reassembled message.
 *
 * Invariants: header fields keep Wireshark's raw values (encoded words stay encoded in `imf.subject`,
 * the Info column and `-T fields`); tree labels show RFC 2047 encoded words decoded (UTF-8, GBK,
 * GB2312, GB18030, ISO-8859-x … through TextDecoder) — a listed difference. A header line without a colon
 * ends header parsing as in tshark (message text then restarts at offset 0, as tshark 4.0 does). The
 * multipart form is Wireshark's `mime_multipart` layer reduced to boundaries, part headers and content;
 * base64 and quoted-printable parts are decoded into extra data sources. Nothing here throws for bad
 * input: every read is bounded by the buffer.
 */
import { data as dataModule } from '../decode/data';
import { COL_MAX_INFO_BYTES, defineFields, protocolField, type DissectCtx, type ProtocolModule } from '../decode/protocol';
import { FieldGroup, type TreeItem } from '../decode/tree';
import { ByteView } from '../decode/view';
import { asciiValue, base64Decode, findLineEnd, formatPlainLines, formatText, formatTextWsp, latin1, nulOrEnd, splitLines, type PlainLines } from './text';
import { addStrayCharacters } from '../decode/expert';

const PROTO = { abbrev: 'imf', short: 'IMF', name: 'Internet Message Format' };
const TEXT_LINES_PROTO = { abbrev: 'data-text-lines', short: 'Line-based text data', name: 'Line-based text data' };
const MULTIPART_PROTO = { abbrev: 'mime_multipart', short: 'MIME multipart', name: 'MIME Multipart Media Encapsulation' };
/** tshark's "media" dissector: a multipart part of a type nothing else dissects */
const MEDIA_PROTO = { abbrev: 'media', short: 'Media', name: 'Media Type' };

type HeaderKind = 'string' | 'mailbox' | 'mailbox-list' | 'address-list' | 'content-type';

/** Known headers: [field key, display name, kind, shown in Info]. Names and abbrevs are tshark 4.0's. */
const HEADERS: readonly [string, string, HeaderKind, boolean][] = [
  ['date', 'Date', 'string', false],
  ['from', 'From', 'mailbox-list', true],
  ['sender', 'Sender', 'mailbox', false],
  ['reply_to', 'Reply-To', 'address-list', false],
  ['to', 'To', 'address-list', false],
  ['cc', 'Cc', 'address-list', false],
  ['bcc', 'Bcc', 'address-list', false],
  ['message_id', 'Message-ID', 'string', false],
  ['in_reply_to', 'In-Reply-To', 'string', false],
  ['references', 'References', 'string', false],
  ['subject', 'Subject', 'string', true],
  ['comments', 'Comments', 'string', false],
  ['user_agent', 'User-Agent', 'string', false],
  ['keywords', 'Keywords', 'string', false],
  ['resent.date', 'Resent-Date', 'string', false],
  ['resent.from', 'Resent-From', 'mailbox-list', false],
  ['resent.sender', 'Resent-Sender', 'mailbox', false],
  ['resent.to', 'Resent-To', 'address-list', false],
  ['resent.cc', 'Resent-Cc', 'address-list', false],
  ['resent.bcc', 'Resent-Bcc', 'address-list', false],
  ['resent.message_id', 'Resent-Message-ID', 'string', false],
  ['return_path', 'Return-Path', 'string', false],
  ['received', 'Received', 'string', false],
  ['content.type', 'Content-Type', 'content-type', false],
  ['content.description', 'Content-Description', 'string', false],
  ['content.id', 'Content-ID', 'string', false],
  ['content.transfer_encoding', 'Content-Transfer-Encoding', 'string', false],
  ['mime_version', 'MIME-Version', 'string', false],
  ['delivered_to', 'Delivered-To', 'mailbox', false],
  ['ext.mailer', 'X-Mailer', 'string', false],
  ['ext.mimeole', 'X-MimeOLE', 'string', false],
  ['ext.uidl', 'X-UIDL', 'string', false],
  ['ext.original-to', 'X-Original-To', 'address-list', false],
  ['ext.virus_scanned', 'X-Virus-Scanned', 'string', false],
  ['importance', 'Importance', 'string', false],
  ['priority', 'Priority', 'string', false],
  ['precedence', 'Precedence', 'string', false],
  ['content_language', 'Content-Language', 'string', false],
  ['thread-index', 'Thread-Index', 'string', false],
  // MIXER (RFC 2156) and other headers tshark 4.0 names; their values are unstructured text.
  ['autoforwarded', 'Autoforwarded', 'string', false],
  ['autosubmitted', 'Autosubmitted', 'string', false],
  ['x400_content_identifier', 'X400-Content-Identifier', 'string', false],
  ['conversion', 'Conversion', 'string', false],
  ['conversion_with_loss', 'Conversion-With-Loss', 'string', false],
  ['delivery_date', 'Delivery-Date', 'string', false],
  ['discarded_x400_ipms_extensions', 'Discarded-X400-IPMS-Extensions', 'string', false],
  ['discarded_x400_mts_extensions', 'Discarded-X400-MTS-Extensions', 'string', false],
  ['dl_expansion_history', 'DL-Expansion-History', 'string', false],
  ['deferred_delivery', 'Deferred-Delivery', 'string', false],
  ['expires', 'Expires', 'string', false],
  ['incomplete_copy', 'Incomplete-Copy', 'string', false],
  ['latest_delivery_time', 'Latest-Delivery-Time', 'string', false],
  ['message_type', 'Message-Type', 'string', false],
  ['original_encoded_information_types', 'Original-Encoded-Information-Types', 'string', false],
  ['originator_return_address', 'Originator-Return-Address', 'string', false],
  ['reply_by', 'Reply-By', 'string', false],
  ['sensitivity', 'Sensitivity', 'string', false],
  ['supersedes', 'Supersedes', 'string', false],
  ['x400_content_type', 'X400-Content-Type', 'string', false],
  ['x400_mts_identifier', 'X400-MTS-Identifier', 'string', false],
  ['x400_originator', 'X400-Originator', 'string', false],
  ['x400_received', 'X400-Received', 'string', false],
  ['x400_recipients', 'X400-Recipients', 'string', false],
  ['lines', 'Lines', 'string', false],
  ['ext.expiry-date', 'Expiry-Date', 'string', false],
  ['ext.tnef-correlator', 'X-MS-TNEF-Correlator', 'string', false],
  ['ext.authentication_warning', 'X-Authentication-Warning', 'string', false],
];

const headerSpecs: Record<string, { name: string; type: 'string' | 'none' }> = {};
for (const [key, name] of HEADERS) headerSpecs[key] = { name, type: 'string' };
const H = defineFields('imf', headerSpecs);

const F = defineFields('imf', {
  content_type_type: { name: 'Type', type: 'string', abbrev: 'imf.content.type.type' },
  content_type_parameters: { name: 'Parameters', type: 'string', abbrev: 'imf.content.type.parameters' },
  extension: { name: 'Unknown-Extension', type: 'string' },
  extension_type: { name: 'Type', type: 'string', abbrev: 'imf.extension.type' },
  extension_value: { name: 'Value', type: 'string', abbrev: 'imf.extension.value' },
  display_name: { name: 'Display-Name', type: 'string' },
  address: { name: 'Address', type: 'string' },
  address_list_item: { name: 'Item', type: 'string', abbrev: 'imf.address_list.item' },
  mailbox_list_item: { name: 'Item', type: 'string', abbrev: 'imf.mailbox_list.item' },
  message_text: { name: 'Message-Text', type: 'none' },
});

const MP = defineFields('mime_multipart', {
  type: { name: 'Type', type: 'string' },
  part: { name: 'Encapsulated multipart part', type: 'string' },
  first_boundary: { name: 'First boundary', type: 'string' },
  boundary: { name: 'Boundary', type: 'string' },
  last_boundary: { name: 'Last boundary', type: 'string' },
  preamble: { name: 'Preamble', type: 'bytes' },
  trailer: { name: 'Trailer', type: 'bytes' },
  content_type: { name: 'Content-Type', type: 'string', abbrev: 'mime_multipart.header.content-type' },
  content_transfer_encoding: {
    name: 'Content-Transfer-Encoding',
    type: 'string',
    abbrev: 'mime_multipart.header.content-transfer-encoding',
  },
  content_disposition: { name: 'Content-Disposition', type: 'string', abbrev: 'mime_multipart.header.content-disposition' },
  content_id: { name: 'Content-Id', type: 'string', abbrev: 'mime_multipart.header.content-id' },
  content_description: { name: 'Content-Description', type: 'string', abbrev: 'mime_multipart.header.content-description' },
});

const MEDIA = defineFields('media', {
  type: { name: 'Media type', type: 'bytes' },
});

const P = protocolField(PROTO);
const P_MEDIA = protocolField(MEDIA_PROTO);
const P_TEXT = protocolField(TEXT_LINES_PROTO);
const P_MP = protocolField(MULTIPART_PROTO);

const HEADER_BY_NAME = new Map<string, { field: (typeof H)[string]; name: string; kind: HeaderKind; info: boolean }>();
for (const [key, name, kind, info] of HEADERS) HEADER_BY_NAME.set(name.toLowerCase(), { field: H[key], name, kind, info });

const MP_HEADER = new Map([
  ['content-type', MP.content_type],
  ['content-transfer-encoding', MP.content_transfer_encoding],
  ['content-disposition', MP.content_disposition],
  ['content-id', MP.content_id],
  ['content-description', MP.content_description],
]);

/** PLAIN is formatPlainLines's reused result. */
const PLAIN: PlainLines = { text: '', next: 0 };

/** MAX_MIME_DEPTH bounds nested multiparts (a hostile message cannot recurse without end). */
const MAX_MIME_DEPTH = 8;

// ---------------------------------------------------------------------------------------------------
// RFC 2047 encoded words

type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder | null>();
function decoderFor(charset: string): Decoder | null {
  const key = charset.toLowerCase();
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(key === 'gb2312' ? 'gbk' : key);
    } catch {
      d = null;
    }
    decoders.set(key, d);
  }
  return d;
}

function qpWordBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(text.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * decodeEncodedWords decodes RFC 2047 encoded words for display; whitespace between two adjacent
 * encoded words is dropped (RFC 2047 §6.2). Unknown charsets leave the word as it is.
 */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  const joined = unfolded.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (word, charset: string, enc: string, payload: string) => {
    const decoder = decoderFor(charset.split('*')[0]);
    if (!decoder) return word;
    const bytes = enc.toUpperCase() === 'B' ? base64Decode(payload) : qpWordBytes(payload);
    return bytes ? decoder.decode(bytes) : word;
  });
}

// ---------------------------------------------------------------------------------------------------
// Transfer encodings

/** decodeQuotedPrintable decodes a quoted-printable body (RFC 2045 §6.7), soft line breaks included. */
export function decodeQuotedPrintable(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  const hex = (b: number): number =>
    b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x3d) {
      out[n++] = b;
      continue;
    }
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) {
      i += 2;
      continue;
    }
    if (bytes[i + 1] === 0x0a) {
      i += 1;
      continue;
    }
    const hi = hex(bytes[i + 1] ?? -1);
    const lo = hex(bytes[i + 2] ?? -1);
    if (hi >= 0 && lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else out[n++] = b;
  }
  return out.slice(0, n);
}

export function decodeTransfer(encoding: string, bytes: Uint8Array): { bytes: Uint8Array; name: string; base64: boolean } | undefined {
  const e = encoding.trim().toLowerCase();
  if (e === 'base64') {
    const decoded = base64Decode(latin1(bytes));
    return decoded ? { bytes: decoded, name: 'Decoded base64', base64: true } : undefined;
  }
  if (e === 'quoted-printable') return { bytes: decodeQuotedPrintable(bytes), name: 'Decoded quoted-printable', base64: false };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Header parsing

/** RawHeader is one header field: key [start, keyEnd), value [valueStart, valueEnd), field end `end`. */
interface RawHeader {
  start: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  end: number;
}

/**
 * parseHeaders walks header fields from `start` as tshark does: the key runs to the next colon (even
 * across lines), the field ends at a CRLF not followed by SP/HT; an empty line ends the headers.
 * Returns the headers and where the body starts (0 when a key without colon stopped parsing).
 */
function parseHeaders(bytes: Uint8Array, start: number, end: number): { headers: RawHeader[]; bodyStart: number } {
  const headers: RawHeader[] = [];
  let offset = start;
  while (offset < end) {
    if (bytes[offset] === 0x0d && bytes[offset + 1] === 0x0a) return { headers, bodyStart: offset + 2 };
    if (bytes[offset] === 0x0a) return { headers, bodyStart: offset + 1 };
    const colon = bytes.indexOf(0x3a, offset);
    if (colon < 0 || colon >= end) return { headers, bodyStart: start === 0 ? 0 : start };
    let scan = colon + 1;
    let fieldEnd = end;
    let valueEnd = end;
    let last = false;
    for (;;) {
      const line = findLineEnd(bytes, scan, end);
      if (!line.terminated) break;
      const next = line.next;
      if (next < end && (bytes[next] === 0x20 || bytes[next] === 0x09)) {
        scan = next;
        continue;
      }
      valueEnd = line.start + line.length;
      fieldEnd = next;
      if (next >= end || bytes[next] === 0x0d || bytes[next] === 0x0a) last = true;
      break;
    }
    // As tshark: the value starts after white space (line ends and folds included); a value that is only
    // white space is shown whole.
    let valueStart = colon + 1;
    while (valueStart < fieldEnd && isSpace(bytes[valueStart])) valueStart++;
    if (valueStart >= fieldEnd) valueStart = colon + 1;
    headers.push({ start: offset, keyEnd: colon, valueStart: Math.min(valueStart, valueEnd), valueEnd, end: fieldEnd });
    offset = fieldEnd;
    if (last) {
      if (offset < end) {
        const blank = findLineEnd(bytes, offset, end);
        return { headers, bodyStart: blank.next };
      }
      return { headers, bodyStart: end };
    }
  }
  return { headers, bodyStart: end };
}

/** isSpace is C's isspace: SP, HT, LF, VT, FF, CR. */
function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/**
 * splitAddressList splits at commas outside quotes, comments and angle brackets (tshark splits at every
 * comma). As in tshark, an item starts right after its comma, white space included.
 */
function splitAddressList(bytes: Uint8Array, start: number, end: number): [number, number][] {
  const parts: [number, number][] = [];
  let depthAngle = 0;
  let depthParen = 0;
  let quoted = false;
  let partStart = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (quoted) {
      if (b === 0x5c) i++;
      else if (b === 0x22) quoted = false;
    } else if (b === 0x22) quoted = true;
    else if (b === 0x28) depthParen++;
    else if (b === 0x29 && depthParen > 0) depthParen--;
    else if (b === 0x3c) depthAngle++;
    else if (b === 0x3e && depthAngle > 0) depthAngle--;
    else if (b === 0x2c && depthAngle === 0 && depthParen === 0) {
      parts.push([partStart, i]);
      partStart = i + 1;
    }
  }
  parts.push([partStart, end]);
  return parts;
}

function label(name: string, raw: string): string {
  const decoded = decodeEncodedWords(raw);
  return `${name}: ${decoded}`;
}

/**
 * addAddressList shows a comma-separated list in [start, end) as tshark's dissect_imf_mailbox_list /
 * dissect_imf_address_list: one item per entry (the last one holds the line end), each a mailbox, or in
 * an address list a group (`name: a@x, b@y;`, whose mailboxes hang under its display name). Returns the
 * number of items.
 */
function addAddressList(ctx: DissectCtx, parent: TreeItem, view: ByteView, start: number, end: number, mailboxes: boolean): number {
  const bytes = view.bytes;
  const parts = splitAddressList(bytes, start, end);
  for (const [ps, pe] of parts) {
    const field = mailboxes ? F.mailbox_list_item : F.address_list_item;
    const item = ctx.tree.add(parent, field, view.src, ps, pe - ps, asciiValue(bytes, ps, pe), () => label('Item', formatText(bytes, ps, pe)));
    const colon = mailboxes ? -1 : bytes.indexOf(0x3a, ps);
    if (colon < 0 || colon >= pe) {
      addMailbox(ctx, item, view, ps, pe);
      continue;
    }
    // A group: its display name, and the mailboxes after the colon under it (none before a `;`).
    let dnStart = ps;
    while (dnStart < colon && isSpace(bytes[dnStart])) dnStart++;
    let dnEnd = colon;
    while (dnEnd > dnStart && isSpace(bytes[dnEnd - 1])) dnEnd--;
    const name = ctx.tree.add(item, F.display_name, view.src, dnStart, dnEnd - dnStart, asciiValue(bytes, dnStart, dnEnd));
    let at = colon + 1;
    while (at < pe && isSpace(bytes[at])) at++;
    if (at < pe && bytes[at] !== 0x3b) {
      const count = addAddressList(ctx, name, view, at, pe, true);
      name.setLabel(() => `${label('Display-Name', formatText(bytes, dnStart, dnEnd))}, ${count} item${count === 1 ? '' : 's'}`);
    } else name.setLabel(() => label('Display-Name', formatText(bytes, dnStart, dnEnd)));
  }
  return parts.length;
}

/**
 * addMailbox shows one mailbox in [ps, pe) under `item` as tshark's dissect_imf_mailbox: the display
 * name before `<` and the address between `<` and `>`, or the whole entry as the address.
 */
function addMailbox(ctx: DissectCtx, item: TreeItem, view: ByteView, ps: number, pe: number): void {
  const bytes = view.bytes;
  const lt = bytes.indexOf(0x3c, ps);
  if (lt < 0 || lt >= pe) {
    ctx.tree.add(item, F.address, view.src, ps, pe - ps, asciiValue(bytes, ps, pe), () => `Address: ${formatText(bytes, ps, pe)}`);
    return;
  }
  let dnStart = ps;
  while (dnStart < lt && isSpace(bytes[dnStart])) dnStart++;
  let dnEnd = lt;
  while (dnEnd > dnStart && (bytes[dnEnd - 1] === 0x20 || bytes[dnEnd - 1] === 0x09)) dnEnd--;
  if (dnEnd > dnStart) {
    ctx.tree.add(item, F.display_name, view.src, dnStart, dnEnd - dnStart, asciiValue(bytes, dnStart, dnEnd), () =>
      label('Display-Name', formatText(bytes, dnStart, dnEnd)),
    );
  }
  const gt = bytes.indexOf(0x3e, lt);
  // As tshark: no address item without the closing `>`.
  if (gt >= 0 && gt < pe) ctx.tree.add(item, F.address, view.src, lt + 1, gt - lt - 1, asciiValue(bytes, lt + 1, gt));
}

/**
 * contentTypeSemicolon finds the `;` that ends a message's media type in a Content-Type value, or -1.
 * As tshark's IMF (dissect_imf_content_type): without parameters a message has no content type, so its
 * body is shown as Message-Text (`Content-Type: text/plain` typed by hand in the lab), and there are no
 * `imf.content.type.type` / `.parameters` items.
 */
function contentTypeSemicolon(bytes: Uint8Array, vs: number, ve: number): number {
  const semi = bytes.indexOf(0x3b, vs);
  return semi >= 0 && semi < ve ? semi : -1;
}

/** HeaderSummary is what the body dissection needs from the headers. */
interface HeaderSummary {
  /** the media type in lower case (what picks the dissector) */
  contentType?: string;
  /** a message's media type as written, which tshark's IMF shows (`Line-based text data: TEXT/PLAIN`) */
  shownType?: string;
  parameters?: string;
  transferEncoding?: string;
}

/** HEADER_GROUP: the items dissectHeaderList adds. */
const HEADER_GROUP = new FieldGroup([...Object.values(H), ...Object.values(F)]);

/** summariseHeaders is dissectHeaderList when no header item is kept: Info and the body facts only. */
function summariseHeaders(ctx: DissectCtx, view: ByteView, headers: RawHeader[], info: boolean): HeaderSummary {
  const bytes = view.bytes;
  const b = view.base;
  const summary: HeaderSummary = {};
  const withInfo = info && ctx.columns.enabled;
  for (const h of headers) {
    const known = HEADER_BY_NAME.get(latin1(bytes, b + h.start, b + h.keyEnd).trim().toLowerCase());
    if (!known) continue;
    const vs = b + h.valueStart;
    const ve = b + h.valueEnd;
    if (withInfo && known.info) ctx.columns.appendInfo(`${known.name.toLowerCase()}: ${formatText(bytes, vs, ve)}, `);
    if (known.kind === 'content-type') {
      const semi = contentTypeSemicolon(bytes, vs, ve);
      if (semi >= 0) {
        summary.shownType = asciiValue(bytes, vs, semi).trim();
        summary.contentType = summary.shownType.toLowerCase();
        summary.parameters = asciiValue(bytes, semi + 1, ve);
      }
    }
    if (known.name === 'Content-Transfer-Encoding') summary.transferEncoding = asciiValue(bytes, vs, ve);
  }
  return summary;
}

function dissectHeaderList(ctx: DissectCtx, view: ByteView, top: TreeItem, headers: RawHeader[], info: boolean): HeaderSummary {
  if (!ctx.tree.wantsAny(HEADER_GROUP)) return summariseHeaders(ctx, view, headers, info);
  const bytes = view.bytes;
  const b = view.base;
  const summary: HeaderSummary = {};
  for (const h of headers) {
    const keyRaw = latin1(bytes, b + h.start, b + h.keyEnd);
    const known = HEADER_BY_NAME.get(keyRaw.trim().toLowerCase());
    const vs = b + h.valueStart;
    const ve = b + h.valueEnd;
    const value = asciiValue(bytes, vs, ve);
    // String items as tshark adds them: value and label stop at a NUL, and a NUL followed by other bytes
    // is "Trailing stray characters" (a NUL typed into a message in telnet).
    const shown = formatText(bytes, vs, nulOrEnd(bytes, vs, ve));
    if (!known) {
      const hs = b + h.start;
      const nameEnd = nulOrEnd(bytes, hs, vs);
      const item = ctx.tree.add(
        top,
        F.extension,
        view.src,
        hs,
        ve - hs,
        // The header as written, from its name to the end of its value (tshark's item).
        asciiValue(bytes, hs, ve),
        () =>
          `Unknown-Extension: ${formatText(bytes, hs, nameEnd)}${nameEnd < vs ? '' : decodeEncodedWords(shown)} ` +
          '(Contact Wireshark developers if you want this supported.)',
      );
      addStrayCharacters(ctx, item, bytes, view.src, hs, ve);
      const type = ctx.tree.add(item, F.extension_type, view.src, hs, h.keyEnd - h.start, asciiValue(bytes, hs, b + h.keyEnd), () =>
        `Type: ${formatText(bytes, hs, nulOrEnd(bytes, hs, b + h.keyEnd))}`,
      );
      addStrayCharacters(ctx, type, bytes, view.src, hs, b + h.keyEnd);
      addStrayCharacters(ctx, ctx.tree.add(item, F.extension_value, view.src, vs, ve - vs, value, () => label('Value', shown)), bytes, view.src, vs, ve);
      continue;
    }
    if (info && known.info) ctx.columns.appendInfo(`${known.name.toLowerCase()}: ${formatText(bytes, vs, ve)}, `);
    if (known.kind === 'mailbox-list' || known.kind === 'address-list') {
      const item = ctx.tree.add(top, known.field, view.src, vs, ve - vs, value);
      const count = addAddressList(ctx, item, view, vs, b + h.end, known.kind === 'mailbox-list');
      item.setLabel(() => `${label(known.name, shown)}, ${count} item${count === 1 ? '' : 's'}`);
      continue;
    }
    if (known.kind === 'mailbox') {
      addMailbox(ctx, ctx.tree.add(top, known.field, view.src, vs, ve - vs, value, () => label(known.name, shown)), view, vs, b + h.end);
      continue;
    }
    const item = ctx.tree.add(top, known.field, view.src, vs, ve - vs, value, () => label(known.name, shown));
    addStrayCharacters(ctx, item, bytes, view.src, vs, ve);
    if (known.kind === 'content-type') {
      const semi = contentTypeSemicolon(bytes, vs, ve);
      if (semi >= 0) {
        summary.shownType = asciiValue(bytes, vs, semi).trim();
        summary.contentType = summary.shownType.toLowerCase();
        summary.parameters = asciiValue(bytes, semi + 1, ve);
        ctx.tree.add(item, F.content_type_type, view.src, vs, semi - vs, asciiValue(bytes, vs, semi), () => `Type: ${formatText(bytes, vs, semi)}`);
        ctx.tree.add(item, F.content_type_parameters, view.src, semi + 1, ve - semi - 1, summary.parameters, () =>
          `Parameters: ${formatText(bytes, semi + 1, ve)}`,
        );
      }
    }
    if (known.name === 'Content-Transfer-Encoding') summary.transferEncoding = value;
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------------
// Bodies

/**
 * addTextLines adds Wireshark's "Line-based text data" layer over a view (DATA fragments, text bodies). A
 * frame lists the layer once for DATA fragments, but once per media-type call (`mediaCall`: a message
 * body, a text part), as tshark's frame.protocols.
 */
export function addTextLines(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, mediaType?: string, mediaCall = false): void {
  const bytes = view.bytes;
  const lines = splitLines(bytes, view.base, view.base + view.length);
  const heading = mediaType ? `Line-based text data: ${mediaType} (${lines.length} lines)` : `Line-based text data (${lines.length} lines)`;
  const top = ctx.tree.add(parent, P_TEXT, view.src, view.base, view.length, null, heading);
  if (mediaCall || !ctx.layers.includes('data-text-lines')) ctx.layers.push('data-text-lines');
  if (!ctx.tree.full) return;
  for (const line of lines) ctx.tree.addText(top, view.src, line.start, line.next - line.start, formatText(bytes, line.start, line.next));
}

function parameter(parameters: string | undefined, name: string): string | undefined {
  if (!parameters) return undefined;
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(parameters.replace(/\r?\n/g, ''));
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * dissectBody shows a body by its media type: the body of a message (`part` false: tshark's IMF hands it
 * to the media-type table) or the content of a multipart part (`part` true). `depth` counts the
 * multiparts and messages around it.
 */
function dissectBody(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, summary: HeaderSummary, depth: number, part: boolean): void {
  const type = summary.contentType ?? '';
  // An empty text part is still "Line-based text data (0 lines)", as tshark's multipart shows it.
  if (view.length === 0 && !(part && type.startsWith('text/'))) return;
  if (type.startsWith('multipart/') && depth < MAX_MIME_DEPTH) {
    const boundary = parameter(summary.parameters, 'boundary');
    if (boundary) {
      dissectMultipart(ctx, view, parent, summary.shownType ?? type, boundary, depth);
      return;
    }
  }
  let content = view;
  if (summary.transferEncoding) {
    const decoded = decodeTransfer(summary.transferEncoding, view.rest());
    if (decoded) {
      // A message's base64 body is the data source tshark's IMF adds, named by the header as written.
      const name = decoded.base64 && !part ? summary.transferEncoding.trim() : decoded.name;
      const src = ctx.addSource(`${name} (${decoded.bytes.length} bytes)`, decoded.bytes);
      content = viewOf(view, decoded.bytes, src);
    }
  }
  if (type === 'message/rfc822' && depth < MAX_MIME_DEPTH) {
    // A forwarded message, as tshark: IMF again (Protocol `…/IMF/IMF`).
    dissectMessage(ctx, content, parent, depth + 1);
    return;
  }
  if (type.startsWith('text/') || type === 'message/rfc822') {
    const shown = summary.shownType ?? type;
    addTextLines(ctx, content, parent, shown, true);
    appendInfoSpaced(ctx, `(${shown})`);
    // tshark: the text dissector took no bytes of an empty part, so its multipart calls the Media Type
    // dissector too, which appends the type to Info once more (and adds no item for no bytes).
    if (content.length === 0) appendInfoSpaced(ctx, `(${shown})`);
    return;
  }
  if (type === 'application/octet-stream') {
    // As tshark: Data, over the bytes as sent in a part, over the decoded bytes as a message's body. The
    // data module itself, not ctx.callData: the mail view dissects messages without a registry.
    dataModule.dissect!(ctx, part ? view : content, parent);
    return;
  }
  if (part) {
    // Any other type of part goes to tshark's "Media Type" dissector, with its bytes as sent (a decoded
    // copy is a data source of its own, above); Info is left alone.
    const media = ctx.tree.add(parent, P_MEDIA, view.src, view.base, view.length, null, MEDIA_PROTO.name);
    ctx.layers.push('media');
    ctx.tree.add(media, MEDIA.type, view.src, view.base, view.length, view.rest(), () => `Media type: ${type || 'unknown'} (${view.length} bytes)`);
    return;
  }
  // A message body of a type tshark has no dissector for: tshark shows nothing; this item shows where the
  // (decoded) bytes are. Info and the frame's protocols are left alone, as in tshark.
  ctx.tree.add(parent, P_TEXT, content.src, content.base, content.length, null, `Media Type: ${summary.shownType ?? type} (${content.length} bytes)`);
}

/** appendInfoSpaced is col_append_sep_str(" "): the separator depends on the whole column, not the fence. */
function appendInfoSpaced(ctx: DissectCtx, text: string): void {
  ctx.columns.appendInfo(ctx.columns.info.length > 0 ? ' ' + text : text);
}

function viewOf(like: ByteView, bytes: Uint8Array, src: number): ByteView {
  return new ByteView(bytes, 0, bytes.length, like.layer, src);
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number, end: number): number {
  const first = needle[0];
  for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= end; i = hay.indexOf(first, i + 1)) {
    let ok = true;
    for (let j = 1; j < needle.length; j++) {
      if (hay[i + j] !== needle[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

/** dissectMultipart shows a multipart body: boundaries, each part's headers and content (decoded). */
function dissectMultipart(
  ctx: DissectCtx,
  view: ByteView,
  parent: TreeItem | null,
  type: string,
  boundary: string,
  depth: number,
): void {
  const bytes = view.bytes;
  const start = view.base;
  const end = view.base + view.length;
  const top = ctx.tree.add(parent, P_MP, view.src, start, view.length, null, () =>
    `MIME Multipart Media Encapsulation, Type: ${type}, Boundary: "${boundary}"`,
  );
  ctx.layers.push('mime_multipart');
  ctx.tree.add(top, MP.type, view.src, start, 0, type, `[Type: ${type}]`).setGenerated();
  // The multipart layer itself adds nothing to Info; its text parts do, as in tshark (" (text/plain)").
  const delimiter = new TextEncoder().encode('--' + boundary);
  // Boundaries are only valid at line starts.
  const positions: number[] = [];
  let search = start;
  while (search < end && positions.length < 10_000) {
    const at = indexOfBytes(bytes, delimiter, search, end);
    if (at < 0) break;
    if (at === start || bytes[at - 1] === 0x0a) positions.push(at);
    search = at + delimiter.length;
  }
  if (positions.length === 0) {
    addTextLines(ctx, view, top);
    return;
  }
  if (positions[0] > start) ctx.tree.add(top, MP.preamble, view.src, start, positions[0] - start, bytes.slice(start, positions[0]));
  for (let i = 0; i < positions.length; i++) {
    const at = positions[i];
    const line = findLineEnd(bytes, at, end);
    const isLast = bytes[at + delimiter.length] === 0x2d && bytes[at + delimiter.length + 1] === 0x2d;
    const field = i === 0 ? MP.first_boundary : isLast ? MP.last_boundary : MP.boundary;
    // As tshark: a boundary item holds its line end and, after the first, the line end before it (the
    // CRLF that RFC 2046 §5.1.1 gives to the delimiter).
    let from = at;
    if (i > 0 && from > start && bytes[from - 1] === 0x0a) from--;
    if (i > 0 && from > start && bytes[from - 1] === 0x0d && from < at) from--;
    ctx.tree.add(top, field, view.src, from, line.next - from, asciiValue(bytes, from, line.next), () =>
      `${field.name}: ${formatText(bytes, from, line.next)}`,
    );
    if (isLast) {
      if (line.next < end) ctx.tree.add(top, MP.trailer, view.src, line.next, end - line.next, bytes.slice(line.next, end));
      break;
    }
    // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    let partEnd = i + 1 < positions.length ? positions[i + 1] : end;
    if (partEnd > line.next && bytes[partEnd - 1] === 0x0a) partEnd--;
    if (partEnd > line.next && bytes[partEnd - 1] === 0x0d) partEnd--;
    const partStart = line.next;
    if (partEnd <= partStart) continue;
    const part = ctx.tree.add(top, MP.part, view.src, partStart, partEnd - partStart, '', 'Encapsulated multipart part: ');
    const parsed = parseHeaders(bytes, partStart, partEnd);
    const summary: HeaderSummary = {};
    const lastHeader = parsed.headers[parsed.headers.length - 1];
    for (const h of parsed.headers) {
      const key = latin1(bytes, h.start, h.keyEnd).trim().toLowerCase();
      const f = MP_HEADER.get(key);
      const value = asciiValue(bytes, h.valueStart, h.valueEnd);
      if (f) {
        // As tshark: the label ends with the line end, and the last header's with the empty line too.
        const lineEnd = h === lastHeader && parsed.bodyStart > h.end && parsed.bodyStart <= partEnd ? parsed.bodyStart : h.end;
        ctx.tree.add(part, f, view.src, h.start, lineEnd - h.start, compactHeaderValue(value), () =>
          `${latin1(bytes, h.start, h.keyEnd)}: ${decodeEncodedWords(formatText(bytes, h.valueStart, h.valueEnd))}${formatText(bytes, h.valueEnd, lineEnd)}`,
        );
      } else {
        ctx.tree.addText(part, view.src, h.start, h.end - h.start, () => `${formatText(bytes, h.start, h.keyEnd)}: ${formatText(bytes, h.valueStart, h.valueEnd)}`);
      }
      if (key === 'content-type') {
        const semi = value.indexOf(';');
        summary.contentType = (semi >= 0 ? value.slice(0, semi) : value).trim().toLowerCase();
        if (semi >= 0) summary.parameters = value.slice(semi + 1);
      } else if (key === 'content-transfer-encoding') summary.transferEncoding = value;
    }
    const bodyStart = parsed.headers.length === 0 ? partStart : Math.max(parsed.bodyStart, partStart);
    if (summary.contentType) part.setLabel(`Encapsulated multipart part:  (${summary.contentType})`);
    if (bodyStart <= partEnd) {
      const body = new ByteView(bytes, bodyStart, partEnd - bodyStart, view.layer, view.src);
      dissectBody(ctx, body, part, { ...summary, contentType: summary.contentType ?? 'text/plain' }, depth + 1, true);
    }
  }
}

/** SEPARATORS: around these, tshark drops white space from a MIME part header's value */
const SEPARATORS = new Set([';', ',', '=']);

/**
 * compactHeaderValue is a MIME part header's value as tshark keeps it (packet-multipart.c): unfolded,
 * white space dropped at both ends and around separators, other runs of it one space; quoted text as
 * it is (`text/plain ; charset = "utf-8"` → `text/plain;charset="utf-8"`).
 */
export function compactHeaderValue(value: string): string {
  let out = '';
  let quoted = false;
  let space = false;
  for (const ch of value.replace(/\r?\n/g, '')) {
    if (quoted) {
      out += ch;
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      space = true;
      continue;
    }
    if (space && out !== '' && !SEPARATORS.has(ch) && !SEPARATORS.has(out[out.length - 1])) out += ' ';
    space = false;
    out += ch;
    if (ch === '"') quoted = true;
  }
  return out;
}

/**
 * dissectImf dissects a whole message in `view` (a reassembled SMTP DATA or POP RETR buffer). The
 * caller sets the Protocol column (`SMTP/IMF`, `POP/IMF`); IMF rewrites Info as tshark does.
 */
export function dissectImf(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  return dissectMessage(ctx, view, parent, 0);
}

/**
 * dissectMessage is tshark's IMF over one message: the top one (`depth` 0) or a `message/rfc822` body
 * inside it, which adds `/IMF` to the Protocol column and, like any IMF call, clears Info back to the
 * fence its enclosing message set.
 */
function dissectMessage(ctx: DissectCtx, view: ByteView, parent: TreeItem | null, depth: number): number {
  const bytes = view.bytes;
  const top = ctx.tree.add(parent, P, view.src, view.base, view.length, null);
  ctx.layers.push('imf');
  if (depth > 0) ctx.columns.protocol += '/IMF';
  ctx.columns.clearInfo();
  const parsed = parseHeaders(bytes, view.base, view.base + view.length);
  const headers = parsed.headers.map((h) => ({
    start: h.start - view.base,
    keyEnd: h.keyEnd - view.base,
    valueStart: h.valueStart - view.base,
    valueEnd: h.valueEnd - view.base,
    end: h.end - view.base,
  }));
  const summary = dissectHeaderList(ctx, view, top, headers, true);
  const bodyStart = parsed.bodyStart === 0 ? view.base : parsed.bodyStart;
  const bodyLength = view.base + view.length - bodyStart;
  if (summary.contentType) {
    ctx.columns.fenceInfo();
    const body = view.sub(bodyStart - view.base, bodyLength);
    dissectBody(ctx, body, top, summary, depth, false);
    return view.length;
  }
  if (bodyLength <= 0) return view.length;
  const text = ctx.tree.add(top, F.message_text, view.src, bodyStart, bodyLength, null);
  // The lines are text items (full mode only) and Info.
  const full = ctx.tree.full;
  if (!full && !ctx.columns.enabled) return view.length;
  const end = view.base + view.length;
  for (let at = bodyStart; at < end; ) {
    if (!full) {
      // Without a tree the lines only feed Info: stop once it is full (Columns.infoFull).
      if (ctx.columns.infoFull()) break;
      // After the first line every line is appended with ", ": plain ones are laid out in one string.
      if (at > bodyStart) {
        const plain = formatPlainLines(bytes, at, end, COL_MAX_INFO_BYTES - ctx.columns.info.length, PLAIN);
        if (plain.next > at) {
          ctx.columns.appendInfo(plain.text);
          at = plain.next;
          continue;
        }
      }
    }
    const line = findLineEnd(bytes, at, end);
    at = line.next;
    const shown = formatTextWsp(bytes, line.start, line.next);
    if (full) ctx.tree.addText(text, view.src, line.start, line.next - line.start, shown);
    ctx.columns.appendInfoSep(', ', shown);
  }
  return view.length;
}

/** imf is the Internet Message Format module (no table entry: SMTP and POP call it directly). */
export const imf: ProtocolModule = {
  proto: PROTO,
  fields: [...Object.values(H), ...Object.values(F)],
  extraProtocols: [
    { proto: TEXT_LINES_PROTO, fields: [] },
    { proto: MULTIPART_PROTO, fields: Object.values(MP) },
    { proto: MEDIA_PROTO, fields: Object.values(MEDIA) },
  ],
  dissect: dissectImf,
};
