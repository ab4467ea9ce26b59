/**
 * Display filter language (Wireshark 4.0 semantics) shared by the engine, which evaluates compiled
 * filters over FrameFields, and the renderer, which validates and completes filters as the user types.
 * Pure TypeScript: no node:*, no DOM. The language and every difference from tshark: docs/filters.md.
 *
 * Pipeline: lexer → parser (syntax tree with spans) → checker (fields, types, literals) → closures.
 */
import type { FieldRegistry } from '../fields';
import type { FrameFields } from '../model';
import { captureFilterHint } from './capture-hint';
import { compileExpr } from './compile';
import {
  FilterSyntaxError,
  MISSING_BRACKET,
  MISSING_QUOTE,
  Messages,
  UNEXPECTED_END,
  type FilterError,
} from './errors';
import { isWordChar } from './lexer';
import { parseFilter } from './parser';

export type { FilterError } from './errors';
export { completions, type Completion } from './complete';

/** CompiledFilter is a checked filter ready to evaluate. */
export interface CompiledFilter {
  text: string;
  evaluate(frame: FrameFields): boolean;
  /** every field/protocol abbrev the filter reads */
  fields: string[];
  /** those whose value the filter reads, not only whether they occur (`tcp` in `tcp contains "x"`, not in `tcp`) */
  valueFields: string[];
  /**
   * conservative prefilter: if non-null, a frame can only match when at least one of these abbrevs
   * occurs in it (e.g. ['smtp'] for `smtp.req.command == "MAIL"`, null for `not smtp`)
   */
  requiresAnyOf: string[] | null;
  warnings: FilterError[];
}

/** compileFilter parses and checks a filter; errors are returned, never thrown. */
export function compileFilter(
  text: string,
  registry: FieldRegistry,
): { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError } {
  const result = compileInternal(text, registry);
  return result.ok ? { ok: true, filter: result.filter } : result;
}

function compileInternal(
  text: string,
  registry: FieldRegistry,
): { ok: true; filter: CompiledFilter; deprecated: FilterError[] } | { ok: false; error: FilterError } {
  try {
    const expr = parseFilter(text);
    const compiled = compileExpr(expr, registry);
    const filter: CompiledFilter = {
      text,
      evaluate: compiled.predicate,
      fields: compiled.fields,
      valueFields: compiled.valueFields,
      requiresAnyOf: compiled.requiresAnyOf,
      warnings: compiled.warnings,
    };
    return { ok: true, filter, deprecated: compiled.deprecated };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, error: withCaptureHint(text, error.error) };
    // Anything else is a bug; still a value for the caller, spanning the whole filter.
    const message = error instanceof RangeError ? Messages.tooDeep : `Internal filter error: ${String(error)}`;
    return { ok: false, error: { message, start: 0, length: text.length } };
  }
}

function withCaptureHint(text: string, error: FilterError): FilterError {
  if (error.hint !== undefined) return error;
  const translated = captureFilterHint(text);
  if (translated === undefined) return error;
  return {
    ...error,
    hint: `That display filter looks like a valid capture filter; maybe you mixed them up? Did you mean "${translated}"?`,
  };
}

/** FilterState is what the filter bar shows: empty, still typing, valid, valid with warnings, invalid. */
export type FilterState =
  | { kind: 'empty' }
  | { kind: 'incomplete'; error: FilterError }
  | { kind: 'valid'; filter: CompiledFilter }
  | { kind: 'deprecated'; filter: CompiledFilter; warnings: FilterError[] }
  | { kind: 'invalid'; error: FilterError };

/**
 * filterState classifies the text for the filter bar. 'incomplete' means the user is probably still
 * typing: the filter ends early (operator, `and`, open paren), a quote or slice is unclosed, or the last
 * word is the prefix of an existing field name (`smt`, `smtp.req.`).
 */
export function filterState(text: string, registry: FieldRegistry): FilterState {
  if (text.trim() === '') return { kind: 'empty' };
  const result = compileInternal(text, registry);
  if (result.ok) {
    return result.deprecated.length > 0
      ? { kind: 'deprecated', filter: result.filter, warnings: result.deprecated }
      : { kind: 'valid', filter: result.filter };
  }
  const error = result.error;
  if (error.message === UNEXPECTED_END || error.message === MISSING_QUOTE || error.message === MISSING_BRACKET) {
    return { kind: 'incomplete', error };
  }
  const end = error.start + error.length;
  const atEnd = text.slice(end).trim() === '' && end === text.trimEnd().length;
  if (atEnd && error.length > 0) {
    const word = text.slice(error.start, end);
    if ([...word].every(isWordChar) && registry.all().some((f) => f.abbrev.startsWith(word) && f.abbrev !== word)) {
      return { kind: 'incomplete', error };
    }
  }
  return { kind: 'invalid', error };
}

/**
 * formatFilterError lays an error out as tshark does: the message, then the filter indented by four
 * spaces, then `^~~~` under the token (no underline for "Unexpected end of filter expression."), then
 * the hint as a note.
 */
export function formatFilterError(text: string, err: FilterError): string {
  const indent = '    ';
  const lines = [err.message];
  if (err.message !== UNEXPECTED_END) {
    lines.push(indent + text);
    lines.push(indent + ' '.repeat(err.start) + '^' + '~'.repeat(Math.max(0, err.length - 1)));
  }
  if (err.hint !== undefined) lines.push(`  Note: ${err.hint}`);
  return lines.join('\n');
}
