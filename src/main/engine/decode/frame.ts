/**
 * Frame layer (Wireshark's packet-frame.c) and the `_ws` pseudo protocols. The frame item carries what the
 * capture file says about the record (times, lengths, interface, comment); the link layer is found in
 * the `linktype` table (LINKTYPE_* values of pcap/pcapng). This module is also the safety net of
 * dissection: a TruncatedError or MalformedError from any layer stops at this level and becomes a
 * "[Packet size limited during capture: X truncated]" or "[Malformed Packet: X]" item, keeping every layer
 * that decoded — one bad packet never stops a capture or a file load.
 *
 * tshark 4.0 rules reproduced here: pcapng frames (FrameInput.interfaceName set) show `on interface NAME, id N` in the frame label plus
 * `Section number` and `Interface id: N (NAME)`; pcap frames show neither. Packet comments are a
 * separate "Packet comments" tree before the frame. A snaplen cut appends `[Packet size limited during
 * capture]` to Info and a malformed packet `[Malformed Packet]`, both without a separating space; the
 * Protocol column keeps the last protocol that set it.
 */
import { formatEpochTime } from '../../../shared/format';
import { defineFields, protocolField, tableRef, type DissectCtx, type FrameInput, type ProtocolModule } from './protocol';

const LINKTYPE = tableRef('linktype');
import { MalformedError, ReassemblyError, TruncatedError, type ByteView } from './view';
import { FieldGroup, NULL_ITEM } from './tree';
import { formatAbsTime, formatRelTime, subTime } from './time';
import { addExpert } from './expert';

const F = defineFields('frame', {
  section_number: { name: 'Section number', type: 'uint32' },
  interface_id: { name: 'Interface id', type: 'uint32' },
  interface_name: { name: 'Interface name', type: 'string' },
  encap_type: { name: 'Encapsulation type', type: 'int32' },
  time: { name: 'Arrival Time', type: 'abstime' },
  time_invalid: { name: 'Arrival Time: Fractional second out of range (0-1000000000)', type: 'none' },
  offset_shift: { name: 'Time shift for this packet', type: 'reltime' },
  time_epoch: { name: 'Epoch Time', type: 'abstime', base: 'dec' },
  time_delta: { name: 'Time delta from previous captured frame', type: 'reltime' },
  time_delta_displayed: { name: 'Time delta from previous displayed frame', type: 'reltime' },
  time_relative: { name: 'Time since reference or first frame', type: 'reltime' },
  number: { name: 'Frame Number', type: 'uint32' },
  len: { name: 'Frame Length', type: 'uint32' },
  cap_len: { name: 'Capture Length', type: 'uint32' },
  marked: { name: 'Frame is marked', type: 'boolean' },
  ignored: { name: 'Frame is ignored', type: 'boolean' },
  protocols: { name: 'Protocols in frame', type: 'string' },
  comment: { name: 'Comment', type: 'string' },
  'comment.expert': { name: 'Formatted comment', type: 'none' },
});

const PROTO = { abbrev: 'frame', short: 'Frame', name: 'Frame' };
const MALFORMED = { abbrev: '_ws.malformed', short: 'Malformed Packet', name: 'Malformed Packet' };
const SHORT = { abbrev: '_ws.short', short: 'Short Frame', name: 'Short Frame' };
const COMMENTS = { abbrev: 'pkt_comment', short: 'Pkt_Comment', name: 'Packet comments' };
const P = protocolField(PROTO);
const P_MALFORMED = protocolField(MALFORMED);
const P_SHORT = protocolField(SHORT);
const P_COMMENTS = protocolField(COMMENTS);

/** FRAME_GROUP: every item of the frame layer (comments and the frame tree). */
const FRAME_GROUP = new FieldGroup([P, P_COMMENTS, ...Object.values(F), '_ws.expert', '_ws.expert.message', '_ws.expert.severity', '_ws.expert.group']);

/** TIME_GROUP: the frame's time items. */
const TIME_GROUP = new FieldGroup([F.time, F.offset_shift, F.time_epoch, F.time_delta, F.time_delta_displayed, F.time_relative]);

const WS_MALFORMED = defineFields('_ws.malformed', {
  expert: { name: 'Malformed Packet (Exception occurred)', type: 'none' },
  reassembly: { name: 'Reassembly error', type: 'none' },
});
const WS_SHORT = defineFields('_ws.short', {});

/** LINKTYPE names as Wireshark shows them in "Encapsulation type": linktype → [WTAP_ENCAP value, name]. */
const ENCAP_NAMES: Record<number, [number, string]> = {
  0: [15, 'NULL/Loopback'],
  1: [1, 'Ethernet'],
  101: [7, 'Raw IP'],
  113: [25, 'Linux cooked-mode capture v1'],
  228: [129, 'Raw IPv4'],
  229: [130, 'Raw IPv6'],
  276: [210, 'Linux cooked-mode capture v2'],
};

/** frameFields are the frame layer's field handles, exported for the store and the CLI. */
export const frameFields = F;

