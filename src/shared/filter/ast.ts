/**
 * Syntax tree of a display filter as parsed, before fields are resolved. Every node keeps the span of
 * the text it came from, because the checker's errors (unknown field, bad literal, wrong type) underline
 * the token exactly as tshark does.
 */
import type { CompareOp } from './lexer';

/** Entity is one side of a comparison: an unparsed word (field or literal), a literal, a call, a slice. */
export type Entity =
  | { kind: 'word'; text: string; start: number; length: number }
  | { kind: 'string'; text: string; start: number; length: number; bytes: Uint8Array; raw: boolean }
  | { kind: 'char'; text: string; start: number; length: number; bytes: Uint8Array }
  | { kind: 'call'; name: string; start: number; length: number; args: Entity[] }
  | { kind: 'slice'; base: Entity; ranges: SliceRange[]; start: number; length: number };

/** SliceRange is one item of `[…]`: an offset (negative counts from the end) and a length. */
export interface SliceRange {
  from: number;
  length: number | 'toEnd';
  text: string;
  start: number;
}

/** SetItem is one member of `{…}`: a value or an inclusive range `low..high`. */
export interface SetItem {
  low: Entity;
  high?: Entity;
}

/** Expr is a boolean expression node. */
export type Expr =
  | { kind: 'logical'; op: 'and' | 'or' | 'xor'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'test'; entity: Entity }
  | {
      kind: 'compare';
      op: CompareOp;
      opText: string;
      opStart: number;
      quantifier: 'any' | 'all' | undefined;
      left: Entity;
      right: Entity;
    }
  | { kind: 'in'; negated: boolean; quantifier: 'any' | 'all' | undefined; left: Entity; items: SetItem[]; opText: string }
  | { kind: 'bitand'; opText: string; quantifier: 'any' | 'all' | undefined; left: Entity; right: Entity };
