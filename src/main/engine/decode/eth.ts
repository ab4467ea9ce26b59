/**
 * Ethernet II and IEEE 802.3 framing (IEEE 802.3 clause 3; Wireshark's packet-eth.c), LINKTYPE_ETHERNET (1).
 * Header: destination MAC (6), source MAC (6), then a 16-bit field that is an EtherType when ≥ 0x0600
 * (1536) and an 802.3 payload length when ≤ 1500. The payload goes through {@link dissectEthertype},
 * which also shows padding, trailer and FCS. Addresses are labelled with Wireshark's MAC name
 * resolution (`00:00:00_00:00:00 (00:00:00:00:00:00)`); the Source/Destination columns get the
 * resolved names until a network layer overwrites them.
 * Invariant: nothing is added to the tree before the 14-byte header is known to be captured, so a
 * shorter frame shows only `[Malformed Packet: Ethernet]` as Wireshark does.
 */
import { formatEther } from '../../../shared/format';
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import { FieldGroup, NULL_ITEM, type TreeItem } from './tree';
import type { ByteView } from './view';
import { dissectEthertype, trailerFields } from './ethertype';
import { ETHERTYPE_NAMES } from './ethertype-names';
import { macLabel, ouiName, resolveMac } from './resolve';
import { addExpert } from './expert';

const PROTO = { abbrev: 'eth', short: 'Ethernet', name: 'Ethernet' };
const P = protocolField(PROTO);

/** ETH_F names the Ethernet header's byte ranges. */
const ETH_F = { DST: 0, SRC: 6, TYPE: 12, HEADER_LENGTH: 14, ADDR_LENGTH: 6, OUI_LENGTH: 3 } as const;
/** Values ≤ MAX_802_3_LENGTH are an 802.3 length, ≥ MIN_ETHERTYPE an EtherType. */
const MAX_802_3_LENGTH = 1500;
const MIN_ETHERTYPE = 1536;

const LG_TFS = ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] as const;
const IG_TFS = ['Group address (multicast/broadcast)', 'Individual address (unicast)'] as const;
const LG_MASK = 0x020000;
const IG_MASK = 0x010000;

const F = defineFields('eth', {
  dst: { name: 'Destination', type: 'ether', blurb: 'Destination Hardware Address' },
  dst_resolved: { name: 'Destination (resolved)', type: 'string' },
  'dst.oui': { name: 'Destination OUI', type: 'uint24', base: 'dec' },
  'dst.oui_resolved': { name: 'Destination OUI (resolved)', type: 'string' },
  src: { name: 'Source', type: 'ether', blurb: 'Source Hardware Address' },
  src_resolved: { name: 'Source (resolved)', type: 'string' },
  'src.oui': { name: 'Source OUI', type: 'uint24', base: 'dec' },
  'src.oui_resolved': { name: 'Source OUI (resolved)', type: 'string' },
  addr: { name: 'Address', type: 'ether', blurb: 'Source or Destination Hardware Address' },
  addr_resolved: { name: 'Address (resolved)', type: 'string' },
  'addr.oui': { name: 'Address OUI', type: 'uint24', base: 'dec' },
  'addr.oui_resolved': { name: 'Address OUI (resolved)', type: 'string' },
  'dst.lg': { name: 'LG bit', type: 'boolean', bitmask: LG_MASK, tfs: LG_TFS },
  'dst.ig': { name: 'IG bit', type: 'boolean', bitmask: IG_MASK, tfs: IG_TFS },
  'src.lg': { name: 'LG bit', type: 'boolean', bitmask: LG_MASK, tfs: LG_TFS },
  'src.ig': { name: 'IG bit', type: 'boolean', bitmask: IG_MASK, tfs: IG_TFS },
  lg: { name: 'LG bit', type: 'boolean', bitmask: LG_MASK, tfs: LG_TFS },
  ig: { name: 'IG bit', type: 'boolean', bitmask: IG_MASK, tfs: IG_TFS },
  type: { name: 'Type', type: 'uint16', base: 'hex', values: ETHERTYPE_NAMES },
  len: { name: 'Length', type: 'uint16' },
  invalid_lentype: { name: 'Invalid length/type', type: 'uint16', base: 'hex' },
  'invalid_lentype.expert': { name: 'Invalid length/type', type: 'none' },
});

