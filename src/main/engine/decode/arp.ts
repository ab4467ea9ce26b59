/**
 * Address Resolution Protocol (RFC 826; RARP RFC 903; probes and announcements RFC 5227; Wireshark's
 * packet-arp.c), EtherType 0x0806 (ARP) and 0x8035 (RARP). Header: hardware type, protocol type,
 * hardware size, protocol size, opcode, then sender/target hardware and protocol addresses whose sizes
 * come from the header. Ethernet/IPv4 addresses (6/4 bytes) get typed fields (`arp.src.hw_mac`,
 * `arp.src.proto_ipv4`); other sizes are shown as bytes.
 * Info follows Wireshark: `Who has 10.0.0.1? Tell 10.0.0.2`, `10.0.0.1 is at 02:00:00:00:00:01`,
 * `ARP Announcement for …`, `Gratuitous ARP for … (Request)`, `Who has …? (ARP Probe)`.
 */
import { formatEther, formatHexBytes, formatIpv4 } from '../../../shared/format';
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { ETHERTYPE_NAMES } from './ethertype-names';
import { macLabel } from './resolve';
import { addExpert } from './expert';

const PROTO = { abbrev: 'arp', short: 'ARP/RARP', name: 'Address Resolution Protocol' };
const P = protocolField(PROTO);

/** ARP_F names the fixed header's byte offsets. */
const ARP_F = { HTYPE: 0, PTYPE: 2, HLEN: 4, PLEN: 5, OPCODE: 6, ADDRESSES: 8 } as const;
const ETHERTYPE_IPV4 = 0x0800;
const ETHER_LENGTH = 6;
const IPV4_LENGTH = 4;
const HW_ETHERNET = 1;
const HW_IEEE802 = 6;
const OP_REQUEST = 1;
const OP_REPLY = 2;
const OP_RREQUEST = 3;
const OP_RREPLY = 4;

const HW_TYPES: Readonly<Record<number, string>> = {
  0: 'NET/ROM pseudo', 1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos', 6: 'IEEE 802',
  7: 'ARCNET', 8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet Short Address', 11: 'Localtalk', 12: 'LocalNet',
  13: 'Ultra link', 14: 'SMDS', 15: 'Frame Relay', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel', 19: 'ATM (RFC 2225)',
  20: 'Serial Line', 21: 'ATM', 22: 'MIL-STD-188-220', 23: 'Metricom', 24: 'IEEE 1394.1995', 25: 'MAPOS', 26: 'Twinaxial',
  27: 'EUI-64', 28: 'HIPARP', 29: 'IP and ARP over ISO 7816-3', 30: 'ARPSec', 31: 'IPsec tunnel', 32: 'InfiniBand',
  33: 'TIA-102 Project 25 Common Air Interface', 34: 'Wiegand Interface', 35: 'Pure IP', 36: 'HW_EXP1', 37: 'HFI',
  256: 'HW_EXP2', 257: 'AEthernet', 772: 'Loopback', 774: 'FDDI', 801: 'Wireless IEEE 802.11',
};

const OPCODES: Readonly<Record<number, string>> = {
  1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply', 5: 'DRARP-Request', 6: 'DRARP-Reply',
  7: 'DRARP-Error', 8: 'inverse request', 9: 'inverse reply', 10: 'ARP-NAK', 11: 'MARS request', 12: 'MARS multi',
  13: 'MARS mserv', 14: 'MARS join', 15: 'MARS leave', 16: 'MARS nak', 17: 'MARS unserv', 18: 'MARS sjoin',
  19: 'MARS sleave', 20: 'MARS grouplist request', 21: 'MARS grouplist reply', 22: 'MARS redirect map',
  23: 'MAPOS UNARP', 24: 'OP_EXP1', 25: 'OP_EXP2',
};

const F = defineFields('arp', {
  'hw.type': { name: 'Hardware type', type: 'uint16', values: HW_TYPES },
  'proto.type': { name: 'Protocol type', type: 'uint16', base: 'hex', values: ETHERTYPE_NAMES },
  'hw.size': { name: 'Hardware size', type: 'uint8' },
  'proto.size': { name: 'Protocol size', type: 'uint8' },
  opcode: { name: 'Opcode', type: 'uint16', values: OPCODES },
  isgratuitous: { name: 'Is gratuitous', type: 'boolean', tfs: ['True', 'False'] },
  isprobe: { name: 'Is probe', type: 'boolean', tfs: ['True', 'False'] },
  isannouncement: { name: 'Is announcement', type: 'boolean', tfs: ['True', 'False'] },
  'src.hw': { name: 'Sender hardware address', type: 'bytes' },
  'src.hw_mac': { name: 'Sender MAC address', type: 'ether' },
  'src.proto': { name: 'Sender protocol address', type: 'bytes' },
  'src.proto_ipv4': { name: 'Sender IP address', type: 'ipv4' },
  'dst.hw': { name: 'Target hardware address', type: 'bytes' },
  'dst.hw_mac': { name: 'Target MAC address', type: 'ether' },
  'dst.proto': { name: 'Target protocol address', type: 'bytes' },
  'dst.proto_ipv4': { name: 'Target IP address', type: 'ipv4' },
  'duplicate-address-frame': { name: 'Frame showing earlier use of IP address', type: 'framenum' },
  'seconds-since-duplicate-address-frame': { name: 'Seconds since earlier frame seen', type: 'uint32' },
  'duplicate-address-detected': { name: 'Duplicate IP address configured', type: 'none' },
});

