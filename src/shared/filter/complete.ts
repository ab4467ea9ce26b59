/**
 * Completion for the filter bar: field and protocol names where an entity may start, operators after a
 * field, values (value-table names, booleans, values seen in the capture) after an operator or inside a
 * set, and logical keywords after a complete test. Context comes from the tokens before the cursor; a
 * lexing error there (an unclosed string) only narrows the context, it never throws.
 */
import type { FieldRegistry } from '../fields';
import { typeName } from './errors';
import { isWordChar, Lexer, type Token } from './lexer';

/** Completion is one suggestion. */
export interface Completion {
  label: string;
  insertText: string;
  kind: 'field' | 'protocol' | 'operator' | 'value' | 'function' | 'keyword';
  detail?: string;
}

/** MAX_ITEMS bounds the list so a registry of thousands of fields stays responsive. */
const MAX_ITEMS = 200;

const OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['==', 'equal (any occurrence)'],
  ['!=', 'not equal (all occurrences)'],
  ['>', 'greater than'],
  ['<', 'less than'],
  ['>=', 'greater or equal'],
  ['<=', 'less or equal'],
  ['contains', 'contains a string or bytes'],
  ['matches', 'matches a regular expression (case-insensitive)'],
  ['in', 'member of a set {a, b, c..d}'],
  ['===', 'equal (all occurrences)'],
  ['!==', 'not equal (any occurrence)'],
];
const LOGICAL = ['and', 'or', 'xor', 'not'];
const FUNCTIONS: ReadonlyArray<readonly [string, string]> = [
  ['lower', 'lower-case a string field'],
  ['upper', 'upper-case a string field'],
  ['len', 'length in bytes'],
  ['count', 'number of occurrences'],
  ['string', 'a field as its display string'],
];

function safeTokens(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  try {
    for (;;) {
      const token = lexer.next();
      if (token.kind === 'eof') break;
      if (token.kind === 'lbracket') lexer.scanSlice();
      tokens.push(token);
    }
  } catch {
    // An unfinished literal before the cursor: keep what we have.
  }
  return tokens;
}

/** completions suggests what may go at the cursor, replacing text[from, to). */
export function completions(
  text: string,
  cursor: number,
  registry: FieldRegistry,
  valuesSeen?: (abbrev: string) => string[],
): { from: number; to: number; items: Completion[] } {
  const at = Math.max(0, Math.min(cursor, text.length));
  let from = at;
  while (from > 0 && isWordChar(text[from - 1]!)) from--;
  let to = at;
  while (to < text.length && isWordChar(text[to]!)) to++;
  const before = safeTokens(text.slice(0, from));
  // Inside an unclosed string: complete the string's value.
  const quotes = (text.slice(0, at).match(/(?<!\\)"/g) ?? []).length;
  let quoted = false;
  if (quotes % 2 === 1) {
    from = text.lastIndexOf('"', at - 1);
    to = at;
    quoted = true;
  }
  const prefix = text.slice(from, at).replace(/^"/, '');
  const items: Completion[] = [];
  const last = before[before.length - 1];
  const valueContext = quoted || (last !== undefined && (last.kind === 'compare' || last.kind === 'lbrace' || last.kind === 'comma' || last.kind === 'dotdot'));

  if (valueContext) {
    const field = fieldBeforeOperator(quoted ? safeTokens(text.slice(0, from)) : before);
    const def = field ? registry.get(field) : undefined;
    const add = (label: string, insert: string, detail?: string) => {
      if (label.toLowerCase().startsWith(prefix.toLowerCase())) items.push({ label, insertText: insert, kind: 'value', detail });
    };
    if (def?.values) for (const [code, name] of Object.entries(def.values)) add(name, `"${name}"`, code);
    if (def?.type === 'boolean') ['true', 'false', '1', '0'].forEach((v) => add(v, v));
    if (def && valuesSeen) {
      for (const v of valuesSeen(def.abbrev)) add(v, def.type === 'string' ? JSON.stringify(v) : v, 'seen in capture');
    }
    if (!quoted && prefix !== '') addFields(registry, prefix, items);
    return { from, to, items: items.slice(0, MAX_ITEMS) };
  }

  const afterEntity =
    last !== undefined &&
    (last.kind === 'word' || last.kind === 'string' || last.kind === 'char' || last.kind === 'rparen' || last.kind === 'rbrace');
  if (afterEntity && (prefix === '' || !registry.get(prefix))) {
    const inComparison = lastTestHasOperator(before);
    if (!inComparison && last.kind === 'word' && registry.get(last.text)) {
      for (const [op, detail] of OPERATORS) if (op.startsWith(prefix)) items.push({ label: op, insertText: op, kind: 'operator', detail });
    }
    for (const k of LOGICAL) if (k.startsWith(prefix) && k !== 'not') items.push({ label: k, insertText: k, kind: 'keyword' });
    if (items.length > 0 || prefix === '') return { from, to, items };
  }
  addFields(registry, prefix, items);
  for (const [name, detail] of FUNCTIONS) {
    if (name.startsWith(prefix)) items.push({ label: name, insertText: `${name}(`, kind: 'function', detail });
  }
  if ('not'.startsWith(prefix)) items.push({ label: 'not', insertText: 'not ', kind: 'keyword' });
  return { from, to, items: items.slice(0, MAX_ITEMS) };
}

function addFields(registry: FieldRegistry, prefix: string, items: Completion[]): void {
  const matches = registry.all().filter((f) => f.abbrev.startsWith(prefix));
  // Shallow names first (protocols, then their direct fields), then alphabetical.
  matches.sort((a, b) => a.abbrev.split('.').length - b.abbrev.split('.').length || a.abbrev.localeCompare(b.abbrev));
  for (const f of matches.slice(0, MAX_ITEMS)) {
    items.push({
      label: f.abbrev,
      insertText: f.abbrev,
      kind: f.type === 'protocol' ? 'protocol' : 'field',
      detail: `${f.name} (${typeName(f.type)})`,
    });
  }
}

function fieldBeforeOperator(tokens: Token[]): string | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind === 'compare' || t.kind === 'in') {
      const field = tokens[i - 1];
      return field?.kind === 'word' ? field.text : undefined;
    }
    if (t.kind === 'and' || t.kind === 'or' || t.kind === 'xor' || t.kind === 'lparen') return undefined;
  }
  return undefined;
}

function lastTestHasOperator(tokens: Token[]): boolean {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const kind = tokens[i]!.kind;
    if (kind === 'compare' || kind === 'in' || kind === 'bitand') return true;
    if (kind === 'and' || kind === 'or' || kind === 'xor' || kind === 'not' || kind === 'lparen') return false;
  }
  return false;
}
