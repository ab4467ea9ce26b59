/**
 * Ethernet II / 802.3, padding, trailer and FCS. Fixtures are hand-assembled per IEEE 802.3 with
 * test/support/packets.ts; expected labels were copied from `tshark -V` on the same bytes.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectOne, expectCutsAreSafe, items, labelOf, one, range, text } from './helpers';

const te = new TextEncoder();
const udpFrame = (payload: Uint8Array) => pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(40001, 40002, payload)));

describe('eth', () => {
  it('decodes addresses, type and their byte ranges with Wireshark labels', () => {
    const r = dissectOne(pk.eth('ff:ff:ff:ff:ff:ff', '08:00:27:3a:4b:5c', 0x0806, pk.bytes(pk.arp(1, '08:00:27:3a:4b:5c', '10.0.0.2', '00:00:00:00:00:00', '10.0.0.1'), new Uint8Array(18))));
    expect(range(one(r, 'eth'))).toEqual([0, 0, 14]);
    expect(range(one(r, 'eth.dst'))).toEqual([0, 0, 6]);
    expect(range(one(r, 'eth.src'))).toEqual([0, 6, 6]);
    expect(range(one(r, 'eth.type'))).toEqual([0, 12, 2]);
    expect(items(r, 'eth.addr').map(range)).toEqual([[0, 0, 6], [0, 6, 6]]);
    expect(range(one(r, 'eth.dst.ig'))).toEqual([0, 0, 3]);
    expect(one(r, 'eth.dst.ig').value).toBe(true);
    expect(one(r, 'eth.src.lg').value).toBe(false);
    expect(one(r, 'eth.dst_resolved').hidden).toBe(true);
    expect(labelOf(r, 'eth')).toBe('Ethernet II, Src: PcsCompu_3a:4b:5c (08:00:27:3a:4b:5c), Dst: Broadcast (ff:ff:ff:ff:ff:ff)');
    expect(labelOf(r, 'eth.type')).toBe('Type: ARP (0x0806)');
    expect(labelOf(r, 'eth.dst.ig')).toBe('.... ...1 .... .... .... .... = IG bit: Group address (multicast/broadcast)');
    expect(r.columns.source).toBe('PcsCompu_3a:4b:5c');
    expect(r.columns.destination).toBe('Broadcast');
    expect(r.layers).toEqual(['frame', 'eth', 'ethertype', 'arp']);
    expect(text(r).slice(14, 20)).toEqual([
      'Ethernet II, Src: PcsCompu_3a:4b:5c (08:00:27:3a:4b:5c), Dst: Broadcast (ff:ff:ff:ff:ff:ff)',
      '    Destination: Broadcast (ff:ff:ff:ff:ff:ff)',
      '        Address: Broadcast (ff:ff:ff:ff:ff:ff)',
      '        .... ..1. .... .... .... .... = LG bit: Locally administered address (this is NOT the factory default)',
      '        .... ...1 .... .... .... .... = IG bit: Group address (multicast/broadcast)',
      '    Source: PcsCompu_3a:4b:5c (08:00:27:3a:4b:5c)',
    ]);
  });

  it('shows zero padding up to 60 bytes, then FCS on frames of 64 bytes or more', () => {
    const base = udpFrame(new Uint8Array(0));
    const padded = dissectOne(pk.bytes(base, new Uint8Array(18)));
    expect(range(one(padded, 'eth.padding'))).toEqual([0, 42, 18]);
    expect(items(padded, 'eth.trailer')).toHaveLength(0);
    const withFcs = dissectOne(pk.bytes(base, new Uint8Array(18), te.encode('ABCD')));
    expect(range(one(withFcs, 'eth.fcs'))).toEqual([0, 60, 4]);
    expect(one(withFcs, 'eth.fcs').value).toBe(0x41424344);
    expect(labelOf(withFcs, 'eth.fcs')).toBe('Frame check sequence: 0x41424344 [unverified]');
    const nonZero = dissectOne(pk.bytes(base, new Uint8Array(10), te.encode('TRAILER!')));
    expect(range(one(nonZero, 'eth.trailer'))).toEqual([0, 42, 18]);
    expect(items(nonZero, 'eth.padding_bad')).toHaveLength(1);
    const short = dissectOne(pk.bytes(base, new Uint8Array(5)));
    expect(range(one(short, 'eth.trailer'))).toEqual([0, 42, 5]);
    expect(items(short, 'eth.padding_bad')).toHaveLength(0);
  });

  it('handles unknown types, 802.3 lengths and invalid length/type values', () => {
    const unknown = dissectOne(pk.eth(pk.MAC_A, pk.MAC_B, 0x1234, te.encode('hello'.repeat(10))));
    expect(unknown.columns.protocol).toBe('0x1234');
    expect(unknown.columns.info).toBe('Ethernet II');
    expect(labelOf(unknown, 'eth.type')).toBe('Type: Unknown (0x1234)');
    expect(range(one(unknown, 'data.data'))).toEqual([0, 14, 50]);
    const ieee = dissectOne(pk.eth(pk.MAC_A, pk.MAC_B, 48, pk.bytes([0xaa, 0xaa, 3], te.encode('hello'.repeat(10)))));
    expect(one(ieee, 'eth.len').value).toBe(48);
    expect(labelOf(ieee, 'eth')).toBe('IEEE 802.3 Ethernet ');
    const invalid = dissectOne(pk.eth(pk.MAC_A, pk.MAC_B, 0x05fb, new Uint8Array(46)));
    expect(invalid.columns.info).toBe('Ethernet Unknown: Invalid length/type: 0x05fb (1531)');
  });

  it('marks a cut header malformed without a half-built Ethernet item', () => {
    const r = dissectOne(udpFrame(new Uint8Array(0)).subarray(0, 12));
    expect(r.layers).toEqual(['frame', 'eth']);
    expect(r.tree.roots.map((i) => i.field.abbrev)).toEqual(['frame', '_ws.malformed']);
    expect(r.columns.protocol).toBe('Ethernet');
    expect(r.columns.info).toBe('[Malformed Packet]');
    expect(labelOf(r, '_ws.malformed')).toBe('[Malformed Packet: Ethernet]');
  });

  it('survives a snaplen cut at every length', () => {
    expectCutsAreSafe(pk.bytes(udpFrame(te.encode('payload')), new Uint8Array(11)));
  });
});
