/**
 * Evaluation semantics against tshark 4.0: the test writes a three-frame SMTP capture (a 220 banner,
 * `MAIL FROM:<a@b>`, a `250 2.1.0 Mail OK` reply; Ethernet/IPv4/TCP, checksums zero, which tshark does not
 * verify by default) and builds, from the same packet descriptions, the FrameFields a dissector would
 * produce (field values and byte ranges as `tshark -V` shows them for these frames). For every filter the
 * expected frame numbers come from `tshark -r FILE -Y FILTER -T fields -e frame.number` run now, never
 * from a table typed here. TZ=UTC for both sides (absolute times without a zone are local time).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldValue } from '../../../src/shared/fields';
import type { FrameFields } from '../../../src/shared/model';
import { compileFilter, formatFilterError } from '../../../src/shared/filter';
import { makeFilterRegistry } from '../../support/filter-registry';
import { fakeFrame, span, type FrameSpec } from '../../support/fake-frame';

process.env.TZ = 'UTC';
const run = promisify(execFile);
// tshark is a prerequisite (scripts/prereq.mjs installs it): fail loudly rather than skip.
if (spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status !== 0) throw new Error('tshark is required (npm test installs it)');

const ETH_LENGTH = 14;
const IP_LENGTH = 20;
const TCP_LENGTH = 20;
const HEADERS = ETH_LENGTH + IP_LENGTH + TCP_LENGTH;
const TTL = 64;
const IPPROTO_TCP = 6;
const ETHERTYPE_IPV4 = 0x0800;
const TCP_PSH_ACK = 0x18;
const FIRST_SECOND = 1_700_000_000;
const IP_VERSION_IHL = 0x45;
const TCP_DATA_OFFSET = 5 << 4;
const WINDOW = 65535;
const PCAP_HEADER = 24;
const RECORD_HEADER = 16;
const CONCURRENCY = 8;
/** Watchdog for the tshark runs (about 0.2 s each), not a speed target. */
const TSHARK_TIMEOUT_MS = 120_000;

interface Packet {
  src: [number, number, number, number];
  dst: [number, number, number, number];
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  payload: string;
}
const CLIENT: Packet['src'] = [192, 168, 1, 10];
const SERVER: Packet['src'] = [192, 168, 1, 20];
const PACKETS: Packet[] = [
  { src: SERVER, dst: CLIENT, sport: 25, dport: 1234, seq: 1000, ack: 500, payload: '220 lab ESMTP\r\n' },
  { src: CLIENT, dst: SERVER, sport: 1234, dport: 25, seq: 500, ack: 1015, payload: 'MAIL FROM:<a@b>\r\n' },
  { src: SERVER, dst: CLIENT, sport: 25, dport: 1234, seq: 1015, ack: 517, payload: '250 2.1.0 Mail OK\r\n' },
];
const ETH_DST = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
const ETH_SRC = Uint8Array.from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);

function packetBytes(p: Packet): Uint8Array {
  const payload = Buffer.from(p.payload, 'latin1');
  const b = Buffer.alloc(HEADERS + payload.length);
  b.set(ETH_DST, 0);
  b.set(ETH_SRC, 6);
  b.writeUInt16BE(ETHERTYPE_IPV4, 12);
  b[ETH_LENGTH] = IP_VERSION_IHL;
  b.writeUInt16BE(IP_LENGTH + TCP_LENGTH + payload.length, ETH_LENGTH + 2);
  b.writeUInt16BE(1, ETH_LENGTH + 4);
  b[ETH_LENGTH + 8] = TTL;
  b[ETH_LENGTH + 9] = IPPROTO_TCP;
  b.set(p.src, ETH_LENGTH + 12);
  b.set(p.dst, ETH_LENGTH + 16);
  const t = ETH_LENGTH + IP_LENGTH;
  b.writeUInt16BE(p.sport, t);
  b.writeUInt16BE(p.dport, t + 2);
  b.writeUInt32BE(p.seq, t + 4);
  b.writeUInt32BE(p.ack, t + 8);
  b[t + 12] = TCP_DATA_OFFSET;
  b[t + 13] = TCP_PSH_ACK;
  b.writeUInt16BE(WINDOW, t + 14);
  b.set(payload, HEADERS);
  return new Uint8Array(b);
}

