/**
 * Internet Control Message Protocol (RFC 792, RFC 1122, RFC 1812; Wireshark's packet-icmp.c), IP
 * protocol 1. Header: type, code, checksum, then 4 type-specific bytes (echo: identifier, sequence).
 * Invariants, as Wireshark 4.0 by default:
 *  - the checksum is verified when the whole message was captured (`[correct]` / `[incorrect, should
 *    be 0x…]`), else `[unverified]`;
 *  - echo requests and replies are matched by (identifier, sequence, address pair) on the first pass;
 *    the reply shows `(request in N)` and the response time; re-dissecting a request shows
 *    `(reply in N)` or `(no response found!)` as tshark's second pass does;
 *  - error messages (unreachable, time exceeded, redirect, parameter problem, source quench) quote the
 *    offending IP header and the first payload bytes, which are dissected as a nested packet that does
 *    not change the columns;
 *  - echo data starting with a plausible `struct timeval` (seconds within one day before the frame)
 *    is shown as "Timestamp from icmp data", as Wireshark guesses it for ping.
 */
import { formatAbsTime, formatRelTime } from '../../../shared/format';
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import { MalformedError, type ByteView } from './view';
import { dissectQuoted, ipTtl } from './state';
import { subTime } from './time';

const PROTO = { abbrev: 'icmp', short: 'ICMP', name: 'Internet Control Message Protocol' };
const P = protocolField(PROTO);

/** ICMP_F names the header's byte offsets. */
const ICMP_F = { TYPE: 0, CODE: 1, CHECKSUM: 2, IDENT: 4, SEQ: 6, REST: 4, HEADER_LENGTH: 8, ECHO_DATA: 8 } as const;
const ECHO_REPLY = 0;
const UNREACHABLE = 3;
/** the Destination Unreachable code of path MTU discovery (RFC 1191) */
const FRAGMENTATION_NEEDED = 4;
const SOURCE_QUENCH = 4;
const REDIRECT = 5;
const ECHO_REQUEST = 8;
const TIME_EXCEEDED = 11;
const PARAM_PROBLEM = 12;
const TIMESTAMP_REQUEST = 13;
const TIMESTAMP_REPLY = 14;
const INFO_REQUEST = 15;
const INFO_REPLY = 16;
const MASK_REQUEST = 17;
const MASK_REPLY = 18;
const TIMEVAL_LENGTH = 8;
const ONE_DAY = 86400;

/** TYPE_NAMES are Wireshark's icmp_type_str. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Echo (ping) reply', 1: 'Reserved', 2: 'Reserved', 3: 'Destination unreachable', 4: 'Source quench (flow control)',
  5: 'Redirect', 6: 'Alternate host address', 8: 'Echo (ping) request', 9: 'Router advertisement',
  10: 'Router solicitation', 11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request',
  14: 'Timestamp reply', 15: 'Information request', 16: 'Information reply', 17: 'Address mask request',
  18: 'Address mask reply', 19: 'Reserved (for security)', 30: 'Traceroute', 31: 'Datagram Conversion Error',
  32: 'Mobile Host Redirect', 33: 'IPv6 Where-Are-You', 34: 'IPv6 I-Am-Here', 35: 'Mobile Registration Request',
  36: 'Mobile Registration Reply', 37: 'Domain Name Request', 38: 'Domain Name Reply', 39: 'SKIP',
  40: 'Photuris', 41: 'Experimental mobility protocols', 42: 'Extended Echo request', 43: 'Extended Echo reply',
};

const CODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [UNREACHABLE]: {
    0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
    4: 'Fragmentation needed', 5: 'Source route failed', 6: 'Destination network unknown',
    7: 'Destination host unknown', 8: 'Source host isolated', 9: 'Network administratively prohibited',
    10: 'Host administratively prohibited', 11: 'Network unreachable for TOS', 12: 'Host unreachable for TOS',
    13: 'Communication administratively filtered', 14: 'Host precedence violation', 15: 'Precedence cutoff in effect',
  },
  [REDIRECT]: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  [TIME_EXCEEDED]: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  [PARAM_PROBLEM]: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
  6: { 0: 'Alternate address for host' },
  9: { 0: 'Normal router advertisement', 16: 'Does not route common traffic' },
  42: { 0: 'No Error' },
  40: { 0: 'Bad SPI', 1: 'Authentication Failed', 2: 'Decompression Failed', 3: 'Decryption Failed', 4: 'Need Authentication', 5: 'Need Authorization' },
  43: { 0: 'No Error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};

const F = defineFields('icmp', {
  type: { name: 'Type', type: 'uint8' },
  code: { name: 'Code', type: 'uint8' },
  checksum: { name: 'Checksum', type: 'uint16', base: 'hex' },
  'checksum.status': { name: 'Checksum Status', type: 'uint8', base: 'none', values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  ident: { name: 'Identifier (BE)', type: 'uint16', base: 'dec_hex' },
  ident_le: { name: 'Identifier (LE)', type: 'uint16', base: 'dec_hex' },
  seq: { name: 'Sequence Number (BE)', type: 'uint16', base: 'dec_hex' },
  seq_le: { name: 'Sequence Number (LE)', type: 'uint16', base: 'dec_hex' },
  unused: { name: 'Unused', type: 'bytes' },
  mtu: { name: 'MTU of next hop', type: 'uint16' },
  pointer: { name: 'Pointer', type: 'uint32' },
  redir_gw: { name: 'Gateway address', type: 'ipv4' },
  data_time: { name: 'Timestamp from icmp data', type: 'abstime' },
  data_time_relative: { name: 'Timestamp from icmp data (relative)', type: 'reltime' },
  resp_in: { name: 'Response frame', type: 'framenum' },
  resp_to: { name: 'Request frame', type: 'framenum' },
  resptime: { name: 'Response time', type: 'double' },
  no_resp: { name: 'No response seen', type: 'none' },
});

/** icmpFields are the `icmp.*` field handles. */
export const icmpFields = F;

