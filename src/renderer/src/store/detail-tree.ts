/**
 * Pure helpers over a frame's detail tree (Packet Details). Nodes are addressed by their path of child
 * indexes ("3.0.1"); expansion is remembered by a *key* made of field names (or labels without their
 * value), so that, as in Wireshark, a protocol expanded in one frame stays expanded in the next.
 * Hidden items (e.g. `smtp.req`) are never shown, as in Wireshark.
 */
import type { DetailNode } from '../../../shared/model';

/** VisibleNode is one row of the rendered tree. */
export interface VisibleNode {
  node: DetailNode;
  path: string;
  key: string;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

/** nodeKey is the expansion key of a node under a parent key. */
export function nodeKey(node: DetailNode, parentKey: string): string {
  const own = node.field ?? node.label.replace(/[:(].*$/s, '').trim();
  return parentKey === '' ? own : `${parentKey}/${own}`;
}

function visibleChildren(node: DetailNode): DetailNode[] {
  return (node.children ?? []).filter((c) => !c.hidden);
}

/** flattenVisible lists the rows to render: every shown node whose ancestors are all expanded. */
export function flattenVisible(tree: readonly DetailNode[], expanded: ReadonlySet<string>): VisibleNode[] {
  const out: VisibleNode[] = [];
  const walk = (nodes: readonly DetailNode[], parentPath: string, parentKey: string, depth: number) => {
    nodes.forEach((node, i) => {
      if (node.hidden) return;
      const path = parentPath === '' ? String(i) : `${parentPath}.${i}`;
      const key = nodeKey(node, parentKey);
      const hasChildren = visibleChildren(node).length > 0;
      const isExpanded = hasChildren && expanded.has(key);
      out.push({ node, path, key, depth, hasChildren, expanded: isExpanded });
      if (isExpanded) walk(node.children ?? [], path, key, depth + 1);
    });
  };
  walk(tree, '', '', 0);
  return out;
}

/** nodeAtPath returns the node at a path, or undefined. */
export function nodeAtPath(tree: readonly DetailNode[], path: string): DetailNode | undefined {
  let nodes: readonly DetailNode[] | undefined = tree;
  let node: DetailNode | undefined;
  for (const part of path.split('.')) {
    node = nodes?.[Number(part)];
    if (!node) return undefined;
    nodes = node.children;
  }
  return node;
}

/** keysAlongPath lists the expansion keys from the root to the node at `path` (inclusive). */
export function keysAlongPath(tree: readonly DetailNode[], path: string): string[] {
  const keys: string[] = [];
  let nodes: readonly DetailNode[] | undefined = tree;
  let key = '';
  for (const part of path.split('.')) {
    const node: DetailNode | undefined = nodes?.[Number(part)];
    if (!node) break;
    key = nodeKey(node, key);
    keys.push(key);
    nodes = node.children;
  }
  return keys;
}

/** subtreeKeys lists the keys of `node` and of every descendant that has children. */
export function subtreeKeys(node: DetailNode, key: string): string[] {
  const keys: string[] = [];
  const walk = (n: DetailNode, k: string) => {
    if (visibleChildren(n).length === 0) return;
    keys.push(k);
    for (const c of visibleChildren(n)) walk(c, nodeKey(c, k));
  };
  walk(node, key);
  return keys;
}

/** allKeys lists every expandable key of a tree (Expand All). */
export function allKeys(tree: readonly DetailNode[]): string[] {
  return tree.filter((n) => !n.hidden).flatMap((n) => subtreeKeys(n, nodeKey(n, '')));
}

/**
 * deepestAt finds the deepest shown node whose bytes (in data source `src`) cover `offset`, as
 * Wireshark does when a byte is clicked; undefined when none covers it.
 */
export function deepestAt(tree: readonly DetailNode[], src: number, offset: number): string | undefined {
  let best: { path: string; depth: number } | undefined;
  const walk = (nodes: readonly DetailNode[], parentPath: string, depth: number) => {
    nodes.forEach((node, i) => {
      if (node.hidden) return;
      const path = parentPath === '' ? String(i) : `${parentPath}.${i}`;
      if (node.src === src && node.length > 0 && offset >= node.start && offset < node.start + node.length) {
        if (!best || depth > best.depth) best = { path, depth };
      }
      if (node.children) walk(node.children, path, depth + 1);
    });
  };
  walk(tree, '', 0);
  return best?.path;
}

/** findField returns the first node (depth-first) carrying `field`, e.g. `tcp.stream`. */
export function findField(tree: readonly DetailNode[], field: string): DetailNode | undefined {
  for (const node of tree) {
    if (node.field === field) return node;
    const inner = node.children ? findField(node.children, field) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
