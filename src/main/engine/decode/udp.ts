/**
 * User Datagram Protocol (RFC 768; IPv6 zero-checksum rule RFC 8200 §8.1; Wireshark's packet-udp.c),
 * IP protocol 17. Header: source port, destination port, length, checksum (2 bytes each).
 * Invariants, as Wireshark 4.0 by default:
 *  - the checksum is not verified (`[unverified]`); 0 means "none" over IPv4 (`[zero-value ignored]`)
 *    and is illegal over IPv6 (Info gets ` [ILLEGAL CHECKSUM (0)]`);
 *  - the payload is cut to the UDP length and handed to the `udp.port` table, lower port first, then
 *    higher (Wireshark's decode_udp_ports), then heuristics, else shown as data;
 *  - `udp.stream` numbers conversations (address/port pairs) in first-pass order and, like the
 *    per-stream timestamps, is frozen per frame so re-dissection gives the same numbers.
 */
import { formatRelTime } from '../../../shared/format';
import { defineFields, protocolField, tableRef, uintText, type DissectCtx, type ProtocolModule } from './protocol';

const UDP_PORT = tableRef('udp.port');
import { NULL_ITEM, type TreeItem } from './tree';
import { MalformedError, type ByteView } from './view';
import { addExpert } from './expert';
import { inErrorPacket } from './state';
import { subTime } from './time';

const PROTO = { abbrev: 'udp', short: 'UDP', name: 'User Datagram Protocol' };
const P = protocolField(PROTO);

/** UDP_F names the header's byte offsets. */
const UDP_F = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6, HEADER_LENGTH: 8 } as const;
const CHECKSUM_STATUS = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } as const;

const F = defineFields('udp', {
  srcport: { name: 'Source Port', type: 'uint16' },
  dstport: { name: 'Destination Port', type: 'uint16' },
  port: { name: 'Source or Destination Port', type: 'uint16' },
  length: { name: 'Length', type: 'uint16' },
  checksum: { name: 'Checksum', type: 'uint16', base: 'hex' },
  'checksum.status': { name: 'Checksum Status', type: 'uint8', base: 'none', values: CHECKSUM_STATUS },
  stream: { name: 'Stream index', type: 'uint32' },
  time_relative: { name: 'Time since first frame', type: 'reltime' },
  time_delta: { name: 'Time since previous frame', type: 'reltime' },
  payload: { name: 'Payload', type: 'bytes' },
  'length.bad': { name: 'Bad length value', type: 'none' },
  'checksum.zero': { name: 'Illegal checksum value (0)', type: 'none' },
});

/** udpFields are the `udp.*` field handles. */
export const udpFields = F;

interface StreamState {
  index: number;
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
}

interface StreamTable {
  streams: Map<string, StreamState>;
  next: number;
}

interface FrozenStream {
  index: number;
  relative: number;
  delta: number;
}

function addressKey(ctx: DissectCtx, which: 'src' | 'dst'): string {
  const a = which === 'src' ? ctx.netSrc : ctx.netDst;
  switch (a.type) {
    case 'ipv4':
      return String(a.value);
    case 'ipv6': {
      let s = '';
      for (const b of a.bytes) s += b.toString(16).padStart(2, '0');
      return s;
    }
    default:
      return '-';
  }
}

function streamFor(ctx: DissectCtx, srcPort: number, dstPort: number, hasPayload: boolean): FrozenStream | undefined {
  if (!ctx.firstPass) return ctx.getFrameData<FrozenStream>('udp.stream');
  const table = ctx.conversation<StreamTable>('udp.streams', () => ({ streams: new Map(), next: 0 }));
  const a = `${addressKey(ctx, 'src')}/${srcPort}`;
  const b = `${addressKey(ctx, 'dst')}/${dstPort}`;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  const { tsSec, tsNsec } = ctx.frame;
  let state = table.streams.get(key);
  if (!state) {
    state = { index: table.next++, firstSec: tsSec, firstNsec: tsNsec, prevSec: tsSec, prevNsec: tsNsec };
    table.streams.set(key, state);
  }
  const frozen: FrozenStream = {
    index: state.index,
    relative: subTime(tsSec, tsNsec, state.firstSec, state.firstNsec),
    delta: subTime(tsSec, tsNsec, state.prevSec, state.prevNsec),
  };
  if (hasPayload) {
    state.prevSec = tsSec;
    state.prevNsec = tsNsec;
  }
  ctx.setFrameData('udp.stream', frozen);
  return frozen;
}

