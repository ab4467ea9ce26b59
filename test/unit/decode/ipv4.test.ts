/**
 * IPv4: header fields with byte ranges and tshark labels, options, fragments and reassembly, bogus
 * headers, snaplen cuts. Fixtures hand-assembled per RFC 791 (test/support/packets.ts); expected labels
 * copied from `tshark -V` on the same bytes.
 */
import { describe, expect, it } from 'vitest';
import * as pk from '../../support/packets';
import { dissectMany, dissectOne, expectCutsAreSafe, items, labelOf, one, range } from './helpers';

const te = new TextEncoder();
const v4 = (payload: Uint8Array, proto = 17, o: pk.Ipv4Options = {}) => pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', proto, payload, o));

describe('ip', () => {
  it('decodes the fixed header with byte ranges, hidden address fields and labels', () => {
    const r = dissectOne(v4(pk.udp(40001, 40002, te.encode('hi'))));
    expect(range(one(r, 'ip'))).toEqual([0, 14, 20]);
    expect(range(one(r, 'ip.version'))).toEqual([0, 14, 1]);
    expect(one(r, 'ip.hdr_len').value).toBe(20);
    expect(range(one(r, 'ip.len'))).toEqual([0, 16, 2]);
    expect(one(r, 'ip.id').value).toBe(0x1234);
    expect(range(one(r, 'ip.flags'))).toEqual([0, 20, 1]);
    expect(one(r, 'ip.flags.df').value).toBe(true);
    expect(range(one(r, 'ip.frag_offset'))).toEqual([0, 20, 2]);
    expect(range(one(r, 'ip.ttl'))).toEqual([0, 22, 1]);
    expect(range(one(r, 'ip.proto'))).toEqual([0, 23, 1]);
    expect(range(one(r, 'ip.checksum'))).toEqual([0, 24, 2]);
    expect(range(one(r, 'ip.src'))).toEqual([0, 26, 4]);
    expect(range(one(r, 'ip.dst'))).toEqual([0, 30, 4]);
    expect(items(r, 'ip.addr').map((i) => [i.start, i.hidden])).toEqual([[26, true], [30, true]]);
    expect(one(r, 'ip.src_host').value).toBe('10.0.0.2');
    expect(labelOf(r, 'ip')).toBe('Internet Protocol Version 4, Src: 10.0.0.2, Dst: 10.0.0.1');
    expect(labelOf(r, 'ip.hdr_len')).toBe('.... 0101 = Header Length: 20 bytes (5)');
    expect(labelOf(r, 'ip.dsfield')).toBe('Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)');
    expect(labelOf(r, 'ip.flags')).toBe("010. .... = Flags: 0x2, Don't fragment");
    expect(labelOf(r, 'ip.frag_offset')).toBe('...0 0000 0000 0000 = Fragment Offset: 0');
    expect(labelOf(r, 'ip.proto')).toBe('Protocol: UDP (17)');
    expect(labelOf(r, 'ip.checksum.status')).toBe('[Header checksum status: Unverified]');
    expect([r.columns.source, r.columns.destination]).toEqual(['10.0.0.2', '10.0.0.1']);
  });

  it('shows options with their names and addresses', () => {
    const r = dissectOne(v4(pk.udp(40001, 40002, te.encode('x')), 17, { options: [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x94, 4, 0, 0] }));
    expect(one(r, 'ip.hdr_len').value).toBe(36);
    expect(items(r, 'ip.opt.type').map((i) => i.value)).toEqual([7, 1, 148]);
    expect(items(r, 'ip.empty_rt').map(range)).toEqual([[0, 37, 4], [0, 41, 4]]);
    expect(labelOf(r, 'ip.empty_rt')).toBe('Empty Route: 0.0.0.0 <- (next)');
    expect(range(one(r, 'ip.opt.ra'))).toEqual([0, 48, 2]);
  });

  it('reassembles fragments into a data source and marks the first fragment', () => {
    const payload = pk.udp(40001, 40002, te.encode('abcdefgh'.repeat(3)));
    const { results, session, inputs } = dissectMany([
      v4(payload.subarray(0, 16), 17, { flagsFrag: 0x2000, id: 0x4242 }),
      v4(payload.subarray(16), 17, { flagsFrag: 0x0002, id: 0x4242 }),
    ]);
    expect(results[0].columns.info).toBe('Fragmented IP protocol (proto=UDP 17, off=0, ID=4242)');
    expect(results[0].layers).toEqual(['frame', 'eth', 'ethertype', 'ip', 'data']);
    expect(results[1].columns.info).toBe('40001 → 40002 Len=24');
    expect(results[1].sources.map((s) => s.name)).toEqual(['Frame', 'Reassembled IPv4 (32 bytes)']);
    expect(range(one(results[1], 'udp'))).toEqual([1, 0, 8]);
    expect(items(results[1], 'ip.fragment').map((i) => [i.value, i.start, i.length])).toEqual([[1, 0, 16], [2, 16, 16]]);
    expect(labelOf(results[1], 'ip.fragments')).toBe('[2 IPv4 Fragments (32 bytes): #1(16), #2(16)]');
    const again = session.dissect(inputs[0], { firstPass: false, mode: 'full' });
    expect(one(again, 'ip.reassembled_in').value).toBe(2);
    const second = session.dissect(inputs[1], { firstPass: false, mode: 'full' });
    expect(second.columns.info).toBe('40001 → 40002 Len=24');
  });

  it('reports bogus versions, header lengths and total lengths as tshark does', () => {
    const bogusIhl = v4(pk.udp(1, 2, te.encode('x')));
    bogusIhl[14] = 0x44;
    const a = dissectOne(bogusIhl);
    expect(a.columns.info).toBe('Bogus IP header length (16, must be at least 20)');
    expect(a.columns.source).toBe(pk.MAC_B);
    expect(items(a, 'ip.bogus_header_length')).toHaveLength(1);
    const badVersion = v4(pk.udp(1, 2, te.encode('x')));
    badVersion[14] = 0x55;
    expect(dissectOne(badVersion).columns.info).toBe('Bogus IPv4 version (5, must be 4)');
    const short = dissectOne(v4(pk.udp(1, 2, te.encode('x')), 17, { totalLength: 10 }));
    expect(short.columns.info).toBe('Bogus IP length (10, less than header length 20)');
    expect(labelOf(short, 'ip.len')).toBe('Total Length: 10 bytes (bogus, less than header length 20)');
    const long = dissectOne(v4(pk.udp(1, 2, te.encode('zzzz')), 17, { totalLength: 200 }));
    expect(items(long, 'ip.len.past_end')).toHaveLength(1);
    expect(long.columns.info).toBe('1 → 2 Len=4');
  });

  it('names unknown protocols and keeps the payload as data', () => {
    const r = dissectOne(v4(te.encode('hello'), 200));
    expect(r.columns.info).toBe('Unassigned (200)');
    expect(range(one(r, 'data.data'))).toEqual([0, 34, 5]);
  });

  it('survives a snaplen cut at every length, keeping the fields that were captured', () => {
    const frame = v4(pk.udp(40001, 40002, te.encode('payload')));
    expectCutsAreSafe(frame);
    const cut = dissectOne(frame.subarray(0, 30), { caplen: 30, origLen: frame.length });
    expect(one(cut, 'ip.src').value).toBe(0x0a000002);
    expect(items(cut, 'ip.dst')).toHaveLength(0);
    expect(cut.columns.info).toBe('[Packet size limited during capture]');
  });
});
