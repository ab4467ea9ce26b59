/**
 * The frame layer: tshark's frame labels for pcap and pcapng records, times, comments, and what a
 * snaplen cut or a malformed packet does to the tree and the Protocol/Info columns.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectOne, labelOf, one, text } from './helpers';

const te = new TextEncoder();
const frameBytes = pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(40001, 40002, te.encode('y'.repeat(100)))));

describe('frame', () => {
  it('prints the pcap frame tree as tshark -V', () => {
    const r = dissectOne(frameBytes, { number: 2, tsSec: 1795712694, tsNsec: 501657000, prevSec: 1795712694, prevNsec: 501488000, firstSec: 1795712694, firstNsec: 501488000 });
    expect(text(r).slice(0, 14)).toEqual([
      'Frame 2: 142 bytes on wire (1136 bits), 142 bytes captured (1136 bits)',
      '    Encapsulation type: Ethernet (1)',
      '    Arrival Time: Nov 26, 2026 17:04:54.501657000 UTC',
      '    [Time shift for this packet: 0.000000000 seconds]',
      '    Epoch Time: 1795712694.501657000 seconds',
      '    [Time delta from previous captured frame: 0.000169000 seconds]',
      '    [Time delta from previous displayed frame: 0.000169000 seconds]',
      '    [Time since reference or first frame: 0.000169000 seconds]',
      '    Frame Number: 2',
      '    Frame Length: 142 bytes (1136 bits)',
      '    Capture Length: 142 bytes (1136 bits)',
      '    [Frame is marked: False]',
      '    [Frame is ignored: False]',
      '    [Protocols in frame: eth:ethertype:ip:udp:data]',
    ]);
    expect(one(r, 'frame.protocols').value).toBe('eth:ethertype:ip:udp:data');
    expect(r.layers[0]).toBe('frame');
  });

  it('adds interface, section and comment items for pcapng records', () => {
    const r = dissectOne(frameBytes, { interfaceName: 'lo', comment: 'hello comment' });
    const lines = text(r);
    expect(lines.slice(0, 7)).toEqual([
      'Packet comments',
      '    hello comment',
      '        [Expert Info (Comment/Comment): hello comment]',
      '            [hello comment]',
      '            [Severity level: Comment]',
      '            [Group: Comment]',
      'Frame 1: 142 bytes on wire (1136 bits), 142 bytes captured (1136 bits) on interface lo, id 0',
    ]);
    expect(lines.slice(7, 10)).toEqual(['    Section number: 1', '    Interface id: 0 (lo)', '        Interface name: lo']);
    expect(labelOf(r, 'frame.comment')).toBe('hello comment');
  });

  it('marks snaplen cuts and malformed packets in the tree and the Info column', () => {
    const short = dissectOne(frameBytes.subarray(0, 40), { caplen: 40, origLen: frameBytes.length });
    expect(short.columns.protocol).toBe('UDP');
    expect(short.columns.info).toBe('40001 → 40002 Len=100[Packet size limited during capture]');
    expect(labelOf(short, '_ws.short')).toBe('[Packet size limited during capture: UDP truncated]');
    const malformed = dissectOne(frameBytes.subarray(0, 40));
    expect(malformed.columns.info).toBe('40001 → 40002 [BAD UDP LENGTH 108 > IP PAYLOAD LENGTH] Len=100[Malformed Packet]');
    expect(text(malformed).slice(-5)).toEqual([
      '[Malformed Packet: UDP]',
      '    [Expert Info (Error/Malformed): Malformed Packet (Exception occurred)]',
      '        [Malformed Packet (Exception occurred)]',
      '        [Severity level: Error]',
      '        [Group: Malformed]',
    ]);
  });

  it('keeps nothing but columns in none mode', () => {
    const r = dissectOne(frameBytes, {}, 'none');
    expect(r.tree.occurrences).toHaveLength(0);
    expect(r.columns.info).toBe('40001 → 40002 Len=100');
    expect(r.layers).toEqual(['frame', 'eth', 'ethertype', 'ip', 'udp', 'data']);
  });
});
