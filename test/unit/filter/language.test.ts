/**
 * Our own semantics where tshark 4.0 has no answer or where we deliberately differ (docs/filters.md):
 * `xor`/`^^` and `true`/`false` (Wireshark 4.2 syntax), the prefilter, warnings and hints, filter-bar
 * states, completion, PCRE2 translation and the refusal of catastrophic regexes, value kinds the
 * three-frame capture of eval-vs-tshark.test.ts does not exercise (IPv6, uint64, int32, doubles,
 * reassembled data sources).
 */
import { describe, expect, it } from 'vitest';
import { FieldRegistry } from '../../../src/shared/fields';
import { compileFilter, completions, filterState, formatFilterError } from '../../../src/shared/filter';
import { captureFilterHint } from '../../../src/shared/filter/capture-hint';
import { translateRegex } from '../../../src/shared/filter/regex';
import { makeFilterRegistry } from '../../support/filter-registry';
import { fakeFrame, span, type FrameSpec } from '../../support/fake-frame';

const registry = makeFilterRegistry();

function matches(filter: string, spec: FrameSpec, bytes?: Uint8Array): boolean {
  const result = compileFilter(filter, registry);
  if (!result.ok) throw new Error(formatFilterError(filter, result.error));
  return result.filter.evaluate(fakeFrame(registry, spec, bytes));
}

const V6 = Uint8Array.from([0xfe, 0x80, ...new Array<number>(13).fill(0), 1]);
const SMTP_FRAME: FrameSpec = { tcp: [span(0, 4)], 'tcp.port': [25, 40000], smtp: [span(0, 4)], 'smtp.req.command': ['mail'] };

describe('evaluation beyond tshark 4.0', () => {
  it.each<[string, FrameSpec, boolean]>([
    ['tcp xor udp', SMTP_FRAME, true],
    ['tcp ^^ smtp', SMTP_FRAME, false],
    ['tcp or udp xor smtp', SMTP_FRAME, true],
    ['tcp xor tcp xor tcp', SMTP_FRAME, true],
    ['tcp.flags.syn == true', { 'tcp.flags.syn': [true] }, true],
    ['tcp.flags.syn == False', { 'tcp.flags.syn': [true] }, false],
    ['ipv6.addr == fe80::1', { 'ipv6.addr': [V6] }, true],
    ['ipv6.addr == fe80::/10', { 'ipv6.addr': [V6] }, true],
    ['ipv6.addr == fe80:0:0:0:0:0:0:2', { 'ipv6.addr': [V6] }, false],
    ['ipv6.src[0:2] == fe:80', { 'ipv6.src': [V6] }, true],
    ['frame.time_relative >= 1.5', { 'frame.time_relative': [1.5] }, true],
    ['tcp.window_size_scalefactor == -1', { 'tcp.window_size_scalefactor': [-1] }, true],
    ['tcp.window_size_scalefactor < 0', { 'tcp.window_size_scalefactor': [-1] }, true],
    ['frame.time_epoch < 2', { 'frame.time_epoch': [1.25] }, true],
    ['tcp.payload matches "\\\\x00\\\\xff"', { 'tcp.payload': [Uint8Array.from([0, 0xff])] }, true],
    ['smtp.req.command == "mail"', SMTP_FRAME, true],
    ['all tcp.port in {25, 40000}', SMTP_FRAME, true],
    ['all tcp.port in {25}', SMTP_FRAME, false],
  ])('%s', (filter, spec, expected) => expect(matches(filter, spec)).toBe(expected));

  it('compares uint64 values beyond 2^53 exactly', () => {
    const big = (1n << 60n) + 1n;
    const uint64 = registry.all().find((f) => f.type === 'uint64')!.abbrev;
    expect(matches(`${uint64} == ${big}`, { [uint64]: [big] })).toBe(true);
    expect(matches(`${uint64} > ${big - 1n}`, { [uint64]: [big] })).toBe(true);
    expect(matches(`${uint64} == ${big + 1n}`, { [uint64]: [big] })).toBe(false);
  });

  it('reads protocol bytes from the data source the occurrence names (reassembled PDUs)', () => {
    const reg = new FieldRegistry();
    const smtp = reg.registerProtocol({ abbrev: 'smtp', short: 'SMTP', name: 'SMTP' });
    const reassembled = new TextEncoder().encode('xx250 Mail OK\r\n');
    const frame = {
      get: (a: string) => (a === 'smtp' ? [{ field: smtp, value: null, src: 1, start: 2, length: 13 }] : undefined),
      sourceBytes: (src: number) => (src === 1 ? reassembled : new Uint8Array(0)),
    };
    const result = compileFilter('smtp contains "Mail OK" && len(smtp) == 13 && smtp[0:3] == "250"', reg);
    expect(result.ok && result.filter.evaluate(frame)).toBe(true);
  });
});

