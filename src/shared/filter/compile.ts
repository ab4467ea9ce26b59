/**
 * Checker and code generator: resolves field names against the registry, type-checks operators and
 * converts literals (with tshark 4.0's messages), then builds the predicate as nested closures. Nothing
 * walks the tree at evaluation time, and a simple `field OP constant` test runs as one loop over the
 * field's occurrences without allocating.
 *
 * Quantifiers (Wireshark 4.0): `==`, `>`, `contains`, `matches`, `in`, `&` hold if ANY occurrence does;
 * `!=` holds if ALL occurrences differ (tshark 4.0's `!=` is all_ne), `===` if all are equal, `!==`/`~=` if
 * any differs. Every comparison needs at least one occurrence; `not in` is `!(x in set)` and so holds
 * when the field is absent (verified with tshark). A leading `any`/`all` sets the quantifier explicitly.
 */
import type { FieldDef, FieldRegistry, FieldType, FieldValue } from '../fields';
import type { FieldOccurrence, FrameFields } from '../model';
import type { Entity, Expr, SetItem, SliceRange } from './ast';
import { fail, Messages, type FilterError } from './errors';
import type { CompareOp } from './lexer';
import { convertLiteral, familyOf, literalText, type Constant, type Family } from './literals';
import { translateRegex } from './regex';
import {
  asBytes,
  asText,
  compareConstant,
  compareValues,
  displayString,
  equalsConstant,
  indexOfBytes,
  occurrenceBytes,
  occurrenceData,
} from './values';

/** Predicate is a compiled filter (or sub-filter). */
export type Predicate = (frame: FrameFields) => boolean;
type ValuePredicate = (v: FieldValue) => boolean;
type Values = readonly FieldValue[];

/** Operand is a resolved field, slice or function call. */
interface Operand {
  /** abbrev is set for a plain field (the fast path reads its occurrences directly). */
  abbrev?: string;
  def?: FieldDef;
  type: FieldType;
  name: string;
  entity: Entity;
  requires: string[];
  values: (frame: FrameFields) => Values | undefined;
  /** a protocol read as its whole data (`contains`, `matches`), not only its item's bytes */
  wholeData?: boolean;
}

/** Compiled is the checker's output. */
export interface Compiled {
  predicate: Predicate;
  fields: string[];
  /** the fields and protocols whose value (not only whether they occur) the filter reads */
  valueFields: string[];
  requiresAnyOf: string[] | null;
  warnings: FilterError[];
  deprecated: FilterError[];
}

/** Fields whose protocol treats commands case-insensitively, while `==` compares case-sensitively. */
const CASE_INSENSITIVE_COMMANDS: Readonly<Record<string, string>> = {
  'smtp.req.command': 'SMTP',
  'pop.request.command': 'POP',
};

const EQUALITY_OPS: ReadonlySet<CompareOp> = new Set(['eq', 'ne', 'all_eq', 'any_ne']);
const ORDERING_OPS: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);
const FUNCTION_ARITY = 1;
const FUNCTIONS = new Set(['lower', 'upper', 'len', 'count', 'string']);
const EMPTY: Values = [];

/** compileExpr checks and compiles a parsed filter; it throws FilterSyntaxError on the first error. */
export function compileExpr(expr: Expr, registry: FieldRegistry): Compiled {
  return new Checker(registry).run(expr);
}

class Checker {
  private readonly fields: string[] = [];
  private readonly valueFields: string[] = [];
  private readonly warnings: FilterError[] = [];
  private readonly deprecated: FilterError[] = [];
  constructor(private readonly registry: FieldRegistry) {}

  run(expr: Expr): Compiled {
    const { predicate, requires } = this.expr(expr);
    return {
      predicate,
      fields: this.fields,
      valueFields: this.valueFields,
      requiresAnyOf: requires,
      warnings: [...this.deprecated, ...this.warnings],
      deprecated: this.deprecated,
    };
  }

