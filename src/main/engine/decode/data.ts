/**
 * Data: bytes no dissector claimed, shown as Wireshark's "Data (N bytes)" with `data.data` and
 * `data.len`. Also the fallback of every table lookup that finds nothing.
 */
import { defineFields, protocolField, type DissectCtx, type ProtocolModule } from './protocol';
import type { TreeItem } from './tree';
import type { ByteView } from './view';

const PROTO = { abbrev: 'data', short: 'Data', name: 'Data' };
const F = defineFields('data', {
  data: { name: 'Data', type: 'bytes' },
  len: { name: 'Length', type: 'uint32' },
});
const P = protocolField(PROTO);

function dissectData(ctx: DissectCtx, view: ByteView, parent: TreeItem | null): number {
  if (view.length === 0) return 0;
  const top = ctx.tree.add(parent, P, view.src, view.base, view.length, null, () => `Data (${view.length} byte${view.length === 1 ? '' : 's'})`);
  ctx.layers.push('data');
  const bytes = view.rest();
  ctx.tree.add(top, F.data, view.src, view.base, view.length, bytes);
  ctx.tree.add(top, F.len, view.src, view.base, 0, view.length, `[Length: ${view.length}]`).setGenerated();
  return view.length;
}

/** data is the undissected-bytes module. */
export const data: ProtocolModule = { proto: PROTO, fields: Object.values(F), dissect: dissectData };
