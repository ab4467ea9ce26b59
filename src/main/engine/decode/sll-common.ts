/**
 * Parts shared by Linux cooked capture v1 and v2 (Wireshark's packet-sll.c): the `sll` field set, the
 * link-layer address item and the protocol dispatch (EtherType values ≥ 1536 go through the ethertype
 * step; smaller values are Linux `ETH_P_*` pseudo types such as 802.2 LLC and are shown as data).
 */
import { defineFields, protocolField, type DissectCtx } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { dissectEthertype } from './ethertype';
import { ETHERTYPE_NAMES } from './ethertype-names';
import { macLabel, resolveMac } from './resolve';
import { formatIpv4 } from '../../../shared/format';

/** SLL_PROTO is the `sll` protocol shared by v1 and v2. */
export const SLL_PROTO = { abbrev: 'sll', short: 'SLL', name: 'Linux cooked-mode capture' };
/** sllProtocolField is the `sll` protocol field. */
export const sllProtocolField = protocolField(SLL_PROTO);

/** ARPHRD values that carry a 6-byte Ethernet-style address (if_arp.h). */
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const ARPHRD_IPGRE = 778;
const ARPHRD_IEEE80211_RADIOTAP = 803;
const ETHER_ADDR_LENGTH = 6;
const IPV4_ADDR_LENGTH = 4;
const ADDR_FIELD_LENGTH = 8;

/** sllFields are the `sll.*` field handles. */
export const sllFields = defineFields('sll', {
  pkttype: {
    name: 'Packet type',
    type: 'uint16',
    values: { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' },
  },
  hatype: {
    name: 'Link-layer address type',
    type: 'uint16',
    values: {
      1: 'Ethernet',
      24: 'IEEE 1394 IPv4 - RFC 2734',
      512: 'PPP',
      768: 'IP-IP tunnel',
      769: 'IP6-IP6 tunnel',
      772: 'Loopback',
      776: 'IPv6-in-IPv4',
      778: 'GRE',
      803: 'IEEE 802.11 + radiotap header',
      824: 'Netlink',
      65534: 'None',
    },
  },
  halen: { name: 'Link-layer address length', type: 'uint16' },
  'src.eth': { name: 'Source', type: 'ether' },
  'src.ipv4': { name: 'Source', type: 'ipv4' },
  'src.other': { name: 'Source', type: 'bytes' },
  unused: { name: 'Unused', type: 'bytes' },
  ltype: {
    name: 'Protocol',
    type: 'uint16',
    base: 'hex',
    values: { 1: 'Novell 802.3', 2: 'AX.25', 3: 'All', 4: '802.2 LLC', 5: 'SNAP', 0x0c: 'CAN', 0x0d: 'CAN FD', 0x10: 'PPP', 0x16: 'ISI', 0x1a: 'IEEE 802.15.4' },
  },
  etype: { name: 'Protocol', type: 'uint16', base: 'hex', values: ETHERTYPE_NAMES },
  ifindex: { name: 'Interface index', type: 'uint32' },
});

const F = sllFields;

/** addSllAddress adds the source address and the unused rest of the 8-byte address field. */
export function addSllAddress(ctx: DissectCtx, top: TreeItem, view: ByteView, offset: number, hatype: number, halen: number): void {
  const tree = ctx.tree;
  const shown = Math.min(halen, ADDR_FIELD_LENGTH);
  if (halen === ETHER_ADDR_LENGTH && (hatype === ARPHRD_ETHER || hatype === ARPHRD_LOOPBACK || hatype === ARPHRD_IEEE80211_RADIOTAP)) {
    const mac = view.slice(offset, ETHER_ADDR_LENGTH);
    ctx.linkSrc = { type: 'ether', bytes: mac };
    ctx.columns.source = resolveMac(mac);
    tree.add(top, F['src.eth'], view.src, view.abs(offset), ETHER_ADDR_LENGTH, mac, () => `Source: ${macLabel(mac)}`);
  } else if (halen === IPV4_ADDR_LENGTH && hatype === ARPHRD_IPGRE) {
    const v4 = view.u32(offset);
    ctx.columns.source = formatIpv4(v4);
    tree.add(top, F['src.ipv4'], view.src, view.abs(offset), IPV4_ADDR_LENGTH, v4);
  } else if (shown > 0) {
    tree.add(top, F['src.other'], view.src, view.abs(offset), shown, view.slice(offset, shown));
  }
  if (shown < ADDR_FIELD_LENGTH) {
    tree.add(top, F.unused, view.src, view.abs(offset + shown), ADDR_FIELD_LENGTH - shown, view.slice(offset + shown, ADDR_FIELD_LENGTH - shown));
  }
}

/** dissectSllProtocol hands the payload after the header to the ethertype step or to data. */
export function dissectSllProtocol(ctx: DissectCtx, view: ByteView, top: TreeItem, headerLength: number, protocol: number): number {
  if (protocol >= 1536) {
    return dissectEthertype(ctx, view, { etype: protocol, payloadOffset: headerLength, linkItem: top, ethernet: false });
  }
  // TODO(decode): Linux pseudo protocol types (802.2 LLC, CAN, …) are shown as data.
  if (view.length > headerLength) ctx.callData(view.sub(headerLength), null);
  return view.length;
}
