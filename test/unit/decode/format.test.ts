/**
 * Value and label formatting rules checked against tshark 4.0 output (values copied from `tshark -T
 * fields` / `-V` runs on captures made for this purpose; see test/conformance/decode.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../../src/shared/fields';
import { bitPrefix, defaultLabel, escapeText, formatAbsTime, formatDisplayValue, formatEpochTime, formatFieldValue, formatIpv6, formatRelTime } from '../../../src/shared/format';

const f = (def: Partial<FieldDef> & Pick<FieldDef, 'type'>): FieldDef => ({ abbrev: 'x.y', name: 'Name', ...def });
const v6 = (text: string) => {
  const out = new Uint8Array(16);
  const [h, t] = text.split('::');
  const hs = h ? h.split(':') : [];
  const ts = t !== undefined && t !== '' ? t.split(':') : [];
  const groups = t === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  groups.forEach((g, i) => {
    out[i * 2] = parseInt(g, 16) >> 8;
    out[i * 2 + 1] = parseInt(g, 16) & 255;
  });
  return out;
};

describe('formatFieldValue (tshark -T fields)', () => {
  it('prints integers by base: hex padded to the type width, dec_hex as decimal', () => {
    expect(formatFieldValue(f({ type: 'uint16', base: 'hex' }), 0x800)).toBe('0x0800');
    expect(formatFieldValue(f({ type: 'uint8', base: 'hex', bitmask: 0xe0 }), 2)).toBe('0x02');
    expect(formatFieldValue(f({ type: 'uint24', base: 'hex', bitmask: 0x0fffff }), 0x62391)).toBe('0x062391');
    expect(formatFieldValue(f({ type: 'uint32', base: 'hex', bitmask: 0x0ff00000 }), 0)).toBe('0x00000000');
    expect(formatFieldValue(f({ type: 'uint16', base: 'hex_dec' }), 0x1234)).toBe('0x1234');
    expect(formatFieldValue(f({ type: 'uint16', base: 'dec_hex' }), 7213)).toBe('7213');
    expect(formatFieldValue(f({ type: 'uint8', values: { 17: 'UDP' } }), 17)).toBe('17');
  });
  it('prints booleans 1/0, bytes without separators, ether with colons, IPv6 compressed', () => {
    expect(formatFieldValue(f({ type: 'boolean', bitmask: 0x20000 }), true)).toBe('1');
    expect(formatFieldValue(f({ type: 'boolean' }), false)).toBe('0');
    expect(formatFieldValue(f({ type: 'bytes' }), Uint8Array.of(0x68, 0x65, 0x0a))).toBe('68650a');
    expect(formatFieldValue(f({ type: 'ether' }), Uint8Array.of(0, 0x1b, 0x21, 0xa, 0xb, 0xc))).toBe('00:1b:21:0a:0b:0c');
    expect(formatFieldValue(f({ type: 'ipv4' }), 0x7f000001)).toBe('127.0.0.1');
    expect(formatFieldValue(f({ type: 'ipv6' }), v6('::1'))).toBe('::1');
  });
  it('prints abstime as UTC date, epoch abstime (base dec) as seconds, reltime with 9 decimals', () => {
    const ts = { sec: 1795712694, nsec: 501488000 };
    expect(formatFieldValue(f({ type: 'abstime' }), ts)).toBe('Nov 26, 2026 17:04:54.501488000 UTC');
    expect(formatFieldValue(f({ type: 'abstime', base: 'dec' }), ts)).toBe('1795712694.501488000');
    expect(formatFieldValue(f({ type: 'reltime' }), 0.000169)).toBe('0.000169000');
    expect(formatAbsTime({ sec: 36, nsec: 0 })).toBe('Jan  1, 1970 00:00:36.000000000 UTC');
    expect(formatEpochTime({ sec: 0, nsec: 5 })).toBe('0.000000005');
    expect(formatRelTime(-0.5)).toBe('-0.500000000');
  });
  it('escapes non-printable characters in strings as format_text does', () => {
    expect(escapeText('MAIL FROM:<a@b>\r\n')).toBe('MAIL FROM:<a@b>\\r\\n');
    expect(escapeText('a\x01b\tc\x7f\x85')).toBe('a\\001b\\tc\\177\\u0085');
    expect(formatFieldValue(f({ type: 'string' }), 'x\ny')).toBe('x\\ny');
  });
});

describe('formatIpv6 (inet_ntop6 rules)', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['ff02::1:ff00:2', 'ff02::1:ff00:2'],
    ['::ffff:a00:1', '::ffff:10.0.0.1'],
    ['::a00:1', '::10.0.0.1'],
  ])('%s → %s', (input, expected) => {
    expect(formatIpv6(v6(input))).toBe(expected);
  });
});

describe('labels (tshark -V)', () => {
  it('renders value tables as `Name (raw)` in the field base, unknown values as Unknown', () => {
    expect(defaultLabel(f({ name: 'Type', type: 'uint16', base: 'hex', values: { 0x800: 'IPv4' } }), 0x800)).toBe('Type: IPv4 (0x0800)');
    expect(defaultLabel(f({ name: 'Type', type: 'uint16', base: 'hex', values: {} }), 0x1234)).toBe('Type: Unknown (0x1234)');
    expect(defaultLabel(f({ name: 'Protocol', type: 'uint8', values: { 17: 'UDP' } }), 17)).toBe('Protocol: UDP (17)');
    expect(defaultLabel(f({ name: 'Identification', type: 'uint16', base: 'hex_dec' }), 0x9553)).toBe('Identification: 0x9553 (38227)');
    expect(defaultLabel(f({ name: 'Identifier (BE)', type: 'uint16', base: 'dec_hex' }), 7213)).toBe('Identifier (BE): 7213 (0x1c2d)');
    expect(defaultLabel(f({ name: 'Source Port', type: 'uint16' }), 25)).toBe('Source Port: 25');
  });
  it('renders bit pictures for masked fields over the field width', () => {
    expect(defaultLabel(f({ name: 'Version', type: 'uint8', bitmask: 0xf0 }), 4)).toBe('0100 .... = Version: 4');
    expect(defaultLabel(f({ name: 'LG bit', type: 'boolean', bitmask: 0x20000, tfs: ['Locally administered', 'Globally unique'] }), false)).toBe(
      '.... ..0. .... .... .... .... = LG bit: Globally unique',
    );
    expect(defaultLabel(f({ name: 'Syn', type: 'boolean', bitmask: 0x002 }), true)).toBe('.... ..1. = Syn: Set');
    expect(bitPrefix(f({ name: 'Syn', type: 'boolean', bitmask: 0x002 }), true, 12)).toBe('.... .... ..1. = ');
    expect(defaultLabel(f({ name: 'Flow Label', type: 'uint24', base: 'hex', bitmask: 0x0fffff }), 0x62391)).toBe(
      '.... 0110 0010 0011 1001 0001 = Flow Label: 0x62391',
    );
    expect(defaultLabel(f({ name: 'ID', type: 'uint16', bitmask: 0xfff }), 100)).toBe('.... 0000 0110 0100 = ID: 100');
  });
  it('renders booleans Set/Not set and bytes cut after 36 bytes', () => {
    expect(formatDisplayValue(f({ type: 'boolean' }), true)).toBe('Set');
    expect(formatDisplayValue(f({ type: 'bytes' }), new Uint8Array(40))).toBe('00'.repeat(36) + '…');
    expect(formatDisplayValue(f({ type: 'reltime' }), 1.5)).toBe('1.500000000 seconds');
  });
});
