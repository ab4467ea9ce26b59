/**
 * Internet Protocol version 4 (RFC 791; DSCP RFC 2474/8436, ECN RFC 3168, options RFC 791/2113;
 * Wireshark's packet-ip.c), EtherType 0x0800, BSD family 2.
 * Invariants, as Wireshark 4.0 behaves by default:
 *  - IHL < 5 is not an exception: the item shows `Bogus IP header length (16, must be at least 20)`, the
 *    Info column says so and nothing above IP is dissected; likewise a total length below the header
 *    length. A total length beyond the frame gets an expert error and the frame's length is used.
 *  - the header checksum is not verified (`[validation disabled]`, status Unverified).
 *  - fragments are reassembled (first pass, keyed by src, dst, id, protocol, with byte caps); the frame
 *    completing a datagram dissects the payload from a "Reassembled IPv4" data source, the others show
 *    `Fragmented IP protocol (proto=UDP 17, off=0, ID=4242)` and their payload as data.
 *  - the payload view is cut to the total length; bytes after it are the link layer's trailer.
 */
import { formatIpv4 } from '../../../shared/format';
import { bitPrefix } from '../../../shared/format';
import { defineFields, protocolField, tableRef, type Address, type DissectCtx, type ProtocolModule } from './protocol';

const IP_PROTO = tableRef('ip.proto');
import { FieldGroup, NULL_ITEM, type TreeItem } from './tree';
import { ByteView } from './view';
import { addExpert } from './expert';
import { IP_PROTO_NAMES } from './ipproto-names';
import { inErrorPacket, setIpTtl } from './state';

const PROTO = { abbrev: 'ip', short: 'IPv4', name: 'Internet Protocol Version 4' };
const P = protocolField(PROTO);

/** IPV4_F names the fixed header's byte offsets. */
const IPV4_F = {
  VER_IHL: 0,
  DSFIELD: 1,
  TOTAL_LENGTH: 2,
  IDENT: 4,
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  OPTIONS: 20,
} as const;
const MIN_HEADER_LENGTH = 20;
const IPV4_VERSION = 4;
const IPV6_VERSION = 6;
const IP_PROTO_IPIP = 4;
const FLAG_RB = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;
const FRAG_UNIT = 8;

/** DSCP_SHORT / DSCP_NAMES / ECN_* are Wireshark's DiffServ tables (RFC 2474, 3246, 5865, 8622). */
export const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 1: 'LE', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5',
  44: 'VOICE-ADMIT', 46: 'EF PHB', 48: 'CS6', 56: 'CS7',
};
export const DSCP_NAMES: Readonly<Record<number, string>> = {
  0: 'Default', 1: 'Lower Effort', 8: 'Class Selector 1', 10: 'Assured Forwarding 11', 12: 'Assured Forwarding 12',
  14: 'Assured Forwarding 13', 16: 'Class Selector 2', 18: 'Assured Forwarding 21', 20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23', 24: 'Class Selector 3', 26: 'Assured Forwarding 31', 28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33', 32: 'Class Selector 4', 34: 'Assured Forwarding 41', 36: 'Assured Forwarding 42',
  38: 'Assured Forwarding 43', 40: 'Class Selector 5', 44: 'Voice Admit', 46: 'Expedited Forwarding',
  48: 'Class Selector 6', 56: 'Class Selector 7',
};
export const ECN_SHORT: Readonly<Record<number, string>> = { 0: 'Not-ECT', 1: 'ECT(1)', 2: 'ECT(0)', 3: 'CE' };
export const ECN_NAMES: Readonly<Record<number, string>> = {
  0: 'Not ECN-Capable Transport',
  1: "ECN-Capable Transport codepoint '01'",
  2: "ECN-Capable Transport codepoint '10'",
  3: 'Congestion Experienced',
};

/** dsSummary is the `(DSCP: CS0, ECN: Not-ECT)` text shared with IPv6's traffic class. */
export function dsSummary(ds: number): string {
  return `DSCP: ${DSCP_SHORT[ds >> 2] ?? 'Unknown'}, ECN: ${ECN_SHORT[ds & 3]}`;
}

const OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 7: 'Record route', 68: 'Time stamp', 130: 'Security',
  131: 'Loose source route', 133: 'Extended security', 134: 'Commercial IP security option', 136: 'Stream identifier',
  137: 'Strict source route', 148: 'Router Alert', 82: 'Traceroute', 25: 'Quick-Start',
};
/** OPTION_LABELS are the names in `IP Option - Record Route (11 bytes)` (they differ from OPTION_NAMES' case). */
const OPTION_LABELS: Readonly<Record<number, string>> = {
  0: 'End of Options List (EOL)', 1: 'No-Operation (NOP)', 7: 'Record Route', 68: 'Time Stamp', 130: 'Security',
  131: 'Loose Source Route', 133: 'Extended Security', 134: 'Commercial Security', 136: 'Stream ID',
  137: 'Strict Source Route', 148: 'Router Alert', 82: 'Traceroute', 25: 'Quick-Start',
};
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_RR = 7;
const OPT_LSRR = 131;
const OPT_SSRR = 137;
const OPT_RA = 148;

