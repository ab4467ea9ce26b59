/**
 * Internet Protocol version 6 (RFC 8200; traffic class RFC 2474/3168, flow label RFC 6437; Wireshark's
 * packet-ipv6.c), EtherType 0x86dd, BSD families 24/28/30.
 * The fixed 40-byte header is followed by a chain of extension headers, which Wireshark 4.0 shows as
 * subtrees of the IPv6 item and as layers of their own (`ipv6:ipv6.hopopts:udp`): Hop-by-Hop Options
 * (0), Routing (43), Fragment (44) and Destination Options (60). Invariants:
 *  - a version other than 6 shows `Bogus IPv6 version (0, must be 6)` and stops (no `ipv6` layer);
 *  - the payload view is cut to 40 + Payload Length; the rest is the link layer's trailer;
 *  - fragments (offset > 0 or M set) are not reassembled: Info `IPv6 fragment (off=0 more=y
 *    ident=0xdeadbeef nxt=17)` and the fragment data as data (listed in docs/wireshark-differences.md);
 *  - an extension header chain that runs past the captured bytes throws TruncatedError like any read.
 */
import { bitfieldLabel, bitPrefix, formatIpv6, formatHexBytes } from '../../../shared/format';
import { defineFields, protocolField, tableRef, type DissectCtx, type ProtocolModule } from './protocol';

const IP_PROTO = tableRef('ip.proto');
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { addExpert } from './expert';
import { IP_PROTO_NAMES } from './ipproto-names';
import { inErrorPacket, setIpTtl } from './state';
import { DSCP_NAMES, ECN_NAMES, dsSummary, ipv4Fields } from './ipv4';

const PROTO = { abbrev: 'ipv6', short: 'IPv6', name: 'Internet Protocol Version 6' };
const P = protocolField(PROTO);

/** IPV6_F names the fixed header's byte offsets. */
const IPV6_F = { VTF: 0, FLOW: 1, PLEN: 4, NXT: 6, HLIM: 7, SRC: 8, DST: 24, HEADER_LENGTH: 40, ADDR_LENGTH: 16 } as const;
/** Extension header layout: next header (1), length in 8-octet units not counting the first (1). */
const EXT_F = { NXT: 0, LEN: 1, UNIT: 8, FRAG_LENGTH: 8, FRAG_RESERVED: 1, FRAG_OFFSET: 2, FRAG_IDENT: 4 } as const;
const NH_HOPOPTS = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_DSTOPTS = 60;
const NH_NONE = 59;

