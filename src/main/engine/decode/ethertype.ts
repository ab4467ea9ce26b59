/**
 * Ethertype (Wireshark's packet-ethertype.c): the shared step after every link header that carries an
 * EtherType (Ethernet II, 802.1Q, Linux cooked capture). It records the `ethertype` layer (tshark's
 * frame.protocols reads `eth:ethertype:ip:…`), hands the payload to the `ethertype` table, and then
 * shows what the payload dissector did not claim in the link layer's tree: zero padding up to the
 * 60-byte Ethernet minimum, a trailer, and a 4-byte frame check sequence when the frame is 64 bytes or
 * longer (Wireshark's heuristic for captures that do not say whether the FCS is present).
 * Invariant: padding is only reported when the frame is at least 60 bytes long and every byte from the
 * end of the payload up to byte 60 is zero; otherwise those bytes are a trailer, with an expert note
 * when padding was expected.
 */
import { defineFields, protocolField, tableRef, type DissectCtx, type ProtocolModule } from './protocol';

const ETHERTYPE = tableRef('ethertype');
import type { TreeItem } from './tree';
import { addExpert } from './expert';
import type { ByteView } from './view';
import { ETHERTYPE_NAMES } from './ethertype-names';

const PROTO = { abbrev: 'ethertype', short: 'Ethertype', name: 'Ethertype' };

/** ETH_MIN_FRAME is the minimum Ethernet frame length without FCS (IEEE 802.3 clause 4). */
const ETH_MIN_FRAME = 60;
/** ETH_FCS_HEURISTIC_MIN: frames this long need no padding, so 4 trailing bytes are taken as the FCS. */
const ETH_FCS_HEURISTIC_MIN = 64;
const FCS_LENGTH = 4;

const F = defineFields('eth', {
  padding: { name: 'Padding', type: 'bytes' },
  trailer: { name: 'Trailer', type: 'bytes' },
  fcs: { name: 'Frame check sequence', type: 'uint32', base: 'hex' },
  'fcs.status': { name: 'FCS Status', type: 'uint8', values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  padding_bad: { name: "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", type: 'none' },
});

/** trailerFields are the Ethernet trailer fields; they belong to `eth` and are registered by the eth module. */
export const trailerFields = F;

/** EthertypeOptions says where the payload starts and which tree gets the trailer items. */
export interface EthertypeOptions {
  etype: number;
  /** offset of the payload in `view` */
  payloadOffset: number;
  /** tree item of the link layer, where padding/trailer items go */
  linkItem: TreeItem | null;
  /** true for Ethernet framing (padding and FCS rules apply) */
  ethernet: boolean;
  /** tree parent of the link layer (payload layers are its siblings) */
  parent?: TreeItem | null;
}

/**
 * dissectEthertype runs the payload of a link header through the `ethertype` table and shows the
 * unclaimed rest as padding/trailer/FCS. Returns the bytes consumed from `view` (all of them).
 */
export function dissectEthertype(ctx: DissectCtx, view: ByteView, options: EthertypeOptions): number {
  ctx.layers.push('ethertype');
  const { etype, payloadOffset } = options;
  const payload = view.sub(payloadOffset);
  const parent = options.parent ?? null;
  let consumed = ctx.callTable(ETHERTYPE, etype, payload, parent);
  if (consumed === 0) {
    ctx.columns.protocol = '0x' + etype.toString(16).padStart(4, '0');
    const name = ETHERTYPE_NAMES[etype];
    if (name !== undefined) ctx.columns.info = name;
    ctx.callData(payload, parent);
    consumed = payload.length;
  }
  if (consumed < payload.length) addTrailer(ctx, view, payloadOffset + consumed, options);
  return view.length;
}

function addTrailer(ctx: DissectCtx, view: ByteView, trailerStart: number, options: EthertypeOptions): void {
  const tree = ctx.tree;
  // Wireshark decides padding and FCS on the frame's length on the wire, not on what was captured.
  const frameLength = view.base + view.reportedLength;
  let start = trailerStart;
  let end = view.reportedLength;
  let paddingExpected = false;
  if (options.ethernet && frameLength >= ETH_MIN_FRAME && view.base + start < ETH_MIN_FRAME) {
    paddingExpected = true;
    const padEnd = ETH_MIN_FRAME - view.base;
    let allZero = true;
    for (let i = start; i < padEnd; i++) {
      if (view.u8(i) !== 0) {
        allZero = false;
        break;
      }
    }
    if (allZero) {
      const padding = view.slice(start, padEnd - start);
      tree.add(options.linkItem, F.padding, view.src, view.abs(start), padEnd - start, padding);
      start = padEnd;
      paddingExpected = false;
    }
  }
  let hasFcs = false;
  if (options.ethernet && frameLength >= ETH_FCS_HEURISTIC_MIN && end - start >= FCS_LENGTH) {
    hasFcs = true;
    end -= FCS_LENGTH;
  }
  if (end > start) {
    const trailer = view.slice(start, end - start);
    const item = tree.add(options.linkItem, F.trailer, view.src, view.abs(start), end - start, trailer);
    if (paddingExpected) {
      addExpert(ctx, item, F.padding_bad, 'note', 'Protocol', F.padding_bad.name, view.src, view.abs(start), end - start);
    }
  }
  if (hasFcs) {
    const fcs = view.u32(end);
    tree.add(options.linkItem, F.fcs, view.src, view.abs(end), FCS_LENGTH, fcs, () =>
      `Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`,
    );
    tree.add(options.linkItem, F['fcs.status'], view.src, view.abs(end), 0, 2, 'FCS Status: Unverified').setGenerated();
  }
}

/** ethertypeName gives Wireshark's name of an EtherType, or undefined. */
export function ethertypeName(etype: number): string | undefined {
  return ETHERTYPE_NAMES[etype];
}

/** ethertype is the `ethertype` protocol (a layer name only; the work is {@link dissectEthertype}). */
export const ethertype: ProtocolModule = { proto: PROTO, fields: [] };

/** ethertypeProtocolField is the protocol field of `ethertype` (filterable as `ethertype`). */
export const ethertypeProtocolField = protocolField(PROTO);
