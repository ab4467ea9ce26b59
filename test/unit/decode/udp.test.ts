/**
 * UDP (RFC 768) and DNS over UDP (RFC 1035). Fixtures hand-assembled with test/support/packets.ts;
 * DNS names include a compression pointer and, for robustness, pointer loops and cut names.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectMany, dissectOne, expectCutsAreSafe, items, labelOf, one, range, text } from './helpers';

const te = new TextEncoder();
const v4udp = (sport: number, dport: number, payload: Uint8Array, sum = 0) =>
  pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(sport, dport, payload, sum)));

describe('udp', () => {
  it('decodes ports, length, checksum, hidden udp.port pairs, stream and payload ranges', () => {
    const r = dissectOne(v4udp(5353, 53000, te.encode('hello world!'), 0xfe27));
    expect(range(one(r, 'udp'))).toEqual([0, 34, 8]);
    expect(range(one(r, 'udp.srcport'))).toEqual([0, 34, 2]);
    expect(range(one(r, 'udp.dstport'))).toEqual([0, 36, 2]);
    expect(items(r, 'udp.port').map((i) => [i.value, i.start, i.hidden])).toEqual([[5353, 34, true], [53000, 36, true]]);
    expect(range(one(r, 'udp.length'))).toEqual([0, 38, 2]);
    expect(labelOf(r, 'udp.checksum')).toBe('Checksum: 0xfe27 [unverified]');
    expect(one(r, 'udp.stream').value).toBe(0);
    expect(range(one(r, 'udp.payload'))).toEqual([0, 42, 12]);
    expect(labelOf(r, 'udp.payload')).toBe('UDP payload (12 bytes)');
    expect(r.columns.info).toBe('5353 → 53000 Len=12');
    expect(r.columns.protocol).toBe('UDP');
    expect(text(r)).toContain('    [Timestamps]');
  });

  it('labels zero checksums (ignored over IPv4, illegal over IPv6) and bad lengths', () => {
    expect(labelOf(dissectOne(v4udp(1, 2, te.encode('x'))), 'udp.checksum')).toBe('Checksum: 0x0000 [zero-value ignored]');
    const v6 = dissectOne(pk.eth(pk.MAC_A, pk.MAC_B, 0x86dd, pk.ipv6('::1', '::1', 17, pk.udp(1, 2, te.encode('x')))));
    expect(labelOf(v6, 'udp.checksum')).toBe('Checksum: 0x0000 [zero-value illegal]');
    expect(v6.columns.info).toBe('1 → 2 Len=1 [ILLEGAL CHECKSUM (0)]');
    const long = pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.bytes(pk.u16(1), pk.u16(2), pk.u16(500), pk.u16(0), te.encode('data'))));
    const r = dissectOne(long);
    expect(r.columns.info).toBe('1 → 2 [BAD UDP LENGTH 500 > IP PAYLOAD LENGTH] Len=492');
    expect(labelOf(r, 'udp.length')).toBe('Length: 500 (bogus, payload length 12)');
  });

  it('numbers streams by conversation and freezes them for re-dissection', () => {
    const { results, session, inputs } = dissectMany([v4udp(1000, 2000, te.encode('a')), v4udp(3000, 4000, te.encode('b')), v4udp(1000, 2000, te.encode('c'))]);
    expect(results.map((r) => one(r, 'udp.stream').value)).toEqual([0, 1, 0]);
    expect(one(session.dissect(inputs[2], { firstPass: false, mode: 'full' }), 'udp.stream').value).toBe(0);
  });

  it('survives a snaplen cut at every length', () => {
    expectCutsAreSafe(v4udp(40001, 40002, te.encode('payload')));
  });
});

describe('dns', () => {
  it('summarises queries and responses as tshark and matches them', () => {
    const { results, session, inputs } = dissectMany([
      v4udp(40000, 53, pk.dnsQuery(0x1234, 'example.lab')),
      pk.eth(pk.MAC_B, pk.MAC_A, 0x0800, pk.ipv4('10.0.0.1', '10.0.0.2', 17, pk.udp(53, 40000, pk.dnsAResponse(0x1234, 'example.lab', '10.0.0.1')))),
    ]);
    const [q, a] = results;
    expect(q.columns.protocol).toBe('DNS');
    expect(q.columns.info).toBe('Standard query 0x1234 A example.lab');
    expect(a.columns.info).toBe('Standard query response 0x1234 A example.lab A 10.0.0.1');
    expect(range(one(q, 'dns.qry.name'))).toEqual([0, 54, 13]);
    expect(one(a, 'dns.a').value).toBe(0x0a000001);
    expect(range(one(a, 'dns.a'))).toEqual([0, 83, 4]);
    expect(one(a, 'dns.resp.name').value).toBe('example.lab');
    expect(labelOf(a, 'dns.resp.ttl')).toBe('Time to live: 300 (5 minutes)');
    expect(labelOf(a, 'dns.flags')).toBe('Flags: 0x8180 Standard query response, No error');
    expect(labelOf(a, 'dns.flags.recavail')).toBe('.... .... 1... .... = Recursion available: Server can do recursive queries');
    expect(one(a, 'dns.response_to').value).toBe(1);
    expect(one(session.dissect(inputs[0], { firstPass: false, mode: 'full' }), 'dns.response_in').value).toBe(2);
  });

  it('stops on compression loops and cut names without throwing anything but truncation', () => {
    const loop = pk.bytes(pk.u16(7), pk.u16(0x0100), pk.u16(1), pk.u16(0), pk.u16(0), pk.u16(0), [0xc0, 12], pk.u16(1), pk.u16(1));
    const r = dissectOne(v4udp(40000, 53, loop));
    expect(r.columns.info).toBe('Standard query 0x0007 A <Name contains a pointer that loops>');
    expectCutsAreSafe(v4udp(40000, 53, pk.dnsQuery(0x1234, 'example.lab')));
  });
});