describe('compiled filter metadata', () => {
  it.each<[string, string[] | null, string[]]>([
    ['smtp.req.command == "MAIL"', ['smtp'], ['smtp.req.command']],
    ['tcp.port == 25', ['tcp'], ['tcp.port']],
    ['not smtp', null, ['smtp']],
    ['smtp or pop', ['smtp', 'pop'], ['smtp', 'pop']],
    ['smtp or not pop', null, ['smtp', 'pop']],
    ['ip.addr == 10.0.0.0/8 && tcp.len > 0', ['ip'], ['ip.addr', 'tcp.len']],
    ['tcp.port not in {25}', null, ['tcp.port']],
    ['len(smtp.req.command) > 3', ['smtp'], ['smtp.req.command']],
    ['tcp.srcport < udp.srcport', ['tcp'], ['tcp.srcport', 'udp.srcport']],
  ])('%s', (filter, requires, fields) => {
    const result = compileFilter(filter, registry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.filter.requiresAnyOf).toEqual(requires);
    expect(result.filter.fields).toEqual(fields);
    expect(result.filter.text).toBe(filter);
  });

  it('warns that SMTP and POP commands compare case-sensitively', () => {
    const result = compileFilter('smtp.req.command == "MAIL"', registry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [warning] = result.filter.warnings;
    expect(warning?.message).toBe(
      'SMTP commands are compared case-sensitively; students often type lower case: use `smtp.req.command matches "^mail$"` or `lower(smtp.req.command) == "mail"`',
    );
    expect([warning?.start, warning?.length]).toEqual([20, 6]);
    const pop = compileFilter('pop.request.command in {"USER", "PASS"}', registry);
    expect(pop.ok && pop.filter.warnings.map((w) => w.message.slice(0, 3))).toEqual(['POP', 'POP']);
    const none = compileFilter('smtp.req.command matches "^mail$" or lower(smtp.req.command) == "mail"', registry);
    expect(none.ok && none.filter.warnings).toEqual([]);
  });
});

describe('capture-filter hints', () => {
  it.each([
    ['tcp port 25', 'tcp.port == 25'],
    ['port 110', 'tcp.port == 110 || udp.port == 110'],
    ['host 1.2.3.4', 'ip.addr == 1.2.3.4'],
    ['src host 1.2.3.4', 'ip.src == 1.2.3.4'],
    ['dst port 25 and host 10.0.0.1', '(tcp.dstport == 25 || udp.dstport == 25) && ip.addr == 10.0.0.1'],
    ['tcp dst port 25', 'tcp.dstport == 25'],
    ['net 10.0.0.0/8', 'ip.addr == 10.0.0.0/8'],
    ['ether host aa:bb:cc:dd:ee:ff', 'eth.addr == aa:bb:cc:dd:ee:ff'],
    ['not port 22', '!(tcp.port == 22 || udp.port == 22)'],
    ['tcp portrange 20-30', 'tcp.port in {20..30}'],
  ])('%s → %s', (capture, display) => {
    expect(captureFilterHint(capture)).toBe(display);
    const result = compileFilter(capture, registry);
    expect(!result.ok && result.error.hint).toContain(`Did you mean "${display}"?`);
  });

  it('gives no hint for display filters', () => {
    expect(captureFilterHint('tcp')).toBeUndefined();
    expect(captureFilterHint('tcp.port == 25')).toBeUndefined();
    const result = compileFilter('tcp.port = 25', registry);
    expect(!result.ok && result.error.hint).toBeUndefined();
  });
});

describe('filterState', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['tcp.port == 25', 'valid'],
    ['tcp.port ==', 'incomplete'],
    ['tcp.port == 25 and', 'incomplete'],
    ['(tcp', 'incomplete'],
    ['smtp.req.command == "MAI', 'incomplete'],
    ['frame[0', 'incomplete'],
    ['smt', 'incomplete'],
    ['smtp.req.', 'incomplete'],
    ['tcp.port == 25 or smtp.re', 'incomplete'],
    ['smtpx', 'invalid'],
    ['tcp.port = 25', 'invalid'],
    ['tcp.port == 70000', 'invalid'],
  ])('%j is %s', (text, kind) => expect(filterState(text, registry).kind).toBe(kind));

  it('reports deprecated fields with a warning', () => {
    const reg = new FieldRegistry();
    reg.registerProtocol({ abbrev: 'pop', short: 'POP', name: 'POP' });
    reg.registerFields('pop', [
      { abbrev: 'pop.req', name: 'Request', type: 'string', deprecatedBy: 'pop.request' },
      { abbrev: 'pop.request', name: 'Request', type: 'string' },
    ]);
    const state = filterState('pop.req contains "USER"', reg);
    expect(state.kind).toBe('deprecated');
    if (state.kind === 'deprecated') expect(state.warnings[0]?.message).toBe('"pop.req" is deprecated; use "pop.request" instead.');
  });
});