  private expr(expr: Expr): { predicate: Predicate; requires: string[] | null } {
    switch (expr.kind) {
      case 'logical': {
        // Flatten left-leaning chains of one operator iteratively, so `a or b or … or z` (thousands of
        // terms) cannot overflow the stack; nesting depth is already bounded by the parser.
        const terms: Expr[] = [];
        let node: Expr = expr;
        while (node.kind === 'logical' && node.op === expr.op) {
          terms.push(node.right);
          node = node.left;
        }
        terms.push(node);
        terms.reverse();
        const compiled = terms.map((t) => this.expr(t));
        return combine(expr.op, compiled);
      }
      case 'not': {
        const inner = this.expr(expr.operand);
        const p = inner.predicate;
        return { predicate: (f) => !p(f), requires: null };
      }
      case 'test':
        return this.test(expr.entity);
      case 'compare':
        return this.compare(expr);
      case 'in':
        return this.membership(expr);
      case 'bitand':
        return this.bitand(expr);
    }
  }

  private test(entity: Entity): { predicate: Predicate; requires: string[] | null } {
    if (entity.kind === 'call') {
      if (!FUNCTIONS.has(entity.name)) fail(Messages.noFunction(entity.name), entity.start, entity.length);
      fail(Messages.functionPresent, entity.start, entity.length);
    }
    if (entity.kind !== 'word' && entity.kind !== 'slice') fail(Messages.notAField(entity.text), entity.start, entity.length);
    // A bare field is a presence test: the only use that does not read its value.
    const operand = this.left(entity, undefined, entity.kind === 'word');
    if (operand.abbrev !== undefined) {
      const abbrev = operand.abbrev;
      return {
        predicate: (f) => {
          const occ = f.get(abbrev);
          return occ !== undefined && occ.length > 0;
        },
        requires: operand.requires,
      };
    }
    const values = operand.values;
    return {
      predicate: (f) => {
        const v = values(f);
        return v !== undefined && v.length > 0;
      },
      requires: operand.requires,
    };
  }

  private compare(expr: Extract<Expr, { kind: 'compare' }>): { predicate: Predicate; requires: string[] | null } {
    const left = this.left(expr.left, expr.opText);
    const family = familyOf(left.type);
    const { op, opText } = expr;
    const participate = (): never => fail(Messages.cannotParticipate(left.name, left.type, opText), expr.left.start, expr.left.length);
    if (family === 'none') participate();
    if (op === 'contains' && family !== 'string' && family !== 'bytes') participate();
    if (op === 'matches' && left.type !== 'string' && left.type !== 'bytes' && left.type !== 'protocol') participate();

    const explicitAll = expr.quantifier === 'all';
    const explicitAny = expr.quantifier === 'any';
    // The base test is "equal" for the four equality operators; the quantifier and negation follow.
    const negate = op === 'ne' || op === 'any_ne';
    let all: boolean;
    if (op === 'ne') all = !explicitAny;
    else if (op === 'all_eq') all = true;
    else if (op === 'any_ne') all = false;
    else all = explicitAll;

    if (op === 'matches') {
      if (expr.right.kind !== 'string') fail(Messages.matchesString, expr.right.start, expr.right.length);
      const result = translateRegex(literalText(expr.right));
      if (!result.ok) fail(Messages.regex(result.detail), expr.right.start, expr.right.length);
      const regex = result.regex;
      return { predicate: quantify(wholeData(left), (v) => regex.test(asText(v)), all), requires: left.requires };
    }

    // `contains` on an Ethernet address or a protocol takes any byte string, not a whole address.
    const literalType: FieldType = op === 'contains' && family === 'bytes' ? 'bytes' : left.type;
    const right = this.right(expr.right, left, literalType);
    const searched = op === 'contains' ? wholeData(left) : left;
    if (right.kind === 'operand') {
      const r = right.operand;
      const base = pairTest(op, family);
      const test = negate ? (a: FieldValue, b: FieldValue) => !base(a, b) : base;
      return { predicate: quantifyPairs(searched, r, test, all), requires: left.requires };
    }
    const c = right.value;
    this.warnCase(left, expr.right, c, op);
    let test: ValuePredicate;
    if (EQUALITY_OPS.has(op)) {
      const eq = equalsConstant(family, c);
      test = negate ? (v) => !eq(v) : eq;
    } else if (ORDERING_OPS.has(op)) {
      const cmp = compareConstant(family, c);
      test = orderingTest(op, cmp);
    } else if (family === 'string') {
      const needle = c as string;
      test = (v) => typeof v === 'string' && v.includes(needle);
    } else {
      const needle = c instanceof Uint8Array ? c : Uint8Array.from(asBytes('string', String(c)) ?? []);
      test = (v) => v instanceof Uint8Array && indexOfBytes(v, needle) >= 0;
    }
    return { predicate: quantify(searched, test, all), requires: left.requires };
  }