/** arpFields are the `arp.*` field handles. */
export const arpFields = F;

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function ether4(etherHw: boolean, ipv4Proto: boolean): boolean {
  return etherHw && ipv4Proto;
}

interface Duplicate {
  /** the frame that last showed the other MAC for this address, that MAC, and seconds since then */
  frame: number;
  mac: string;
  seconds: number;
}

/**
 * duplicateCheck remembers which MAC each sender IPv4 address was last seen with (Wireshark's
 * "detect duplicate IP address configuration"); a different MAC for the same address is flagged. The
 * verdict is frozen per frame so re-dissection repeats it.
 */
function duplicateCheck(ctx: DissectCtx, sha: Uint8Array, spa: Uint8Array): Duplicate | undefined {
  if (!ctx.firstPass) return ctx.getFrameData<Duplicate>('arp.duplicate');
  if (isZero(spa) || isZero(sha) || (sha[0] & 1) !== 0) return undefined;
  const table = ctx.conversation('arp.addresses', () => new Map<string, { mac: string; frame: number; sec: number }>());
  const ip = formatHexBytes(spa);
  const mac = formatEther(sha);
  const known = table.get(ip);
  const seen = { mac, frame: ctx.frame.number, sec: ctx.frame.tsSec };
  table.set(ip, seen);
  if (!known || known.mac === mac) return undefined;
  const result = { frame: known.frame, mac: known.mac, seconds: ctx.frame.tsSec - known.sec };
  ctx.setFrameData('arp.duplicate', result);
  return result;
}

