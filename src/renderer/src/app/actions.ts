/**
 * Actions shared by the Packet List and Packet Details context menus, written against the store so the
 * components stay small: apply / prepare a filter from a detail item, follow the selected TCP stream.
 */
import type { TFunction } from 'i18next';
import { findField, nodeAtPath } from '../store/detail-tree';
import { filterExpression } from '../store/filter-expression';
import type { AppStore } from '../store/index';

/** filterForSelection is the filter for a detail item (default: the selected one), else `frame.number == N`. */
export function filterForSelection(store: AppStore, path?: string | null): string | undefined {
  const s = store.getState();
  const at = path ?? s.selectedPath;
  const node = at !== null && at !== undefined && s.detail ? nodeAtPath(s.detail.tree, at) : undefined;
  if (node) return filterExpression(node, s.registry);
  return s.selectedFrame !== null ? `frame.number == ${s.selectedFrame}` : undefined;
}

/** applyOrPrepareFilter applies (or only prepares, like Wireshark's "Prepare as Filter") a filter. */
export function applyOrPrepareFilter(store: AppStore, filter: string | undefined, apply: boolean): void {
  if (filter === undefined) return;
  if (apply) void store.getState().applyFilter(filter);
  else store.getState().setFilterText(filter);
}

/** followSelectedStream follows the TCP stream of the selected packet, or says it has none. */
export function followSelectedStream(store: AppStore, t: TFunction): void {
  const s = store.getState();
  const stream = s.detail ? findField(s.detail.tree, 'tcp.stream') : undefined;
  const index = stream?.value !== undefined ? Number(stream.value) : NaN;
  if (!Number.isInteger(index)) {
    s.notify('info', t('follow.noStream'));
    return;
  }
  void s.followStream(index);
}
