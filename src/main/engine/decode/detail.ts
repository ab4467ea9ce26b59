/**
 * toDetailNodes converts a full-mode ProtoTree into plain {@link DetailNode}s for the contract, the
 * renderer and the CLI's `-V` output, resolving lazy labels and default `Name: value` labels.
 */
import { defaultLabel, formatFieldValue } from '../../../shared/format';
import type { DetailNode } from '../../../shared/model';
import type { ProtoTree, TreeItem } from './tree';

function convert(item: TreeItem): DetailNode {
  const field = item.field.abbrev === '' ? undefined : item.field;
  const label = item.labelText() ?? (field ? defaultLabel(field, item.value) : '');
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
