/**
 * Bad filters → exact message and underlined span, compared with the installed tshark 4.0 at test time:
 * the test writes an empty pcap (24-byte global header, Ethernet) and runs `tshark -r FILE -Y FILTER`,
 * whose stderr is the message, the filter and a `^~~~` underline (tshark's first stderr line,
 * `Running as user "root"…`, is dropped). Where tshark prints no underline (end of input, regex errors)
 * only the message is compared. Skipped when tshark is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, formatFilterError } from '../../../src/shared/filter';
import { makeFilterRegistry } from '../../support/filter-registry';

const PCAP_MAGIC = 0xa1b2c3d4;
const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
const SNAPLEN = 65535;
const LINKTYPE_ETHERNET = 1;
const PCAP_HEADER_LENGTH = 24;

// tshark is a prerequisite (scripts/prereq.mjs installs it): fail loudly rather than skip.
if (spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status !== 0) throw new Error('tshark is required (npm test installs it)');

/** Filters tshark 4.0 rejects and that we must reject with the same words and span. */
const BAD_FILTERS: readonly string[] = [
  'smtpx',
  'tcp.port = 25',
  'tcp.port ==',
  'tcp.port == 70000',
  'tcp.port == "abc"',
  'tcp port 25',
  'host 1.2.3.4',
  'port 110',
  'src host 1.2.3.4',
  'tcp.port == abc',
  '(tcp',
  'tcp.port in {25 110}',
  'a or b and c',
  'smtp.req.command == "MAIL',
  'tcp.port ~ "x"',
  'tcp.port == 25 and',
  'and',
  'tcp.port == 25)',
  '()',
  'tcp.port in {}',
  'tcp.port in {25',
  'tcp.port in 25',
  'tcp.port in {25,}',
  'ip.addr == 1.2.3.4/33',
  'ip.addr == 1.2.3',
  'ip.addr == 300.1.1.1',
  'ipv6.addr == ::1/129',
  'eth.addr == aa:bb:cc',
  'eth.addr == aa:bb:cc:dd:ee:ff:00',
  'eth.addr == aabb.ccdd',
  'tcp.port contains 25',
  'smtp matches "("',
  'smtp matches "a{2,1}"',
  'smtp matches "a**"',
  'smtp matches "[a"',
  'smtp matches "a)"',
  'smtp matches "\\\\"',
  'tcp.len == 4294967296',
  'tcp.len == 99999999999999999999',
  'tcp.port == 1.5',
  'tcp.port == 0x10000',
  'tcp.port == 0x',
  'tcp.port == 09',
  'tcp.port == 0b2',
  'frame.time_relative == abc',
  'frame.time_delta == "x"',
  'frame.time == "garbage"',
  'tcp.flags.syn == "maybe"',
  'tcp.port[0:2] == 00:19',
  'tcp.port[0',
  'tcp[a]',
  'tcp[1-0] == 00',
  'tcp[0:0] == 00',
  'frame[1-1] == bb',
  'frame[0] == zz',
  'lower(tcp.port) == 1',
  'foo(tcp.port)',
  'lower()',
  'len(tcp.port) == "a"',
  'count(tcp.port, tcp.port) == 1',
  'smtp.req.command == "abc\\q"',
  'smtp.req.command == "\\xZZ"',
  'smtp.req.command == "\\777"',
  'smtp.req.command == "\\u0041"',
  "tcp.port == 'ab'",
  'tcp.port == 25 25',
  '== 25',
  'tcp.port == smtp.req.command',
  'ip.src == smtp',
  '"abc"',
  '25',
  '"abc" == "abc"',
  '#',
  'tcp.port == 25 &',
  'tcp.port == 25 |',
  'tcp.port !',
  'not',
  'all tcp',
  'smtp.req.command matches 25',
  'tcp.port ==  r"25"',
  'tcp.port in {25..}',
  'tcp.port in {25 .. "a"}',
  'ip.src == "1.2.3.4"',
  'eth.src == "x"',
  'ipv6.src == "x"',
  'ip.src contains 1.2.3.4',
  'tcp.port matches "x"',
  'smtp.eom == "x"',
  'smtp.eom > 1',
  'smtp.response.code == "nope"',
  'smtp.response.code == nope',
  'tcp.analysis.acks_frame == "x"',
  'tcp.window_size_scalefactor == "x"',
  'tcp.window_size_scalefactor == -99999999999',
  'smtp.req.command & 1',
  'AND',
  'tcp AND udp',
];

let dir = '';
let pcap = '';

function tsharkError(filter: string): { lines: string[]; note: boolean } {
  const run = spawnSync('tshark', ['-r', pcap, '-Y', filter], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  expect(run.status, `tshark accepted ${filter}`).not.toBe(0);
  const lines = run.stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('Running as user'))
    .map((line) => line.replace(/^tshark: /, ''));
  const noteAt = lines.findIndex((line) => line.startsWith('  Note:'));
  return { lines: noteAt >= 0 ? lines.slice(0, noteAt) : lines, note: noteAt >= 0 };
}

describe('filter errors match tshark 4.0', () => {
  const registry = makeFilterRegistry();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-filter-'));
    pcap = join(dir, 'empty.pcap');
    const header = Buffer.alloc(PCAP_HEADER_LENGTH);
    header.writeUInt32LE(PCAP_MAGIC, 0);
    header.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
    header.writeUInt16LE(PCAP_VERSION_MINOR, 6);
    header.writeUInt32LE(SNAPLEN, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    writeFileSync(pcap, header);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least 40 bad filters', () => expect(BAD_FILTERS.length).toBeGreaterThanOrEqual(40));

  it.each(BAD_FILTERS)('%s', (filter) => {
    const expected = tsharkError(filter);
    const result = compileFilter(filter, registry);
    expect(result.ok, `we accepted ${filter}`).toBe(false);
    if (result.ok) return;
    const { error } = result;
    expect(error.start).toBeGreaterThanOrEqual(0);
    expect(error.start + error.length).toBeLessThanOrEqual(filter.length);
    const ours = formatFilterError(filter, { ...error, hint: undefined }).split('\n');
    if (expected.lines.length === 1) expect(ours[0]).toBe(expected.lines[0]);
    else expect(ours).toEqual(expected.lines);
    // tshark's "looks like a valid capture filter" note ↔ our capture-filter hint.
    expect(error.hint !== undefined, `capture-filter hint for ${filter}`).toBe(expected.note);
  });
});
