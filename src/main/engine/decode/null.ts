/**
 * BSD loopback encapsulation (LINKTYPE_NULL = 0; https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html):
 * a 4-byte address family in the *capturing host's* byte order, so it must be guessed, as Wireshark's
 * packet-null.c does: read little-endian; when the upper 16 bits are set, either the family sits in
 * the upper half (IRIX-style 16-bit field, upper byte 0 and value < 6) or the bytes are swapped.
 * A value above 1500 is an EtherType (some systems put one there); otherwise BSD AF_* values select the
 * payload: 2 → IPv4; 24, 28, 30 → IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin).
 */
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { dissectEthertype } from './ethertype';
import { ETHERTYPE_NAMES } from './ethertype-names';

const PROTO = { abbrev: 'null', short: 'NULL', name: 'Null/Loopback' };
const P = protocolField(PROTO);

/** NULL_F names the header's byte range. */
const NULL_F = { FAMILY: 0, HEADER_LENGTH: 4 } as const;
const MAX_802_3_LENGTH = 1500;

const F = defineFields('null', {
  family: {
    name: 'Family',
    type: 'uint32',
    values: { 2: 'IP', 7: 'OSI', 16: 'Appletalk', 23: 'Netware IPX/SPX', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6' },
  },
  type: { name: 'Type', type: 'uint16', base: 'hex', values: ETHERTYPE_NAMES },
});

/** readFamily guesses the byte order of the family word (see the file comment). */
export function readFamily(view: ByteView): number {
  let value = view.u32le(NULL_F.FAMILY);
  if ((value & 0xffff0000) !== 0) {
    if ((value & 0xff000000) === 0 && (value & 0x00ff0000) < 0x00060000) value >>>= 16;
    else value = view.u32(NULL_F.FAMILY);
  }
  return value >>> 0;
}

function dissectNull(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'null';
  ctx.layers.push('null');
  view.check(0, NULL_F.HEADER_LENGTH);
  const family = readFamily(view);
  ctx.columns.protocol = 'N/A';
  ctx.columns.setInfo('Null/Loopback');
  const tree = ctx.tree;
  const top = tree.add(parent, P, view.src, view.base, NULL_F.HEADER_LENGTH, null, 'Null/Loopback').setDataLength(view.length);
  if (family > MAX_802_3_LENGTH && family <= 0xffff) {
    tree.add(top, F.type, view.src, view.abs(NULL_F.FAMILY), NULL_F.HEADER_LENGTH, family);
    return dissectEthertype(ctx, view, { etype: family, payloadOffset: NULL_F.HEADER_LENGTH, linkItem: top, ethernet: false });
  }
  tree.add(top, F.family, view.src, view.abs(NULL_F.FAMILY), NULL_F.HEADER_LENGTH, family);
  const payload = view.sub(NULL_F.HEADER_LENGTH);
  if (payload.length === 0) return view.length;
  if (ctx.callTable('null.family', family, payload, null) === 0) ctx.callData(payload, null);
  return view.length;
}

/** nullLoopback is the BSD loopback module (linktype 0). */
export const nullLoopback: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('linktype', 0, nullLoopback),
  dissect: dissectNull,
};
