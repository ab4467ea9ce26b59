/**
 * The foundation issue's conformance list: for every standard lab capture (lo Ethernet, -i any SLL and
 * SLL2, IPv6) in every file format (pcap µs, pcap ns, pcapng), `wirelab -r F -T fields` with this field
 * list equals tshark's output on the same file, row for row.
 */
import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/main/cli/index';
import { tsharkRaw } from '../support/tshark';

const FIELDS = [
  'frame.number', 'frame.len', 'frame.time_relative', 'eth.src', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.len', 'tcp.seq', 'tcp.ack',
];
const captures = inject('captures').captures;

async function ours(args: string[]): Promise<string> {
  let out = '';
  const code = await main(args, { stdout: (t: string) => (out += t), stderr: () => undefined, sameTarget: false } as unknown as Parameters<typeof main>[1]);
  expect(code).toBe(0);
  return out;
}

describe('foundation fields equal tshark on every capture and format', () => {
  for (const [name, c] of Object.entries(captures)) {
    for (const [format, file] of [['pcap', c.file], ['nsec pcap', c.nsec], ['pcapng', c.pcapng]] as const) {
      it(`${name} (${format})`, async () => {
        const args = ['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
        const theirs = await tsharkRaw([...args.slice(0, 2), '-o', 'tcp.desegment_tcp_streams:TRUE', ...args.slice(2)]);
        expect(theirs.code).toBe(0);
        expect((await ours(args)).split('\n')).toEqual(theirs.stdout.split('\n'));
      });
    }
  }
});
