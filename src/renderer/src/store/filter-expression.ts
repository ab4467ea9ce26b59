/**
 * filterExpression builds "Apply as Filter" text for a detail item, as Wireshark does: the field's
 * name, `==`, and its value written as a literal of the field's type (strings quoted and escaped); a
 * protocol or a value-less item gives the bare name (existence test).
 */
import type { FieldRegistry, FieldType } from '../../../shared/fields';
import type { DetailNode } from '../../../shared/model';

const QUOTED: ReadonlySet<FieldType> = new Set<FieldType>(['string', 'abstime']);

/** quoteFilterString writes a display-filter string literal. */
export function quoteFilterString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** filterExpression returns the filter for a node, or undefined for items without a field. */
export function filterExpression(node: DetailNode, registry: FieldRegistry | null): string | undefined {
  if (!node.field) return undefined;
  const def = registry?.get(node.field);
  if (node.value === undefined || def?.type === 'protocol' || def?.type === 'none') return node.field;
  const type = def?.type ?? 'string';
  const literal = QUOTED.has(type) ? quoteFilterString(node.value) : node.value;
  return `${node.field} == ${literal}`;
}
