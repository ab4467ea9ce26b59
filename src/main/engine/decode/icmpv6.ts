/**
 * Internet Control Message Protocol for IPv6 (RFC 4443; Neighbor Discovery RFC 4861; Wireshark's
 * packet-icmpv6.c), IP protocol / next header 58.
 * Invariants: the checksum covers the IPv6 pseudo-header (RFC 8200 §8.1) and is verified when the
 * message was captured whole; echo requests/replies are matched like ICMP's (first pass, frozen per
 * frame); error messages quote the offending IPv6 packet, dissected as a nested packet that leaves the
 * columns alone; Neighbor Discovery options are shown with their link-layer addresses.
 * TODO(decode): Router Advertisement fields and options other than link-layer addresses are shown as
 * raw bytes.
 */
import { formatEther, formatIpv6 } from '../../../shared/format';
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { dissectQuoted, ipTtl } from './state';
import { checksumShouldBe, internetChecksum } from './icmp';
import { macLabel } from './resolve';

const PROTO = { abbrev: 'icmpv6', short: 'ICMPv6', name: 'Internet Control Message Protocol v6' };
const P = protocolField(PROTO);

/** ICMPV6_F names the header's byte offsets. */
const ICMPV6_F = { TYPE: 0, CODE: 1, CHECKSUM: 2, BODY: 4, IDENT: 4, SEQ: 6, HEADER_LENGTH: 8, ND_TARGET: 8, ND_OPTIONS: 24 } as const;
const ND_OPT_UNIT = 8;
const NEXT_HEADER_ICMPV6 = 58;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  100: 'Private experimentation', 101: 'Private experimentation', 128: 'Echo (ping) request', 129: 'Echo (ping) reply',
  130: 'Multicast Listener Query', 131: 'Multicast Listener Report', 132: 'Multicast Listener Done',
  133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement',
  137: 'Redirect', 138: 'Router Renumbering', 139: 'ICMP Node Information Query', 140: 'ICMP Node Information Response',
  141: 'Inverse Neighbor Discovery Solicitation Message', 142: 'Inverse Neighbor Discovery Advertisement Message',
  143: 'Multicast Listener Report Message v2', 144: 'Home Agent Address Discovery Request Message',
  145: 'Home Agent Address Discovery Reply Message', 146: 'Mobile Prefix Solicitation', 147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation Message', 149: 'Certification Path Advertisement Message',
  151: 'Multicast Router Advertisement', 152: 'Multicast Router Solicitation', 153: 'Multicast Router Termination',
  155: 'RPL Control Message', 200: 'Private experimentation', 201: 'Private experimentation',
};

const CODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'no route to destination', 1: 'Administratively prohibited', 2: 'Beyond scope of source address',
    3: 'Address unreachable', 4: 'Port unreachable', 5: 'Source address failed ingress/egress policy',
    6: 'Reject route to destination', 7: 'Error in Source Routing Header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered' },
};

const OPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'Source link-layer address', 2: 'Target link-layer address', 3: 'Prefix information', 4: 'Redirected header',
  5: 'MTU', 25: 'Recursive DNS Server', 31: 'DNS Search List',
};

