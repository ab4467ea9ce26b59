/** TreeRow: one item of Packet Details (role treeitem); generated items keep the engine's brackets. */
import { memo } from 'react';
import type { VisibleNode } from '../../store/detail-tree';

/** TreeRowProps: the visible node and its state. */
export interface TreeRowProps {
  item: VisibleNode;
  selected: boolean;
  goToLabel?: string;
}

export const TreeRow = memo(function TreeRow({ item, selected, goToLabel }: TreeRowProps) {
  const { node, depth, hasChildren, expanded, path } = item;
  const classes = ['dt-item'];
  if (selected) classes.push('selected');
  if (node.generated) classes.push('generated');
  if (node.expert) classes.push(`expert-${node.expert.severity}`);
  if (node.frameRef !== undefined) classes.push('frame-ref');
  return (
    <div
      id={`dt-${path}`}
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={hasChildren ? expanded : undefined}
      aria-selected={selected}
      data-path={path}
      data-key={item.key}
      className={classes.join(' ')}
      style={{ paddingLeft: 4 + depth * 16 }}
      title={node.frameRef !== undefined ? goToLabel : node.expert?.message}
    >
      <span className="dt-toggle" data-toggle="1" aria-hidden="true">
        {hasChildren ? (expanded ? '▾' : '▸') : ''}
      </span>
      <span className="dt-label">{node.label}</span>
    </div>
  );
});
