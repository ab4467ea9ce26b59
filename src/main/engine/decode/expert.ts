/**
 * Expert info (Wireshark's epan/expert.c): a protocol-specific expert field (`ip.bogus_header_length`,
 * `_ws.malformed.expert`) wrapped in the generated `_ws.expert` item that `tshark -V` prints as
 *   [Expert Info (Error/Protocol): Bogus IP header length (16, must be at least 20)]
 *       [Bogus IP header length (16, must be at least 20)]
 *       [Severity level: Error]
 *       [Group: Protocol]
 * with the hidden `_ws.expert.message`. Severity and group values are Wireshark's PI_* constants, so
 * `_ws.expert.severity == 8388608` filters as in Wireshark.
 */
import type { FieldDef } from '../../../shared/fields';
import type { ExpertSeverity } from '../../../shared/model';
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import { NULL_ITEM, type TreeItem } from './tree';

const PROTO = { abbrev: '_ws.expert', short: 'Expert', name: 'Expert Info' };
const P = protocolField(PROTO);

/** ExpertGroup is Wireshark's PI_* group. */
export type ExpertGroup = 'Checksum' | 'Sequence' | 'Response code' | 'Request code' | 'Undecoded' | 'Reassemble' | 'Malformed' | 'Protocol' | 'Comment' | 'Deprecated';

const GROUP_VALUES: Record<ExpertGroup, number> = {
  Checksum: 0x01000000,
  Sequence: 0x02000000,
  'Response code': 0x03000000,
  'Request code': 0x04000000,
  Undecoded: 0x05000000,
  Reassemble: 0x06000000,
  Malformed: 0x07000000,
  Protocol: 0x09000000,
  Comment: 0x0b000000,
  Deprecated: 0x0e000000,
};

const SEVERITY_VALUES: Record<ExpertSeverity, number> = {
  chat: 0x00200000,
  note: 0x00400000,
  warn: 0x00600000,
  error: 0x00800000,
};

const SEVERITY_NAMES: Record<ExpertSeverity | 'comment', string> = { comment: 'Comment', chat: 'Chat', note: 'Note', warn: 'Warning', error: 'Error' };
const COMMENT_SEVERITY = 0x00100000;

const F = defineFields('_ws.expert', {
  message: { name: 'Message', type: 'string' },
  group: {
    name: 'Group',
    type: 'uint32',
    values: Object.fromEntries(Object.entries(GROUP_VALUES).map(([k, v]) => [v, k])),
  },
  severity: {
    name: 'Severity level',
    type: 'uint32',
    values: {
      ...Object.fromEntries(Object.entries(SEVERITY_VALUES).map(([k, v]) => [v, SEVERITY_NAMES[k as ExpertSeverity]])),
      [COMMENT_SEVERITY]: 'Comment',
    },
  },
});

/**
 * addExpert adds an expert item under `parent` covering [start, start+length) of data source `src`.
 * `field` is the protocol's own expert field (type `none`); its label is the message.
 */
export function addExpert(
  ctx: DissectCtx,
  parent: TreeItem | null,
  field: FieldDef,
  severity: ExpertSeverity | 'comment',
  group: ExpertGroup,
  message: string,
  src: number,
  start: number,
  length: number,
): TreeItem {
  const tree = ctx.tree;
  if (tree.mode === 'none') return NULL_ITEM;
  const level: ExpertSeverity = severity === 'comment' ? 'chat' : severity;
  const severityValue = severity === 'comment' ? COMMENT_SEVERITY : SEVERITY_VALUES[severity];
  const wrapper = tree
    .add(parent, P, src, start, length, null, () => `Expert Info (${SEVERITY_NAMES[severity]}/${group}): ${message}`)
    .setGenerated()
    .setExpert(level, message);
  tree.add(wrapper, field, src, start, length, null, message).setGenerated().setExpert(level, message);
  tree.add(wrapper, F.message, src, start, length, message, () => `Message: ${message}`).setGenerated().setHidden();
  tree.add(wrapper, F.severity, src, start, length, severityValue, () => `Severity level: ${SEVERITY_NAMES[severity]}`).setGenerated();
  tree.add(wrapper, F.group, src, start, length, GROUP_VALUES[group], () => `Group: ${group}`).setGenerated();
  return wrapper;
}

const STRING = { abbrev: '_ws.string', short: 'String', name: 'String' };
const STRING_F = defineFields('_ws.string', {
  trailing_stray_characters: { name: 'Trailing stray characters', type: 'none' },
});

/**
 * addStrayCharacters flags an ASCII string item over bytes[start, end) of source `src` as Wireshark 4.0
 * does when something other than NUL follows a NUL in it (its value stops at the NUL): "Trailing stray
 * characters". Exactly as proto.c checks it: over the converted string (an 8-bit byte is U+FFFD, three
 * bytes), from the first NUL up to the item's length in raw bytes, so 8-bit bytes before the NUL can
 * push the check past what follows it.
 */
export function addStrayCharacters(ctx: DissectCtx, item: TreeItem, bytes: Uint8Array, src: number, start: number, end: number): void {
  const length = end - start;
  let at = 0; // offset in the converted string
  let i = start;
  for (; i < end && bytes[i] !== 0; i++) at += bytes[i] < 0x80 ? 1 : 3;
  for (; i < end && at < length; i++) {
    if (bytes[i] !== 0) {
      addExpert(ctx, item, STRING_F.trailing_stray_characters, 'warn', 'Undecoded', STRING_F.trailing_stray_characters.name, src, start, length);
      return;
    }
    at++;
  }
}

/** expert is the `_ws.expert` protocol module (fields only; items are added through {@link addExpert}). */
export const expert: ProtocolModule = { proto: PROTO, fields: Object.values(F), extraProtocols: [{ proto: STRING, fields: Object.values(STRING_F) }] };