const F = defineFields('icmpv6', {
  type: { name: 'Type', type: 'uint8', values: TYPE_NAMES },
  code: { name: 'Code', type: 'uint8' },
  checksum: { name: 'Checksum', type: 'uint16', base: 'hex' },
  'checksum.status': { name: 'Checksum Status', type: 'uint8', base: 'none', values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  reserved: { name: 'Reserved', type: 'bytes' },
  mtu: { name: 'MTU', type: 'uint32' },
  pointer: { name: 'Pointer', type: 'uint32' },
  'echo.identifier': { name: 'Identifier', type: 'uint16', base: 'hex' },
  'echo.sequence_number': { name: 'Sequence', type: 'uint16' },
  'nd.ns.target_address': { name: 'Target Address', type: 'ipv6' },
  'nd.na.target_address': { name: 'Target Address', type: 'ipv6' },
  'nd.na.flag': { name: 'Flags', type: 'uint32', base: 'hex' },
  'nd.na.flag.r': { name: 'Router', type: 'boolean', bitmask: 0x80000000 },
  'nd.na.flag.s': { name: 'Solicited', type: 'boolean', bitmask: 0x40000000 },
  'nd.na.flag.o': { name: 'Override', type: 'boolean', bitmask: 0x20000000 },
  'nd.na.flag.rsv': { name: 'Reserved', type: 'uint32', bitmask: 0x1fffffff },
  opt: { name: 'ICMPv6 Option', type: 'none' },
  'opt.type': { name: 'Type', type: 'uint8', values: OPTION_NAMES },
  'opt.length': { name: 'Length', type: 'uint8' },
  'opt.linkaddr': { name: 'Link-layer address', type: 'ether' },
  'opt.src_linkaddr': { name: 'Source Link-layer address', type: 'ether' },
  'opt.target_linkaddr': { name: 'Target Link-layer address', type: 'ether' },
  'opt.data': { name: 'Data', type: 'bytes' },
  data: { name: 'Data', type: 'bytes' },
  resp_in: { name: 'Response In', type: 'framenum' },
  resp_to: { name: 'Response To', type: 'framenum' },
  resptime: { name: 'Response Time', type: 'double' },
});

/** icmpv6Fields are the `icmpv6.*` field handles. */
export const icmpv6Fields = F;

interface EchoTable {
  requests: Map<string, { frame: number; sec: number; nsec: number; answered: boolean }>;
  replyOf: Map<number, number>;
}

function addrKey(bytes: Uint8Array | undefined): string {
  return bytes ? formatIpv6(bytes) : '-';
}

function pseudoHeaderSum(ctx: DissectCtx, length: number): number | undefined {
  if (ctx.netSrc.type !== 'ipv6' || ctx.netDst.type !== 'ipv6') return undefined;
  const ph = new Uint8Array(40);
  ph.set(ctx.netSrc.bytes, 0);
  ph.set(ctx.netDst.bytes, 16);
  ph[32] = (length >>> 24) & 255;
  ph[33] = (length >>> 16) & 255;
  ph[34] = (length >>> 8) & 255;
  ph[35] = length & 255;
  ph[39] = NEXT_HEADER_ICMPV6;
  return internetChecksum(ph);
}

function dissectIcmpv6(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'icmpv6';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  ctx.layers.push('icmpv6');
  ctx.columns.protocol = 'ICMPv6';
  ctx.columns.clearInfo();
  const type = view.u8(ICMPV6_F.TYPE);
  const code = view.u8(ICMPV6_F.CODE);
  const typeName = TYPE_NAMES[type] ?? `Unknown (${type})`;
  const codeName = CODE_NAMES[type]?.[code];
  ctx.columns.setInfo(typeName + (codeName !== undefined ? ` (${codeName})` : ''));
  const s = view.src;
  const top = tree.add(parent, P, s, view.base, view.length, null, PROTO.name);
  tree.add(top, F.type, s, view.abs(ICMPV6_F.TYPE), 1, type);
  tree.add(top, F.code, s, view.abs(ICMPV6_F.CODE), 1, code, () => (codeName !== undefined ? `Code: ${code} (${codeName})` : `Code: ${code}`));
  const checksum = view.u16(ICMPV6_F.CHECKSUM);
  if (building) {
    const hex = (v: number) => '0x' + v.toString(16).padStart(4, '0');
    const initial = view.length >= view.reportedLength ? pseudoHeaderSum(ctx, view.length) : undefined;
    if (initial === undefined) {
      tree.add(top, F.checksum, s, view.abs(ICMPV6_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} [unverified]`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMPV6_F.CHECKSUM), 0, 2, 'Checksum Status: Unverified').setGenerated();
    } else if (internetChecksum(view.rest(), initial) === 0xffff) {
      tree.add(top, F.checksum, s, view.abs(ICMPV6_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} [correct]`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMPV6_F.CHECKSUM), 0, 1, 'Checksum Status: Good').setGenerated();
    } else {
      const should = checksumShouldBe(view.rest(), checksum, initial);
      tree.add(top, F.checksum, s, view.abs(ICMPV6_F.CHECKSUM), 2, checksum, () => `Checksum: ${hex(checksum)} incorrect, should be ${hex(should)}`);
      tree.add(top, F['checksum.status'], s, view.abs(ICMPV6_F.CHECKSUM), 0, 0, 'Checksum Status: Bad').setGenerated();
    }
  }
  switch (type) {
    case 128:
    case 129:
      dissectEcho(ctx, view, top, type);
      break;
    case 1:
    case 2:
    case 3:
    case 4: {
      view.check(ICMPV6_F.BODY, 4);
      if (type === 2) tree.add(top, F.mtu, s, view.abs(ICMPV6_F.BODY), 4, view.u32(ICMPV6_F.BODY));
      else if (type === 4) tree.add(top, F.pointer, s, view.abs(ICMPV6_F.BODY), 4, view.u32(ICMPV6_F.BODY));
      else tree.add(top, F.reserved, s, view.abs(ICMPV6_F.BODY), 4, view.slice(ICMPV6_F.BODY, 4));
      if (view.length > ICMPV6_F.HEADER_LENGTH) {
        const quoted = view.sub(ICMPV6_F.HEADER_LENGTH);
        dissectQuoted(ctx, () => {
          if (ctx.callTable('ethertype', 0x86dd, quoted, top) === 0) ctx.callData(quoted, top);
        });
      }
      break;
    }
    case 135:
    case 136: {
      view.check(ICMPV6_F.BODY, 20);
      const target = view.slice(ICMPV6_F.ND_TARGET, 16);
      const targetText = formatIpv6(target);
      let flagsText = '';
      if (type === 135) {
        tree.add(top, F.reserved, s, view.abs(ICMPV6_F.BODY), 4, view.slice(ICMPV6_F.BODY, 4));
        tree.add(top, F['nd.ns.target_address'], s, view.abs(ICMPV6_F.ND_TARGET), 16, target);
        ctx.columns.setInfo(`Neighbor Solicitation for ${targetText}`);
      } else {
        const flags = view.u32(ICMPV6_F.BODY);
        const names: string[] = [];
        const abbrevs: string[] = [];
        if (flags & 0x80000000) (names.push('Router'), abbrevs.push('rtr'));
        if (flags & 0x40000000) (names.push('Solicited'), abbrevs.push('sol'));
        if (flags & 0x20000000) (names.push('Override'), abbrevs.push('ovr'));
        flagsText = abbrevs.length ? ` (${abbrevs.join(', ')})` : '';
        const at = view.abs(ICMPV6_F.BODY);
        const fi = tree.add(top, F['nd.na.flag'], s, at, 4, flags, () => `Flags: 0x${flags.toString(16).padStart(8, '0')}${names.length ? ', ' + names.join(', ') : ''}`);
        tree.add(fi, F['nd.na.flag.r'], s, at, 4, (flags & 0x80000000) !== 0);
        tree.add(fi, F['nd.na.flag.s'], s, at, 4, (flags & 0x40000000) !== 0);
        tree.add(fi, F['nd.na.flag.o'], s, at, 4, (flags & 0x20000000) !== 0);
        tree.add(fi, F['nd.na.flag.rsv'], s, at, 4, flags & 0x1fffffff);
        tree.add(top, F['nd.na.target_address'], s, view.abs(ICMPV6_F.ND_TARGET), 16, target);
        ctx.columns.setInfo(`Neighbor Advertisement ${targetText}${flagsText}`);
      }
      const lladdr = dissectNdOptions(ctx, view, top, ICMPV6_F.ND_OPTIONS);
      if (lladdr) ctx.columns.appendInfo(type === 135 ? ` from ${formatEther(lladdr)}` : ` is at ${formatEther(lladdr)}`);
      break;
    }
    case 133:
      view.check(ICMPV6_F.BODY, 4);
      tree.add(top, F.reserved, s, view.abs(ICMPV6_F.BODY), 4, view.slice(ICMPV6_F.BODY, 4));
      {
        const ll = dissectNdOptions(ctx, view, top, ICMPV6_F.HEADER_LENGTH);
        if (ll) ctx.columns.appendInfo(` from ${formatEther(ll)}`);
      }
      break;
    default:
      // TODO(decode): MLD, router advertisement, redirect and other bodies are not itemised.
      break;
  }
  return view.length;
}

