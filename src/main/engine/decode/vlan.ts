/**
 * IEEE 802.1Q VLAN tag (IEEE 802.1Q-2018 clause 9.6; Wireshark's packet-vlan.c), EtherType 0x8100.
 * Tag: TCI (priority 3 bits, DEI 1 bit, VLAN ID 12 bits) then the inner EtherType; the payload goes
 * through the ethertype step again (`eth:ethertype:vlan:ethertype:ip`).
 */
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';
import { dissectEthertype } from './ethertype';
import { ETHERTYPE_NAMES } from './ethertype-names';

const PROTO = { abbrev: 'vlan', short: 'VLAN', name: '802.1Q Virtual LAN' };
const P = protocolField(PROTO);

/** VLAN_F names the tag's byte ranges. */
const VLAN_F = { TCI: 0, ETYPE: 2, LENGTH: 4 } as const;
const PRIORITY_MASK = 0xe000;
const DEI_MASK = 0x1000;
const ID_MASK = 0x0fff;

const F = defineFields('vlan', {
  priority: {
    name: 'Priority',
    type: 'uint16',
    bitmask: PRIORITY_MASK,
    values: {
      0: 'Best Effort (default)',
      1: 'Background',
      2: 'Excellent Effort',
      3: 'Critical Applications',
      4: 'Video, < 100ms latency and jitter',
      5: 'Voice, < 10ms latency and jitter',
      6: 'Internetwork Control',
      7: 'Network Control',
    },
  },
  dei: { name: 'DEI', type: 'boolean', bitmask: DEI_MASK, tfs: ['Eligible', 'Ineligible'] },
  id: { name: 'ID', type: 'uint16', bitmask: ID_MASK },
  etype: { name: 'Type', type: 'uint16', base: 'hex', values: ETHERTYPE_NAMES },
});

function dissectVlan(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'vlan';
  ctx.layers.push('vlan');
  ctx.columns.protocol = 'VLAN';
  view.check(0, VLAN_F.LENGTH);
  const tci = view.u16(VLAN_F.TCI);
  const etype = view.u16(VLAN_F.ETYPE);
  const priority = (tci & PRIORITY_MASK) >>> 13;
  const dei = (tci & DEI_MASK) !== 0;
  const id = tci & ID_MASK;
  ctx.columns.setInfo(`PRI: ${priority}  DEI: ${dei ? 1 : 0}  ID: ${id}`);
  const tree = ctx.tree;
  const top = tree
    .add(parent, P, view.src, view.base, VLAN_F.LENGTH, null, () => `802.1Q Virtual LAN, PRI: ${priority}, DEI: ${dei ? 1 : 0}, ID: ${id}`)
    .setDataLength(view.length);
  tree.add(top, F.priority, view.src, view.abs(VLAN_F.TCI), 2, priority);
  tree.add(top, F.dei, view.src, view.abs(VLAN_F.TCI), 2, dei);
  tree.add(top, F.id, view.src, view.abs(VLAN_F.TCI), 2, id);
  tree.add(top, F.etype, view.src, view.abs(VLAN_F.ETYPE), 2, etype);
  return dissectEthertype(ctx, view, { etype, payloadOffset: VLAN_F.LENGTH, linkItem: top, ethernet: true, parent });
}

/** vlan is the 802.1Q module (ethertype 0x8100). */
export const vlan: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('ethertype', 0x8100, vlan),
  dissect: dissectVlan,
};
