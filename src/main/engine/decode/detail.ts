/**
 * toDetailNodes converts a full-mode ProtoTree into plain {@link DetailNode}s for the contract, the
 * renderer and the CLI's `-V` output, resolving lazy labels and default `Name: value` labels.
 * Generated items (values Wireshark computes rather than reads from the bytes) are shown in brackets,
 * as `tshark -V` prints them: dissectors set `setGenerated()` and give the label without brackets; a
 * label that already starts with `[` is left as it is.
 */
import { defaultLabel, formatFieldValue } from '../../../shared/format';
import type { DetailNode } from '../../../shared/model';
import type { ProtoTree, TreeItem } from './tree';

function convert(item: TreeItem): DetailNode {
  const field = item.field.abbrev === '' ? undefined : item.field;
  let label = item.labelText() ?? (field ? defaultLabel(field, item.value) : '');
  if (item.generated && !label.startsWith('[')) label = `[${label}]`;
  const node: DetailNode = { label, src: item.src, start: item.start, length: item.length };
  if (field) {
    node.field = field.abbrev;
    if (item.value !== null) node.value = formatFieldValue(field, item.value);
  }
  if (item.generated) node.generated = true;
  if (item.hidden) node.hidden = true;
  if (item.expert) node.expert = item.expert;
  if (item.frameRef !== undefined) node.frameRef = item.frameRef;
  if (item.children) node.children = item.children.map(convert);
  return node;
}

/** toDetailNodes returns the tree's top-level items (one per protocol layer) as plain data. */
export function toDetailNodes(tree: ProtoTree): DetailNode[] {
  return tree.roots.map(convert);
}

/**
 * printDetailText renders nodes as `tshark -V` does: four spaces per level, hidden items skipped.
 * (The CLI may use its own printer; this one is what the conformance tests compare with tshark.)
 */
export function printDetailText(nodes: readonly DetailNode[], depth = 0, out: string[] = []): string[] {
  for (const node of nodes) {
    if (node.hidden) continue;
    out.push('    '.repeat(depth) + node.label);
    if (node.children) printDetailText(node.children, depth + 1, out);
  }
  return out;
}
