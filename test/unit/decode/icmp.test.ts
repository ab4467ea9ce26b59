/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443, Neighbor Discovery RFC 4861): echo matching, error messages
 * quoting the offending packet, ND options, checksum verification. Fixtures hand-assembled with
 * test/support/packets.ts; Info strings copied from tshark runs on the same bytes.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectMany, dissectOne, expectCutsAreSafe, items, labelOf, one, range } from './helpers';

const te = new TextEncoder();
const echo = (type: number, src: string, dst: string) =>
  pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4(src, dst, 1, pk.icmp(type, 0, [...pk.u16(0x1c2d), ...pk.u16(1)], pk.bytes([...Array(56).keys()]))));

describe('icmp', () => {
  it('decodes echo with byte ranges, verifies the checksum and matches the reply', () => {
    const { results, session, inputs } = dissectMany([echo(8, '10.0.0.2', '10.0.0.1'), echo(0, '10.0.0.1', '10.0.0.2')]);
    const [req, rep] = results;
    expect(req.columns.info).toBe('Echo (ping) request  id=0x1c2d, seq=1/256, ttl=64');
    expect(rep.columns.info).toBe('Echo (ping) reply    id=0x1c2d, seq=1/256, ttl=64 (request in 1)');
    expect(range(one(req, 'icmp.type'))).toEqual([0, 34, 1]);
    expect(range(one(req, 'icmp.checksum'))).toEqual([0, 36, 2]);
    expect(labelOf(req, 'icmp.checksum.status')).toBe('[Checksum Status: Good]');
    expect(range(one(req, 'icmp.ident'))).toEqual([0, 38, 2]);
    expect(one(req, 'icmp.seq_le').value).toBe(256);
    expect(range(one(req, 'data.data'))).toEqual([0, 42, 56]);
    expect(one(rep, 'icmp.resp_to').value).toBe(1);
    expect(labelOf(rep, 'icmp.resptime')).toBe('[Response time: 1.000 ms]');
    const again = session.dissect(inputs[0], { firstPass: false, mode: 'full' });
    expect(again.columns.info).toBe('Echo (ping) request  id=0x1c2d, seq=1/256, ttl=64 (reply in 2)');
  });

  it('flags a bad checksum', () => {
    const frame = echo(8, '10.0.0.2', '10.0.0.1');
    frame[36] ^= 0xff;
    expect(labelOf(dissectOne(frame), 'icmp.checksum.status')).toBe('[Checksum Status: Bad]');
  });

  it('dissects the quoted datagram of an error without changing the columns', () => {
    const inner = pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(40001, 40002, te.encode('qqqq')));
    const r = dissectOne(pk.eth(pk.MAC_B, pk.MAC_A, 0x0800, pk.ipv4('10.0.0.1', '10.0.0.2', 1, pk.icmp(3, 3, [0, 0, 0, 0], inner))));
    expect(r.columns.info).toBe('Destination unreachable (Port unreachable)');
    expect([r.columns.source, r.columns.destination, r.columns.protocol]).toEqual(['10.0.0.1', '10.0.0.2', 'ICMP']);
    expect(r.layers).toEqual(['frame', 'eth', 'ethertype', 'ip', 'icmp', 'ip', 'udp', 'data']);
    expect(items(r, 'ip.src').map((i) => i.start)).toEqual([26, 54]);
    expect(one(r, 'udp').start).toBe(62);
  });

  it('pads type names and reports unknown codes as tshark', () => {
    const redirect = pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.1', '10.0.0.2', 1, pk.icmp(5, 1, [10, 0, 0, 9], pk.ipv4('10.0.0.2', '10.0.0.3', 17, pk.udp(1, 2, te.encode('x'))))));
    expect(dissectOne(redirect).columns.info).toBe('Redirect             (Redirect for host)');
    const photuris = pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.1', '10.0.0.2', 1, pk.icmp(40, 73, [0, 0, 0, 0], new Uint8Array(0))));
    expect(dissectOne(photuris).columns.info).toBe('Photuris             (Unknown code: 73)');
  });

  it('survives a snaplen cut at every length', () => {
    expectCutsAreSafe(echo(8, '10.0.0.2', '10.0.0.1'));
  });
});

describe('icmpv6', () => {
  const S = 'fe80::1';
  const D = 'fe80::2';
  it('decodes echo and neighbor discovery with link-layer options', () => {
    const { results } = dissectMany([
      pk.eth(pk.MAC_A, pk.MAC_B, 0x86dd, pk.ipv6(S, D, 58, pk.icmp6(S, D, 128, 0, pk.bytes(pk.u16(0x1234), pk.u16(1), te.encode('abcdefgh'))))),
      pk.eth(pk.MAC_B, pk.MAC_A, 0x86dd, pk.ipv6(D, S, 58, pk.icmp6(D, S, 129, 0, pk.bytes(pk.u16(0x1234), pk.u16(1), te.encode('abcdefgh'))))),
      pk.eth('33:33:ff:00:00:02', pk.MAC_A, 0x86dd, pk.ipv6(S, 'ff02::1:ff00:2', 58, pk.icmp6(S, 'ff02::1:ff00:2', 135, 0, pk.bytes([0, 0, 0, 0], pk.ip6(D), [1, 1], pk.hex(pk.MAC_A))), 255)),
      pk.eth(pk.MAC_A, pk.MAC_B, 0x86dd, pk.ipv6(D, S, 58, pk.icmp6(D, S, 136, 0, pk.bytes(pk.u32(0x60000000), pk.ip6(D), [2, 1], pk.hex(pk.MAC_B))), 255)),
    ]);
    expect(results.map((r) => r.columns.info)).toEqual([
      'Echo (ping) request id=0x1234, seq=1, hop limit=64',
      'Echo (ping) reply id=0x1234, seq=1, hop limit=64 (request in 1)',
      'Neighbor Solicitation for fe80::2 from 02:00:00:00:00:01',
      'Neighbor Advertisement fe80::2 (sol, ovr) is at 02:00:00:00:00:02',
    ]);
    expect(labelOf(results[0], 'icmpv6.checksum.status')).toBe('[Checksum Status: Good]');
    expect(labelOf(results[0], 'icmpv6.type')).toBe('Type: Echo (ping) request (128)');
    expect(range(one(results[2], 'icmpv6.opt.linkaddr'))).toEqual([0, 80, 6]);
    expect(labelOf(results[2], 'icmpv6.opt')).toBe('ICMPv6 Option (Source link-layer address : 02:00:00:00:00:01)');
    expect(labelOf(results[3], 'icmpv6.nd.na.flag')).toBe('Flags: 0x60000000, Solicited, Override');
    expectCutsAreSafe(results.length ? pk.eth('33:33:ff:00:00:02', pk.MAC_A, 0x86dd, pk.ipv6(S, 'ff02::1:ff00:2', 58, pk.icmp6(S, 'ff02::1:ff00:2', 135, 0, pk.bytes([0, 0, 0, 0], pk.ip6(D), [1, 1], pk.hex(pk.MAC_A))), 255)) : new Uint8Array(0));
  });
});