/** OUI_NAMES: the items that hold a vendor name */
const OUI_NAMES = new FieldGroup([F['dst.oui_resolved'], F['src.oui_resolved'], F['addr.oui_resolved']]);
/** ETH_GROUP: the Ethernet header's items (the 802.3 / invalid-type items are added unconditionally). */
const ETH_GROUP = new FieldGroup([P, F.dst, F.dst_resolved, F['dst.oui'], F['dst.oui_resolved'], F.src, F.src_resolved, F['src.oui'], F['src.oui_resolved'], F.addr, F.addr_resolved, F['addr.oui'], F['addr.oui_resolved'], F['dst.lg'], F['dst.ig'], F['src.lg'], F['src.ig'], F.lg, F.ig]);

/** ethFields are the Ethernet field handles (eth.dst, eth.type, …). */
export const ethFields = F;

type Side = 'dst' | 'src';

/**
 * EtherAddress is a MAC address (an `ether` Address), shared: {@link etherAddress} hands out one object
 * per address from a small direct-mapped cache, with its own copy of the six bytes. A capture has few
 * link addresses and most frames never read them (a network layer replaces the columns), so a frame
 * costs neither an object nor a subarray for them. Addresses are never mutated (consumers assign them).
 */
class EtherAddress {
  readonly type = 'ether' as const;
  constructor(
    /** the first two bytes and the last four (as a signed 32-bit integer): the cache's key */
    readonly high: number,
    readonly low: number,
    readonly bytes: Uint8Array,
  ) {}
}

const ETHER_CACHE: (EtherAddress | undefined)[] = new Array<EtherAddress | undefined>(1024).fill(undefined);

/** etherAddress is the (shared) Address of the MAC address at frame[at, at+6). */
function etherAddress(frame: Uint8Array, at: number): EtherAddress {
  const high = (frame[at] << 8) | frame[at + 1];
  const low = (frame[at + 2] << 24) | (frame[at + 3] << 16) | (frame[at + 4] << 8) | frame[at + 5];
  const slot = (low ^ (low >>> 10) ^ (low >>> 20) ^ high) & 1023;
  let address = ETHER_CACHE[slot];
  if (address === undefined || address.low !== low || address.high !== high) {
    ETHER_CACHE[slot] = address = new EtherAddress(high, low, frame.slice(at, at + ETH_F.ADDR_LENGTH));
  }
  return address;
}

function resolveEther(address: EtherAddress): string {
  return resolveMac(address.bytes);
}

/** addAddressItems adds eth.dst/eth.src with Wireshark's hidden and bit-field children. */
function addAddress(ctx: DissectCtx, top: TreeItem, view: ByteView, offset: number, side: Side): void {
  const tree = ctx.tree;
  const mac = view.slice(offset, ETH_F.ADDR_LENGTH);
  const src = view.src;
  const at = view.abs(offset);
  const item = tree.add(top, F[side], src, at, ETH_F.ADDR_LENGTH, mac, () =>
    `${side === 'dst' ? 'Destination' : 'Source'}: ${macLabel(mac)}`,
  );
  if (tree.mode === 'none') return;
  const oui = (mac[0] << 16) | (mac[1] << 8) | mac[2];
  // The vendor only when something shows it (a label, or `-e eth.src.oui_resolved`).
  const vendor = tree.full || tree.wantsAny(OUI_NAMES) ? ouiName(mac) : undefined;
  const resolved = side === 'dst' ? F.dst_resolved : F.src_resolved;
  const ouiField = side === 'dst' ? F['dst.oui'] : F['src.oui'];
  const ouiResolved = side === 'dst' ? F['dst.oui_resolved'] : F['src.oui_resolved'];
  const ouiText = formatEther(mac).slice(0, 8);
  tree.add(item, resolved, src, at, ETH_F.ADDR_LENGTH, resolveMac(mac)).setHidden();
  tree.add(item, ouiField, src, at, ETH_F.OUI_LENGTH, oui, () => `${ouiField.name}: ${ouiText}${vendor ? ` (${vendor})` : ''}`).setHidden();
  if (vendor !== undefined) tree.add(item, ouiResolved, src, at, ETH_F.ADDR_LENGTH, vendor).setHidden();
  tree.add(item, F.addr, src, at, ETH_F.ADDR_LENGTH, mac, () => `Address: ${macLabel(mac)}`);
  tree.add(item, F.addr_resolved, src, at, ETH_F.ADDR_LENGTH, resolveMac(mac)).setHidden();
  tree.add(item, F['addr.oui'], src, at, ETH_F.OUI_LENGTH, oui, () => `Address OUI: ${ouiText}${vendor ? ` (${vendor})` : ''}`).setHidden();
  if (vendor !== undefined) tree.add(item, F['addr.oui_resolved'], src, at, ETH_F.ADDR_LENGTH, vendor).setHidden();
  const lg = (mac[0] & 0x02) !== 0;
  const ig = (mac[0] & 0x01) !== 0;
  tree.add(item, side === 'dst' ? F['dst.lg'] : F['src.lg'], src, at, ETH_F.OUI_LENGTH, lg);
  tree.add(item, F.lg, src, at, ETH_F.OUI_LENGTH, lg).setHidden();
  tree.add(item, side === 'dst' ? F['dst.ig'] : F['src.ig'], src, at, ETH_F.OUI_LENGTH, ig);
  tree.add(item, F.ig, src, at, ETH_F.OUI_LENGTH, ig).setHidden();
}

