/**
 * Domain Name System over UDP (RFC 1035; AAAA RFC 3596; AD/CD bits RFC 4035; Wireshark's packet-dns.c),
 * UDP port 53. Minimal but robust: header, flags, questions and resource records of the common types,
 * with Wireshark's Info (`Standard query 0x1234 A example.lab`, `Standard query response 0x1234 A
 * example.lab A 10.0.0.1`) and tshark's transaction tracking per UDP conversation: response/request
 * frames, retransmitted queries and responses (`dns.retransmission_timer`), unsolicited responses.
 * Name decoding follows compression pointers (RFC 1035 §4.1.4) with a visited set and a 255-byte
 * limit, so pointer loops and overlong names end with Wireshark's `<Name contains a pointer that
 * loops>` text instead of running forever. Record data of other types is shown as bytes.
 */
import { bitfieldLabel, formatIpv4, formatIpv6, escapeText } from '../../../shared/format';
import type { FieldDef } from '../../../shared/fields';
import { conversationKey, defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { formatText } from '../dissect/text';
import { addExpert } from './expert';
import { inErrorPacket } from './state';

const PROTO = { abbrev: 'dns', short: 'DNS', name: 'Domain Name System' };
const P = protocolField(PROTO);

/** DNS_F names the header's byte offsets. */
const DNS_F = { ID: 0, FLAGS: 2, QDCOUNT: 4, ANCOUNT: 6, NSCOUNT: 8, ARCOUNT: 10, HEADER_LENGTH: 12 } as const;
const FLAG_RESPONSE = 0x8000;
const OPCODE_MASK = 0x7800;
const RCODE_MASK = 0x000f;
const POINTER_MASK = 0xc0;
const MAX_NAME = 255;
const UNKNOWN_EXTENDED_LABEL = '<Unknown extended label>';

const OPCODES: Readonly<Record<number, string>> = {
  0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update', 6: 'DNS Stateful operations (DSO)',
};
const RCODES: Readonly<Record<number, string>> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
  11: 'DSO-Type not implemented',
};
const TYPES: Readonly<Record<number, [string, string]>> = {
  1: ['A', 'Host Address'], 2: ['NS', 'authoritative Name Server'], 5: ['CNAME', 'Canonical NAME for an alias'],
  6: ['SOA', 'Start Of a zone of Authority'], 12: ['PTR', 'domain name PoinTeR'], 13: ['HINFO', 'host information'],
  15: ['MX', 'Mail eXchange'], 16: ['TXT', 'Text strings'], 28: ['AAAA', 'IPv6 Address'], 33: ['SRV', 'Server Selection'],
  41: ['OPT', ''], 43: ['DS', 'Delegation Signer'], 46: ['RRSIG', 'Resource Record Signature'], 47: ['NSEC', 'Next Secure'],
  48: ['DNSKEY', 'DNS Public Key'], 64: ['SVCB', 'General Purpose Service Endpoints'], 65: ['HTTPS', 'HTTPS Specific Service Endpoints'],
  255: ['ANY', 'Request for all records the server/cache has available'], 257: ['CAA', 'Certification Authority Restriction'],
};
const CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

