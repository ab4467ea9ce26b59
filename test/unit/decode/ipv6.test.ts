/**
 * IPv6 and its extension headers (hop-by-hop, routing type 0, fragment, destination options). Fixtures
 * hand-assembled per RFC 8200; expected labels copied from `tshark -V` on the same bytes.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectOne, expectCutsAreSafe, items, labelOf, one, range } from './helpers';

const te = new TextEncoder();
const S = 'fe80::1';
const D = 'fe80::2';
const v6 = (nxt: number, payload: Uint8Array) => pk.eth(pk.MAC_A, pk.MAC_B, 0x86dd, pk.ipv6(S, D, nxt, payload));

describe('ipv6', () => {
  it('decodes the fixed header with byte ranges and labels', () => {
    const r = dissectOne(v6(17, pk.udp(40001, 40002, te.encode('hi6'), 0x1234)));
    expect(range(one(r, 'ipv6'))).toEqual([0, 14, 40]);
    expect(range(one(r, 'ipv6.tclass'))).toEqual([0, 14, 4]);
    expect(range(one(r, 'ipv6.flow'))).toEqual([0, 15, 3]);
    expect(one(r, 'ipv6.flow').value).toBe(0x12345);
    expect(range(one(r, 'ipv6.plen'))).toEqual([0, 18, 2]);
    expect(range(one(r, 'ipv6.nxt'))).toEqual([0, 20, 1]);
    expect(range(one(r, 'ipv6.hlim'))).toEqual([0, 21, 1]);
    expect(range(one(r, 'ipv6.src'))).toEqual([0, 22, 16]);
    expect(range(one(r, 'ipv6.dst'))).toEqual([0, 38, 16]);
    expect(items(r, 'ipv6.addr')).toHaveLength(2);
    expect(one(r, 'ip.version').hidden).toBe(true);
    expect(labelOf(r, 'ipv6.flow')).toBe('.... 0001 0010 0011 0100 0101 = Flow Label: 0x12345');
    expect(labelOf(r, 'ipv6.tclass')).toBe('.... 0000 0000 .... .... .... .... .... = Traffic Class: 0x00 (DSCP: CS0, ECN: Not-ECT)');
    expect(labelOf(r, 'ipv6.nxt')).toBe('Next Header: UDP (17)');
    expect([r.columns.source, r.columns.destination]).toEqual([S, D]);
  });

  it('walks hop-by-hop, destination options, routing and fragment headers', () => {
    const hop = dissectOne(v6(0, pk.bytes([17, 0, 5, 2, 0, 0, 1, 0], pk.udp(40001, 40002, te.encode('hop'), 0x1111))));
    expect(hop.layers).toEqual(['frame', 'eth', 'ethertype', 'ipv6', 'ipv6.hopopts', 'udp', 'data']);
    expect(range(one(hop, 'ipv6.hopopts'))).toEqual([0, 54, 8]);
    expect(one(hop, 'ipv6.opt.router_alert').value).toBe(0);
    expect(labelOf(hop, 'ipv6.opt.padn')).toBe('PadN: <none>');
    const frag = dissectOne(v6(60, pk.bytes([44, 0, 1, 4, 0, 0, 0, 0], [17, 0, 0, 1], pk.u32(0xdeadbeef), pk.udp(40001, 40002, te.encode('frag1234')).subarray(0, 16))));
    expect(frag.columns.info).toBe('IPv6 fragment (off=0 more=y ident=0xdeadbeef nxt=17)');
    expect(range(one(frag, 'ipv6.fragment.id'))).toEqual([0, 66, 4]);
    expect(labelOf(frag, 'ipv6.fragment.more')).toBe('.... .... .... ...1 = More Fragments: Yes');
    const rt = dissectOne(v6(43, pk.bytes([17, 2, 0, 1, 0, 0, 0, 0], pk.ip6('2001:db8::1'), pk.udp(40001, 40002, te.encode('rt'), 0x2222))));
    expect(labelOf(rt, 'ipv6.routing')).toBe('Routing Header for IPv6 (Source Route)');
    expect(range(one(rt, 'ipv6.routing.src_addr'))).toEqual([0, 62, 16]);
    expect(rt.columns.destination).toBe('2001:db8::1');
  });

  it('rejects other versions (the ethertype step then shows 0x86dd) and names unknown next headers', () => {
    const bad = v6(17, pk.udp(1, 2, te.encode('x')));
    bad[14] = 0x30;
    const r = dissectOne(bad);
    expect(r.columns.protocol).toBe('0x86dd');
    expect(r.columns.info).toBe('IPv6');
    expect(dissectOne(v6(200, te.encode('abc'))).columns.info).toBe('Unknown IP Protocol: Unassigned (200)');
    const header = dissectOne(v6(17, new Uint8Array(0)).subarray(0, 14 + 30));
    expect(header.columns.info).toBe('Invalid IPv6 header (30 bytes, need exactly 40)[Malformed Packet]');
    expect(items(header, 'ipv6.src')).toHaveLength(1);
  });

  it('survives a snaplen cut at every length', () => {
    expectCutsAreSafe(v6(0, pk.bytes([17, 0, 5, 2, 0, 0, 1, 0], pk.udp(40001, 40002, te.encode('hop'), 0x1111))));
  });
});