/**
 * protocolsText is tshark's frame.protocols: the layers after `frame` (`eth:ethertype:ip:udp:dns`).
 * DissectCtx.layers itself starts with `frame`.
 */
export function protocolsText(layers: readonly string[]): string {
  return (layers[0] === 'frame' ? layers.slice(1) : layers).join(':');
}

function bits(n: number): string {
  return `${n} bytes (${n * 8} bits)`;
}

/** frameLabel is made here, not in dissectFrame (a closure there would cost a heap context per call). */
function frameLabel(frame: FrameInput, pcapng: boolean, ifaceName: string): () => string {
  return () =>
    `Frame ${frame.number}: ${frame.origLen} bytes on wire (${frame.origLen * 8} bits), ` +
    `${frame.caplen} bytes captured (${frame.caplen * 8} bits)${pcapng ? ` on interface ${ifaceName}, id ${frame.interfaceId}` : ''}`;
}

function dissectFrame(ctx: DissectCtx, view: ByteView): number {
  const { frame, tree } = ctx;
  const building = tree.wantsAny(FRAME_GROUP);
  // Only pcapng records have an interface name (`unknown` when the IDB has no if_name): that is how
  // the frame layer tells pcapng (tshark shows interface and section items) from pcap (it does not).
  const pcapng = frame.interfaceName !== undefined;
  const ifaceName = frame.interfaceName ?? 'unknown';
  if (frame.comment !== undefined && building) {
    const comment = frame.comment;
    const top = tree.add(null, P_COMMENTS, 0, 0, 0, null, 'Packet comments');
    const item = tree.add(top, F.comment, 0, 0, 0, comment, comment);
    addExpert(ctx, item, F['comment.expert'], 'comment', 'Comment', comment, 0, 0, 0);
  }
  // The label closure only when the frame item itself is kept (full mode, or `-e frame`).
  const top = building && tree.wants(P)
    ? tree.add(null, P, 0, 0, frame.caplen, null, frameLabel(frame, pcapng, ifaceName))
    : NULL_ITEM;
  ctx.layers.push('frame');
  const protocolsItem = building ? addFrameItems(ctx, top, pcapng, ifaceName) : undefined;

  ctx.columns.protocol = '';
  try {
    const consumed = ctx.callTable(LINKTYPE, frame.linktype, view, null);
    if (consumed === 0) ctx.callData(view, null);
  } catch (err) {
    addException(ctx, err);
  }
  if (protocolsItem !== undefined && !protocolsItem.isNull) protocolsItem.value = protocolsText(ctx.layers);
  return view.length;
}

function addFrameItems(ctx: DissectCtx, top: ReturnType<DissectCtx['tree']['add']>, pcapng: boolean, ifaceName: string) {
  const { frame, tree } = ctx;
  // Labels are only read in full mode: `fields` mode skips building their closures.
  const full = tree.full;
  if (pcapng) {
    // TODO(decode): multi-section pcapng files; the reader does not report section numbers yet.
    tree.add(top, F.section_number, 0, 0, 0, 1);
    const ifItem = tree.add(top, F.interface_id, 0, 0, 0, frame.interfaceId, !full ? undefined : () => `Interface id: ${frame.interfaceId} (${ifaceName})`);
    tree.add(ifItem, F.interface_name, 0, 0, 0, ifaceName);
  }
  const encap = ENCAP_NAMES[frame.linktype];
  tree.add(top, F.encap_type, 0, 0, 0, encap ? encap[0] : -1, !full ? undefined : () =>
    encap ? `Encapsulation type: ${encap[1]} (${encap[0]})` : `Encapsulation type: Unknown (-1)`,
  );
  if (frame.comment !== undefined) tree.add(top, F.comment, 0, 0, 0, frame.comment).setHidden();
  if (tree.wantsAny(TIME_GROUP)) addTimeItems(ctx, top);
  else addTimeInvalid(ctx, top);
  tree.add(top, F.number, 0, 0, 0, frame.number);
  tree.add(top, F.len, 0, 0, 0, frame.origLen, !full ? undefined : () => `Frame Length: ${bits(frame.origLen)}`);
  tree.add(top, F.cap_len, 0, 0, 0, frame.caplen, !full ? undefined : () => `Capture Length: ${bits(frame.caplen)}`);
  tree.add(top, F.marked, 0, 0, 0, frame.marked ?? false, !full ? undefined : () => `Frame is marked: ${frame.marked ? 'True' : 'False'}`).setGenerated();
  tree.add(top, F.ignored, 0, 0, 0, false, 'Frame is ignored: False').setGenerated();
  // frame.protocols is only known at the end; the item's value is filled in by the caller.
  return tree.add(top, F.protocols, 0, 0, 0, '', !full ? undefined : () => `Protocols in frame: ${protocolsText(ctx.layers)}`).setGenerated();
}

/**
 * addTimeInvalid: a record whose fraction of a second is a whole second or more (a damaged file) gets
 * tshark's note after the Arrival Time; the time itself is shown as the file has it, as tshark does.
 */
