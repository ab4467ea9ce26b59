/**
 * addressPairHash (the parallel reader's shard key): the same for both directions of a conversation on
 * every link type the engine reads, different for other address pairs, and -1 where there is no IP header.
 * plainTcpPorts (the skip of stream-constant filters): the ports of plain TCP segments only.
 */
import { describe, expect, it } from 'vitest';
import { addressPairHash, plainTcpPorts } from '../../../src/main/engine/decode/flow-peek';
import { arp, bytes, eth, icmp, ipv4, ipv6, tcp, udp } from '../../support/packets';

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const v4 = (src: string, dst: string) => ipv4(src, dst, 6, tcp(40000, 25, 1, 1, 0x18, new Uint8Array(3)));
const v6 = (src: string, dst: string) => ipv6(src, dst, 17, udp(5353, 53, new Uint8Array(4)));
const vlan = (payload: Uint8Array) => bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00], payload);
const sll = (payload: Uint8Array, proto = 0x0800) => bytes([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, proto >> 8, proto & 255], payload);
const sll2 = (payload: Uint8Array, proto = 0x0800) => bytes([proto >> 8, proto & 255, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0], payload);
const nullLoop = (payload: Uint8Array) => bytes([2, 0, 0, 0], payload);

describe('addressPairHash', () => {
  it('is symmetric and tells address pairs apart on every link type', () => {
    const cases: [string, number, (p: Uint8Array) => Uint8Array][] = [
      ['ethernet', 1, (p) => eth(MAC_A, MAC_B, 0x0800, p)],
      ['802.1Q', 1, vlan],
      ['sll', 113, sll],
      ['sll2', 276, sll2],
      ['null', 0, nullLoop],
      ['raw', 101, (p) => p],
      ['ipv4', 228, (p) => p],
    ];
    for (const [name, linktype, wrap] of cases) {
      const ab = addressPairHash(linktype, wrap(v4('192.168.1.2', '10.0.0.25')));
      const ba = addressPairHash(linktype, wrap(v4('10.0.0.25', '192.168.1.2')));
      const other = addressPairHash(linktype, wrap(v4('192.168.1.3', '10.0.0.25')));
      expect(ab, name).toBeGreaterThanOrEqual(0);
      expect(ba, name).toBe(ab);
      expect(other, name).not.toBe(ab);
    }
    const a = addressPairHash(1, eth(MAC_A, MAC_B, 0x86dd, v6('2001:db8::1', '2001:db8::35')));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(addressPairHash(1, eth(MAC_B, MAC_A, 0x86dd, v6('2001:db8::35', '2001:db8::1')))).toBe(a);
    expect(addressPairHash(229, v6('2001:db8::35', '2001:db8::1'))).toBe(a);
    expect(addressPairHash(1, eth(MAC_B, MAC_A, 0x86dd, v6('2001:db8::35', '2001:db8::2')))).not.toBe(a);
  });

  it('returns -1 without an IP header it can read', () => {
    expect(addressPairHash(1, eth(MAC_A, MAC_B, 0x0806, arp(1, MAC_A, '10.0.0.1', '00:00:00:00:00:00', '10.0.0.2')))).toBe(-1);
    expect(addressPairHash(1, eth(MAC_A, MAC_B, 0x0800, new Uint8Array(10)))).toBe(-1);
    expect(addressPairHash(1, new Uint8Array(5))).toBe(-1);
    expect(addressPairHash(113, sll(v4('10.0.0.1', '10.0.0.2'), 0x0806))).toBe(-1);
    expect(addressPairHash(276, sll2(new Uint8Array(3)))).toBe(-1);
    expect(addressPairHash(147, v4('10.0.0.1', '10.0.0.2'))).toBe(-1);
  });
});