  private membership(expr: Extract<Expr, { kind: 'in' }>): { predicate: Predicate; requires: string[] | null } {
    const left = this.left(expr.left, expr.opText);
    const family = familyOf(left.type);
    if (family === 'none') fail(Messages.cannotParticipate(left.name, left.type, expr.opText), expr.left.start, expr.left.length);
    const tests = expr.items.map((item) => this.setItem(item, left, family));
    const inSet: ValuePredicate = (v) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
      return false;
    };
    const p = quantify(left, inSet, expr.quantifier === 'all');
    if (expr.negated) return { predicate: (f) => !p(f), requires: null };
    return { predicate: p, requires: left.requires };
  }

  private setItem(item: SetItem, left: Operand, family: Family): ValuePredicate {
    const low = this.constantFor(item.low, left);
    this.warnCase(left, item.low, low, 'eq');
    if (!item.high) return equalsConstant(family, low);
    const high = this.constantFor(item.high, left);
    const fromLow = compareConstant(family, low);
    const fromHigh = compareConstant(family, high);
    return (v) => fromLow(v) >= 0 && fromHigh(v) <= 0;
  }

  private constantFor(entity: Entity, left: Operand): Constant {
    if (entity.kind === 'call' || entity.kind === 'slice') fail(Messages.unexpected(entity.kind === 'call' ? entity.name : literalText(entity.base)), entity.start, entity.length);
    return convertLiteral(entity, literalTarget(left, left.type));
  }

  private bitand(expr: Extract<Expr, { kind: 'bitand' }>): { predicate: Predicate; requires: string[] | null } {
    const left = this.left(expr.left, expr.opText);
    const family = familyOf(left.type);
    if (family !== 'int' && family !== 'bool') fail(Messages.bitwise(left.type), expr.left.start, expr.left.length);
    const right = this.right(expr.right, left, left.type);
    if (right.kind === 'operand') fail(Messages.unexpected(right.operand.name), expr.right.start, expr.right.length);
    const c = right.value;
    const mask = typeof c === 'boolean' ? 1n : BigInt(c as number | bigint);
    const small = mask <= BigInt(0xffffffff) ? Number(mask) : undefined;
    const test: ValuePredicate = (v) => {
      if (typeof v === 'boolean') return v && (mask & 1n) !== 0n;
      if (typeof v === 'number' && small !== undefined && v <= 0xffffffff) return (v & small) !== 0;
      if (typeof v === 'number' || typeof v === 'bigint') return (BigInt(v) & mask) !== 0n;
      return false;
    };
    return { predicate: quantify(left, test, expr.quantifier === 'all'), requires: left.requires };
  }

  /** left resolves the left side (or a function argument): a field, slice or call, never a literal. */
  private left(entity: Entity, opText: string | undefined, presence = false): Operand {
    switch (entity.kind) {
      case 'word': {
        const def = this.registry.get(entity.text);
        if (!def) fail(Messages.notAField(entity.text), entity.start, entity.length);
        return this.fieldOperand(def, entity, presence);
      }
      case 'string':
      case 'char':
        if (opText === undefined) fail(Messages.notAField(entity.text), entity.start, entity.length);
        fail(Messages.leftSide(opText, entity.text), entity.start, entity.length);
      // falls through (fail never returns)
      case 'call':
        return this.call(entity);
      case 'slice':
        return this.slice(entity);
    }
  }

  /** right resolves the right side: a field/slice/call operand or a literal converted for the left side. */
  private right(
    entity: Entity,
    left: Operand,
    literalType: FieldType,
  ): { kind: 'operand'; operand: Operand } | { kind: 'constant'; value: Constant } {
    if (entity.kind === 'word') {
      const def = this.registry.get(entity.text);
      if (!def) return { kind: 'constant', value: convertLiteral(entity, literalTarget(left, literalType)) };
    }
    if (entity.kind === 'string' || entity.kind === 'char') {
      return { kind: 'constant', value: convertLiteral(entity, literalTarget(left, literalType)) };
    }
    const operand = this.left(entity, undefined);
    if (familyOf(operand.type) !== familyOf(literalType)) {
      fail(Messages.notCompatible(left.name, operand.name), entity.start, entity.length);
    }
    return { kind: 'operand', operand };
  }

  private fieldOperand(def: FieldDef, entity: Entity, presence = false): Operand {
    const abbrev = def.abbrev;
    if (!this.fields.includes(abbrev)) this.fields.push(abbrev);
    if (!presence && !this.valueFields.includes(abbrev)) this.valueFields.push(abbrev);
    if (def.deprecatedBy) {
      this.deprecated.push({
        message: `"${abbrev}" is deprecated; use "${def.deprecatedBy}" instead.`,
        start: entity.start,
        length: entity.length,
      });
    }
    const requires = [this.protocolOf(abbrev)];
    if (def.type === 'protocol') {
      return {
        def,
        type: def.type,
        name: abbrev,
        entity,
        requires,
        abbrev,
        values: (f) => {
          const occ = f.get(abbrev);
          if (occ === undefined) return undefined;
          return occ.map((o) => occurrenceBytes(f, o));
        },
      };
    }
    return {
      abbrev,
      def,
      type: def.type,
      name: abbrev,
      entity,
      requires,
      values: (f) => f.get(abbrev)?.map((o) => o.value),
    };
  }

  private slice(entity: Extract<Entity, { kind: 'slice' }>): Operand {
    const base = this.left(entity.base, undefined);
    const family = familyOf(base.type);
    const sliceable = base.type === 'protocol' || family === 'bytes' || family === 'string' || family === 'ipv4' || family === 'ipv6';
    if (!sliceable) fail(Messages.cannotSlice(base.name, base.type), entity.base.start, entity.base.length);
    const ranges = entity.ranges;
    const baseValues = base.values;
    return {
      type: 'bytes',
      name: `${base.name}[${ranges.map((r) => r.text).join(',')}]`,
      entity,
      requires: base.requires,
      values: (f) => {
        const values = baseValues(f);
        if (values === undefined) return undefined;
        const out: Uint8Array[] = [];
        for (const value of values) {
          const bytes = asBytes(family, value);
          const sliced = bytes && applyRanges(bytes, ranges);
          if (sliced) out.push(sliced);
        }
        return out;
      },
    };
  }

  private call(entity: Extract<Entity, { kind: 'call' }>): Operand {
    const name = entity.name;
    if (!FUNCTIONS.has(name)) fail(Messages.noFunction(name), entity.start, entity.length);
    if (entity.args.length > FUNCTION_ARITY) fail(Messages.functionMaxArgs(name, FUNCTION_ARITY), entity.start, entity.length);
    if (entity.args.length < FUNCTION_ARITY) fail(Messages.functionMinArgs(name, FUNCTION_ARITY), entity.start, entity.length);
    const argEntity = entity.args[0]!;
    const arg = this.left(argEntity, undefined);
    const argValues = arg.values;
    const argFamily = familyOf(arg.type);
    const common = { entity, requires: arg.requires, name: `${name}(${arg.name})` };
    switch (name) {
      case 'lower':
      case 'upper': {
        if (arg.type !== 'string') fail(Messages.onlyStrings(name), argEntity.start, argEntity.length);
        const upper = name === 'upper';
        return {
          ...common,
          type: 'string',
          values: (f) => argValues(f)?.map((v) => (typeof v === 'string' ? (upper ? v.toUpperCase() : v.toLowerCase()) : v)),
        };
      }
      case 'len': {
        const abbrev = arg.abbrev;
        const byOccurrence = abbrev !== undefined && argFamily !== 'string' && argFamily !== 'bytes';
        return {
          ...common,
          type: 'uint32',
          values: (f) => {
            if (byOccurrence) return f.get(abbrev!)?.map((o: FieldOccurrence) => o.length);
            return argValues(f)?.map((v) => asBytes(argFamily === 'bytes' ? 'bytes' : 'string', v)?.length ?? 0);
          },
        };
      }
      case 'count':
        return {
          ...common,
          type: 'uint32',
          values: (f) => {
            const v = argValues(f);
            // tshark 4.0: count() of an absent field yields no value, so `count(x) == 0` never matches.
            return v === undefined || v.length === 0 ? undefined : [v.length];
          },
        };
      default:
        return {
          ...common,
          type: 'string',
          values: (f) => argValues(f)?.map((v) => displayString(argFamily, v)),
        };
    }
  }

  private protocolOf(abbrev: string): string {
    let name = abbrev;
    for (;;) {
      if (this.registry.protocol(name)) return name;
      const dot = name.lastIndexOf('.');
      if (dot < 0) return abbrev;
      name = name.slice(0, dot);
    }
  }

  /** warnCase flags `smtp.req.command == "MAIL"`: the protocol ignores case, the filter does not. */
  private warnCase(left: Operand, right: Entity, value: Constant, op: CompareOp): void {
    const proto = left.abbrev !== undefined ? CASE_INSENSITIVE_COMMANDS[left.abbrev] : undefined;
    if (!proto || !EQUALITY_OPS.has(op) || typeof value !== 'string' || !/[A-Za-z]/.test(value)) return;
    const lower = value.toLowerCase();
    this.warnings.push({
      message: `${proto} commands are compared case-sensitively; students often type lower case: use \`${left.abbrev} matches "^${lower}$"\` or \`lower(${left.abbrev}) == "${lower}"\``,
      start: right.start,
      length: right.length,
      hint: `${left.abbrev} matches "^${lower}$"`,
    });
  }
}

