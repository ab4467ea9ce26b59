/**
 * Link layers other than Ethernet: 802.1Q, Linux cooked capture v1/v2, BSD loopback (both byte
 * orders), raw IP (101/228/229), and ARP. Fixtures hand-assembled per the tcpdump LINKTYPE pages and
 * RFC 826; labels copied from `tshark -V` on the same bytes.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectMany, dissectOne, expectCutsAreSafe, items, labelOf, one, range } from './helpers';

const te = new TextEncoder();
const ipPacket = pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(40001, 40002, te.encode('hi')));
const ip6Packet = pk.ipv6('::1', '::1', 17, pk.udp(40001, 40002, te.encode('hi6'), 0x1111));

describe('vlan', () => {
  it('decodes the tag and hands the inner EtherType on', () => {
    const r = dissectOne(pk.eth(pk.MAC_A, pk.MAC_B, 0x8100, pk.bytes(pk.u16(0x2064), pk.u16(0x0800), ipPacket)));
    expect(r.layers).toEqual(['frame', 'eth', 'ethertype', 'vlan', 'ethertype', 'ip', 'udp', 'data']);
    expect(range(one(r, 'vlan'))).toEqual([0, 14, 4]);
    expect(labelOf(r, 'vlan')).toBe('802.1Q Virtual LAN, PRI: 1, DEI: 0, ID: 100');
    expect(labelOf(r, 'vlan.priority')).toBe('001. .... .... .... = Priority: Background (1)');
    expect(labelOf(r, 'vlan.dei')).toBe('...0 .... .... .... = DEI: Ineligible');
    expect(labelOf(r, 'vlan.id')).toBe('.... 0000 0110 0100 = ID: 100');
    expect(range(one(r, 'vlan.etype'))).toEqual([0, 16, 2]);
    expectCutsAreSafe(pk.eth(pk.MAC_A, pk.MAC_B, 0x8100, pk.bytes(pk.u16(0x2064), pk.u16(0x0800), ipPacket)));
  });
});

describe('sll', () => {
  it('decodes Linux cooked capture v1 and v2 headers', () => {
    const v1 = dissectOne(pk.bytes(pk.u16(4), pk.u16(1), pk.u16(6), pk.hex('0200000000010000'), pk.u16(0x0800), ipPacket), { linktype: 113 });
    expect(v1.layers).toEqual(['frame', 'sll', 'ethertype', 'ip', 'udp', 'data']);
    expect(labelOf(v1, 'sll.pkttype')).toBe('Packet type: Sent by us (4)');
    expect(range(one(v1, 'sll.src.eth'))).toEqual([0, 6, 6]);
    expect(range(one(v1, 'sll.unused'))).toEqual([0, 12, 2]);
    expect(labelOf(v1, 'sll.etype')).toBe('Protocol: IPv4 (0x0800)');
    const v2 = dissectOne(pk.bytes(pk.u16(0x86dd), [0, 0], pk.u32(1), pk.u16(772), 0, 6, new Uint8Array(8), ip6Packet), { linktype: 276 });
    expect(v2.layers).toEqual(['frame', 'sll', 'ethertype', 'ipv6', 'udp', 'data']);
    expect(labelOf(v2, 'sll')).toBe('Linux cooked capture v2');
    expect(range(one(v2, 'sll.ifindex'))).toEqual([0, 4, 4]);
    expect(labelOf(v2, 'sll.hatype')).toBe('Link-layer address type: Loopback (772)');
    expect(range(one(v2, 'sll.src.eth'))).toEqual([0, 12, 6]);
    expectCutsAreSafe(pk.bytes(pk.u16(0x0800), [0, 0], pk.u32(1), pk.u16(772), 0, 6, new Uint8Array(8), ipPacket), { linktype: 276 });
  });
});

describe('null and raw', () => {
  it('guesses the byte order of the BSD loopback family', () => {
    for (const header of [[2, 0, 0, 0], [0, 0, 0, 2]]) {
      const r = dissectOne(pk.bytes(header, ipPacket), { linktype: 0 });
      expect(r.layers).toEqual(['frame', 'null', 'ip', 'udp', 'data']);
      expect(labelOf(r, 'null.family')).toBe('Family: IP (2)');
      expect(range(one(r, 'null.family'))).toEqual([0, 0, 4]);
    }
    for (const family of [24, 28, 30]) {
      expect(dissectOne(pk.bytes([family, 0, 0, 0], ip6Packet), { linktype: 0 }).layers).toContain('ipv6');
    }
    const zero = dissectOne(pk.bytes([30, 0, 0, 0], new Uint8Array(40)), { linktype: 0 });
    expect(zero.layers).toEqual(['frame', 'null', 'data']);
    expect(zero.columns.info).toBe('Bogus IPv6 version (0, must be 6)');
  });

  it('decodes raw IP link types', () => {
    expect(dissectOne(ipPacket, { linktype: 101 }).layers).toEqual(['frame', 'raw', 'ip', 'udp', 'data']);
    expect(dissectOne(ip6Packet, { linktype: 101 }).layers).toEqual(['frame', 'raw', 'ipv6', 'udp', 'data']);
    expect(dissectOne(ipPacket, { linktype: 228 }).layers).toEqual(['frame', 'ip', 'udp', 'data']);
    expect(dissectOne(ip6Packet, { linktype: 229 }).layers).toEqual(['frame', 'ipv6', 'udp', 'data']);
    expectCutsAreSafe(ipPacket, { linktype: 101 });
  });
});

describe('arp', () => {
  const V = '08:00:27:3a:4b:5c';
  const frame = (op: number, sha: string, spa: string, tha: string, tpa: string, dst = 'ff:ff:ff:ff:ff:ff') =>
    pk.eth(dst, sha, 0x0806, pk.bytes(pk.arp(op, sha, spa, tha, tpa), new Uint8Array(18)));

  it('decodes requests and replies with byte ranges and Info', () => {
    const r = dissectOne(frame(1, pk.MAC_B, '10.0.0.2', '00:00:00:00:00:00', '10.0.0.1'));
    expect(r.columns.info).toBe('Who has 10.0.0.1? Tell 10.0.0.2');
    expect(r.columns.protocol).toBe('ARP');
    expect(range(one(r, 'arp'))).toEqual([0, 14, 28]);
    expect(range(one(r, 'arp.opcode'))).toEqual([0, 20, 2]);
    expect(range(one(r, 'arp.src.hw_mac'))).toEqual([0, 22, 6]);
    expect(range(one(r, 'arp.src.proto_ipv4'))).toEqual([0, 28, 4]);
    expect(range(one(r, 'arp.dst.hw_mac'))).toEqual([0, 32, 6]);
    expect(range(one(r, 'arp.dst.proto_ipv4'))).toEqual([0, 38, 4]);
    expect(labelOf(r, 'arp')).toBe('Address Resolution Protocol (request)');
    expect(labelOf(r, 'arp.dst.hw_mac')).toBe('Target MAC address: 00:00:00_00:00:00 (00:00:00:00:00:00)');
    expect(range(one(r, 'eth.padding'))).toEqual([0, 42, 18]);
    const reply = dissectOne(frame(2, V, '10.0.0.1', pk.MAC_B, '10.0.0.2', pk.MAC_B));
    expect(reply.columns.info).toBe('10.0.0.1 is at 08:00:27:3a:4b:5c');
    expect(reply.columns.source).toBe('PcsCompu_3a:4b:5c');
  });

  it('recognises announcements, gratuitous ARP, probes and duplicate addresses', () => {
    const { results } = dissectMany([
      frame(1, V, '10.0.0.1', '00:00:00:00:00:00', '10.0.0.1'),
      frame(1, '52:54:00:12:34:56', '10.0.0.1', 'ff:ff:ff:ff:ff:ff', '10.0.0.1'),
      frame(1, '52:54:00:12:34:56', '0.0.0.0', '00:00:00:00:00:00', '10.0.0.9'),
    ]);
    expect(results.map((r) => r.columns.info)).toEqual([
      'ARP Announcement for 10.0.0.1',
      'Gratuitous ARP for 10.0.0.1 (Request) (duplicate use of 10.0.0.1 detected!)',
      'Who has 10.0.0.9? (ARP Probe)',
    ]);
    expect(one(results[1], 'arp.duplicate-address-frame').value).toBe(1);
    expect(items(results[0], 'arp.isannouncement')).toHaveLength(1);
    expectCutsAreSafe(frame(1, pk.MAC_B, '10.0.0.2', '00:00:00:00:00:00', '10.0.0.1'));
  });
});