function pcapFile(frames: Uint8Array[]): Buffer {
  const header = Buffer.alloc(PCAP_HEADER);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(WINDOW, 16);
  header.writeUInt32LE(1, 20);
  const records = frames.map((bytes, i) => {
    const rec = Buffer.alloc(RECORD_HEADER);
    rec.writeUInt32LE(FIRST_SECOND + i, 0);
    rec.writeUInt32LE(bytes.length, 8);
    rec.writeUInt32LE(bytes.length, 12);
    return Buffer.concat([rec, bytes]);
  });
  return Buffer.concat([header, ...records]);
}

const u32 = (a: number[]) => ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;

/** frameSpec is what our dissectors produce for these frames (as tshark -V shows them). */
function frameSpec(p: Packet, index: number, bytes: Uint8Array): FrameSpec {
  const payloadBytes = bytes.subarray(HEADERS);
  const line = p.payload;
  const spec: FrameSpec = {
    frame: [span(0, bytes.length)],
    'frame.number': [index + 1],
    'frame.len': [bytes.length],
    'frame.time': [{ sec: FIRST_SECOND + index, nsec: 0 }],
    'frame.time_relative': [index],
    'frame.time_delta': [index === 0 ? 0 : 1],
    'frame.time_epoch': [FIRST_SECOND + index],
    eth: [span(0, ETH_LENGTH)],
    'eth.dst': [ETH_DST],
    'eth.src': [ETH_SRC],
    'eth.addr': [ETH_DST, ETH_SRC],
    'eth.type': [ETHERTYPE_IPV4],
    ip: [span(ETH_LENGTH, IP_LENGTH)],
    'ip.ttl': [TTL],
    'ip.proto': [IPPROTO_TCP],
    'ip.len': [IP_LENGTH + TCP_LENGTH + payloadBytes.length],
    'ip.src': [u32(p.src)],
    'ip.dst': [u32(p.dst)],
    'ip.addr': [u32(p.src), u32(p.dst)],
    tcp: [span(ETH_LENGTH + IP_LENGTH, TCP_LENGTH + payloadBytes.length)],
    'tcp.srcport': [p.sport],
    'tcp.dstport': [p.dport],
    'tcp.port': [p.sport, p.dport],
    'tcp.len': [payloadBytes.length],
    'tcp.hdr_len': [TCP_LENGTH],
    'tcp.stream': [0],
    'tcp.flags': [TCP_PSH_ACK],
    'tcp.flags.push': [true],
    'tcp.flags.syn': [false],
    'tcp.flags.ack': [true],
    'tcp.payload': [payloadBytes],
    smtp: [span(HEADERS, payloadBytes.length)],
  };
  const fields: Record<string, FieldValue[]> = {};
  if (p.dport === 25) {
    const [command, ...rest] = line.replace(/\r\n$/, '').split(' ');
    Object.assign(fields, {
      'smtp.req': [true],
      'smtp.command_line': [line],
      'smtp.req.command': [command!],
      'smtp.req.parameter': [rest.join(' ')],
    });
  } else {
    const code = Number(line.slice(0, 3));
    Object.assign(fields, {
      'smtp.rsp': [true],
      'smtp.response': [line],
      'smtp.response.code': [code],
      'smtp.rsp.parameter': [line.slice(4).replace(/\r\n$/, '')],
    });
  }
  return { ...spec, ...fields };
}