function dissectNdOptions(ctx: DissectCtx, view: ByteView, top: TreeItem, start: number): Uint8Array | undefined {
  const tree = ctx.tree;
  const s = view.src;
  let offset = start;
  let lladdr: Uint8Array | undefined;
  // Options run to the end of the message as sent; a snaplen cut inside them is reported.
  while (offset < view.reportedLength) {
    const type = view.u8(offset);
    const units = view.u8(offset + 1);
    const length = units * ND_OPT_UNIT;
    if (length === 0) break;
    view.check(offset, length);
    const name = OPTION_NAMES[type] ?? 'Unknown';
    const isLl = (type === 1 || type === 2) && length === ND_OPT_UNIT;
    const mac = isLl ? view.slice(offset + 2, 6) : undefined;
    if (mac) lladdr = mac;
    const item = tree.add(top, F.opt, s, view.abs(offset), length, null, () =>
      mac ? `ICMPv6 Option (${name} : ${formatEther(mac)})` : `ICMPv6 Option (${name})`,
    );
    tree.add(item, F['opt.type'], s, view.abs(offset), 1, type);
    tree.add(item, F['opt.length'], s, view.abs(offset + 1), 1, units, () => `Length: ${units} (${length} bytes)`);
    if (mac) {
      tree.add(item, F['opt.linkaddr'], s, view.abs(offset + 2), 6, mac, () => `Link-layer address: ${macLabel(mac)}`);
      tree.add(item, type === 1 ? F['opt.src_linkaddr'] : F['opt.target_linkaddr'], s, view.abs(offset + 2), 6, mac).setHidden();
    } else if (length > 2) {
      tree.add(item, F['opt.data'], s, view.abs(offset + 2), length - 2, view.slice(offset + 2, length - 2));
    }
    offset += length;
  }
  return lladdr;
}