function literalTarget(left: Operand, type: FieldType): { type: FieldType; def?: FieldDef } {
  // Value tables and true/false strings only apply when the literal is compared with the field itself.
  return left.def && left.type === type ? { type, def: left.def } : { type };
}

function orderingTest(op: CompareOp, cmp: (v: FieldValue) => number): ValuePredicate {
  switch (op) {
    case 'gt':
      return (v) => cmp(v) > 0;
    case 'ge':
      return (v) => cmp(v) >= 0;
    case 'lt':
      return (v) => cmp(v) < 0;
    default:
      return (v) => cmp(v) <= 0;
  }
}

function pairTest(op: CompareOp, family: Family): (a: FieldValue, b: FieldValue) => boolean {
  if (op === 'contains') {
    return (a, b) =>
      typeof a === 'string' && typeof b === 'string'
        ? a.includes(b)
        : a instanceof Uint8Array && b instanceof Uint8Array && indexOfBytes(a, b) >= 0;
  }
  const cmp = (a: FieldValue, b: FieldValue) => compareValues(family, a, b);
  switch (op) {
    case 'gt':
      return (a, b) => cmp(a, b) > 0;
    case 'ge':
      return (a, b) => cmp(a, b) >= 0;
    case 'lt':
      return (a, b) => cmp(a, b) < 0;
    case 'le':
      return (a, b) => cmp(a, b) <= 0;
    default:
      return (a, b) => cmp(a, b) === 0;
  }
}