describe('completions', () => {
  const labels = (text: string, cursor = text.length, seen?: (a: string) => string[]) =>
    completions(text, cursor, registry, seen).items.map((i) => i.label);

  it('completes field and protocol names from a prefix', () => {
    const result = completions('smtp.req.c', 10, registry);
    expect(result.from).toBe(0);
    expect(result.to).toBe(10);
    expect(result.items.map((i) => i.label)).toContain('smtp.req.command');
    expect(labels('smt')[0]).toBe('smtp');
    expect(completions('smt', 3, registry).items[0]?.kind).toBe('protocol');
    expect(labels('lo')).toContain('lower');
  });

  it('offers operators after a field and keywords after a test', () => {
    expect(labels('tcp.port ')).toEqual(expect.arrayContaining(['==', '!=', 'contains', 'matches', 'in', 'and', 'or']));
    expect(labels('tcp.port == 25 ')).toEqual(['and', 'or', 'xor']);
  });

  it('offers values: value-table names, booleans, values seen in the capture', () => {
    expect(labels('smtp.response.code == ')).toContain('Requested mail action okay, completed');
    expect(labels('tcp.flags.syn == ')).toEqual(['true', 'false', '1', '0']);
    const seen = (abbrev: string) => (abbrev === 'smtp.req.command' ? ['MAIL', 'mail', 'RCPT'] : []);
    const result = completions('smtp.req.command == "ma', 23, registry, seen);
    expect(result.from).toBe(20);
    expect(result.items.map((i) => i.insertText)).toEqual(['"MAIL"', '"mail"']);
  });
});

describe('regex translation (PCRE2 → JS)', () => {
  it.each([
    ['^mail$', 'MAIL', true],
    ['(?-i)^mail$', 'MAIL', false],
    ['(?i)MAIL', 'mail', true],
    ['ok$', 'OK\n', true],
    ['ok\\z', 'OK\n', false],
    ['\\Aa', 'ba', false],
    ['\\Q(a+)\\E', '(A+)', true],
    ['[[:digit:]]+', 'x25', true],
    ['[]a]', ']', true],
    ['(?P<code>2)(?P=code)', '22', true],
    ['\\x{41}', 'a', true],
    ['(?s)a.b', 'a\nb', true],
    ['a.b', 'a\nb', false],
    ['(\\d+\\.){3}', '1.2.3.', true],
  ])('%s on %j', (pattern, subject, expected) => {
    const result = translateRegex(pattern);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.regex.test(subject)).toBe(expected);
  });

  it.each([
    ['(a+)+', /exponential/],
    ['(x*y*)*', /exponential/],
    ['((ab)+c)+', /exponential/],
    ['a++', /possessive/],
    ['(?>a)', /not supported/],
    ['a(?i)b', /inline option/],
    ['\\K', /not supported/],
    ['(?R)', /not supported/],
  ])('refuses %s', (pattern, message) => {
    const result = translateRegex(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatch(message);
    const compiled = compileFilter(`smtp matches "${pattern.replace(/\\/g, '\\\\')}"`, registry);
    expect(!compiled.ok && compiled.error.message).toMatch(/^Regex compilation error: /);
  });
});