function dissectEcho(ctx: DissectCtx, view: ByteView, top: TreeItem, type: number): void {
  const tree = ctx.tree;
  const s = view.src;
  view.check(ICMPV6_F.IDENT, 4);
  const ident = view.u16(ICMPV6_F.IDENT);
  const seq = view.u16(ICMPV6_F.SEQ);
  tree.add(top, F['echo.identifier'], s, view.abs(ICMPV6_F.IDENT), 2, ident);
  tree.add(top, F['echo.sequence_number'], s, view.abs(ICMPV6_F.SEQ), 2, seq);
  const hlim = ipTtl(ctx);
  let info = `${type === 128 ? 'Echo (ping) request' : 'Echo (ping) reply'} id=0x${ident.toString(16).padStart(4, '0')}, seq=${seq}`;
  if (hlim !== undefined) info += `, hop limit=${hlim}`;
  const src = addrKey(ctx.netSrc.type === 'ipv6' ? ctx.netSrc.bytes : undefined);
  const dst = addrKey(ctx.netDst.type === 'ipv6' ? ctx.netDst.bytes : undefined);
  const table = ctx.conversation<EchoTable>('icmpv6.echo', () => ({ requests: new Map(), replyOf: new Map() }));
  if (type === 128) {
    if (ctx.firstPass) {
      table.requests.set(`${ident}/${seq}/${src}>${dst}`, { frame: ctx.frame.number, sec: ctx.frame.tsSec, nsec: ctx.frame.tsNsec, answered: false });
    } else {
      const reply = table.replyOf.get(ctx.frame.number);
      if (reply !== undefined) {
        info += ` (reply in ${reply})`;
        tree.add(top, F.resp_in, s, view.base, 0, reply, () => `Response In: ${reply}`).setGenerated().setFrameRef(reply);
      } else {
        info += ' (no response found!)';
      }
    }
  } else {
    let frozen: { requestFrame: number; ms: number } | undefined;
    if (ctx.firstPass) {
      const request = table.requests.get(`${ident}/${seq}/${dst}>${src}`);
      if (request && request.frame < ctx.frame.number && !request.answered) {
        request.answered = true;
        frozen = { requestFrame: request.frame, ms: ((ctx.frame.tsSec - request.sec) * 1e9 + (ctx.frame.tsNsec - request.nsec)) / 1e6 };
        table.replyOf.set(request.frame, ctx.frame.number);
        ctx.markRowChanged?.(request.frame);
        ctx.setFrameData('icmpv6.reply', frozen);
      }
    } else {
      frozen = ctx.getFrameData('icmpv6.reply');
    }
    if (frozen) {
      const f = frozen;
      info += ` (request in ${f.requestFrame})`;
      tree.add(top, F.resp_to, s, view.base, 0, f.requestFrame, () => `Response To: ${f.requestFrame}`).setGenerated().setFrameRef(f.requestFrame);
      tree.add(top, F.resptime, s, view.base, 0, f.ms, () => `Response Time: ${f.ms.toFixed(3)} ms`).setGenerated();
    }
  }
  ctx.columns.setInfo(info);
  if (view.length > ICMPV6_F.HEADER_LENGTH) ctx.callData(view.sub(ICMPV6_F.HEADER_LENGTH), top);
}

/** icmpv6 is the ICMPv6 module (next header 58). */
export const icmpv6: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('ip.proto', NEXT_HEADER_ICMPV6, icmpv6),
  dissect: dissectIcmpv6,
};
