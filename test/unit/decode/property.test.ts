/**
 * Property: random bytes under every link type we decode (and random mutations of valid frames) never
 * make dissection throw, always give string columns, and the frame layer always comes first.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as pk from '../../support/packets';
import { dissectOne } from './helpers';

const LINKTYPES = [0, 1, 101, 113, 228, 229, 276];
const te = new TextEncoder();
const seeds = [
  pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 17, pk.udp(40000, 53, pk.dnsQuery(1, 'example.lab')))),
  pk.eth(pk.MAC_A, pk.MAC_B, 0x0800, pk.ipv4('10.0.0.2', '10.0.0.1', 1, pk.icmp(3, 3, [0, 0, 0, 0], pk.ipv4('10.0.0.1', '10.0.0.2', 17, pk.udp(1, 2, te.encode('x')))))),
  pk.eth(pk.MAC_A, pk.MAC_B, 0x86dd, pk.ipv6('fe80::1', 'fe80::2', 0, pk.bytes([17, 0, 5, 2, 0, 0, 1, 0], pk.udp(1, 2, te.encode('hop'))))),
  pk.eth('ff:ff:ff:ff:ff:ff', pk.MAC_B, 0x0806, pk.arp(1, pk.MAC_B, '10.0.0.2', '00:00:00:00:00:00', '10.0.0.1')),
];

function check(data: Uint8Array, linktype: number, origLen = data.length): void {
  for (const mode of ['none', 'fields', 'full'] as const) {
    const r = dissectOne(data, { linktype, caplen: data.length, origLen }, mode);
    expect(r.layers[0]).toBe('frame');
    expect(typeof r.columns.protocol).toBe('string');
    expect(typeof r.columns.info).toBe('string');
  }
}

describe('decode property', () => {
  it('random bytes with each link type never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINKTYPES), fc.uint8Array({ maxLength: 200 }), fc.nat(100), (linktype, data, extra) => {
        check(data, linktype, data.length + extra);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid frames never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(120), (seed, edits, cut) => {
        const data = seed.slice();
        for (const [at, value] of edits) if (data.length) data[at % data.length] = value;
        check(data.subarray(0, Math.min(cut, data.length)), 1, data.length);
        check(data, 1);
      }),
      { numRuns: 3000 },
    );
  });
});