const F = defineFields('ipv6', {
  version: { name: 'Version', type: 'uint8', bitmask: 0xf0 },
  tclass: { name: 'Traffic Class', type: 'uint32', base: 'hex', bitmask: 0x0ff00000 },
  'tclass.dscp': { name: 'Differentiated Services Codepoint', type: 'uint32', bitmask: 0x0fc00000, values: DSCP_NAMES },
  'tclass.ecn': { name: 'Explicit Congestion Notification', type: 'uint32', bitmask: 0x00300000, values: ECN_NAMES },
  flow: { name: 'Flow Label', type: 'uint24', base: 'hex', bitmask: 0x0fffff },
  plen: { name: 'Payload Length', type: 'uint16' },
  nxt: { name: 'Next Header', type: 'uint8', values: IP_PROTO_NAMES },
  hlim: { name: 'Hop Limit', type: 'uint8' },
  src: { name: 'Source Address', type: 'ipv6' },
  dst: { name: 'Destination Address', type: 'ipv6' },
  addr: { name: 'Source or Destination Address', type: 'ipv6' },
  src_host: { name: 'Source Host', type: 'string' },
  dst_host: { name: 'Destination Host', type: 'string' },
  host: { name: 'Source or Destination Host', type: 'string' },
  'hopopts.nxt': { name: 'Next Header', type: 'uint8', values: IP_PROTO_NAMES },
  'hopopts.len': { name: 'Length', type: 'uint8' },
  'hopopts.len_oct': { name: 'Length', type: 'uint16' },
  'dstopts.nxt': { name: 'Next Header', type: 'uint8', values: IP_PROTO_NAMES },
  'dstopts.len': { name: 'Length', type: 'uint8' },
  'dstopts.len_oct': { name: 'Length', type: 'uint16' },
  'opt.type': { name: 'Type', type: 'uint8', base: 'hex' },
  'opt.type.action': { name: 'Action', type: 'uint8', bitmask: 0xc0, values: { 0: 'Skip and continue', 1: 'Discard packet', 2: 'Discard packet and send ICMP Parameter Problem', 3: 'Discard packet and send ICMP Parameter Problem if the destination was not multicast' } },
  'opt.type.change': { name: 'May Change', type: 'boolean', bitmask: 0x20, tfs: ['Yes', 'No'] },
  'opt.type.rest': { name: 'Low-Order Bits', type: 'uint8', base: 'hex', bitmask: 0x1f },
  'opt.length': { name: 'Length', type: 'uint8' },
  'opt.pad1': { name: 'Pad1', type: 'none' },
  'opt.padn': { name: 'PadN', type: 'bytes' },
  'opt.router_alert': { name: 'Router Alert', type: 'uint16', values: { 0: 'MLD', 1: 'RSVP', 2: 'Active Networks' } },
  'opt.unknown': { name: 'Unknown Option Payload', type: 'bytes' },
  'routing.nxt': { name: 'Next Header', type: 'uint8', values: IP_PROTO_NAMES },
  'routing.len': { name: 'Length', type: 'uint8' },
  'routing.len_oct': { name: 'Length', type: 'uint16' },
  'routing.type': { name: 'Type', type: 'uint8', values: { 0: 'Source Route', 2: 'Type 2 Routing', 3: 'RPL Source Route', 4: 'Segment Routing' } },
  'routing.segleft': { name: 'Segments Left', type: 'uint8' },
  'routing.src_reserved': { name: 'Reserved', type: 'bytes' },
  'routing.src_addr': { name: 'Address', type: 'ipv6' },
  'routing.data': { name: 'Data', type: 'bytes' },
  'routing.type.deprecated': { name: 'Routing header type is deprecated', type: 'none', abbrev: 'ipv6.routing.deprecated' },
  'fragment.nxt': { name: 'Next header', type: 'uint8', values: IP_PROTO_NAMES },
  'fragment.reserved_octet': { name: 'Reserved octet', type: 'uint8', base: 'hex' },
  'fragment.offset': { name: 'Offset', type: 'uint16', bitmask: 0xfff8 },
  'fragment.reserved_bits': { name: 'Reserved bits', type: 'uint16', bitmask: 0x0006 },
  'fragment.more': { name: 'More Fragments', type: 'boolean', bitmask: 0x0001, tfs: ['Yes', 'No'] },
  'fragment.id': { name: 'Identification', type: 'uint32', base: 'hex' },
  bogus_ipv6_version: { name: 'Bogus IPv6 version', type: 'none', abbrev: 'ipv6.bogus_ipv6_version' },
});

/** EXT_PROTOS are the extension headers' own protocols (frame.protocols `ipv6.hopopts` …). */
const EXT_PROTOS = {
  [NH_HOPOPTS]: { abbrev: 'ipv6.hopopts', short: 'IPv6 Hop-by-Hop Option', name: 'IPv6 Hop-by-Hop Option' },
  [NH_ROUTING]: { abbrev: 'ipv6.routing', short: 'IPv6 Routing', name: 'Routing Header for IPv6' },
  [NH_FRAGMENT]: { abbrev: 'ipv6.fraghdr', short: 'IPv6 Fragment', name: 'Fragment Header for IPv6' },
  [NH_DSTOPTS]: { abbrev: 'ipv6.dstopts', short: 'IPv6 Destination', name: 'Destination Options for IPv6' },
} as const;
const EXT_FIELDS = Object.fromEntries(Object.entries(EXT_PROTOS).map(([k, p]) => [k, protocolField(p)])) as Record<number, ReturnType<typeof protocolField>>;

