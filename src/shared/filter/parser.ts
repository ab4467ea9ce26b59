/**
 * Recursive-descent parser for Wireshark 4.0 display filters, producing the syntax tree of `ast.ts`.
 *
 * Precedence, verified against tshark 4.0.17 (see docs/filters.md):
 *   `not`/`!` (tightest) > `and`/`&&` > `xor`/`^^` (our addition, as in Wireshark 4.2) > `or`/`||`;
 *   binary operators are left-associative. `tcp or udp and udp` is `tcp or (udp and udp)`.
 * Recursion depth is bounded by {@link MAX_NESTING} (parentheses and function calls); chains of `not`
 * are folded iteratively, so no input can overflow the stack.
 */
import type { Entity, Expr, SetItem, SliceRange } from './ast';
import { fail, MAX_NESTING, Messages, UNEXPECTED_END } from './errors';
import { Lexer, type Token } from './lexer';

const DECIMAL = /^-?[0-9]+$/;

/** parseFilter parses a whole filter; it throws FilterSyntaxError (caught by compileFilter). */
export function parseFilter(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.parseOr(0);
  parser.expectEnd();
  return expr;
}

class Parser {
  private readonly lexer: Lexer;
  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  expectEnd(): void {
    const token = this.lexer.next();
    if (token.kind !== 'eof') this.unexpectedAfterRelation(token);
  }

  /** A dangling `!` or `&` at the very end reads as "more was coming" (tshark says the same). */
  private unexpectedAfterRelation(token: Token): never {
    if ((token.kind === 'not' || token.kind === 'bitand') && this.lexer.peek().kind === 'eof') {
      this.unexpected(this.lexer.peek());
    }
    this.unexpected(token);
  }

  private unexpected(token: Token): never {
    if (token.kind === 'eof') fail(UNEXPECTED_END, token.start, 0);
    fail(Messages.unexpected(token.text), token.start, token.length);
  }

  parseOr(depth: number): Expr {
    let left = this.parseXor(depth);
    while (this.lexer.peek().kind === 'or') {
      this.lexer.next();
      const right = this.parseXor(depth);
      left = { kind: 'logical', op: 'or', left, right };
    }
    return left;
  }

  private parseXor(depth: number): Expr {
    let left = this.parseAnd(depth);
    while (this.lexer.peek().kind === 'xor') {
      this.lexer.next();
      const right = this.parseAnd(depth);
      left = { kind: 'logical', op: 'xor', left, right };
    }
    return left;
  }

  private parseAnd(depth: number): Expr {
    let left = this.parseUnary(depth);
    while (this.lexer.peek().kind === 'and') {
      this.lexer.next();
      const right = this.parseUnary(depth);
      left = { kind: 'logical', op: 'and', left, right };
    }
    return left;
  }

  private parseUnary(depth: number): Expr {
    const nots: Token[] = [];
    while (this.lexer.peek().kind === 'not') nots.push(this.lexer.next());
    let expr: Expr;
    const token = this.lexer.peek();
    if (token.kind === 'lparen') {
      this.lexer.next();
      if (depth + 1 > MAX_NESTING) fail(Messages.tooDeep, token.start, token.length);
      expr = this.parseOr(depth + 1);
      const close = this.lexer.next();
      if (close.kind !== 'rparen') this.unexpectedAfterRelation(close);
    } else {
      expr = this.parseRelation(depth);
    }
    for (let i = nots.length - 1; i >= 0; i--) expr = { kind: 'not', operand: expr };
    return expr;
  }

  private parseRelation(depth: number): Expr {
    let quantifier: 'any' | 'all' | undefined;
    const first = this.lexer.peek();
    if (first.kind === 'any' || first.kind === 'all') {
      this.lexer.next();
      quantifier = first.kind;
    }
    const left = this.parseEntity(depth);
    const token = this.lexer.peek();
    if (token.kind === 'compare') {
      this.lexer.next();
      const right = this.parseEntity(depth);
      return { kind: 'compare', op: token.op!, opText: token.text, opStart: token.start, quantifier, left, right };
    }
    if (token.kind === 'in') {
      this.lexer.next();
      return { kind: 'in', negated: false, quantifier, left, items: this.parseSet(depth), opText: token.text };
    }
    if (token.kind === 'not') {
      const saved = this.lexer.pos;
      this.lexer.next();
      if (this.lexer.peek().kind === 'in') {
        this.lexer.next();
        return { kind: 'in', negated: true, quantifier, left, items: this.parseSet(depth), opText: 'not in' };
      }
      this.lexer.pos = saved;
    }
    if (token.kind === 'bitand') {
      this.lexer.next();
      const right = this.parseEntity(depth);
      return { kind: 'bitand', opText: token.text, quantifier, left, right };
    }
    if (quantifier) this.unexpected(this.lexer.next());
    return { kind: 'test', entity: left };
  }

