/**
 * Packet Details (role tree, "Packet details"): the selected frame's tree from `frame.detail`. Mouse:
 * click selects (and highlights the item's bytes), the triangle or a double-click toggles, an item that
 * names another frame (`frameRef`) goes to it. Keyboard: Up/Down move, Right expands or enters, Left
 * collapses or goes to the parent, Enter/Space toggle (Enter on a frame reference goes to that frame).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { ContextMenu } from '../../components/ContextMenu';
import { copyText } from '../../components/clipboard';
import { filterForSelection, applyOrPrepareFilter } from '../../app/actions';
import { flattenVisible, nodeAtPath } from '../../store/detail-tree';
import { useApp, useAppStore } from '../../store/index';
import { TreeRow } from './TreeRow';

export function DetailTree() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { detail, expanded, selectedPath, loading, hasFrame } = useApp(
    useShallow((s) => ({
      detail: s.detail,
      expanded: s.expanded,
      selectedPath: s.selectedPath,
      loading: s.detailLoading,
      hasFrame: s.selectedFrame !== null,
    })),
  );
  const [menu, setMenu] = useState<{ x: number; y: number; path: string } | null>(null);
  const rows = useMemo(() => (detail ? flattenVisible(detail.tree, expanded) : []), [detail, expanded]);

  const s = () => store.getState();
  const indexOfPath = (path: string | null) => rows.findIndex((r) => r.path === path);
  const focusItem = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    s().selectNode(row.path);
    document.getElementById(`dt-${row.path}`)?.scrollIntoView({ block: 'nearest' });
  };
  const activate = (index: number) => {
    const row = rows[index];
    if (!row) return;
    if (row.node.frameRef !== undefined) void s().goToFrame(row.node.frameRef);
    else if (row.hasChildren) s().toggleNode(row.key);
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (rows.length === 0) return;
    const at = indexOfPath(selectedPath);
    const row = rows[at];
    switch (event.key) {
      case 'ArrowDown':
        focusItem(at + 1);
        break;
      case 'ArrowUp':
        focusItem(at < 0 ? 0 : at - 1);
        break;
      case 'Home':
        focusItem(0);
        break;
      case 'End':
        focusItem(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!row) focusItem(0);
        else if (row.hasChildren && !row.expanded) s().setExpanded(row.key, true);
        else if (row.hasChildren) focusItem(at + 1);
        break;
      case 'ArrowLeft':
        if (!row) break;
        if (row.hasChildren && row.expanded) s().setExpanded(row.key, false);
        else {
          const parent = row.path.includes('.') ? row.path.slice(0, row.path.lastIndexOf('.')) : null;
          if (parent !== null) focusItem(indexOfPath(parent));
        }
        break;
      case 'Enter':
        activate(at);
        break;
      case ' ':
        if (row?.hasChildren) s().toggleNode(row.key);
        break;
      case 'ContextMenu': {
        const box = row ? document.getElementById(`dt-${row.path}`)?.getBoundingClientRect() : undefined;
        if (row && box) setMenu({ x: box.left + 40, y: box.bottom, path: row.path });
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const itemFromEvent = (event: React.MouseEvent) => {
    const el = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    const index = el ? indexOfPath(el.dataset.path ?? null) : -1;
    return { index, row: rows[index], onToggle: (event.target as HTMLElement).closest('[data-toggle]') !== null };
  };

  const menuNode = menu && detail ? nodeAtPath(detail.tree, menu.path) : undefined;
  const menuItems = menu
    ? [
        { label: t('menu.applyAsFilter'), action: () => applyOrPrepareFilter(store, filterForSelection(store, menu.path), true), disabled: !menuNode?.field },
        { label: t('menu.prepareAsFilter'), action: () => applyOrPrepareFilter(store, filterForSelection(store, menu.path), false), disabled: !menuNode?.field },
        { label: t('menu.copyValue'), action: () => void copyText(menuNode?.value ?? menuNode?.label ?? '') },
        { label: t('menu.expandSubtrees'), action: () => s().expandSubtree(menu.path, true) },
        { label: t('menu.collapseSubtrees'), action: () => s().expandSubtree(menu.path, false) },
        { label: t('menu.expandAll'), action: () => s().expandAll(true) },
        { label: t('menu.collapseAll'), action: () => s().expandAll(false) },
        ...(menuNode?.frameRef !== undefined
          ? [{ label: t('menu.goToFrame', { frame: menuNode.frameRef }), action: () => void s().goToFrame(menuNode.frameRef!) }]
          : []),
      ]
    : [];

  return (
    <div
      role="tree"
      aria-label={t('details.label')}
      aria-activedescendant={selectedPath !== null && indexOfPath(selectedPath) >= 0 ? `dt-${selectedPath}` : undefined}
      tabIndex={0}
      className="detail-tree"
      onKeyDown={onKeyDown}
      onClick={(e) => {
        const { index, row, onToggle } = itemFromEvent(e);
        if (!row) return;
        if (onToggle && row.hasChildren) s().toggleNode(row.key);
        else if (row.node.frameRef !== undefined) activate(index);
        else s().selectNode(row.path);
      }}
      onDoubleClick={(e) => {
        const { row, onToggle } = itemFromEvent(e);
        if (row?.hasChildren && !onToggle) s().toggleNode(row.key);
      }}
      onContextMenu={(e) => {
        const { row } = itemFromEvent(e);
        e.preventDefault();
        if (!row) return;
        s().selectNode(row.path);
        setMenu({ x: e.clientX, y: e.clientY, path: row.path });
      }}
    >
      {rows.map((row) => (
        <TreeRow
          key={row.path}
          item={row}
          selected={row.path === selectedPath}
          goToLabel={row.node.frameRef !== undefined ? t('menu.goToFrame', { frame: row.node.frameRef }) : undefined}
        />
      ))}
      {rows.length === 0 && <p className="pane-empty">{hasFrame && loading ? t('details.loading') : t('details.empty')}</p>}
      {menu && <ContextMenu x={menu.x} y={menu.y} label={t('details.label')} items={menuItems} onClose={() => setMenu(null)} />}
    </div>
  );
}