const OPTION_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Pad1', 0x01: 'PadN', 0x04: 'Tunnel Encapsulation Limit', 0x05: 'Router Alert', 0x07: 'CALIPSO',
  0x08: 'SMF_DPD', 0x26: 'Quick-Start', 0x31: 'Path MTU Record', 0x63: 'RPL Option', 0x6d: 'MPL Option',
  0x8b: 'ILNP Nonce', 0x8c: 'Line-Identification Option', 0xc2: 'Jumbo Payload', 0xc9: 'Home Address',
  0xee: 'IP_DFF',
};
const OPT_PAD1 = 0x00;
const OPT_PADN = 0x01;
const OPT_ROUTER_ALERT = 0x05;

/** ipv6Fields are the `ipv6.*` field handles. */
export const ipv6Fields = F;

function dissectIpv6(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'ipv6';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  ctx.columns.protocol = 'IPv6';
  ctx.columns.clearInfo();
  const version = view.u8(IPV6_F.VTF) >> 4;
  const top = tree.add(parent, P, view.src, view.base, Math.min(IPV6_F.HEADER_LENGTH, view.length), null, PROTO.name);
  const versionItem = tree.add(top, F.version, view.src, view.base, 1, version);
  if (version !== 6) {
    const message = `Bogus IPv6 version (${version}, must be 6)`;
    ctx.columns.setInfo(message);
    if (building) addExpert(ctx, versionItem, F.bogus_ipv6_version, 'error', 'Malformed', 'Bogus IPv6 version', view.src, view.base, 1);
    // Rejected: the caller falls back (ethertype shows `0x86dd`, BSD loopback shows data).
    return 0;
  }
  ctx.layers.push('ipv6');
  if (view.reportedLength < IPV6_F.HEADER_LENGTH) {
    ctx.columns.setInfo(`Invalid IPv6 header (${view.reportedLength} bytes, need exactly ${IPV6_F.HEADER_LENGTH})`);
  }
  const s = view.src;
  // Items are added while reading so that a cut header keeps the fields that were captured.
  if (building) {
    tree.add(top, ipv4Fields.version, s, view.base, 1, 6, () => `${bitPrefix(F.version, 6)}Version: 6 [This field makes the filter match on "ip.version == 6" possible]`).setHidden();
    const tc = (view.u16(IPV6_F.VTF) >>> 4) & 0xff;
    const tcItem = tree.add(top, F.tclass, s, view.base, 4, tc, () => `${bitPrefix(F.tclass, tc)}Traffic Class: 0x${tc.toString(16).padStart(2, '0')} (${dsSummary(tc)})`);
    tree.add(tcItem, F['tclass.dscp'], s, view.base, 4, tc >> 2);
    tree.add(tcItem, F['tclass.ecn'], s, view.base, 4, tc & 3);
    tree.add(top, F.flow, s, view.abs(IPV6_F.FLOW), 3, view.u24(IPV6_F.FLOW) & 0x0fffff);
    tree.add(top, F.plen, s, view.abs(IPV6_F.PLEN), 2, view.u16(IPV6_F.PLEN));
    tree.add(top, F.nxt, s, view.abs(IPV6_F.NXT), 1, view.u8(IPV6_F.NXT));
    tree.add(top, F.hlim, s, view.abs(IPV6_F.HLIM), 1, view.u8(IPV6_F.HLIM));
    const srcAddr = view.slice(IPV6_F.SRC, IPV6_F.ADDR_LENGTH);
    addAddress(ctx, view, top, IPV6_F.SRC, srcAddr, formatIpv6(srcAddr), F.src, F.src_host);
    const dstAddr = view.slice(IPV6_F.DST, IPV6_F.ADDR_LENGTH);
    addAddress(ctx, view, top, IPV6_F.DST, dstAddr, formatIpv6(dstAddr), F.dst, F.dst_host);
  }
  view.check(0, IPV6_F.HEADER_LENGTH);
  const plen = view.u16(IPV6_F.PLEN);
  // Its data ends where the payload length says, when that is inside the view (tshark trims the tvb).
  top.setDataLength(IPV6_F.HEADER_LENGTH + plen < view.length ? IPV6_F.HEADER_LENGTH + plen : view.length);
  let nxt = view.u8(IPV6_F.NXT);
  const hlim = view.u8(IPV6_F.HLIM);
  const srcBytes = view.slice(IPV6_F.SRC, IPV6_F.ADDR_LENGTH);
  const dstBytes = view.slice(IPV6_F.DST, IPV6_F.ADDR_LENGTH);
  const srcText = formatIpv6(srcBytes);
  const dstText = formatIpv6(dstBytes);
  if (!inErrorPacket(ctx)) setIpTtl(ctx, hlim);
  ctx.netSrc = { type: 'ipv6', bytes: srcBytes };
  ctx.netDst = { type: 'ipv6', bytes: dstBytes };
  ctx.columns.source = srcText;
  ctx.columns.destination = dstText;
  if (building) top.setLabel(() => `Internet Protocol Version 6, Src: ${srcText}, Dst: ${dstText}`);
  // RFC 8200: Payload Length counts everything after the fixed header (0 = jumbogram, not supported).
  const payloadLength = Math.min(plen, Math.max(0, view.reportedLength - IPV6_F.HEADER_LENGTH));
  const payload = view.subClamped(IPV6_F.HEADER_LENGTH, payloadLength, 'ipv6');
  let offset = 0;
  for (;;) {
    if (nxt === NH_HOPOPTS || nxt === NH_DSTOPTS) {
      const next = dissectOptionsHeader(ctx, payload, offset, nxt, top);
      nxt = next.nxt;
      offset = next.offset;
      continue;
    }
    if (nxt === NH_ROUTING) {
      const next = dissectRoutingHeader(ctx, payload, offset, top);
      nxt = next.nxt;
      offset = next.offset;
      continue;
    }
    if (nxt === NH_FRAGMENT) {
      ctx.layers.push('ipv6.fraghdr');
      const fragNxt = payload.u8(offset + EXT_F.NXT);
      const offMore = payload.u16(offset + EXT_F.FRAG_OFFSET);
      const ident = payload.u32(offset + EXT_F.FRAG_IDENT);
      const fragOffset = offMore & 0xfff8;
      const more = (offMore & 1) !== 0;
      if (building) {
        const fragItem = tree.add(top, EXT_FIELDS[NH_FRAGMENT], s, payload.abs(offset), EXT_F.FRAG_LENGTH, null, 'Fragment Header for IPv6');
        tree.add(fragItem, F['fragment.nxt'], s, payload.abs(offset), 1, fragNxt);
        tree.add(fragItem, F['fragment.reserved_octet'], s, payload.abs(offset + EXT_F.FRAG_RESERVED), 1, payload.u8(offset + EXT_F.FRAG_RESERVED));
        tree.add(fragItem, F['fragment.offset'], s, payload.abs(offset + EXT_F.FRAG_OFFSET), 2, fragOffset >> 3, () =>
          `${bitPrefix(F['fragment.offset'], fragOffset >> 3)}Offset: ${fragOffset >> 3} (${fragOffset} bytes)`,
        );
        tree.add(fragItem, F['fragment.reserved_bits'], s, payload.abs(offset + EXT_F.FRAG_OFFSET), 2, (offMore >> 1) & 3);
        tree.add(fragItem, F['fragment.more'], s, payload.abs(offset + EXT_F.FRAG_OFFSET), 2, more, () => bitfieldLabel(F['fragment.more'], more, 16));
        tree.add(fragItem, F['fragment.id'], s, payload.abs(offset + EXT_F.FRAG_IDENT), 4, ident);
      }
      offset += EXT_F.FRAG_LENGTH;
      nxt = fragNxt;
      if (fragOffset > 0 || more) {
        // TODO(decode): IPv6 reassembly (Wireshark reassembles; we show each fragment's data).
        ctx.columns.setInfo(`IPv6 fragment (off=${fragOffset} more=${more ? 'y' : 'n'} ident=0x${ident.toString(16).padStart(8, '0')} nxt=${fragNxt})`);
        const rest = payload.subClamped(offset, payload.reportedLength - offset);
        if (rest.length > 0) ctx.callData(rest, parent);
        return Math.min(IPV6_F.HEADER_LENGTH + payloadLength, view.length);
      }
      continue;
    }
    break;
  }
  if (offset > 0) top.setLength(IPV6_F.HEADER_LENGTH + offset);
  const upper = payload.subClamped(offset, Math.max(0, payload.reportedLength - offset));
  ctx.ptype = 'none';
  if (nxt === NH_NONE) {
    ctx.columns.setInfo('IPv6 no next header');
    if (upper.length > 0) ctx.callData(upper, parent);
  } else if (ctx.callTable(IP_PROTO, nxt, upper, parent) === 0) {
    ctx.columns.setInfo(`Unknown IP Protocol: ${IP_PROTO_NAMES[nxt] ?? 'Unknown'} (${nxt})`);
    if (upper.length > 0) ctx.callData(upper, parent);
  }
  return Math.min(IPV6_F.HEADER_LENGTH + payloadLength, view.length);
}