function dissectArp(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'arp';
  const tree = ctx.tree;
  ctx.layers.push('arp');
  ctx.columns.protocol = 'ARP';
  ctx.columns.clearInfo();
  const htype = view.u16(ARP_F.HTYPE);
  const ptype = view.u16(ARP_F.PTYPE);
  const hlen = view.u8(ARP_F.HLEN);
  const plen = view.u8(ARP_F.PLEN);
  const opcode = view.u16(ARP_F.OPCODE);
  const shaAt = ARP_F.ADDRESSES;
  const spaAt = shaAt + hlen;
  const thaAt = spaAt + plen;
  const tpaAt = thaAt + hlen;
  const total = tpaAt + plen;
  const rarp = opcode === OP_RREQUEST || opcode === OP_RREPLY;
  const building = tree.mode !== 'none';
  if (building && !view.has(0, total)) {
    // Wireshark shows the fixed fields before it reads the addresses of a cut packet.
    const cut = tree.add(parent, P, view.src, view.base, view.length, null, PROTO.name);
    addFixed(ctx, cut, view, htype, ptype, hlen, plen, opcode);
  }
  view.check(0, total);
  if (rarp) ctx.columns.protocol = 'RARP';
  const sha = view.slice(shaAt, hlen);
  const spa = view.slice(spaAt, plen);
  const tha = view.slice(thaAt, hlen);
  const tpa = view.slice(tpaAt, plen);
  const etherHw = (htype === HW_ETHERNET || htype === HW_IEEE802) && hlen === ETHER_LENGTH;
  const ipv4Proto = ptype === ETHERTYPE_IPV4 && plen === IPV4_LENGTH;
  const hwText = (b: Uint8Array) => (etherHw ? formatEther(b) : formatHexBytes(b, ':'));
  const protoText = (b: Uint8Array) => (ipv4Proto ? formatIpv4(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0) : formatHexBytes(b, ':'));
  const announcement = opcode === OP_REQUEST && sameBytes(spa, tpa) && isZero(tha);
  const gratuitous = (opcode === OP_REQUEST || opcode === OP_REPLY) && sameBytes(spa, tpa);
  const probe = opcode === OP_REQUEST && isZero(spa) && isZero(tha) && !gratuitous;
  let info: string;
  let kind: string;
  if (announcement) {
    info = `ARP Announcement for ${protoText(spa)}`;
    kind = 'ARP Announcement';
  } else if (gratuitous) {
    info = `Gratuitous ARP for ${protoText(spa)} (${opcode === OP_REQUEST ? 'Request' : 'Reply'})`;
    kind = `${OPCODES[opcode]}/gratuitous ARP`;
  } else if (probe) {
    info = `Who has ${protoText(tpa)}? (ARP Probe)`;
    kind = 'ARP Probe';
  } else {
    kind = OPCODES[opcode] ?? 'Unknown';
    switch (opcode) {
      case OP_REQUEST:
        info = `Who has ${protoText(tpa)}? Tell ${protoText(spa)}`;
        break;
      case OP_REPLY:
        info = `${protoText(spa)} is at ${hwText(sha)}`;
        break;
      case OP_RREQUEST:
        info = `Who is ${hwText(tha)}? Tell ${hwText(sha)}`;
        break;
      case OP_RREPLY:
        info = `${hwText(tha)} is at ${protoText(tpa)}`;
        break;
      default:
        info = `Unknown ARP opcode 0x${opcode.toString(16).padStart(4, '0')}`;
    }
  }
  const duplicate = ether4(etherHw, ipv4Proto) && (opcode === OP_REQUEST || opcode === OP_REPLY) ? duplicateCheck(ctx, sha, spa) : undefined;
  if (duplicate) info += ` (duplicate use of ${protoText(spa)} detected!)`;
  ctx.columns.setInfo(info);
  if (tree.mode === 'none') return total;
  const s = view.src;
  const top = tree.add(parent, P, s, view.base, total, null, () => `${rarp ? 'Reverse Address Resolution Protocol' : PROTO.name} (${kind})`).setDataLength(view.length);
  addFixed(ctx, top, view, htype, ptype, hlen, plen, opcode);
  if (gratuitous) tree.add(top, F.isgratuitous, s, view.base, 0, true).setGenerated();
  if (probe) tree.add(top, F.isprobe, s, view.base, 0, true).setGenerated();
  if (announcement) tree.add(top, F.isannouncement, s, view.base, 0, true).setGenerated();
  addHw(ctx, top, view, shaAt, sha, etherHw, F['src.hw_mac'], F['src.hw']);
  addProto(ctx, top, view, spaAt, spa, ipv4Proto, F['src.proto_ipv4'], F['src.proto']);
  addHw(ctx, top, view, thaAt, tha, etherHw, F['dst.hw_mac'], F['dst.hw']);
  addProto(ctx, top, view, tpaAt, tpa, ipv4Proto, F['dst.proto_ipv4'], F['dst.proto']);
  if (duplicate) {
    const d = duplicate;
    const ipText = protoText(spa);
    const dup = tree.addText(parent, s, view.abs(spaAt), plen, () =>
      `Duplicate IP address detected for ${ipText} (${hwText(sha)}) - also in use by ${d.mac} (frame ${d.frame})`,
    ).setGenerated();
    const frameItem = tree.add(dup, F['duplicate-address-frame'], s, view.abs(spaAt), plen, d.frame).setGenerated().setFrameRef(d.frame);
    addExpert(ctx, frameItem, F['duplicate-address-detected'], 'warn', 'Sequence', `Duplicate IP address configured (${ipText})`, s, view.abs(spaAt), plen);
    tree.add(dup, F['seconds-since-duplicate-address-frame'], s, view.abs(spaAt), plen, d.seconds).setGenerated();
  }
  return total;
}

function addFixed(ctx: DissectCtx, top: TreeItem, view: ByteView, htype: number, ptype: number, hlen: number, plen: number, opcode: number): void {
  const tree = ctx.tree;
  const s = view.src;
  tree.add(top, F['hw.type'], s, view.abs(ARP_F.HTYPE), 2, htype);
  tree.add(top, F['proto.type'], s, view.abs(ARP_F.PTYPE), 2, ptype);
  tree.add(top, F['hw.size'], s, view.abs(ARP_F.HLEN), 1, hlen);
  tree.add(top, F['proto.size'], s, view.abs(ARP_F.PLEN), 1, plen);
  tree.add(top, F.opcode, s, view.abs(ARP_F.OPCODE), 2, opcode);
}

function addHw(ctx: DissectCtx, top: TreeItem, view: ByteView, at: number, bytes: Uint8Array, ether: boolean, macField: typeof F['src.hw_mac'], bytesField: typeof F['src.hw']): void {
  if (bytes.length === 0) return;
  if (ether) ctx.tree.add(top, macField, view.src, view.abs(at), bytes.length, bytes, () => `${macField.name}: ${macLabel(bytes)}`);
  else ctx.tree.add(top, bytesField, view.src, view.abs(at), bytes.length, bytes);
}

function addProto(ctx: DissectCtx, top: TreeItem, view: ByteView, at: number, bytes: Uint8Array, ipv4: boolean, ipField: typeof F['src.proto_ipv4'], bytesField: typeof F['src.proto']): void {
  if (bytes.length === 0) return;
  if (ipv4) ctx.tree.add(top, ipField, view.src, view.abs(at), 4, view.u32(at));
  else ctx.tree.add(top, bytesField, view.src, view.abs(at), bytes.length, bytes);
}

/** arp is the ARP/RARP module (ethertypes 0x0806, 0x8035). */
export const arp: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => {
    tables.add('ethertype', 0x0806, arp);
    tables.add('ethertype', 0x8035, arp);
  },
  dissect: dissectArp,
};
