/**
 * Linux cooked-mode capture v1 (LINKTYPE_LINUX_SLL = 113; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html),
 * what `dumpcap -i any -y LINUX_SLL` writes. Header (16 bytes): packet type (2), ARPHRD type (2),
 * address length (2), address (8, padded), protocol type (2). This module is Wireshark's single `sll`
 * protocol: it registers both link types and sends LINKTYPE_LINUX_SLL2 (276) to sll2.ts.
 */
import type { DissectCtx, ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { SLL_PROTO, addSllAddress, dissectSllProtocol, sllFields as F, sllProtocolField } from './sll-common';
import { dissectSll2 } from './sll2';

/** SLL_F names the v1 header's byte ranges. */
const SLL_F = { PKTTYPE: 0, HATYPE: 2, HALEN: 4, ADDR: 6, PROTOCOL: 14, HEADER_LENGTH: 16 } as const;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

function dissectSll(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  if (ctx.matchValue === LINKTYPE_LINUX_SLL2) return dissectSll2(ctx, view, parent);
  view.layer = 'sll';
  ctx.layers.push('sll');
  ctx.columns.protocol = 'SLL';
  view.check(0, SLL_F.HEADER_LENGTH);
  const pkttype = view.u16(SLL_F.PKTTYPE);
  const hatype = view.u16(SLL_F.HATYPE);
  const halen = view.u16(SLL_F.HALEN);
  const protocol = view.u16(SLL_F.PROTOCOL);
  ctx.columns.setInfo('Linux cooked capture v1');
  const tree = ctx.tree;
  const top = tree.add(parent, sllProtocolField, view.src, view.base, SLL_F.HEADER_LENGTH, null, 'Linux cooked capture v1');
  tree.add(top, F.pkttype, view.src, view.abs(SLL_F.PKTTYPE), 2, pkttype);
  tree.add(top, F.hatype, view.src, view.abs(SLL_F.HATYPE), 2, hatype);
  tree.add(top, F.halen, view.src, view.abs(SLL_F.HALEN), 2, halen);
  addSllAddress(ctx, top, view, SLL_F.ADDR, hatype, halen);
  if (protocol >= 1536) tree.add(top, F.etype, view.src, view.abs(SLL_F.PROTOCOL), 2, protocol);
  else tree.add(top, F.ltype, view.src, view.abs(SLL_F.PROTOCOL), 2, protocol);
  return dissectSllProtocol(ctx, view, top, SLL_F.HEADER_LENGTH, protocol);
}

/** sll is the Linux cooked capture module (linktypes 113 and 276). */
export const sll: ProtocolModule = {
  proto: SLL_PROTO,
  fields: Object.values(F),
  handoff: (tables) => {
    tables.add('linktype', LINKTYPE_LINUX_SLL, sll);
    tables.add('linktype', LINKTYPE_LINUX_SLL2, sll);
  },
  dissect: dissectSll,
};