function addAddress(ctx: DissectCtx, view: ByteView, top: TreeItem, offset: number, bytes: Uint8Array, text: string, field: typeof F.src, hostField: typeof F.src_host): void {
  const tree = ctx.tree;
  const s = view.src;
  const at = view.abs(offset);
  tree.add(top, field, s, at, IPV6_F.ADDR_LENGTH, bytes);
  tree.add(top, F.addr, s, at, IPV6_F.ADDR_LENGTH, bytes).setHidden();
  tree.add(top, hostField, s, at, IPV6_F.ADDR_LENGTH, text).setHidden();
  tree.add(top, F.host, s, at, IPV6_F.ADDR_LENGTH, text).setHidden();
}

function dissectOptionsHeader(ctx: DissectCtx, view: ByteView, offset: number, kind: number, top: TreeItem): { nxt: number; offset: number } {
  const hop = kind === NH_HOPOPTS;
  ctx.layers.push(hop ? 'ipv6.hopopts' : 'ipv6.dstopts');
  ctx.columns.setInfo(hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options');
  const nxt = view.u8(offset + EXT_F.NXT);
  const lenUnits = view.u8(offset + EXT_F.LEN);
  const length = (lenUnits + 1) * EXT_F.UNIT;
  view.check(offset, length);
  const tree = ctx.tree;
  if (tree.mode === 'none') return { nxt, offset: offset + length };
  const s = view.src;
  const item = tree.add(top, EXT_FIELDS[kind], s, view.abs(offset), length, null, EXT_PROTOS[kind as 0].name);
  tree.add(item, hop ? F['hopopts.nxt'] : F['dstopts.nxt'], s, view.abs(offset), 1, nxt);
  tree.add(item, hop ? F['hopopts.len'] : F['dstopts.len'], s, view.abs(offset + 1), 1, lenUnits);
  tree.add(item, hop ? F['hopopts.len_oct'] : F['dstopts.len_oct'], s, view.abs(offset + 1), 1, length, () => `Length: ${length} bytes`).setGenerated();
  let o = offset + 2;
  const end = offset + length;
  while (o < end) {
    const type = view.u8(o);
    const name = OPTION_NAMES[type] ?? `Unknown IPv6 Option (0x${type.toString(16).padStart(2, '0')})`;
    if (type === OPT_PAD1) {
      const opt = tree.addText(item, s, view.abs(o), 1, 'Pad1');
      addOptionType(ctx, view, opt, o, type, name);
      o += 1;
      continue;
    }
    const len = view.u8(o + 1);
    view.check(o, 2 + len);
    const opt = tree.addText(item, s, view.abs(o), 2 + len, name);
    addOptionType(ctx, view, opt, o, type, name);
    tree.add(opt, F['opt.length'], s, view.abs(o + 1), 1, len);
    if (type === OPT_PADN) {
      const pad = view.slice(o + 2, len);
      tree.add(opt, F['opt.padn'], s, view.abs(o + 2), len, pad, () => `PadN: ${len ? formatHexBytes(pad) : '<none>'}`);
    } else if (type === OPT_ROUTER_ALERT && len === 2) {
      tree.add(opt, F['opt.router_alert'], s, view.abs(o + 2), 2, view.u16(o + 2));
    } else if (len > 0) {
      tree.add(opt, F['opt.unknown'], s, view.abs(o + 2), len, view.slice(o + 2, len));
    }
    o += 2 + len;
  }
  return { nxt, offset: end };
}

function addOptionType(ctx: DissectCtx, view: ByteView, parent: TreeItem, offset: number, type: number, name: string): void {
  const tree = ctx.tree;
  const s = view.src;
  const at = view.abs(offset);
  const item = tree.add(parent, F['opt.type'], s, at, 1, type, () => `Type: ${name} (0x${type.toString(16).padStart(2, '0')})`);
  tree.add(item, F['opt.type.action'], s, at, 1, type >> 6);
  tree.add(item, F['opt.type.change'], s, at, 1, (type & 0x20) !== 0);
  tree.add(item, F['opt.type.rest'], s, at, 1, type & 0x1f);
}

function dissectRoutingHeader(ctx: DissectCtx, view: ByteView, offset: number, top: TreeItem): { nxt: number; offset: number } {
  ctx.layers.push('ipv6.routing');
  ctx.columns.setInfo('IPv6 routing');
  const nxt = view.u8(offset + EXT_F.NXT);
  const lenUnits = view.u8(offset + EXT_F.LEN);
  const length = (lenUnits + 1) * EXT_F.UNIT;
  view.check(offset, length);
  const type = view.u8(offset + 2);
  const segleft = view.u8(offset + 3);
  // RFC 2460 type 0 source route: the packet's final destination is the last address (Wireshark
  // shows it as Destination and uses it for conversations).
  if (type === 0 && segleft > 0 && length >= 8 + IPV6_F.ADDR_LENGTH) {
    const last = view.slice(offset + length - IPV6_F.ADDR_LENGTH, IPV6_F.ADDR_LENGTH);
    ctx.netDst = { type: 'ipv6', bytes: last };
    ctx.columns.destination = formatIpv6(last);
  }
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  if (!building) return { nxt, offset: offset + length };
  const s = view.src;
  const typeName = F['routing.type'].values?.[type];
  const item = tree.add(top, EXT_FIELDS[NH_ROUTING], s, view.abs(offset), length, null, () => `Routing Header for IPv6 (${typeName ?? 'Unknown'})`);
  tree.add(item, F['routing.nxt'], s, view.abs(offset), 1, nxt);
  tree.add(item, F['routing.len'], s, view.abs(offset + 1), 1, lenUnits);
  tree.add(item, F['routing.len_oct'], s, view.abs(offset + 1), 1, length, () => `Length: ${length} bytes`).setGenerated();
  const typeItem = tree.add(item, F['routing.type'], s, view.abs(offset + 2), 1, type);
  tree.add(item, F['routing.segleft'], s, view.abs(offset + 3), 1, segleft);
  if (type === 0) {
    addExpert(ctx, typeItem, F['routing.type.deprecated'], 'note', 'Deprecated', 'Routing header type is deprecated', s, view.abs(offset + 2), 1);
    tree.add(item, F['routing.src_reserved'], s, view.abs(offset + 4), 4, view.slice(offset + 4, 4));
    let n = 1;
    for (let a = offset + 8; a + IPV6_F.ADDR_LENGTH <= offset + length; a += IPV6_F.ADDR_LENGTH, n++) {
      const addr = view.slice(a, IPV6_F.ADDR_LENGTH);
      const index = n;
      tree.add(item, F['routing.src_addr'], s, view.abs(a), IPV6_F.ADDR_LENGTH, addr, () => `Address[${index}]: ${formatIpv6(addr)}`);
    }
  } else if (length > 4 && building) {
    tree.add(item, F['routing.data'], s, view.abs(offset + 4), length - 4, view.slice(offset + 4, length - 4));
  }
  return { nxt, offset: offset + length };
}

/** ipv6 is the IPv6 module (ethertype 0x86dd, BSD loopback families 24/28/30, IPv6-in-IP). */
export const ipv6: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  extraProtocols: Object.values(EXT_PROTOS).map((proto) => ({ proto, fields: [] })),
  handoff: (tables) => {
    tables.add('ethertype', 0x86dd, ipv6);
    for (const family of [24, 28, 30]) tables.add('null.family', family, ipv6);
    tables.add('ip.proto', 41, ipv6);
  },
  dissect: dissectIpv6,
};