const F = defineFields('ip', {
  version: { name: 'Version', type: 'uint8', bitmask: 0xf0 },
  hdr_len: { name: 'Header Length', type: 'uint8', bitmask: 0x0f },
  dsfield: { name: 'Differentiated Services Field', type: 'uint8', base: 'hex' },
  'dsfield.dscp': { name: 'Differentiated Services Codepoint', type: 'uint8', bitmask: 0xfc, values: DSCP_NAMES },
  'dsfield.ecn': { name: 'Explicit Congestion Notification', type: 'uint8', bitmask: 0x03, values: ECN_NAMES },
  len: { name: 'Total Length', type: 'uint16' },
  id: { name: 'Identification', type: 'uint16', base: 'hex_dec' },
  flags: { name: 'Flags', type: 'uint8', base: 'hex', bitmask: 0xe0 },
  'flags.rb': { name: 'Reserved bit', type: 'boolean', bitmask: 0x80 },
  'flags.df': { name: "Don't fragment", type: 'boolean', bitmask: 0x40 },
  'flags.mf': { name: 'More fragments', type: 'boolean', bitmask: 0x20 },
  frag_offset: { name: 'Fragment Offset', type: 'uint16', bitmask: FRAG_OFFSET_MASK },
  ttl: { name: 'Time to Live', type: 'uint8' },
  proto: { name: 'Protocol', type: 'uint8', values: IP_PROTO_NAMES },
  checksum: { name: 'Header Checksum', type: 'uint16', base: 'hex' },
  'checksum.status': { name: 'Header checksum status', type: 'uint8', values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  src: { name: 'Source Address', type: 'ipv4' },
  dst: { name: 'Destination Address', type: 'ipv4' },
  addr: { name: 'Source or Destination Address', type: 'ipv4' },
  src_host: { name: 'Source Host', type: 'string' },
  dst_host: { name: 'Destination Host', type: 'string' },
  host: { name: 'Source or Destination Host', type: 'string' },
  'opt.type': { name: 'Type', type: 'uint8' },
  'opt.type.copy': { name: 'Copy on fragmentation', type: 'boolean', bitmask: 0x80, tfs: ['Yes', 'No'] },
  'opt.type.class': { name: 'Class', type: 'uint8', bitmask: 0x60, values: { 0: 'Control', 1: 'Reserved for future use', 2: 'Debugging and measurement', 3: 'Reserved for future use' } },
  'opt.type.number': { name: 'Number', type: 'uint8', bitmask: 0x1f },
  'opt.len': { name: 'Length', type: 'uint8' },
  'opt.ptr': { name: 'Pointer', type: 'uint8' },
  'opt.ra': { name: 'Router Alert', type: 'uint16', values: { 0: 'Router shall examine packet' } },
  'opt.padding': { name: 'Padding', type: 'bytes' },
  rec_rt: { name: 'Recorded Route', type: 'ipv4' },
  src_rt: { name: 'Source Route', type: 'ipv4' },
  empty_rt: { name: 'Empty Route', type: 'ipv4' },
  cur_rt: { name: 'Current Route', type: 'ipv4' },
  cur_rt_host: { name: 'Current Route Host', type: 'string' },
  'opt.ptr.before_address': { name: 'Pointer points before first address', type: 'none' },
  'opt.ptr.middle_address': { name: 'Pointer points to middle of address', type: 'none' },
  'opt.len.invalid': { name: 'Invalid length for option', type: 'none' },
  nop: { name: '4 NOP in a row - a router may have removed some options', type: 'none' },
  fragment: { name: 'IPv4 Fragment', type: 'framenum' },
  fragments: { name: 'IPv4 Fragments', type: 'none' },
  'fragment.count': { name: 'Fragment count', type: 'uint32' },
  reassembled_in: { name: 'Reassembled IPv4 in frame', type: 'framenum' },
  'reassembled.length': { name: 'Reassembled IPv4 length', type: 'uint32' },
  'reassembled.data': { name: 'Reassembled IPv4 data', type: 'bytes' },
  bogus_header_length: { name: 'Bogus IP header length', type: 'none' },
  bogus_ip_length: { name: 'Bogus IP length', type: 'none' },
  'len.past_end': { name: 'IPv4 total length exceeds packet length', type: 'none', abbrev: 'ip.len.past_end' },
  bogus_ip_version: { name: 'Bogus IP version', type: 'none' },
});

/** DS_GROUP / ADDRESS_GROUP / HEADER_GROUP: header items that `fields` mode may skip when none of them is kept. */
const DS_GROUP = new FieldGroup([F.dsfield, F['dsfield.dscp'], F['dsfield.ecn']]);
const ADDRESS_GROUP = new FieldGroup([F.src, F.dst, F.addr, F.src_host, F.dst_host, F.host]);
const HEADER_GROUP = new FieldGroup([F.id, F.flags, F['flags.rb'], F['flags.df'], F['flags.mf'], F.frag_offset, F.ttl, F.proto, F.checksum, F['checksum.status']]);

/** ipv4Fields are the `ip.*` field handles. */
export const ipv4Fields = F;

/**
 * The texts of recently formatted addresses, direct-mapped by a hash of the address (TEXT_OF[slot] is the
 * text of TEXT_ADDRESS[slot]; '' = empty slot): no Map lookup with a number key per column read.
 */
const TEXT_SLOTS = 8192;
const TEXT_ADDRESS = new Float64Array(TEXT_SLOTS);
const TEXT_OF: string[] = new Array<string>(TEXT_SLOTS).fill('');

/** ipv4Text formats an address through a bounded cache (the Packet List needs it for every frame). */
export function ipv4Text(addr: number): string {
  const slot = (addr ^ (addr >>> 13) ^ (addr >>> 26)) & (TEXT_SLOTS - 1);
  const cached = TEXT_OF[slot];
  if (cached !== '' && TEXT_ADDRESS[slot] === addr) return cached;
  const text = formatIpv4(addr);
  TEXT_ADDRESS[slot] = addr;
  TEXT_OF[slot] = text;
  return text;
}

type Ipv4Address = { type: 'ipv4'; value: number };

/**
 * ADDRESS_CACHE: recently seen addresses as the Address objects pinfo carries, direct-mapped by a hash of
 * the value. Addresses are never mutated (consumers assign them), so one object serves every frame of
 * a host instead of two new objects per packet.
 */
const ADDRESS_CACHE: (Ipv4Address | undefined)[] = new Array<Ipv4Address | undefined>(4096).fill(undefined);

/** ipv4Address is the Address of an IPv4 address (a shared, never-mutated object). */
export function ipv4Address(value: number): Address {
  const slot = (value ^ (value >>> 12) ^ (value >>> 24)) & 4095;
  let address = ADDRESS_CACHE[slot];
  if (address === undefined || address.value !== value) ADDRESS_CACHE[slot] = address = { type: 'ipv4', value };
  return address;
}

/** Ipv4Header is the read (uninterpreted) fixed header. */
export interface Ipv4Header {
  version: number;
  headerLength: number;
  dsfield: number;
  totalLength: number;
  id: number;
  flagsFrag: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: number;
  dst: number;
}

/** readIpv4Header reads the 20-byte fixed header (throws TruncatedError when it is not captured). */
export function readIpv4Header(view: ByteView): Ipv4Header {
  view.check(0, MIN_HEADER_LENGTH);
  const verIhl = view.u8(IPV4_F.VER_IHL);
  return {
    version: verIhl >> 4,
    headerLength: (verIhl & 0x0f) * 4,
    dsfield: view.u8(IPV4_F.DSFIELD),
    totalLength: view.u16(IPV4_F.TOTAL_LENGTH),
    id: view.u16(IPV4_F.IDENT),
    flagsFrag: view.u16(IPV4_F.FLAGS_FRAG),
    ttl: view.u8(IPV4_F.TTL),
    protocol: view.u8(IPV4_F.PROTOCOL),
    checksum: view.u16(IPV4_F.CHECKSUM),
    src: view.u32(IPV4_F.SRC),
    dst: view.u32(IPV4_F.DST),
  };
}

/** protoText is `UDP 17` / `Unassigned 200`, as in the fragment Info. */
function protoName(proto: number): string {
  return IP_PROTO_NAMES[proto] ?? 'Unknown';
}

interface FragmentPart {
  frame: number;
  offset: number;
  data: Uint8Array;
}

interface FragmentTable {
  pending: Map<string, { parts: FragmentPart[]; total: number | undefined; bytes: number }>;
  reassembledIn: Map<number, number>;
  buffered: number;
}

interface Reassembled {
  bytes: Uint8Array;
  parts: { frame: number; offset: number; length: number }[];
}

/** Caps on fragment buffering: one datagram can be at most 64 KiB, all pending at most 8 MiB. */
const MAX_DATAGRAM = 65535;
const MAX_BUFFERED = 8 * 1024 * 1024;

function fragmentTable(ctx: DissectCtx): FragmentTable {
  return ctx.conversation('ip.fragments', () => ({ pending: new Map(), reassembledIn: new Map(), buffered: 0 }));
}

/** addFragment stores a fragment on the first pass and returns the datagram when it is complete. */
function addFragment(ctx: DissectCtx, key: string, offset: number, data: Uint8Array, more: boolean): Reassembled | undefined {
  const table = fragmentTable(ctx);
  if (offset + data.length > MAX_DATAGRAM) return undefined;
  let entry = table.pending.get(key);
  if (!entry) {
    entry = { parts: [], total: undefined, bytes: 0 };
    table.pending.set(key, entry);
  }
  if (table.buffered + data.length > MAX_BUFFERED) {
    // Degrade rule: drop everything pending rather than grow without bound.
    table.pending.clear();
    table.buffered = 0;
    return undefined;
  }
  entry.parts.push({ frame: ctx.frame.number, offset, data: data.slice() });
  entry.bytes += data.length;
  table.buffered += data.length;
  if (!more) entry.total = offset + data.length;
  if (entry.total === undefined) return undefined;
  const sorted = [...entry.parts].sort((a, b) => a.offset - b.offset || a.frame - b.frame);
  let covered = 0;
  for (const part of sorted) {
    if (part.offset > covered) return undefined;
    covered = Math.max(covered, part.offset + part.data.length);
  }
  if (covered < entry.total) return undefined;
  const bytes = new Uint8Array(entry.total);
  // First data wins on overlaps: write later fragments first so earlier ones overwrite them.
  for (let i = entry.parts.length - 1; i >= 0; i--) {
    const part = entry.parts[i];
    bytes.set(part.data.subarray(0, Math.max(0, Math.min(part.data.length, entry.total - part.offset))), part.offset);
  }
  table.pending.delete(key);
  table.buffered -= entry.bytes;
  const parts = entry.parts.map((p) => ({ frame: p.frame, offset: p.offset, length: p.data.length }));
  for (const p of parts) {
    if (p.frame === ctx.frame.number) continue;
    table.reassembledIn.set(p.frame, ctx.frame.number);
    ctx.markRowChanged?.(p.frame);
  }
  return { bytes, parts };
}

// Label closures are made by these helpers, not inside dissectIpv4: a closure there would make V8 keep
// the variables it captures in a heap context allocated on every call, labels wanted or not.

function headerLengthLabel(verIhl: number, headerLength: number): () => string {
  return () => `${bitPrefix(F.hdr_len, verIhl & 0x0f)}Header Length: ${headerLength} bytes (${verIhl & 0x0f})`;
}

function totalLengthLabel(rawTotalLength: number, headerLength: number): () => string {
  return () =>
    rawTotalLength < headerLength ? `Total Length: ${rawTotalLength} bytes (bogus, less than header length ${headerLength})` : `Total Length: ${rawTotalLength}`;
}

function topLabel(src: number, dst: number, via?: number): () => string {
  return () => `Internet Protocol Version 4, Src: ${ipv4Text(src)}, Dst: ${ipv4Text(dst)}${via === undefined ? '' : `, Via: ${ipv4Text(via)}`}`;
}

function dissectIpv4(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'ip';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  ctx.columns.protocol = 'IPv4';
  ctx.columns.clearInfo();
  ctx.layers.push('ip');
  const verIhl = view.u8(IPV4_F.VER_IHL);
  const version = verIhl >> 4;
  if (version === IPV6_VERSION) {
    // Wireshark hands an IPv6 header found under EtherType 0x0800 to IPv6 (`ip:ipv6` in frame.protocols).
    const v6 = ctx.tables.module('ipv6');
    if (v6?.dissect) return v6.dissect(ctx, view, parent);
  }
  const headerLength = (verIhl & 0x0f) * 4;
  const top = tree.add(parent, P, view.src, view.base, Math.min(Math.max(headerLength, 1), view.length), null, PROTO.name);
  const versionItem = tree.add(top, F.version, view.src, view.base, 1, version);
  if (version !== IPV4_VERSION && ctx.matchValue === IP_PROTO_IPIP) {
    // IP-in-IP goes through Wireshark's version-agnostic "ip" entry, which words it differently.
    ctx.columns.protocol = 'IP';
    ctx.columns.setInfo(`Bogus IP version (${version})`);
  }
  if (version !== IPV4_VERSION) {
    const message = `Bogus IPv4 version (${version}, must be 4)`;
    if (ctx.matchValue !== IP_PROTO_IPIP) ctx.columns.setInfo(message);
    if (building) addExpert(ctx, versionItem, F.bogus_ip_version, 'error', 'Protocol', message, view.src, view.base, 1);
    return view.length;
  }
  const hdrItem = building
    ? tree.add(top, F.hdr_len, view.src, view.base, 1, headerLength, !tree.full ? undefined : headerLengthLabel(verIhl, headerLength))
    : NULL_ITEM;
  if (headerLength < MIN_HEADER_LENGTH) {
    const message = `Bogus IP header length (${headerLength}, must be at least ${MIN_HEADER_LENGTH})`;
    ctx.columns.setInfo(message);
    if (building) addExpert(ctx, hdrItem, F.bogus_header_length, 'error', 'Protocol', message, view.src, view.base, 1);
    return view.length;
  }
  top.setLength(headerLength);
  // Items are added while reading, field by field, so a header cut by the snaplen shows (and filters
  // on) exactly the fields that were captured, as Wireshark does.
  if (building && tree.wantsAny(DS_GROUP)) {
    const ds = view.u8(IPV4_F.DSFIELD);
    const dsParent = tree.add(top, F.dsfield, view.src, view.abs(IPV4_F.DSFIELD), 1, ds, () =>
      `Differentiated Services Field: 0x${ds.toString(16).padStart(2, '0')} (${dsSummary(ds)})`,
    );
    tree.add(dsParent, F['dsfield.dscp'], view.src, view.abs(IPV4_F.DSFIELD), 1, ds >> 2);
    tree.add(dsParent, F['dsfield.ecn'], view.src, view.abs(IPV4_F.DSFIELD), 1, ds & 3);
  }
  const rawTotalLength = view.u16(IPV4_F.TOTAL_LENGTH);
  let totalLength = rawTotalLength;
  // Its data ends where the total length says, when that is inside the view (tshark trims the tvb).
  top.setDataLength(rawTotalLength >= headerLength && rawTotalLength < view.length ? rawTotalLength : view.length);
  const lenItem = building
    ? tree.add(top, F.len, view.src, view.abs(IPV4_F.TOTAL_LENGTH), 2, rawTotalLength, !tree.full ? undefined : totalLengthLabel(rawTotalLength, headerLength))
    : NULL_ITEM;
  if (totalLength < headerLength) {
    const message = `Bogus IP length (${totalLength}, less than header length ${headerLength})`;
    ctx.columns.setInfo(message);
    if (building) addExpert(ctx, lenItem, F.bogus_ip_length, 'error', 'Protocol', 'Bogus IP length', view.src, view.abs(IPV4_F.TOTAL_LENGTH), 2);
    return view.length;
  }
  if (totalLength > view.reportedLength) {
    const message = `IPv4 total length exceeds packet length (${view.reportedLength} bytes)`;
    if (building && !inErrorPacket(ctx)) addExpert(ctx, lenItem, F['len.past_end'], 'error', 'Protocol', message, view.src, view.abs(IPV4_F.TOTAL_LENGTH), 2);
    totalLength = view.reportedLength;
  }
  // tshark names the addresses in the label as it reads them: a header cut before the destination (or
  // inside options it walks first, see dstOffset) still shows `Internet Protocol Version 4, Src: …`.
  if (!top.isNull && view.length >= IPV4_F.SRC + 4) {
    const cutSrc = view.u32(IPV4_F.SRC);
    top.setLabel(() => `Internet Protocol Version 4, Src: ${ipv4Text(cutSrc)}`);
  }
  const dstAt = IPV4_F.DST + (building ? addHeaderItems(ctx, view, top, headerLength) : dstOffset(view, headerLength));
  // The fixed header is read field by field (readIpv4Header's object is only made for fragments).
  const src = view.u32(IPV4_F.SRC);
  const dst = view.u32(dstAt);
  if (!top.isNull) top.setLabel(topLabel(src, dst, dstAt !== IPV4_F.DST ? view.u32(IPV4_F.DST) : undefined));
  view.check(0, MIN_HEADER_LENGTH);
  view.check(0, headerLength);
  const flagsFrag = view.u16(IPV4_F.FLAGS_FRAG);
  const protocol = view.u8(IPV4_F.PROTOCOL);
  const more = (flagsFrag & FLAG_MF) !== 0;
  const fragOffset = (flagsFrag & FRAG_OFFSET_MASK) * FRAG_UNIT;
  if (headerLength > MIN_HEADER_LENGTH && building) addOptions(ctx, view, top, headerLength);

  if (!inErrorPacket(ctx)) setIpTtl(ctx, view.u8(IPV4_F.TTL));
  ctx.netSrc = ipv4Address(src);
  ctx.netDst = ipv4Address(dst);
  // Formatted only when a column is read.
  ctx.columns.setAddressesLazy(src, dst, ipv4Text);

  const payloadLength = totalLength - headerLength;
  const payload = view.subClamped(headerLength, payloadLength, 'ip');
  if (more || fragOffset > 0) {
    const h = readIpv4Header(view);
    const reassembled = reassemble(ctx, h, fragOffset, more, payload, top);
    if (reassembled === undefined) {
      ctx.columns.setInfo(`Fragmented IP protocol (proto=${protoName(h.protocol)} ${h.protocol}, off=${fragOffset}, ID=${h.id.toString(16).padStart(4, '0')})`);
      if (payload.length > 0) ctx.callData(payload, parent);
      return Math.min(totalLength, view.length);
    }
    dissectPayload(ctx, reassembled, h.protocol, parent);
    return Math.min(totalLength, view.length);
  }
  dissectPayload(ctx, payload, protocol, parent);
  return Math.min(totalLength, view.length);
}

function dissectPayload(ctx: DissectCtx, payload: ByteView, protocol: number, parent: TreeItem | null): void {
  ctx.ptype = 'none';
  // tshark hands nothing on when the datagram holds no payload (a total length of just the header, or a
  // datagram quoted in an ICMP error with nothing after its header).
  if (payload.reportedLength === 0) return;
  if (ctx.callTable(IP_PROTO, protocol, payload, parent) === 0) {
    ctx.columns.protocol = ctx.columns.protocol || 'IPv4';
    ctx.columns.setInfo(`${protoName(protocol)} (${protocol})`);
    if (payload.length > 0) ctx.callData(payload, parent);
  }
}

function reassemble(ctx: DissectCtx, h: Ipv4Header, fragOffset: number, more: boolean, payload: ByteView, top: TreeItem): ByteView | undefined {
  const key = `${h.src}>${h.dst}#${h.id}/${h.protocol}`;
  let done: Reassembled | undefined;
  if (ctx.firstPass) {
    if (payload.length < payload.reportedLength) return undefined;
    done = addFragment(ctx, key, fragOffset, payload.rest(), more);
    if (done) ctx.setFrameData('ip.reassembled', done);
  } else {
    done = ctx.getFrameData<Reassembled>('ip.reassembled');
  }
  const tree = ctx.tree;
  if (!done) {
    if (!ctx.firstPass) {
      const inFrame = fragmentTable(ctx).reassembledIn.get(ctx.frame.number);
      if (inFrame !== undefined) {
        tree.add(top, F.reassembled_in, payload.src, payload.base, 0, inFrame, () => `Reassembled IPv4 in frame: ${inFrame}`).setGenerated().setFrameRef(inFrame);
      }
    }
    return undefined;
  }
  const bytes = done.bytes;
  const src = ctx.addSource(`Reassembled IPv4 (${bytes.length} bytes)`, bytes);
  if (tree.mode !== 'none') {
    const sorted = [...done.parts].sort((a, b) => a.offset - b.offset);
    const list = sorted.map((p) => `#${p.frame}(${p.length})`).join(', ');
    const frags = tree.add(top, F.fragments, src, 0, bytes.length, null, () => `${sorted.length} IPv4 Fragments (${bytes.length} bytes): ${list}`).setGenerated();
    for (const p of sorted) {
      tree
        .add(frags, F.fragment, src, p.offset, p.length, p.frame, () =>
          `Frame: ${p.frame}, payload: ${p.offset}-${p.offset + p.length - 1} (${p.length} byte${p.length === 1 ? '' : 's'})`,
        )
        .setGenerated()
        .setFrameRef(p.frame);
    }
    tree.add(frags, F['fragment.count'], src, 0, 0, sorted.length, () => `Fragment count: ${sorted.length}`).setGenerated();
    tree.add(frags, F['reassembled.length'], src, 0, 0, bytes.length, () => `Reassembled IPv4 length: ${bytes.length}`).setGenerated();
    tree.add(frags, F['reassembled.data'], src, 0, bytes.length, bytes).setGenerated();
  }
  return new ByteView(bytes, 0, bytes.length, 'ip', src, bytes.length);
}

/** addHeaderItems adds the header's items up to the addresses; returns the destination's offset past 16 (dstOffset). */
function addHeaderItems(ctx: DissectCtx, view: ByteView, top: TreeItem, headerLength: number): number {
  const tree = ctx.tree;
  if (tree.wantsAny(HEADER_GROUP)) addFixedItems(ctx, view, top);
  if (!tree.wantsAny(ADDRESS_GROUP)) return dstOffset(view, headerLength);
  addAddress(ctx, view, top, IPV4_F.SRC, view.u32(IPV4_F.SRC), F.src, F.src_host);
  const off = dstOffset(view, headerLength);
  if (off === 0) addAddress(ctx, view, top, IPV4_F.DST, view.u32(IPV4_F.DST), F.dst, F.dst_host);
  else {
    // A source-routed packet: the header's address is the hop it is going through ("Current Route");
    // the destination item is the route's last address, in the option (addOptions).
    const cur = view.u32(IPV4_F.DST);
    tree.add(top, F.cur_rt, view.src, view.abs(IPV4_F.DST), 4, cur);
    if (tree.wants(F.cur_rt_host)) tree.add(top, F.cur_rt_host, view.src, view.abs(IPV4_F.DST), 4, ipv4Text(cur)).setGenerated().setHidden();
  }
  return off;
}

/**
 * dstOffset is tshark's get_dst_offset: with a strict or loose source route option whose pointer is
 * valid, the destination shown is the route's last address (RFC 791 §3.1), at this offset past the
 * header's destination field; otherwise 0. It walks the options before the destination is read, so a
 * header cut inside them ends the layer with the source only, as in tshark.
 */
function dstOffset(view: ByteView, headerLength: number): number {
  let length = headerLength - MIN_HEADER_LENGTH;
  let at = MIN_HEADER_LENGTH;
  while (length > 0) {
    const opt = view.u8(at);
    length--;
    if (opt !== 0 && opt !== 1) {
      if (length === 0) return 0;
      const len = view.u8(at + 1);
      length--;
      if (len < 2 || len - 2 > length) return 0;
      if (opt === 137 || opt === 131) {
        const ptr = view.u8(at + 2);
        if (ptr < 4 || (ptr & 3) !== 0 || ptr > len) return 0;
        return at - MIN_HEADER_LENGTH + 4 + (len - 4);
      }
      at += len;
      length -= len - 2;
    } else at++;
    if (opt === 0) return 0;
  }
  return 0;
}

/** addFixedItems adds the header items between the total length and the addresses. */
function addFixedItems(ctx: DissectCtx, view: ByteView, top: TreeItem): void {
  const tree = ctx.tree;
  const s = view.src;
  const id = view.u16(IPV4_F.IDENT);
  tree.add(top, F.id, s, view.abs(IPV4_F.IDENT), 2, id);
  const flagsFrag = view.u16(IPV4_F.FLAGS_FRAG);
  const flags = flagsFrag & (FLAG_RB | FLAG_DF | FLAG_MF);
  const flagValue = flags >> 13;
  const names: string[] = [];
  if (flags & FLAG_RB) names.push('Reserved bit');
  if (flags & FLAG_DF) names.push("Don't fragment");
  if (flags & FLAG_MF) names.push('More fragments');
  const flagsItem = tree.add(top, F.flags, s, view.abs(IPV4_F.FLAGS_FRAG), 1, flagValue, () =>
    `${bitPrefix(F.flags, flagValue)}Flags: 0x${flagValue.toString(16)}${names.length ? ', ' + names.join(', ') : ''}`,
  );
  tree.add(flagsItem, F['flags.rb'], s, view.abs(IPV4_F.FLAGS_FRAG), 1, (flags & FLAG_RB) !== 0);
  tree.add(flagsItem, F['flags.df'], s, view.abs(IPV4_F.FLAGS_FRAG), 1, (flags & FLAG_DF) !== 0);
  tree.add(flagsItem, F['flags.mf'], s, view.abs(IPV4_F.FLAGS_FRAG), 1, (flags & FLAG_MF) !== 0);
  const rawOffset = flagsFrag & FRAG_OFFSET_MASK;
  tree.add(top, F.frag_offset, s, view.abs(IPV4_F.FLAGS_FRAG), 2, rawOffset * FRAG_UNIT, () =>
    `${bitPrefix(F.frag_offset, rawOffset)}Fragment Offset: ${rawOffset * FRAG_UNIT}`,
  );
  tree.add(top, F.ttl, s, view.abs(IPV4_F.TTL), 1, view.u8(IPV4_F.TTL));
  tree.add(top, F.proto, s, view.abs(IPV4_F.PROTOCOL), 1, view.u8(IPV4_F.PROTOCOL));
  const checksum = view.u16(IPV4_F.CHECKSUM);
  tree.add(top, F.checksum, s, view.abs(IPV4_F.CHECKSUM), 2, checksum, () =>
    `Header Checksum: 0x${checksum.toString(16).padStart(4, '0')} [validation disabled]`,
  );
  tree.add(top, F['checksum.status'], s, view.abs(IPV4_F.CHECKSUM), 0, 2, 'Header checksum status: Unverified').setGenerated();
}

function addAddress(
  ctx: DissectCtx,
  view: ByteView,
  top: TreeItem,
  offset: number,
  value: number,
  field: typeof F.src,
  hostField: typeof F.src_host,
): void {
  const tree = ctx.tree;
  const s = view.src;
  const at = view.abs(offset);
  tree.add(top, field, s, at, 4, value);
  tree.add(top, F.addr, s, at, 4, value).setHidden();
  // The host names (no resolution: the dotted quad) are only formatted when kept.
  if (!tree.wants(hostField) && !tree.wants(F.host)) return;
  const text = ipv4Text(value);
  tree.add(top, hostField, s, at, 4, text).setHidden();
  tree.add(top, F.host, s, at, 4, text).setHidden();
}

function addOptions(ctx: DissectCtx, view: ByteView, top: TreeItem, headerLength: number): void {
  const tree = ctx.tree;
  const s = view.src;
  const optLength = headerLength - MIN_HEADER_LENGTH;
  const names: string[] = [];
  const optsItem = tree.addText(top, s, view.abs(IPV4_F.OPTIONS), optLength, () => `Options: (${optLength} bytes)${names.length ? ', ' + names.join(', ') : ''}`);
  let offset = IPV4_F.OPTIONS;
  // NOPs counted as tshark 4.0 does: the count restarts at a NOP that begins a 32-bit word (once it is
  // non-zero), and its fourth NOP raises the expert item (a router may have blanked an option).
  let nops = 0;
  while (offset < headerLength) {
    const type = view.u8(offset);
    const label = OPTION_LABELS[type];
    if (type === OPT_NOP) {
      if (nops === 0 || offset % 4 !== 0) {
        if (++nops === 4) addExpert(ctx, optsItem, F.nop, 'warn', 'Protocol', F.nop.name, s, view.abs(IPV4_F.OPTIONS), optLength);
      } else nops = 0;
    }
    if (type === OPT_EOL || type === OPT_NOP) {
      const item = tree.addText(optsItem, s, view.abs(offset), 1, `IP Option - ${label}`);
      addOptionType(ctx, view, item, offset, type);
      offset += 1;
      if (type === OPT_EOL) {
        if (offset < headerLength) {
          // Bytes after EOL are padding; Wireshark shows them as such.
          tree.add(optsItem, F['opt.padding'], s, view.abs(offset), headerLength - offset, view.slice(offset, headerLength - offset));
        }
        break;
      }
      continue;
    }
    if (offset + 1 >= headerLength) break;
    const len = view.u8(offset + 1);
    const name = label ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
    if (len < 2 || offset + len > headerLength) {
      const item = tree.addText(optsItem, s, view.abs(offset), headerLength - offset, `IP Option - ${name}`);
      addOptionType(ctx, view, item, offset, type);
      const lenItem = tree.add(item, F['opt.len'], s, view.abs(offset + 1), 1, len);
      addExpert(ctx, lenItem, F['opt.len.invalid'], 'error', 'Protocol', 'Invalid length for option', s, view.abs(offset + 1), 1);
      break;
    }
    names.push(name);
    let raLabel = '';
    if (type === OPT_RA && len === 4) {
      const ra = view.u16(offset + 2);
      raLabel = `: ${ra === 0 ? 'Router shall examine packet' : 'Reserved'} (${ra})`;
    }
    const item = tree.addText(optsItem, s, view.abs(offset), len, `IP Option - ${name} (${len} bytes)${raLabel}`);
    addOptionType(ctx, view, item, offset, type);
    tree.add(item, F['opt.len'], s, view.abs(offset + 1), 1, len);
    if ((type === OPT_RR || type === OPT_LSRR || type === OPT_SSRR) && len >= 3) {
      const ptr = view.u8(offset + 2);
      const ptrItem = tree.add(item, F['opt.ptr'], s, view.abs(offset + 2), 1, ptr);
      if (type !== OPT_RR) {
        addSourceRoute(ctx, view, item, ptrItem, offset, len, ptr);
        offset += len;
        continue;
      }
      for (let a = 3; a + 4 <= len; a += 4) {
        const addr = view.u32(offset + a);
        const isNext = ptr === a + 1;
        const field = type === OPT_RR ? (ptr > a + 1 ? F.rec_rt : F.empty_rt) : F.src_rt;
        const fieldName = field.name;
        tree.add(item, field, s, view.abs(offset + a), 4, addr, () => `${fieldName}: ${ipv4Text(addr)}${isNext ? ' <- (next)' : ''}`);
      }
    } else if (type === OPT_RA && len === 4) {
      tree.add(item, F['opt.ra'], s, view.abs(offset + 2), 2, view.u16(offset + 2));
    }
    offset += len;
  }
}

/**
 * addSourceRoute adds a loose or strict source route's addresses as tshark's dissect_ipopt_route does:
 * with a pointer past the option all were recorded; otherwise the last is the destination (`ip.dst`), the
 * ones before the pointer recorded, the one at it the next source route; a pointer before the first
 * address or inside one is flagged and no address is shown.
 */
function addSourceRoute(ctx: DissectCtx, view: ByteView, item: TreeItem, ptrItem: TreeItem, offset: number, len: number, ptr: number): void {
  const tree = ctx.tree;
  const s = view.src;
  if (ptr < 4 || (ptr & 3) !== 0) {
    const field = ptr < 4 ? F['opt.ptr.before_address'] : F['opt.ptr.middle_address'];
    addExpert(ctx, ptrItem, field, 'warn', 'Protocol', field.name, s, view.abs(offset + 2), 1);
    return;
  }
  for (let a = 3; a + 4 <= len; a += 4) {
    const addr = view.u32(offset + a);
    if (ptr <= len && a === len - 4) {
      addAddress(ctx, view, item, offset + a, addr, F.dst, F.dst_host);
      continue;
    }
    const recorded = ptr > len || a + 1 < ptr;
    const field = recorded ? F.rec_rt : F.src_rt;
    const next = !recorded && a + 1 === ptr;
    tree.add(item, field, s, view.abs(offset + a), 4, addr, () => `${field.name}: ${ipv4Text(addr)}${next ? ' <- (next)' : ''}`);
  }
}

function addOptionType(ctx: DissectCtx, view: ByteView, parent: TreeItem, offset: number, type: number): void {
  const tree = ctx.tree;
  const s = view.src;
  const at = view.abs(offset);
  const item = tree.add(parent, F['opt.type'], s, at, 1, type);
  tree.add(item, F['opt.type.copy'], s, at, 1, (type & 0x80) !== 0);
  tree.add(item, F['opt.type.class'], s, at, 1, (type & 0x60) >> 5);
  const number = type & 0x1f;
  const numberName = OPTION_NAMES[type];
  tree.add(item, F['opt.type.number'], s, at, 1, number, () =>
    `${bitPrefix(F['opt.type.number'], number)}Number: ${numberName ?? 'Unknown'} (${number})`,
  );
}

/** ipv4 is the IPv4 module (ethertype 0x0800, BSD loopback family 2, IP-in-IP). */
export const ipv4: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => {
    tables.add('ethertype', 0x0800, ipv4);
    tables.add('null.family', 2, ipv4);
    tables.add('ip.proto', 4, ipv4);
  },
  dissect: dissectIpv4,
};