/** Filters covering every operator, literal kind, quantifier, slice form and function. */
const FILTERS: readonly string[] = [
  'tcp.port == 25', 'tcp.port eq 25', 'tcp.port any_eq 25', 'tcp.port != 25', 'tcp.port ne 1234', 'tcp.srcport != 25',
  'tcp.port all_ne 25', 'tcp.port === 25', 'tcp.srcport === 25', 'tcp.port all_eq 25', 'tcp.port !== 25',
  'tcp.port ~= 25', 'tcp.port any_ne 25', 'any tcp.port == 25', 'all tcp.port == 25', 'all tcp.port > 20',
  'tcp.srcport > 25', 'tcp.srcport gt 25', 'tcp.srcport >= 25', 'tcp.srcport ge 1234', 'tcp.srcport < 1234',
  'tcp.srcport lt 26', 'tcp.srcport <= 25', 'tcp.srcport le 24',
  'tcp.port == 0x19', 'tcp.port == 031', 'tcp.port == 0b11001', "ip.ttl == '@'", "ip.proto == '\\x06'",
  "tcp.len == '\\021'", 'tcp.len == -1', 'tcp.len > -1', 'tcp.len < -1',
  'tcp.port in {25, 110}', 'tcp.port in {20..30}', 'tcp.srcport in {1000..2000, 80}', 'tcp.srcport not in {25}',
  'udp.port not in {25}', 'tcp.len in {15 .. 17}',
  'smtp', 'smtp.req.command', 'smtp.response.code', 'udp', 'not smtp.req.command', '!smtp.response', 'frame',
  'smtp.req.command == "MAIL"', 'smtp.req.command == "mail"', 'smtp.req.command == MAIL', 'smtp.req.command == r"MAIL"',
  'smtp.req.command == "M\\x41IL"', 'smtp.req.command == "M\\101IL"', 'smtp.req.command in {"MAIL", "RCPT"}',
  'smtp.req.command in {"A".."N"}', 'smtp.req.command > "HELO"', 'smtp.req.command contains "AI"',
  'smtp.req.parameter contains "<a@b>"', 'smtp.response contains "Mail"', "smtp.req.command == 'M'",
  'smtp.req.command matches "^mail$"', 'smtp.req.command matches "(?-i)^mail$"', 'smtp.req.command ~ "M.I"',
  'smtp.rsp.parameter matches "\\\\d\\\\.\\\\d"', 'smtp.response matches "ok$"', 'smtp.response matches "ok\\\\r$"',
  'smtp.response matches "\\\\AMail"', 'smtp.response matches "[[:digit:]]{3} lab"', 'smtp.response matches "(?P<c>2)5"',
  'smtp contains "Mail OK"', 'smtp contains 4d:41:49:4c', 'smtp matches "mail ok"', 'smtp == "MAIL FROM:<a@b>\\r\\n"',
  'frame contains "ESMTP"', 'tcp.payload contains "FROM"', 'tcp.payload[0:4] == "MAIL"', 'tcp.payload[0:4] == 4d:41:49:4c',
  'tcp.payload[-2:] == 0d:0a', 'tcp.payload[-2:2] == 0d0a', 'tcp.payload[1-2] == 41:49', 'tcp.payload[0] == 4d',
  'tcp.payload[:2] == "MA"', 'tcp.payload[0:1,2:1] == "MI"', 'tcp.payload[ 0 : 1 ] == 4d', 'frame[100:2] == 00:00',
  'eth.dst[-1] == 0xff', 'ip.src[0:2] == c0:a8', 'smtp.req.command[1:2] == "AI"', 'tcp[13] == 18', 'tcp.payload > 4d',
  'ip.addr == 192.168.0.0/16', 'ip.addr == 192.168.1.10', 'ip.src == 192.168.1.10', 'ip.src != 192.168.1.10/31',
  'ip.dst > 192.168.1.15', 'ip.addr in {10.0.0.0/8, 192.168.1.20}', 'ip.src in {192.168.1.1 .. 192.168.1.15}',
  'ipv6.addr == ::1', 'ipv6.addr == fe80::/10',
  'eth.dst == aa:bb:cc:dd:ee:ff', 'eth.dst == aa-bb-cc-dd-ee-ff', 'eth.dst == aabb.ccdd.eeff', 'eth.src == 00:11:22:33:44:55',
  'eth.addr contains 33:44', 'eth.src > 00:00:00:00:00:00', 'eth.src < 00:11:22:33:44:56',
  'tcp.flags.push == 1', 'tcp.flags.syn == 0', 'tcp.flags.syn == "Not set"', 'tcp.flags.push == "Set"', 'tcp.flags.push == 2',
  'tcp.flags.push', 'tcp.flags & 0x08', 'tcp.flags bitwise_and 0x02', 'tcp.flags == 0x18', 'tcp.flags.syn > 0',
  'smtp.response.code == "Requested mail action okay, completed"', 'smtp.response.code == 250',
  'smtp.response.code >= 300', 'smtp.response.code in {200..299}', 'smtp.response.code != 220',
  'frame.time_relative > 0.5', 'frame.time_relative == 1', 'frame.time_relative in {1 .. 2}', 'frame.time_delta >= 1.0',
  'frame.time_epoch == 1700000001', 'frame.time >= "2023-11-14 22:13:21"', 'frame.time == "Nov 14, 2023 22:13:21"',
  'frame.time > "2023-11-14T22:13:21Z"', 'frame.time < "2023-11-14 22:13:21.5"', 'frame.time == "2023-11-14 22:13:21 UTC"',
  'frame.number == 2', 'frame.len > 70',
  'len(smtp.req.command) == 4', 'len(smtp) == 19', 'len(tcp.port) == 2', 'len(tcp.payload) > 16', 'len(eth.dst) == 6',
  'count(tcp.port) == 2', 'count(udp.port) == 0', 'count(ip.addr) > 1', 'lower(smtp.req.command) == "mail"',
  'upper(smtp.rsp.parameter) contains "MAIL OK"', 'string(tcp.srcport) == "25"', 'string(smtp.response.code) matches "^2"',
  'tcp.srcport < tcp.dstport', 'tcp.srcport == tcp.dstport', 'tcp.port == tcp.srcport', 'ip.src > ip.dst',
  'tcp or udp and udp', 'udp and udp or tcp', 'not tcp or tcp', 'not tcp and udp', '! tcp && udp', 'not not tcp',
  'tcp.srcport == 25 || tcp.srcport == 1234 && tcp.dstport == 0', 'smtp.req.command == "MAIL" or smtp.response.code == 220',
  '(tcp.srcport == 25) and !(smtp.response.code == 220)', 'tcp.port == 25 and not tcp.port == 1234', '((((tcp))))',
];