/**
 * wholeData is a protocol operand read as its whole data (FieldOccurrence.dataLength), as tshark's
 * `contains` and `matches` read it; any other operand is returned as it is.
 */
function wholeData(operand: Operand): Operand {
  const abbrev = operand.abbrev;
  if (operand.type !== 'protocol' || abbrev === undefined) return operand;
  return {
    ...operand,
    wholeData: true,
    values: (f) => f.get(abbrev)?.map((o) => occurrenceData(f, o)),
  };
}

/** quantify applies a value test to an operand's values: any (some) or all (every, and at least one). */
function quantify(operand: Operand, test: ValuePredicate, all: boolean): Predicate {
  const abbrev = operand.abbrev;
  if (abbrev !== undefined && operand.type !== 'protocol') {
    // Fast path: loop over the occurrences of one field, no allocation.
    if (all) {
      return (f) => {
        const occ = f.get(abbrev);
        if (occ === undefined || occ.length === 0) return false;
        for (let i = 0; i < occ.length; i++) if (!test(occ[i]!.value)) return false;
        return true;
      };
    }
    return (f) => {
      const occ = f.get(abbrev);
      if (occ === undefined) return false;
      for (let i = 0; i < occ.length; i++) if (test(occ[i]!.value)) return true;
      return false;
    };
  }
  if (abbrev !== undefined) {
    // A protocol compares as the bytes it covers (its whole data for `contains` and `matches`);
    // subarray() is a view, not a copy.
    const bytesOf = operand.wholeData === true ? occurrenceData : occurrenceBytes;
    return (f) => {
      const occ = f.get(abbrev);
      if (occ === undefined || occ.length === 0) return false;
      for (let i = 0; i < occ.length; i++) {
        if (test(bytesOf(f, occ[i]!)) !== all) return !all;
      }
      return all;
    };
  }
  const values = operand.values;
  return (f) => {
    const v = values(f) ?? EMPTY;
    if (v.length === 0) return false;
    for (let i = 0; i < v.length; i++) if (test(v[i]!) !== all) return !all;
    return all;
  };
}