const F = defineFields('dns', {
  id: { name: 'Transaction ID', type: 'uint16', base: 'hex' },
  flags: { name: 'Flags', type: 'uint16', base: 'hex' },
  'flags.response': { name: 'Response', type: 'boolean', bitmask: 0x8000, tfs: ['Message is a response', 'Message is a query'] },
  'flags.opcode': { name: 'Opcode', type: 'uint16', bitmask: OPCODE_MASK, values: OPCODES },
  'flags.authoritative': { name: 'Authoritative', type: 'boolean', bitmask: 0x0400, tfs: ['Server is an authority for domain', 'Server is not an authority for domain'] },
  'flags.truncated': { name: 'Truncated', type: 'boolean', bitmask: 0x0200, tfs: ['Message is truncated', 'Message is not truncated'] },
  'flags.recdesired': { name: 'Recursion desired', type: 'boolean', bitmask: 0x0100, tfs: ['Do query recursively', "Don't do query recursively"] },
  'flags.recavail': { name: 'Recursion available', type: 'boolean', bitmask: 0x0080, tfs: ['Server can do recursive queries', "Server can't do recursive queries"] },
  'flags.z': { name: 'Z', type: 'boolean', bitmask: 0x0040, tfs: ['reserved - incorrect!', 'reserved (0)'] },
  'flags.authenticated': { name: 'Answer authenticated', type: 'boolean', bitmask: 0x0020, tfs: ['Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server'] },
  'flags.ad': { name: 'AD bit', type: 'boolean', bitmask: 0x0020 },
  'flags.checkdisable': { name: 'Non-authenticated data', type: 'boolean', bitmask: 0x0010, tfs: ['Acceptable', 'Unacceptable'] },
  'flags.rcode': { name: 'Reply code', type: 'uint16', bitmask: RCODE_MASK, values: RCODES },
  'count.queries': { name: 'Questions', type: 'uint16' },
  'count.answers': { name: 'Answer RRs', type: 'uint16' },
  'count.auth_rr': { name: 'Authority RRs', type: 'uint16' },
  'count.add_rr': { name: 'Additional RRs', type: 'uint16' },
  'qry.name': { name: 'Name', type: 'string' },
  'qry.name.len': { name: 'Name Length', type: 'uint16' },
  'count.labels': { name: 'Label Count', type: 'uint16' },
  'qry.type': { name: 'Type', type: 'uint16' },
  'qry.class': { name: 'Class', type: 'uint16', base: 'hex' },
  'resp.name': { name: 'Name', type: 'string' },
  'resp.type': { name: 'Type', type: 'uint16' },
  'resp.class': { name: 'Class', type: 'uint16', base: 'hex' },
  'resp.ttl': { name: 'Time to live', type: 'int32' },
  'resp.len': { name: 'Data length', type: 'uint32' },
  a: { name: 'Address', type: 'ipv4' },
  aaaa: { name: 'AAAA Address', type: 'ipv6' },
  cname: { name: 'CNAME', type: 'string' },
  ns: { name: 'Name Server', type: 'string' },
  'ptr.domain_name': { name: 'Domain Name', type: 'string' },
  'mx.preference': { name: 'Preference', type: 'uint16' },
  'mx.mail_exchange': { name: 'Mail Exchange', type: 'string' },
  txt: { name: 'TXT', type: 'string' },
  'soa.mname': { name: 'Primary name server', type: 'string' },
  data: { name: 'Data', type: 'bytes' },
  response_in: { name: 'Response In', type: 'framenum' },
  response_to: { name: 'Request In', type: 'framenum' },
  time: { name: 'Time', type: 'reltime' },
  retransmission: { name: 'Retransmission', type: 'boolean' },
  retransmit_request_in: { name: 'Retransmitted request. Original request in', type: 'framenum' },
  retransmit_response_in: { name: 'Retransmitted response. Original response in', type: 'framenum' },
  unsolicited: { name: 'Unsolicited', type: 'boolean' },
  retransmit_request: { name: 'DNS query retransmission', type: 'none' },
  retransmit_response: { name: 'DNS response retransmission', type: 'none' },
});

/** the preference: seconds within which a query with the same ID is a retransmission (tshark's) */
const RETRANSMISSION_TIMER = 'dns.retransmission_timer';

/** dnsFields are the `dns.*` field handles. */
export const dnsFields = F;

/** DnsName is a decoded name: text, bytes used at its position, label count. */
interface DnsName {
  text: string;
  used: number;
  labels: number;
  /** the name's length as tshark counts it: raw label bytes, not their escaped text */
  length: number;
}

