/**
 * Linux cooked-mode capture v2 (LINKTYPE_LINUX_SLL2 = 276; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html),
 * what `tcpdump -i any` writes. Header (20 bytes): protocol type (2), reserved (2), interface index (4),
 * ARPHRD type (2), packet type (1), address length (1), address (8, padded). Wireshark shows it as the
 * same `sll` protocol as v1 ("Linux cooked capture v2"), so the fields are registered by sll.ts and
 * this file only holds the v2 layout and dissection.
 */
import type { DissectCtx } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { addSllAddress, dissectSllProtocol, sllFields as F, sllProtocolField } from './sll-common';

/** SLL2_F names the v2 header's byte ranges. */
const SLL2_F = { PROTOCOL: 0, RESERVED: 2, IFINDEX: 4, HATYPE: 8, PKTTYPE: 10, HALEN: 11, ADDR: 12, HEADER_LENGTH: 20 } as const;

/** dissectSll2 dissects a LINKTYPE_LINUX_SLL2 frame. */
export function dissectSll2(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'sll';
  ctx.layers.push('sll');
  ctx.columns.protocol = 'SLL';
  view.check(0, SLL2_F.HEADER_LENGTH);
  const protocol = view.u16(SLL2_F.PROTOCOL);
  const ifindex = view.u32(SLL2_F.IFINDEX);
  const hatype = view.u16(SLL2_F.HATYPE);
  const pkttype = view.u8(SLL2_F.PKTTYPE);
  const halen = view.u8(SLL2_F.HALEN);
  ctx.columns.setInfo('Linux cooked capture v2');
  const tree = ctx.tree;
  const top = tree.add(parent, sllProtocolField, view.src, view.base, SLL2_F.HEADER_LENGTH, null, 'Linux cooked capture v2');
  const protoItemAt = view.abs(SLL2_F.PROTOCOL);
  const protoItem = (): void => {
    if (protocol >= 1536) tree.add(top, F.etype, view.src, protoItemAt, 2, protocol);
    else tree.add(top, F.ltype, view.src, protoItemAt, 2, protocol);
  };
  protoItem();
  tree.add(top, F.ifindex, view.src, view.abs(SLL2_F.IFINDEX), 4, ifindex);
  tree.add(top, F.hatype, view.src, view.abs(SLL2_F.HATYPE), 2, hatype);
  tree.add(top, F.pkttype, view.src, view.abs(SLL2_F.PKTTYPE), 1, pkttype);
  tree.add(top, F.halen, view.src, view.abs(SLL2_F.HALEN), 1, halen);
  addSllAddress(ctx, top, view, SLL2_F.ADDR, hatype, halen);
  return dissectSllProtocol(ctx, view, top, SLL2_F.HEADER_LENGTH, protocol);
}