describe('plainTcpPorts', () => {
  const segment = (sport = 40000, dport = 25) => tcp(sport, dport, 1, 1, 0x18, new Uint8Array([0x45, 0x48, 0x4c]));
  const ports = (sport: number, dport: number) => sport * 65536 + dport;

  it('reads the ports of a whole TCP segment in IPv4 or IPv6 on every link type but BSD loopback', () => {
    const v4 = ipv4('10.0.0.1', '10.0.0.2', 6, segment());
    const cases: [string, number, Uint8Array][] = [
      ['ethernet', 1, eth(MAC_A, MAC_B, 0x0800, v4)],
      ['802.1Q', 1, vlan(v4)],
      ['sll', 113, sll(v4)],
      ['sll2', 276, sll2(v4)],
      ['raw', 101, v4],
      ['ipv6', 1, eth(MAC_A, MAC_B, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 6, segment(25, 40000)))],
      ['ipv4 options', 1, eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, segment(), { options: [1, 1, 1, 0] }))],
      ['ethernet padding', 1, bytes(eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(40000, 25, 1, 1, 0x10, new Uint8Array(0)))), new Uint8Array(6))],
    ];
    for (const [name, linktype, frame] of cases) expect(plainTcpPorts(linktype, frame), name).toBe(name === 'ipv6' ? ports(25, 40000) : ports(40000, 25));
  });

  it('answers -1 for anything it is not sure decodes as one TCP header', () => {
    const v4 = (payload: Uint8Array, o = {}) => eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, payload, o));
    const whole = v4(segment());
    const cases: [string, number, Uint8Array][] = [
      ['BSD loopback', 0, nullLoop(ipv4('10.0.0.1', '10.0.0.2', 6, segment()))],
      ['first fragment', 1, v4(segment(), { flagsFrag: 0x2000 })],
      ['later fragment', 1, v4(segment(), { flagsFrag: 0x0004 })],
      ['UDP', 1, eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(40000, 25, new Uint8Array(4))))],
      ['ICMP error quoting TCP', 1, eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.2', '10.0.0.1', 1, icmp(3, 3, [0, 0, 0, 0], ipv4('10.0.0.1', '10.0.0.2', 6, segment()))))],
      ['IP in IP', 1, eth(MAC_A, MAC_B, 0x0800, ipv4('10.9.0.1', '10.9.0.2', 4, ipv4('10.0.0.1', '10.0.0.2', 6, segment())))],
      ['IPv6 extension header', 1, eth(MAC_A, MAC_B, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 0, bytes([6, 0, 1, 4, 0, 0, 0, 0], segment())))],
      ['IPv6 under 0x0800', 1, eth(MAC_A, MAC_B, 0x0800, ipv6('2001:db8::1', '2001:db8::2', 6, segment()))],
      ['cut by the snaplen', 1, whole.subarray(0, whole.length - 1)],
      ['header cut', 1, whole.subarray(0, 14 + 20 + 10)],
      ['total length 0 (offloaded)', 1, v4(segment(), { totalLength: 0 })],
      ['total length short of a TCP header', 1, v4(segment(), { totalLength: 30 })],
      ['data offset below 5', 1, v4(bytes(segment().subarray(0, 12), [0x40, 0x18], segment().subarray(14)))],
      ['data offset past the packet', 1, v4(bytes(segment().subarray(0, 12), [0xf0, 0x18], segment().subarray(14)))],
      ['ARP', 1, eth(MAC_A, MAC_B, 0x0806, arp(1, MAC_A, '10.0.0.1', '00:00:00:00:00:00', '10.0.0.2'))],
      ['other link type', 147, ipv4('10.0.0.1', '10.0.0.2', 6, segment())],
      ['IPv4 under the raw IPv6 link type', 229, ipv4('10.0.0.1', '10.0.0.2', 6, segment())],
      ['IPv6 under the raw IPv4 link type', 228, ipv6('2001:db8::1', '2001:db8::2', 6, segment())],
    ];
    for (const [name, linktype, frame] of cases) expect(plainTcpPorts(linktype, frame), name).toBe(-1);
  });
});