/** readName decodes a (possibly compressed) name at `offset`; never loops (see the file comment). */
export function readName(view: ByteView, offset: number): DnsName {
  let text = '';
  let rawLength = 0;
  let labels = 0;
  let used = -1;
  let pos = offset;
  const visited = new Set<number>();
  for (;;) {
    const len = view.u8(pos);
    if (len === 0) {
      if (used < 0) used = pos + 1 - offset;
      break;
    }
    if ((len & POINTER_MASK) === POINTER_MASK) {
      const target = view.u16(pos) & 0x3fff;
      if (used < 0) used = pos + 2 - offset;
      if (visited.has(target) || visited.size > MAX_NAME) {
        const loop = '<Name contains a pointer that loops>';
        rawLength += (text ? 1 : 0) + loop.length;
        text = text ? `${text}.${loop}` : loop;
        break;
      }
      visited.add(target);
      pos = target;
      continue;
    }
    if ((len & POINTER_MASK) !== 0) {
      // Wireshark replaces the whole name and, not knowing the label's length, reports the text's
      // length as the bytes used (so parsing goes on at an arbitrary offset, as in tshark).
      text = UNKNOWN_EXTENDED_LABEL;
      used = rawLength = UNKNOWN_EXTENDED_LABEL.length;
      break;
    }
    // tshark 4.0 shows names through format_text (octal escapes, UTF-8 checked), in values too.
    view.check(pos + 1, len);
    const label = formatText(view.bytes, view.abs(pos + 1), view.abs(pos + 1) + len);
    rawLength += (text ? 1 : 0) + len;
    text = text ? `${text}.${label}` : label;
    labels++;
    pos += 1 + len;
    if (text.length > MAX_NAME * 4) break;
  }
  return text === '' ? { text: '<Root>', used, labels, length: 6 } : { text, used, labels, length: rawLength };
}

function typeName(type: number): string {
  return TYPES[type]?.[0] ?? `Unknown (${type})`;
}

function typeLabel(type: number): string {
  const t = TYPES[type];
  if (!t) return `Type: Unknown (${type})`;
  return t[1] ? `Type: ${t[0]} (${t[1]}) (${type})` : `Type: ${t[0]} (${type})`;
}

function className(cls: number): string {
  return CLASSES[cls] ?? `Unknown (0x${cls.toString(16).padStart(4, '0')})`;
}

function classLabel(cls: number): string {
  return `Class: ${className(cls)} (0x${cls.toString(16).padStart(4, '0')})`;
}

/** timeSecs is Wireshark's unsigned_time_secs_to_str: `1 day, 2 hours, 3 minutes, 4 seconds`. */
export function timeSecs(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (n: number, name: string) => parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  let rest = secs;
  const days = Math.floor(rest / 86400);
  rest %= 86400;
  const hours = Math.floor(rest / 3600);
  rest %= 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest % 60;
  if (days) unit(days, 'day');
  if (hours) unit(hours, 'hour');
  if (minutes) unit(minutes, 'minute');
  if (seconds) unit(seconds, 'second');
  return parts.join(', ');
}