/** quantifyPairs compares every value of the left operand with every value of the right one. */
function quantifyPairs(
  left: Operand,
  right: Operand,
  test: (a: FieldValue, b: FieldValue) => boolean,
  all: boolean,
): Predicate {
  const lv = left.values;
  const rv = right.values;
  return (f) => {
    const a = lv(f) ?? EMPTY;
    const b = rv(f) ?? EMPTY;
    if (a.length === 0 || b.length === 0) return false;
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < b.length; j++) if (test(a[i]!, b[j]!) !== all) return !all;
    }
    return all;
  };
}

/** applyRanges cuts slice ranges out of bytes and concatenates them; undefined if one is out of range. */
function applyRanges(bytes: Uint8Array, ranges: readonly SliceRange[]): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const range of ranges) {
    const from = range.from < 0 ? bytes.length + range.from : range.from;
    if (from < 0 || from > bytes.length) return undefined;
    const length = range.length === 'toEnd' ? bytes.length - from : range.length;
    if (from + length > bytes.length || length <= 0) return undefined;
    parts.push(bytes.subarray(from, from + length));
    total += length;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** combine joins compiled terms of one logical operator, and computes the prefilter. */
function combine(
  op: 'and' | 'or' | 'xor',
  terms: Array<{ predicate: Predicate; requires: string[] | null }>,
): { predicate: Predicate; requires: string[] | null } {
  const ps = terms.map((t) => t.predicate);
  let predicate: Predicate;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    predicate = op === 'and' ? (f) => a(f) && b(f) : op === 'or' ? (f) => a(f) || b(f) : (f) => a(f) !== b(f);
  } else if (op === 'and') {
    predicate = (f) => {
      for (let i = 0; i < ps.length; i++) if (!ps[i]!(f)) return false;
      return true;
    };
  } else if (op === 'or') {
    predicate = (f) => {
      for (let i = 0; i < ps.length; i++) if (ps[i]!(f)) return true;
      return false;
    };
  } else {
    predicate = (f) => {
      let result = false;
      for (let i = 0; i < ps.length; i++) result = result !== ps[i]!(f);
      return result;
    };
  }
  let requires: string[] | null;
  if (op === 'and') {
    // Every term must hold, so any one term's prefilter is a valid prefilter: take the narrowest.
    requires = null;
    for (const t of terms) if (t.requires && (requires === null || t.requires.length < requires.length)) requires = t.requires;
  } else if (op === 'or') {
    requires = [];
    for (const t of terms) {
      if (t.requires === null) {
        requires = null;
        break;
      }
      requires.push(...t.requires);
    }
  } else {
    // xor of terms holds only if some term holds.
    requires = terms.every((t) => t.requires !== null) ? terms.flatMap((t) => t.requires!) : null;
  }
  return { predicate, requires: requires ? [...new Set(requires)] : null };
}