  private parseSet(depth: number): SetItem[] {
    const open = this.lexer.next();
    if (open.kind !== 'lbrace') this.unexpected(open);
    const items: SetItem[] = [];
    for (;;) {
      const low = this.parseEntity(depth);
      if (this.lexer.peek().kind === 'dotdot') {
        this.lexer.next();
        items.push({ low, high: this.parseEntity(depth) });
      } else {
        items.push({ low });
      }
      const separator = this.lexer.next();
      if (separator.kind === 'rbrace') return items;
      if (separator.kind !== 'comma') this.unexpected(separator);
    }
  }

  private parseEntity(depth: number): Entity {
    const token = this.lexer.next();
    let entity: Entity;
    switch (token.kind) {
      case 'word':
        if (this.lexer.peek().kind === 'lparen') {
          entity = this.parseCall(token, depth);
        } else {
          entity = { kind: 'word', text: token.text, start: token.start, length: token.length };
        }
        break;
      case 'string':
        return { kind: 'string', text: token.text, start: token.start, length: token.length, bytes: token.bytes!, raw: !!token.raw };
      case 'char':
        return { kind: 'char', text: token.text, start: token.start, length: token.length, bytes: token.bytes! };
      default:
        this.unexpected(token);
    }
    if (this.lexer.peek().kind === 'lbracket') {
      this.lexer.next();
      const { items } = this.lexer.scanSlice();
      entity = { kind: 'slice', base: entity, ranges: items.map(parseRange), start: entity.start, length: entity.length };
    }
    return entity;
  }

  private parseCall(name: Token, depth: number): Entity {
    const open = this.lexer.next();
    if (depth + 1 > MAX_NESTING) fail(Messages.tooDeep, open.start, open.length);
    const args: Entity[] = [];
    if (this.lexer.peek().kind === 'rparen') {
      this.lexer.next();
    } else {
      for (;;) {
        args.push(this.parseEntity(depth + 1));
        const separator = this.lexer.next();
        if (separator.kind === 'rparen') break;
        if (separator.kind !== 'comma') this.unexpected(separator);
      }
    }
    return { kind: 'call', name: name.text, start: name.start, length: name.length, args };
  }
}

/** parseRange turns one slice item (`i:j`, `i-j`, `i`, `:j`, `i:`) into an offset and a length. */
function parseRange(item: { text: string; start: number }): SliceRange {
  const { text, start } = item;
  const number = (part: string, offset: number): number => {
    const trimmed = part.trim();
    const at = start + offset + (part.length - part.trimStart().length);
    if (!DECIMAL.test(trimmed)) fail(Messages.notANumber(trimmed), at, Math.max(trimmed.length, 1));
    return parseInt(trimmed, 10);
  };
  if (text === '') fail(Messages.unexpected(']'), start, 1);
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const from = colon === 0 ? 0 : number(text.slice(0, colon), 0);
    const rest = text.slice(colon + 1);
    if (rest.trim() === '') return { from, length: 'toEnd', text, start };
    const length = number(rest, colon + 1);
    if (length <= 0) fail(Messages.rangeLength(text, length), start, text.length);
    return { from, length, text, start };
  }
  // "i-j" (a leading '-' belongs to a negative i).
  const dash = text.indexOf('-', 1);
  if (dash > 0) {
    const from = number(text.slice(0, dash), 0);
    const to = number(text.slice(dash + 1), dash + 1);
    if (from >= to) fail(Messages.rangeOrder(text, from, to), start, text.length);
    return { from, length: to - from + 1, text, start };
  }
  return { from: number(text, 0), length: 1, text, start };
}