function dissectDns(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'dns';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  ctx.layers.push('dns');
  ctx.columns.protocol = 'DNS';
  ctx.columns.clearInfo();
  const s = view.src;
  const id = view.u16(DNS_F.ID);
  const flags = view.u16(DNS_F.FLAGS);
  const response = (flags & FLAG_RESPONSE) !== 0;
  const opcode = (flags & OPCODE_MASK) >> 11;
  const rcode = flags & RCODE_MASK;
  const opName = OPCODES[opcode] ?? 'Unknown operation';
  let info = `${opName}${opName === 'Unknown operation' ? ` (${opcode})` : ''}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
  if (response && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  ctx.columns.setInfo(info);
  // The transaction is looked up before any item is added, as tshark does: a message cut short after
  // its flags still answers (or retransmits) its query.
  const tracked = trackTransaction(ctx, id, response);
  const top = tree.add(parent, P, s, view.base, view.length, null, `${PROTO.name} (${response ? 'response' : 'query'})`);
  const idItem = tree.add(top, F.id, s, view.abs(DNS_F.ID), 2, id);
  let flagsSummary = opName;
  if (response) flagsSummary += ` response, ${RCODES[rcode] ?? 'Unknown error'}`;
  const flagsItem = tree.add(top, F.flags, s, view.abs(DNS_F.FLAGS), 2, flags, () => `Flags: 0x${flags.toString(16).padStart(4, '0')} ${flagsSummary}`);
  if (building) {
    const at = view.abs(DNS_F.FLAGS);
    const bit = (m: number) => (flags & m) !== 0;
    tree.add(flagsItem, F['flags.response'], s, at, 2, response, () => bitfieldLabel(F['flags.response'], response, 16));
    tree.add(flagsItem, F['flags.opcode'], s, at, 2, opcode, () => bitfieldLabel(F['flags.opcode'], opcode, 16));
    if (response) tree.add(flagsItem, F['flags.authoritative'], s, at, 2, bit(0x0400), () => bitfieldLabel(F['flags.authoritative'], bit(0x0400), 16));
    tree.add(flagsItem, F['flags.truncated'], s, at, 2, bit(0x0200), () => bitfieldLabel(F['flags.truncated'], bit(0x0200), 16));
    tree.add(flagsItem, F['flags.recdesired'], s, at, 2, bit(0x0100), () => bitfieldLabel(F['flags.recdesired'], bit(0x0100), 16));
    if (response) tree.add(flagsItem, F['flags.recavail'], s, at, 2, bit(0x0080), () => bitfieldLabel(F['flags.recavail'], bit(0x0080), 16));
    tree.add(flagsItem, F['flags.z'], s, at, 2, bit(0x0040), () => bitfieldLabel(F['flags.z'], bit(0x0040), 16));
    if (response) tree.add(flagsItem, F['flags.authenticated'], s, at, 2, bit(0x0020), () => bitfieldLabel(F['flags.authenticated'], bit(0x0020), 16));
    else if (bit(0x0020)) tree.add(flagsItem, F['flags.ad'], s, at, 2, true, () => bitfieldLabel(F['flags.ad'], true, 16));
    tree.add(flagsItem, F['flags.checkdisable'], s, at, 2, bit(0x0010), () => bitfieldLabel(F['flags.checkdisable'], bit(0x0010), 16));
    if (response) tree.add(flagsItem, F['flags.rcode'], s, at, 2, rcode, () => bitfieldLabel(F['flags.rcode'], rcode, 16));
  }
  // Each count is read as its item is added, so a message cut inside the counts shows those before the cut.
  const counts: number[] = [];
  const countFields = [F['count.queries'], F['count.answers'], F['count.auth_rr'], F['count.add_rr']];
  for (let i = 0; i < 4; i++) {
    const at = DNS_F.QDCOUNT + 2 * i;
    counts.push(view.u16(at));
    tree.add(top, countFields[i], s, view.abs(at), 2, counts[i]);
  }
  let offset: number = DNS_F.HEADER_LENGTH;
  if (counts[0] > 0) {
    const section = tree.addText(top, s, view.abs(offset), 0, 'Queries');
    const start = offset;
    for (let i = 0; i < counts[0]; i++) {
      const name = readName(view, offset);
      const type = view.u16(offset + name.used);
      const cls = view.u16(offset + name.used + 2);
      const len = name.used + 4;
      ctx.columns.appendInfo(` ${typeName(type)} ${escapeText(name.text)}`);
      if (building) {
        const q = tree.addText(section, s, view.abs(offset), len, () => `${name.text}: type ${typeName(type)}, class ${className(cls)}`);
        tree.add(q, F['qry.name'], s, view.abs(offset), name.used, name.text, () => `Name: ${escapeText(name.text)}`);
        tree.add(q, F['qry.name.len'], s, view.abs(offset), name.used, name.length, () => `Name Length: ${name.length}`).setGenerated();
        tree.add(q, F['count.labels'], s, view.abs(offset), name.used, name.labels, () => `Label Count: ${name.labels}`).setGenerated();
        tree.add(q, F['qry.type'], s, view.abs(offset + name.used), 2, type, () => typeLabel(type));
        tree.add(q, F['qry.class'], s, view.abs(offset + name.used + 2), 2, cls, () => classLabel(cls));
      }
      offset += len;
    }
    section.setLength(offset - start);
  }
  const sections: [number, string][] = [[counts[1], 'Answers'], [counts[2], 'Authoritative nameservers'], [counts[3], 'Additional records']];
  for (let si = 0; si < sections.length; si++) {
    const [count, title] = sections[si];
    if (count === 0) continue;
    const section = tree.addText(top, s, view.abs(offset), 0, title);
    const start = offset;
    for (let i = 0; i < count; i++) offset = dissectRecord(ctx, view, offset, section, si === 0);
    section.setLength(offset - start);
  }
  showTransaction(ctx, top, idItem, response, tracked, view);
  return view.length;
}

function dissectRecord(ctx: DissectCtx, view: ByteView, offset: number, section: TreeItem, answer: boolean): number {
  const tree = ctx.tree;
  const s = view.src;
  const name = readName(view, offset);
  const at = offset + name.used;
  const type = view.u16(at);
  const cls = view.u16(at + 2);
  const ttl = view.u32(at + 4) | 0;
  const rdlen = view.u16(at + 8);
  const rdata = at + 10;
  if (answer) ctx.columns.appendInfo(` ${typeName(type)}`);
  let summary = '';
  let infoText = '';
  const building = tree.mode !== 'none';
  const items: (() => void)[] = [];
  let rr: TreeItem = section;
  const add = (fn: () => void) => items.push(fn);
  switch (type) {
    case 1:
      if (rdlen === 4) {
        const v = view.u32(rdata);
        summary = `, addr ${formatIpv4(v)}`;
        infoText = ` ${formatIpv4(v)}`;
        add(() => tree.add(rr, F.a, s, view.abs(rdata), 4, v));
      }
      break;
    case 28:
      if (rdlen === 16) {
        const v = view.slice(rdata, 16);
        summary = `, addr ${formatIpv6(v)}`;
        infoText = ` ${formatIpv6(v)}`;
        add(() => tree.add(rr, F.aaaa, s, view.abs(rdata), 16, v));
      }
      break;
    case 2:
    case 5:
    case 12: {
      const target = readName(view, rdata);
      const field = type === 2 ? F.ns : type === 5 ? F.cname : F['ptr.domain_name'];
      summary = type === 2 ? `, ns ${target.text}` : type === 5 ? `, cname ${target.text}` : `, ${target.text}`;
      infoText = ` ${escapeText(target.text)}`;
      add(() => tree.add(rr, field, s, view.abs(rdata), rdlen, target.text));
      break;
    }
    case 15: {
      const pref = view.u16(rdata);
      const mx = readName(view, rdata + 2);
      summary = `, preference ${pref}, mx ${mx.text}`;
      infoText = ` ${pref} ${escapeText(mx.text)}`;
      add(() => {
        tree.add(rr, F['mx.preference'], s, view.abs(rdata), 2, pref);
        tree.add(rr, F['mx.mail_exchange'], s, view.abs(rdata + 2), rdlen - 2, mx.text);
      });
      break;
    }
    case 6: {
      const mname = readName(view, rdata);
      summary = `, mname ${mname.text}`;
      infoText = ` ${escapeText(mname.text)}`;
      add(() => tree.add(rr, F['soa.mname'], s, view.abs(rdata), mname.used, mname.text));
      break;
    }
    case 16: {
      infoText = '';
      add(() => {
        let o = rdata;
        while (o < rdata + rdlen) {
          const l = view.u8(o);
          const text = view.latin1(o + 1, Math.min(l, rdata + rdlen - o - 1));
          tree.add(rr, F.txt, s, view.abs(o + 1), l, text, () => `TXT: ${escapeText(text)}`);
          o += 1 + l;
        }
      });
      break;
    }
    default:
      infoText = '';
      if (rdlen > 0) add(() => tree.add(rr, F.data, s, view.abs(rdata), rdlen, view.slice(rdata, rdlen)));
  }
  view.check(rdata, rdlen);
  if (answer) ctx.columns.appendInfo(infoText);
  if (building) {
    rr = tree.addText(section, s, view.abs(offset), rdata + rdlen - offset, () => `${name.text}: type ${typeName(type)}, class ${className(cls)}${summary}`);
    tree.add(rr, F['resp.name'], s, view.abs(offset), name.used, name.text, () => `Name: ${escapeText(name.text)}`);
    tree.add(rr, F['resp.type'], s, view.abs(at), 2, type, () => typeLabel(type));
    tree.add(rr, F['resp.class'], s, view.abs(at + 2), 2, cls, () => classLabel(cls));
    tree.add(rr, F['resp.ttl'], s, view.abs(at + 4), 4, ttl, () => `Time to live: ${ttl}${ttl > 0 ? ` (${timeSecs(ttl)})` : ''}`);
    tree.add(rr, F['resp.len'], s, view.abs(at + 8), 2, rdlen);
    for (const fn of items) fn();
  }
  return rdata + rdlen;
}

/** Transaction is tshark's dns_transaction_t: a query, the first response to it, and the query's time. */
interface Transaction {
  request: number;
  /** 0 until a response is seen */
  response: number;
  sec: number;
  nsec: number;
}

/** Tracked is what a message shows of its transaction (frozen on the first pass). */
interface Tracked {
  /** undefined: an unsolicited response, or a message quoted in an ICMP error (tshark's fake transaction) */
  transaction: Transaction | undefined;
  retransmission: boolean;
}

/**
 * trackTransaction is tshark's transaction bookkeeping (packet-dns.c, 4.0): per UDP conversation (both
 * addresses and ports) the latest transaction of each ID. A query starts a transaction unless the latest
 * one of its ID is unanswered and began less than `dns.retransmission_timer` seconds ago (then it is a
 * retransmission of that query); a response answers the latest transaction of its ID, or retransmits
 * its answer when it already has one. Messages quoted in an ICMP error are not tracked.
 */
function trackTransaction(ctx: DissectCtx, id: number, response: boolean): Tracked | undefined {
  if (inErrorPacket(ctx)) return { transaction: undefined, retransmission: false };
  // (dissected again without frozen data: nothing is known of the transaction, and nothing is shown)
  if (!ctx.firstPass) return ctx.getFrameData<Tracked>('dns.transaction');
  const latest = ctx.conversation(conversationKey(ctx, 'dns'), () => new Map<number, Transaction>());
  const frame = ctx.frame;
  let t = latest.get(id);
  let retransmission = false;
  if (!response) {
    const delta = t === undefined ? 0 : frame.tsSec - t.sec + (frame.tsNsec - t.nsec) / 1e9;
    if (t !== undefined && t.response === 0 && delta < ctx.pref<number>(RETRANSMISSION_TIMER)) retransmission = true;
    else latest.set(id, (t = { request: frame.number, response: 0, sec: frame.tsSec, nsec: frame.tsNsec }));
  } else if (t !== undefined) {
    if (t.response === 0) t.response = frame.number;
    else retransmission = true;
  }
  const tracked = { transaction: t, retransmission };
  ctx.setFrameData('dns.transaction', tracked);
  return tracked;
}

/** showTransaction adds what tshark shows of the transaction after the records. */
function showTransaction(ctx: DissectCtx, top: TreeItem, idItem: TreeItem, response: boolean, tracked: Tracked | undefined, view: ByteView): void {
  if (tracked === undefined) return;
  const tree = ctx.tree;
  const s = view.src;
  const at = view.base;
  const t = tracked.transaction;
  const retransmitted = (expert: FieldDef, message: string, field: FieldDef, label: string, frame: number) => {
    addExpert(ctx, idItem, expert, 'warn', 'Protocol', message, s, view.abs(DNS_F.ID), 2);
    tree.add(top, field, s, at, 0, frame, () => `${label}: ${frame}`).setGenerated().setFrameRef(frame);
    tree.add(top, F.retransmission, s, at, 0, true, 'Retransmission: True').setGenerated();
  };
  if (!response) {
    if (t === undefined) return;
    if (tracked.retransmission) {
      const orig = t.request;
      retransmitted(F.retransmit_request, `DNS query retransmission. Original request in frame ${orig}`, F.retransmit_request_in, F.retransmit_request_in.name, orig);
    } else if (t.response !== 0) {
      const resp = t.response;
      tree.add(top, F.response_in, s, at, 0, resp, () => `Response In: ${resp}`).setGenerated().setFrameRef(resp);
    }
    return;
  }
  if (t === undefined) {
    tree.add(top, F.unsolicited, s, at, 0, true, 'Unsolicited: True').setGenerated();
    return;
  }
  if (tracked.retransmission) {
    const orig = t.response;
    retransmitted(F.retransmit_response, `DNS response retransmission. Original response in frame ${orig}`, F.retransmit_response_in, F.retransmit_response_in.name, orig);
    return;
  }
  const request = t.request;
  const frame = ctx.frame;
  const secs = frame.tsSec - t.sec + (frame.tsNsec - t.nsec) / 1e9;
  tree.add(top, F.response_to, s, at, 0, request, () => `Request In: ${request}`).setGenerated().setFrameRef(request);
  tree.add(top, F.time, s, at, 0, secs).setGenerated();
}

/** dns is the DNS module (UDP port 53). */
export const dns: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('udp.port', 53, dns),
  dissect: dissectDns,
  prefs: [
    {
      name: RETRANSMISSION_TIMER,
      type: 'uint',
      default: 5,
      description: 'Number of seconds allowed between DNS requests with the same transaction ID to consider it a retransmission',
    },
  ],
};