/** ethernetLabel is made here, not in dissectEth (a closure there would cost a heap context per call). */
function ethernetLabel(src: EtherAddress, dst: EtherAddress): () => string {
  return () => `Ethernet II, Src: ${macLabel(src.bytes)}, Dst: ${macLabel(dst.bytes)}`;
}

function dissectEth(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'eth';
  ctx.columns.protocol = 'Ethernet';
  ctx.layers.push('eth');
  // Read the whole header first: a cut header must leave no half-built Ethernet item behind.
  view.check(0, ETH_F.HEADER_LENGTH);
  const lenType = view.u16(ETH_F.TYPE);
  const dst = etherAddress(view.bytes, view.abs(ETH_F.DST));
  const src = etherAddress(view.bytes, view.abs(ETH_F.SRC));
  ctx.linkDst = dst;
  ctx.linkSrc = src;
  ctx.columns.protocol = 'Ethernet';
  // Resolved only if no network layer replaces them (loading the manuf tables is not free).
  ctx.columns.setAddressesLazy(src, dst, resolveEther);
  const tree = ctx.tree;
  const is8023 = lenType <= MAX_802_3_LENGTH;
  // In 'none' mode (first pass, Packet List), and in 'fields' mode when no Ethernet field is kept, no
  // item and no label closure is created.
  const building = tree.wantsAny(ETH_GROUP);
  const top =
    !building
      ? NULL_ITEM
      : tree.add(parent, P, view.src, view.base, ETH_F.HEADER_LENGTH, null, is8023 ? 'IEEE 802.3 Ethernet ' : ethernetLabel(src, dst)).setDataLength(view.length);
  if (building) {
    addAddress(ctx, top, view, ETH_F.DST, 'dst');
    addAddress(ctx, top, view, ETH_F.SRC, 'src');
  }
  if (is8023) {
    tree.add(top, F.len, view.src, view.abs(ETH_F.TYPE), 2, lenType);
    ctx.columns.info = 'IEEE 802.3 Ethernet';
    // TODO(decode): LLC/SNAP is not dissected; the 802.3 payload is shown as data (listed difference).
    const payloadLength = Math.min(lenType, view.length - ETH_F.HEADER_LENGTH);
    const payload = view.sub(ETH_F.HEADER_LENGTH, payloadLength);
    if (payloadLength > 0) ctx.callData(payload, parent);
    return view.length;
  }
  if (lenType < MIN_ETHERTYPE) {
    // 1501…1535 is neither a length nor an EtherType (IEEE 802.3 clause 3.2.6).
    const message = `Invalid length/type: 0x${lenType.toString(16).padStart(4, '0')} (${lenType})`;
    const item = tree.add(top, F.invalid_lentype, view.src, view.abs(ETH_F.TYPE), 2, lenType);
    addExpert(ctx, item, F['invalid_lentype.expert'], 'warn', 'Protocol', message, view.src, view.abs(ETH_F.TYPE), 2);
    ctx.columns.info = `Ethernet Unknown: ${message}`;
    ctx.callData(view.sub(ETH_F.HEADER_LENGTH), parent);
    return view.length;
  }
  tree.add(top, F.type, view.src, view.abs(ETH_F.TYPE), 2, lenType);
  ctx.columns.info = 'Ethernet II';
  return dissectEthertype(ctx, view, { etype: lenType, payloadOffset: ETH_F.HEADER_LENGTH, linkItem: top, ethernet: true, parent });
}

/** eth is the Ethernet module (linktype 1); it also owns the trailer fields of the ethertype step. */
export const eth: ProtocolModule = {
  proto: PROTO,
  fields: [...Object.values(F), ...Object.values(trailerFields)],
  handoff: (tables) => {
    tables.add('linktype', 1, eth);
    tables.add('ethertype', 0x6558, eth);
  },
  dissect: dissectEth,
};