describe('evaluation matches tshark 4.0 on a three-frame SMTP capture', () => {
  const registry = makeFilterRegistry();
  const bytes = PACKETS.map(packetBytes);
  const frames: FrameFields[] = PACKETS.map((p, i) => fakeFrame(registry, frameSpec(p, i, bytes[i]!), bytes[i]!));
  const expected = new Map<string, number[]>();
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-filter-eval-'));
    const file = join(dir, 'smtp3.pcap');
    writeFileSync(file, pcapFile(bytes));
    const queue = [...FILTERS];
    const worker = async () => {
      for (let filter = queue.shift(); filter !== undefined; filter = queue.shift()) {
        const { stdout } = await run('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
          env: { ...process.env, TZ: 'UTC' },
        });
        expected.set(filter, stdout.split('\n').filter(Boolean).map(Number));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }, TSHARK_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(FILTERS)('%s', (filter) => {
    const result = compileFilter(filter, registry);
    if (!result.ok) throw new Error(formatFilterError(filter, result.error));
    const ours = frames.flatMap((frame, i) => (result.filter.evaluate(frame) ? [i + 1] : []));
    expect(ours).toEqual(expected.get(filter));
    // The prefilter never drops a matching frame.
    const requires = result.filter.requiresAnyOf;
    if (requires) for (const n of ours) expect(requires.some((a) => frames[n - 1]!.get(a)?.length)).toBe(true);
  });
});
