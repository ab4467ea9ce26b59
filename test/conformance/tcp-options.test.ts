/**
 * TCP options against tshark 4.0.17, on segments built byte by byte: the option list is read as tshark
 * reads it — zero bytes after EOL are more EOLs, anything else is "Non-zero header padding"; an option
 * whose length byte is missing, too short or runs past the header ends the list with an "Invalid length
 * for option" note; a SYN without MSS and a non-SYN with MSS are noted; an unknown kind is
 * "Unknown (0x99)" in the Options label; an urgent pointer without URG is noted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliStdout as wirelab } from '../support/cli-stdout';
import { filled, labFrame, tcp, writePcap } from '../support/packets';
import { tsharkRaw } from '../support/tshark';

const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

describe('TCP option lists (tshark 4.0)', () => {
  /** [side, relative seq, relative ack, flags, options, payload length, urgent pointer] */
  const segs: ['c' | 's', number, number, number, number[], number, number][] = [
    ['c', 0, 0, SYN, [1, 1, 1, 1], 0, 0], // a SYN without MSS
    ['s', 0, 1, SYN | ACK, [2, 4, 5, 180, 0, 0, 0, 0], 0, 0], // EOL and zero padding: four EOLs
    ['c', 1, 1, ACK, [2, 4, 5, 180], 0, 0], // MSS outside a SYN
    ['c', 1, 1, PSH | ACK, [], 5, 3], // urgent pointer without URG
    ['c', 6, 1, ACK, [0, 1, 2, 3], 0, 0], // non-zero bytes after EOL
    ['c', 6, 1, ACK, [1, 1, 1, 8], 0, 0], // the length byte is missing
    ['c', 6, 1, ACK, [8, 1, 0, 0], 0, 0], // a length below 2
    ['c', 6, 1, ACK, [8, 10, 0, 0], 0, 0], // a length past the header
    ['c', 6, 1, ACK, [0x99, 4, 1, 2, 1, 1, 0, 0], 0, 0], // an unknown kind
  ];
  const frames = segs.map(([side, seq, ack, flags, options, len, urgent]) => {
    const c = side === 'c';
    return labFrame(c, tcp(c ? 40059 : 9, c ? 9 : 40059, (c ? 5000 : 9000) + seq, (c ? 9000 : 5000) + ack, flags, filled(len, 0x78), { window: 1000, urgent, options }));
  });
  const file = writePcap(path.join(mkdtempSync(path.join(tmpdir(), 'wirelab-opts-')), 'options.pcap'), frames);
  const fields = [
    'frame.number', '_ws.col.Info', 'tcp.options', 'tcp.options.eol', 'tcp.options.mss', 'tcp.option_kind', 'tcp.option_len', 'tcp.options.unknown.payload',
    'tcp.option.len.invalid', 'tcp.options.mss.absent', 'tcp.options.mss.present', 'tcp.non_zero_bytes_after_eol', 'tcp.urgent_pointer.non_zero', '_ws.expert.message',
  ];

  for (const pass of [[], ['-2']]) {
    it(`fields and the TCP tree are tshark's${pass.length ? ' (two passes)' : ''}`, async () => {
      const args = [...pass, '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const theirs = await tsharkRaw(args);
      expect(theirs.stdout).toContain('Timestamps (option length = 10 bytes says option goes past end of options)');
      expect(theirs.stdout).toContain('Non-zero header padding');
      expect(await wirelab(args)).toBe(theirs.stdout);
      const tree = [...pass, '-r', file, '-V', '-O', 'tcp'];
      expect(await wirelab(tree)).toBe((await tsharkRaw(tree)).stdout);
    });
  }
});
