/**
 * Raw IP link types (https://www.tcpdump.org/linktypes.html): LINKTYPE_RAW (101) carries IPv4 or IPv6
 * chosen by the version nibble and shows Wireshark's "Raw packet data" layer (`raw:ip:…`);
 * LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) go straight to the network layer (`ip:…`).
 */
import { protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';

const PROTO = { abbrev: 'raw', short: 'Raw', name: 'Raw packet data' };
const P = protocolField(PROTO);

const LINKTYPE_RAW = 101;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VERSION_SHIFT = 4;

function dissectRaw(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'raw';
  if (ctx.matchValue === LINKTYPE_IPV4 || ctx.matchValue === LINKTYPE_IPV6) {
    const etype = ctx.matchValue === LINKTYPE_IPV4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
    if (ctx.callTable('ethertype', etype, view, parent) === 0) ctx.callData(view, parent);
    return view.length;
  }
  ctx.layers.push('raw');
  ctx.columns.protocol = 'Raw';
  ctx.columns.setInfo('Raw packet data');
  ctx.tree.add(parent, P, view.src, view.base, 0, null, 'Raw packet data');
  if (view.length === 0) return 0;
  const version = view.u8(0) >> VERSION_SHIFT;
  const etype = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
  if (etype === 0 || ctx.callTable('ethertype', etype, view, parent) === 0) ctx.callData(view, parent);
  return view.length;
}

/** raw is the raw-IP module (linktypes 101, 228, 229). */
export const raw: ProtocolModule = {
  proto: PROTO,
  fields: [],
  handoff: (tables) => {
    tables.add('linktype', LINKTYPE_RAW, raw);
    tables.add('linktype', LINKTYPE_IPV4, raw);
    tables.add('linktype', LINKTYPE_IPV6, raw);
  },
  dissect: dissectRaw,
};