interface EchoTable {
  requests: Map<string, { frame: number; sec: number; nsec: number; answered: boolean }>;
  replyOf: Map<number, number>;
}

interface FrozenReply {
  requestFrame: number;
  ms: number;
}

/** ones-complement sum over bytes (RFC 1071). */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = bytes.length;
  for (let i = 0; i + 1 < n; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (n & 1) sum += bytes[n - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** idSeqInfo is `Echo (ping) request  id=0x1c2d, seq=1/256, ttl=64` (type name padded to 20). */
function idSeqInfo(ctx: DissectCtx, label: string, ident: number, seq: number): string {
  const seqLe = ((seq & 0xff) << 8) | (seq >> 8);
  const ttl = ipTtl(ctx);
  return `${label.padEnd(20)} id=0x${ident.toString(16).padStart(4, '0')}, seq=${seq}/${seqLe}${ttl !== undefined ? `, ttl=${ttl}` : ''}`;
}

/** checksumShouldBe is the checksum value that would make the message verify. */
export function checksumShouldBe(bytes: Uint8Array, stored: number, initial = 0): number {
  let sum = internetChecksum(bytes, initial) + (~stored & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echoKey(ctx: DissectCtx, ident: number, seq: number, reverse: boolean): string {
  const a = ctx.netSrc.type === 'ipv4' ? ctx.netSrc.value : 0;
  const b = ctx.netDst.type === 'ipv4' ? ctx.netDst.value : 0;
  return reverse ? `${ident}/${seq}/${b}>${a}` : `${ident}/${seq}/${a}>${b}`;
}

function dissectIcmp(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'icmp';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  ctx.layers.push('icmp');
  ctx.columns.protocol = 'ICMP';
  ctx.columns.clearInfo();
  const type = view.u8(ICMP_F.TYPE);
  const code = view.u8(ICMP_F.CODE);
  const typeName = TYPE_NAMES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  const codeName = CODE_NAMES[type]?.[code];
  // Wireshark: `%-20s` type name, then ` (code name)`, ` (Unknown code: N)`, or nothing for code 0.
  // Only types with a code table mention unknown codes.
  const codeText = codeName !== undefined ? ` (${codeName})` : CODE_NAMES[type] !== undefined ? ` (Unknown code: ${code})` : '';
  const s = view.src;
  const top = tree.add(parent, P, s, view.base, view.length, null, PROTO.name);
  tree.add(top, F.type, s, view.abs(ICMP_F.TYPE), 1, type, () => `Type: ${type} (${typeName})`);
  tree.add(top, F.code, s, view.abs(ICMP_F.CODE), 1, code, () => `Code: ${code}${codeText}`);
  const checksum = view.u16(ICMP_F.CHECKSUM);
  if (building) {
    const whole = view.length >= view.reportedLength;
    const computed = whole ? 0xffff - internetChecksum(view.rest()) : -1;
    const hex = (v: number) => '0x' + v.toString(16).padStart(4, '0');
    if (!whole) {
      tree.add(top, F.checksum, s, view.abs(ICMP_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} [unverified]`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMP_F.CHECKSUM), 0, 2, 'Checksum Status: Unverified').setGenerated();
    } else if (computed === 0) {
      tree.add(top, F.checksum, s, view.abs(ICMP_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} [correct]`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMP_F.CHECKSUM), 0, 1, 'Checksum Status: Good').setGenerated();
    } else {
      const should = checksumShouldBe(view.rest(), checksum);
      tree.add(top, F.checksum, s, view.abs(ICMP_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} incorrect, should be ${hex(should)}`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMP_F.CHECKSUM), 0, 0, 'Checksum Status: Bad').setGenerated();
    }
  }
  // tshark reads the first half of the second header word before writing Info (a 4-byte message is
  // only "[Malformed Packet]"); echo-like types rewrite Info once identifier and sequence are read.
  view.u16(ICMP_F.IDENT);
  ctx.columns.setInfo(typeName.padEnd(20) + codeText);
  switch (type) {
    case ECHO_REQUEST:
    case ECHO_REPLY:
      dissectEcho(ctx, view, top, type);
      break;
    case TIMESTAMP_REQUEST:
    case TIMESTAMP_REPLY:
    case INFO_REQUEST:
    case INFO_REPLY:
    case MASK_REQUEST:
    case MASK_REPLY: {
      view.check(ICMP_F.IDENT, 4);
      const ident = view.u16(ICMP_F.IDENT);
      const seq = view.u16(ICMP_F.SEQ);
      tree.add(top, F.ident, s, view.abs(ICMP_F.IDENT), 2, ident);
      tree.add(top, F.seq, s, view.abs(ICMP_F.SEQ), 2, seq);
      ctx.columns.setInfo(idSeqInfo(ctx, typeName, ident, seq));
      break;
    }
    case UNREACHABLE:
    case SOURCE_QUENCH:
    case TIME_EXCEEDED:
    case REDIRECT:
    case PARAM_PROBLEM: {
      view.check(ICMP_F.REST, 4);
      if (type === REDIRECT) {
        const gw = view.u32(ICMP_F.REST);
        tree.add(top, F.redir_gw, s, view.abs(ICMP_F.REST), 4, gw);
      } else if (type === PARAM_PROBLEM) {
        tree.add(top, F.pointer, s, view.abs(ICMP_F.REST), 1, view.u8(ICMP_F.REST));
        tree.add(top, F.unused, s, view.abs(ICMP_F.REST + 1), 3, view.slice(ICMP_F.REST + 1, 3));
      } else if (type === UNREACHABLE && code === FRAGMENTATION_NEEDED && view.u8(ICMP_F.REST + 1) === 0) {
        // RFC 1191: the next hop's MTU in the low half (path MTU discovery)
        tree.add(top, F.unused, s, view.abs(ICMP_F.REST), 2, view.slice(ICMP_F.REST, 2));
        tree.add(top, F.mtu, s, view.abs(ICMP_F.REST + 2), 2, view.u16(ICMP_F.REST + 2));
      } else {
        tree.add(top, F.unused, s, view.abs(ICMP_F.REST), 4, view.slice(ICMP_F.REST, 4));
      }
      if (type === REDIRECT && view.reportedLength <= ICMP_F.HEADER_LENGTH) {
        // A redirect must quote the datagram it redirects; tshark fails on the missing IP header.
        throw new MalformedError('icmp', 'Redirect without the quoted datagram', view.abs(ICMP_F.HEADER_LENGTH), 0);
      }
      if (view.length > ICMP_F.HEADER_LENGTH) {
        const quoted = view.sub(ICMP_F.HEADER_LENGTH);
        dissectQuoted(ctx, () => {
          if (ctx.callTable('ethertype', 0x0800, quoted, top) === 0) ctx.callData(quoted, top);
        });
      }
      break;
    }
    default:
      // TODO(decode): timestamp, address mask, router advertisement bodies are not itemised.
      break;
  }
  return view.length;
}

function dissectEcho(ctx: DissectCtx, view: ByteView, top: TreeItem, type: number): void {
  const tree = ctx.tree;
  const s = view.src;
  view.check(ICMP_F.IDENT, 4);
  const ident = view.u16(ICMP_F.IDENT);
  const seq = view.u16(ICMP_F.SEQ);
  const identLe = ((ident & 0xff) << 8) | (ident >> 8);
  const seqLe = ((seq & 0xff) << 8) | (seq >> 8);
  tree.add(top, F.ident, s, view.abs(ICMP_F.IDENT), 2, ident);
  tree.add(top, F.ident_le, s, view.abs(ICMP_F.IDENT), 2, identLe);
  tree.add(top, F.seq, s, view.abs(ICMP_F.SEQ), 2, seq);
  tree.add(top, F.seq_le, s, view.abs(ICMP_F.SEQ), 2, seqLe);
  const label = type === ECHO_REQUEST ? 'Echo (ping) request' : 'Echo (ping) reply';
  let info = idSeqInfo(ctx, label, ident, seq);
  const table = ctx.conversation<EchoTable>('icmp.echo', () => ({ requests: new Map(), replyOf: new Map() }));
  if (type === ECHO_REQUEST) {
    if (ctx.firstPass) {
      table.requests.set(echoKey(ctx, ident, seq, false), { frame: ctx.frame.number, sec: ctx.frame.tsSec, nsec: ctx.frame.tsNsec, answered: false });
    } else {
      const reply = table.replyOf.get(ctx.frame.number);
      if (reply !== undefined) {
        info += ` (reply in ${reply})`;
        tree.add(top, F.resp_in, s, view.base, 0, reply, () => `Response frame: ${reply}`).setGenerated().setFrameRef(reply);
      } else {
        info += ' (no response found!)';
      }
    }
  } else {
    let frozen: FrozenReply | undefined;
    if (ctx.firstPass) {
      const request = table.requests.get(echoKey(ctx, ident, seq, true));
      // A request is answered once; later replies with the same key stay unmatched (as tshark).
      if (request && request.frame < ctx.frame.number && !request.answered) {
        request.answered = true;
        const ms = ((ctx.frame.tsSec - request.sec) * 1e9 + (ctx.frame.tsNsec - request.nsec)) / 1e6;
        frozen = { requestFrame: request.frame, ms };
        table.replyOf.set(request.frame, ctx.frame.number);
        ctx.markRowChanged?.(request.frame);
        ctx.setFrameData('icmp.reply', frozen);
      }
    } else {
      frozen = ctx.getFrameData<FrozenReply>('icmp.reply');
    }
    if (frozen) {
      const f = frozen;
      info += ` (request in ${f.requestFrame})`;
      tree.add(top, F.resp_to, s, view.base, 0, f.requestFrame, () => `Request frame: ${f.requestFrame}`).setGenerated().setFrameRef(f.requestFrame);
      tree.add(top, F.resptime, s, view.base, 0, f.ms, () => `Response time: ${f.ms.toFixed(3)} ms`).setGenerated();
    }
  }
  ctx.columns.setInfo(info);
  let dataOffset: number = ICMP_F.ECHO_DATA;
  if (view.length >= ICMP_F.ECHO_DATA + TIMEVAL_LENGTH) {
    let sec = view.u32(ICMP_F.ECHO_DATA);
    let usec = view.u32(ICMP_F.ECHO_DATA + 4);
    const plausible = (a: number, u: number) => ((ctx.frame.tsSec - a) >>> 0) < ONE_DAY && u < 1_000_000;
    if (!plausible(sec, usec)) {
      sec = view.u32le(ICMP_F.ECHO_DATA);
      usec = view.u32le(ICMP_F.ECHO_DATA + 4);
    }
    if (plausible(sec, usec)) {
      const ts = { sec, nsec: usec * 1000 };
      const rel = subTime(ctx.frame.tsSec, ctx.frame.tsNsec, ts.sec, ts.nsec);
      tree.add(top, F.data_time, s, view.abs(ICMP_F.ECHO_DATA), TIMEVAL_LENGTH, ts, () => `Timestamp from icmp data: ${formatAbsTime(ts)}`);
      tree.add(top, F.data_time_relative, s, view.abs(ICMP_F.ECHO_DATA), TIMEVAL_LENGTH, rel, () => `Timestamp from icmp data (relative): ${formatRelTime(rel)} seconds`).setGenerated();
      dataOffset += TIMEVAL_LENGTH;
    }
  }
  if (view.length > dataOffset) ctx.callData(view.sub(dataOffset), top);
}

/** icmp is the ICMP module (IP protocol 1). */
export const icmp: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('ip.proto', 1, icmp),
  dissect: dissectIcmp,
};
