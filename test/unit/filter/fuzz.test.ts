/**
 * Parser robustness (TESTING.md, "Filters"): random strings, token soup up to 4 KiB and deep nesting
 * give either a compiled filter or a typed FilterError with a valid span, never an exception or a stack
 * overflow, and each compile stays fast (the per-input bound is a hang watchdog, not a benchmark).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, completions, filterState, formatFilterError } from '../../../src/shared/filter';
import { makeFilterRegistry } from '../../support/filter-registry';
import { fakeFrame, span } from '../../support/fake-frame';

const MAX_INPUT = 4096;
/** Generous per-input watchdog: the target is < 10 ms; a hang or exponential blow-up is far above. */
const WATCHDOG_MS = 100;
const RUNS = 400;

const registry = makeFilterRegistry();
const frame = fakeFrame(
  registry,
  { tcp: [span(0, 4)], 'tcp.port': [25, 1234], 'smtp.req.command': ['MAIL'], 'ip.addr': [0xc0a8010a], 'eth.addr': [new Uint8Array(6)] },
  new Uint8Array([1, 2, 3, 4]),
);

const TOKENS = [
  'tcp', 'tcp.port', 'smtp', 'smtp.req.command', 'ip.addr', 'eth.addr', 'frame[0:2]', 'tcp.payload[-1]', '==', '!=', '===',
  '!==', '~=', '>', '<', '>=', '<=', 'eq', 'contains', 'matches', '~', 'in', 'not', '!', 'and', 'or', 'xor', '&&', '||', '^^',
  '&', '(', ')', '{', '}', '[', ']', ',', '..', ':', '-', '25', '0x19', '070', '0b1', '"MAIL"', 'r"\\d+"', "'a'", '"\\x41"',
  '192.168.0.0/16', '::1', 'aa:bb:cc:dd:ee:ff', 'lower(', 'len(', 'count(', 'upper(', 'any', 'all', '"(a+)+"', '"', "'", '\\',
  '#', '$', '=', '|', '^', '1.5', 'true', '"Requested mail action okay, completed"',
];

function check(text: string): void {
  const started = performance.now();
  const result = compileFilter(text, registry);
  const elapsed = performance.now() - started;
  expect(elapsed).toBeLessThan(WATCHDOG_MS);
  if (result.ok) {
    expect(typeof result.filter.evaluate(frame)).toBe('boolean');
    return;
  }
  const { error } = result;
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.start).toBeGreaterThanOrEqual(0);
  expect(error.start).toBeLessThanOrEqual(text.length);
  expect(error.length).toBeGreaterThanOrEqual(0);
  expect(error.start + error.length).toBeLessThanOrEqual(text.length);
  expect(() => formatFilterError(text, error)).not.toThrow();
}

describe('filter parser robustness', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: MAX_INPUT, unit: 'grapheme-ascii' }), check), { numRuns: RUNS });
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), check), { numRuns: RUNS });
  });

  it('token soup up to 4 KiB', () => {
    const soup = fc
      .array(fc.constantFrom(...TOKENS), { maxLength: 800 })
      .chain((tokens) => fc.constantFrom(tokens.join(' '), tokens.join('')))
      .map((text) => text.slice(0, MAX_INPUT));
    fc.assert(fc.property(soup, check), { numRuns: RUNS });
  });

  it('filterState and completions never throw on token soup', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join(' '));
    fc.assert(
      fc.property(soup, fc.nat(), (text, at) => {
        filterState(text, registry);
        const { from, to } = completions(text, at % (text.length + 1), registry, () => ['x']);
        expect(from).toBeGreaterThanOrEqual(0);
        expect(to).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['1000 parentheses', '('.repeat(1000) + 'tcp' + ')'.repeat(1000)],
    ['1000 open parentheses', '('.repeat(1000) + 'tcp'],
    ['4000 parentheses', '('.repeat(2000) + ')'.repeat(2000)],
    ['1000 nots', 'not '.repeat(1000) + 'tcp'],
    ['1000 bangs', '!'.repeat(1000) + 'tcp'],
    ['1000 nested calls', 'lower('.repeat(1000) + 'smtp.req.command' + ')'.repeat(1000) + ' == "a"'],
    ['1000 ands', Array.from({ length: 1000 }, () => 'tcp').join(' and ')],
    ['1000 ors in parentheses', '(' + Array.from({ length: 1000 }, () => 'tcp.port == 25').join(' || ') + ')'],
    ['4 KiB string', 'smtp contains "' + 'a'.repeat(MAX_INPUT) + '"'],
    ['4 KiB word', 'a'.repeat(MAX_INPUT)],
  ])('%s', (_, text) => check(text));

  it('says clearly when nesting is too deep', () => {
    const result = compileFilter('('.repeat(1000) + 'tcp' + ')'.repeat(1000), registry);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/nested too deeply/);
    expect(compileFilter('('.repeat(200) + 'tcp' + ')'.repeat(200), registry).ok).toBe(true);
  });
});