function addTimeInvalid(ctx: DissectCtx, top: ReturnType<DissectCtx['tree']['add']>): void {
  const nsec = ctx.frame.tsNsec;
  if (nsec < 1_000_000_000) return;
  addExpert(ctx, top, F.time_invalid, 'note', 'Sequence', `Arrival Time: Fractional second ${nsec} is invalid, the valid range is 0-1000000000`, 0, 0, 0);
}

/** addTimeItems adds the frame's time items (skipped in `fields` mode when none is kept). */
function addTimeItems(ctx: DissectCtx, top: ReturnType<DissectCtx['tree']['add']>): void {
  const { frame, tree } = ctx;
  const full = tree.full;
  const ts = { sec: frame.tsSec, nsec: frame.tsNsec };
  tree.add(top, F.time, 0, 0, 0, ts, !full ? undefined : () => `Arrival Time: ${formatAbsTime(ts)}`);
  addTimeInvalid(ctx, top);
  tree.add(top, F.offset_shift, 0, 0, 0, 0).setGenerated();
  tree.add(top, F.time_epoch, 0, 0, 0, ts, !full ? undefined : () => `Epoch Time: ${formatEpochTime(ts)} seconds`);
  const delta = subTime(frame.tsSec, frame.tsNsec, frame.prevSec, frame.prevNsec);
  const deltaDisplayed = subTime(frame.tsSec, frame.tsNsec, frame.prevDisplayedSec ?? frame.prevSec, frame.prevDisplayedNsec ?? frame.prevNsec);
  const relative = subTime(frame.tsSec, frame.tsNsec, frame.firstSec, frame.firstNsec);
  tree.add(top, F.time_delta, 0, 0, 0, delta, !full ? undefined : () => `Time delta from previous captured frame: ${formatRelTime(delta)} seconds`).setGenerated();
  tree
    .add(top, F.time_delta_displayed, 0, 0, 0, deltaDisplayed, !full ? undefined : () => `Time delta from previous displayed frame: ${formatRelTime(deltaDisplayed)} seconds`)
    .setGenerated();
  tree.add(top, F.time_relative, 0, 0, 0, relative, !full ? undefined : () => `Time since reference or first frame: ${formatRelTime(relative)} seconds`).setGenerated();
}

/** addException turns a dissector exception into Wireshark's malformed / short-frame items. */
function addException(ctx: DissectCtx, err: unknown): void {
  const known = err instanceof TruncatedError || err instanceof MalformedError;
  const layer = known ? err.layer : 'frame';
  const proto = ctx.tables.module(layer)?.proto.short ?? (layer === 'frame' ? 'Frame' : layer.toUpperCase());
  if (err instanceof TruncatedError && err.source === 'captured' && ctx.frame.caplen < ctx.frame.origLen) {
    ctx.tree.add(null, P_SHORT, 0, 0, 0, null, `[Packet size limited during capture: ${proto} truncated]`).setExpert('warn', `Packet size limited during capture: ${proto} truncated`);
    ctx.columns.appendInfo('[Packet size limited during capture]');
    return;
  }
  if (err instanceof ReassemblyError) {
    // tshark's show_exception: the item and Info text name the protocol; Info gets no separator.
    const text = `[Reassembly error, protocol ${ctx.tables.module(err.layer)?.proto.short ?? err.layer.toUpperCase()}: ${err.message}]`;
    const item = ctx.tree.add(null, P_MALFORMED, 0, 0, 0, null, text);
    addExpert(ctx, item, WS_MALFORMED.reassembly, 'error', 'Malformed', err.message, 0, 0, 0);
    ctx.columns.appendInfo(text);
    return;
  }
  if (!known) {
    // A dissector bug must not stop the capture; it is shown like a malformed packet, with the reason.
    const message = `Dissector bug, protocol ${proto}: ${err instanceof Error ? err.message : String(err)}`;
    const item = ctx.tree.add(null, P_MALFORMED, 0, 0, 0, null, `[Malformed Packet: ${proto}]`);
    addExpert(ctx, item, WS_MALFORMED.expert, 'error', 'Malformed', message, 0, 0, 0);
    ctx.columns.appendInfo('[Malformed Packet]');
    return;
  }
  const start = err instanceof TruncatedError ? Math.min(err.offset, ctx.frame.caplen) : 0;
  const item = ctx.tree.add(null, P_MALFORMED, 0, start, 0, null, `[Malformed Packet: ${proto}]`);
  addExpert(ctx, item, WS_MALFORMED.expert, 'error', 'Malformed', 'Malformed Packet (Exception occurred)', 0, start, 0);
  ctx.columns.appendInfo('[Malformed Packet]');
}

/** frame is the frame protocol module; it must be the first module of a registry. */
export const frame: ProtocolModule = {
  proto: PROTO,
  fields: Object.values(F),
  extraProtocols: [
    { proto: MALFORMED, fields: Object.values(WS_MALFORMED) },
    { proto: SHORT, fields: Object.values(WS_SHORT) },
    { proto: COMMENTS, fields: [] },
  ],
  dissect: (ctx, view) => dissectFrame(ctx, view),
};