function dissectUdp(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  view.layer = 'udp';
  const tree = ctx.tree;
  const building = tree.mode !== 'none';
  const quoted = inErrorPacket(ctx);
  // A quote in an ICMP error that ends before both ports adds nothing, and tshark then drops the layer
  // (unless the frame itself was cut: that is reported, see dissectQuoted).
  if (quoted && view.reportedLength < UDP_F.DST_PORT + 2) view.check(0, UDP_F.DST_PORT + 2);
  ctx.layers.push('udp');
  // Columns change only once the ports are read: a cut header leaves IP's Protocol and Info (tshark).
  const srcPort = view.u16(UDP_F.SRC_PORT);
  const dstPort = view.u16(UDP_F.DST_PORT);
  ctx.columns.protocol = 'UDP';
  ctx.columns.setInfo(uintText(srcPort) + ' → ' + uintText(dstPort));
  ctx.ptype = 'udp';
  ctx.srcPort = srcPort;
  ctx.dstPort = dstPort;
  const s = view.src;
  const top = building ? tree.add(parent, P, s, view.base, UDP_F.HEADER_LENGTH, null, () => `User Datagram Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}`) : NULL_ITEM;
  // Its data is the whole IP payload: tshark does not trim UDP's tvb to the UDP length.
  top.setDataLength(view.length);
  tree.add(top, F.srcport, s, view.abs(UDP_F.SRC_PORT), 2, srcPort);
  tree.add(top, F.dstport, s, view.abs(UDP_F.DST_PORT), 2, dstPort);
  tree.add(top, F.port, s, view.abs(UDP_F.SRC_PORT), 2, srcPort).setHidden();
  tree.add(top, F.port, s, view.abs(UDP_F.DST_PORT), 2, dstPort).setHidden();
  const length = view.u16(UDP_F.LENGTH);
  const ipPayloadLength = view.reportedLength;
  const bogus = length > ipPayloadLength && !inErrorPacket(ctx);
  const lengthItem = building
    ? tree.add(top, F.length, s, view.abs(UDP_F.LENGTH), 2, length, () =>
        bogus ? `Length: ${length} (bogus, payload length ${ipPayloadLength})` : `Length: ${length}`,
      )
    : NULL_ITEM;
  if (length < UDP_F.HEADER_LENGTH) {
    const message = `Bad length value ${length} < ${UDP_F.HEADER_LENGTH}`;
    if (building) addExpert(ctx, lengthItem, F['length.bad'], 'error', 'Malformed', message, s, view.abs(UDP_F.LENGTH), 2);
    ctx.columns.appendInfo(` [BAD UDP LENGTH ${length} < ${UDP_F.HEADER_LENGTH}]`);
    return view.length;
  }
  // A length beyond the IP payload is reported and the datagram is dissected with what IP carried.
  const tooLong = length > ipPayloadLength && !quoted;
  if (tooLong) {
    const message = `Bad length value ${length} > IP payload length`;
    if (building) addExpert(ctx, lengthItem, F['length.bad'], 'error', 'Malformed', message, s, view.abs(UDP_F.LENGTH), 2);
    ctx.columns.appendInfo(` [BAD UDP LENGTH ${length} > IP PAYLOAD LENGTH]`);
  }
  ctx.columns.appendInfo(` Len=${length - UDP_F.HEADER_LENGTH}`);
  const checksum = view.u16(UDP_F.CHECKSUM);
  if (building) {
    if (checksum === 0 && ctx.netSrc.type === 'ipv6' && !quoted) {
      const item = tree.add(top, F.checksum, s, view.abs(UDP_F.CHECKSUM), 2, 0, 'Checksum: 0x0000 [zero-value illegal]');
      addExpert(ctx, item, F['checksum.zero'], 'error', 'Checksum', 'Illegal checksum value (0)', s, view.abs(UDP_F.CHECKSUM), 2);
      tree.add(item, F['checksum.status'], s, view.abs(UDP_F.CHECKSUM), 0, 4, 'Checksum Status: Illegal').setGenerated();
    } else if (checksum === 0) {
      const item = tree.add(top, F.checksum, s, view.abs(UDP_F.CHECKSUM), 2, 0, 'Checksum: 0x0000 [zero-value ignored]');
      tree.add(item, F['checksum.status'], s, view.abs(UDP_F.CHECKSUM), 0, 3, 'Checksum Status: Not present').setGenerated();
    } else {
      tree.add(top, F.checksum, s, view.abs(UDP_F.CHECKSUM), 2, checksum, () => `Checksum: 0x${checksum.toString(16).padStart(4, '0')} [unverified]`);
      tree.add(top, F['checksum.status'], s, view.abs(UDP_F.CHECKSUM), 0, 2, 'Checksum Status: Unverified').setGenerated();
    }
  } else {
    view.check(UDP_F.CHECKSUM, 2);
  }
  if (checksum === 0 && ctx.netSrc.type === 'ipv6' && !quoted) ctx.columns.appendInfo(' [ILLEGAL CHECKSUM (0)]');
  // A datagram quoted in an ICMP error gets its stream index but moves none of its times (as tshark).
  const stream = streamFor(ctx, srcPort, dstPort, length > UDP_F.HEADER_LENGTH && !quoted);
  if (building && stream) tree.add(top, F.stream, s, view.abs(UDP_F.HEADER_LENGTH), 0, stream.index).setGenerated();
  if (tooLong && ipPayloadLength <= UDP_F.HEADER_LENGTH) {
    // Nothing after the header although the length promises more: Wireshark's payload subset throws.
    throw new MalformedError('udp', `UDP length ${length} but no payload`, view.abs(UDP_F.HEADER_LENGTH), 0);
  }
  if (building && stream && length > UDP_F.HEADER_LENGTH) {
    // Wireshark shows (and advances) the per-stream times only for datagrams with a payload.
    if (!quoted) {
      const times = tree.addText(top, s, view.base, 0, 'Timestamps').setGenerated();
      tree.add(times, F.time_relative, s, view.base, 0, stream.relative, () => `Time since first frame: ${formatRelTime(stream.relative)} seconds`).setGenerated();
      tree.add(times, F.time_delta, s, view.base, 0, stream.delta, () => `Time since previous frame: ${formatRelTime(stream.delta)} seconds`).setGenerated();
    }
  }
  // A quoted datagram inside an ICMP error is cut by design: use what is there.
  const payloadLength = (tooLong || (quoted && length > ipPayloadLength) ? ipPayloadLength : length) - UDP_F.HEADER_LENGTH;
  const payload = view.subClamped(UDP_F.HEADER_LENGTH, Math.max(0, payloadLength), 'udp');
  if (payloadLength > 0 && building) {
    tree.add(top, F.payload, s, payload.base, payload.length, payload.rest(), () => `UDP payload (${payloadLength} byte${payloadLength === 1 ? '' : 's'})`);
  }

  // Nothing of the payload captured: tshark stops in UDP (`Len=29[Packet size limited during capture]`).
  if (payloadLength > 0 && payload.length === 0) payload.check(0, 1);
  if (payloadLength > 0) {
    const low = Math.min(srcPort, dstPort);
    const high = Math.max(srcPort, dstPort);
    let consumed = 0;
    // tshark hands UDP payloads to the root of the tree (proto_tree_get_root), also inside an ICMP quote.
    if (low !== 0) consumed = ctx.callTable(UDP_PORT, low, payload, null);
    if (consumed === 0 && high !== 0 && high !== low) consumed = ctx.callTable(UDP_PORT, high, payload, null);
    if (consumed === 0) consumed = ctx.callHeuristics('udp', payload, null);
    if (consumed === 0) ctx.callData(payload, null);
  }
  return Math.min(length, view.length);
}

/** udp is the UDP module (IP protocol 17). */
export const udp: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  handoff: (tables) => tables.add('ip.proto', 17, udp),
  dissect: dissectUdp,
};
