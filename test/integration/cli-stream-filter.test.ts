/**
 * Demand-driven dissection for stream-constant display filters (SessionOptions.tcpStreamFilter,
 * docs/cli.md): with `-Y "tcp.port==25"` a TCP stream the filter rejects is numbered but neither
 * analysed nor reassembled nor handed to SMTP/POP. The printed output must be exactly that of a full
 * dissection: the same filter with `and frame` added (a field outside the stream-constant set, so no
 * stream is skipped) must print the same bytes — summaries, and fields that depend on other streams
 * (tcp.stream numbering) or on the analysis of shown streams — on the synthetic capture (thousands of
 * streams on several ports) and on every lab capture.
 */
import { describe, expect, it } from 'vitest';
import { cliTestBed } from '../support/cli-bed';
import type { RunResult } from '../support/tools';
import { compileFilter } from '../../src/shared/filter/index';
import { DissectionSession } from '../../src/main/engine/decode/session';
import { allModules } from '../../src/main/engine/modules';
import { streamConstant } from '../../src/main/cli/plan';
import { bytes, eth, icmp, ipv4, ipv6, MAC_A, MAC_B, tcp, udp, writePcap } from '../support/packets';
import { tsharkRaw } from '../support/tshark';
import * as path from 'node:path';

const bed = cliTestBed('wirelab-streamfilter-');
const wirelab = (args: string[]): Promise<RunResult> => bed.wirelab(args, 0);

const FIELDS = ['-T', 'fields', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.seq', '-e', 'tcp.analysis.flags', '-e', 'tcp.reassembled_in', '-e', 'smtp.req.command', '-e', 'pop.request.command', '-e', '_ws.col.Info'];

/** skippedEqualsFull expects `-Y filter` to print what `-Y "(filter) and frame"` prints. */
async function skippedEqualsFull(file: string, filter: string, extra: string[] = []): Promise<RunResult> {
  const skipped = await wirelab(['-r', file, ...extra, '-Y', filter]);
  const full = await wirelab(['-r', file, ...extra, '-Y', `(${filter}) and frame`]);
  expect(skipped.code, skipped.stderr).toBe(0);
  expect(full.code).toBe(0);
  expect(skipped.stdoutBytes.equals(full.stdoutBytes), `-Y ${filter} ${extra.join(' ')}: output differs from a full dissection`).toBe(true);
  return skipped;
}

describe('stream-constant display filters', () => {
  it('knows which filters give one answer for a whole TCP stream', () => {
    const registry = new DissectionSession(allModules).registry;
    const constant = (text: string) => {
      const compiled = compileFilter(text, registry.fields);
      if (!compiled.ok) throw new Error(compiled.error.message);
      return streamConstant(compiled.filter);
    };
    for (const f of ['tcp.port==25', 'tcp.port in {25, 110}', '!(tcp.port == 80)', 'tcp && tcp.port != 53', 'tcp.port == 25 || tcp.port == 587']) expect(constant(f), f).toBe(true);
    for (const f of ['tcp.srcport==25', 'smtp', 'tcp.port==25 and frame', 'ip.addr==10.0.0.25', 'tcp.port==25 && tcp.len > 0', 'tcp.stream == 3']) expect(constant(f), f).toBe(false);
    // `tcp` is the same for a whole stream only as a presence test: its bytes differ from frame to frame.
    for (const f of ['tcp.port==25 && tcp contains "MAIL"', 'tcp matches "ehlo"', 'len(tcp) > 20', 'tcp[13:1] == 12', 'tcp && !(tcp contains "x")']) expect(constant(f), f).toBe(false);
  });

  it('skips the rejected streams: their frames are not analysed (raw sequence numbers)', () => {
    // A session with the stream filter, fed one SYN to port 80 and one to port 25: only the second is analysed.
    const registry = new DissectionSession(allModules).registry;
    const compiled = compileFilter('tcp.port==25', registry.fields);
    if (!compiled.ok) throw new Error('filter');
    let asked = 0;
    const session = new DissectionSession(allModules, {
      keepFrameData: false,
      tcpStreamFilter: (frame) => {
        asked++;
        return frame.tree.get('tcp.port').some((o) => o.value === 25);
      },
    });
    const syn = (dport: number) => {
      const b = new Uint8Array(54);
      b.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00], 0);
      b.set([0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
      b.set([0x9c, 0x41, dport >> 8, dport & 255, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0], 34);
      return b;
    };
    const seqOf = (dport: number, n: number) => {
      const data = syn(dport);
      const r = session.dissect(
        { number: n, tsSec: 1, tsNsec: 0, firstSec: 1, firstNsec: 0, prevSec: 1, prevNsec: 0, caplen: 54, origLen: 54, linktype: 1, interfaceId: 0, data },
        { firstPass: true, mode: 'fields', interest: new Set(['tcp.port', 'tcp.seq']) },
      );
      return r.tree.get('tcp.seq')[0].value;
    };
    expect(seqOf(80, 1)).toBe(0x12345678);
    expect(seqOf(25, 2)).toBe(0);
    expect(asked).toBe(2);
  });

  it('prints what a full dissection prints on the bed.synthetic capture', async () => {
    for (const filter of ['tcp.port==25', 'tcp.port in {25, 110}', '!(tcp.port==25)', 'tcp.port==25 && tcp contains "Mail OK"']) {
      const out = await skippedEqualsFull(bed.synthetic, filter);
      expect(out.stdout.split('\n').length).toBeGreaterThan(100);
      await skippedEqualsFull(bed.synthetic, filter, FIELDS);
    }
  });

  it('skips only frames it is sure of: odd frames around a skipped stream print as in a full dissection and as tshark selects', async () => {
    // The file starts with a frame the skip drops (the time reference must still be it); shown and
    // skipped streams interleave (time deltas cross skipped frames); then frames the peek must leave to
    // the dissectors: fragments, an ICMP error quoting a port-25 segment, IP in IP, an IPv6 extension
    // header, VLAN tags, a segment cut by the snaplen, a bogus data offset, UDP on port 25.
    const text = (s: string) => new TextEncoder().encode(s);
    const v4 = (src: string, dst: string, payload: Uint8Array, o = {}) => eth(MAC_A, MAC_B, 0x0800, ipv4(src, dst, 6, payload, o));
    const seg = (sport: number, dport: number, seq: number, data: string, flags = 0x18) => tcp(sport, dport, seq, 1, flags, text(data));
    const frames: (Uint8Array | { data: Uint8Array; origLen: number })[] = [
      v4('10.0.0.9', '10.0.0.2', seg(40110, 110, 0, '', 0x02)),
      v4('10.0.0.1', '10.0.0.2', seg(40025, 25, 0, '', 0x02)),
      v4('10.0.0.2', '10.0.0.9', seg(110, 40110, 0, '', 0x12)),
      v4('10.0.0.2', '10.0.0.1', seg(25, 40025, 0, '', 0x12)),
      v4('10.0.0.2', '10.0.0.9', seg(110, 40110, 1, '+OK POP3 ready\r\n')),
      v4('10.0.0.2', '10.0.0.1', seg(25, 40025, 1, '220 ready\r\n')),
      v4('10.0.0.9', '10.0.0.2', seg(40110, 110, 1, 'USER student\r\n')),
      v4('10.0.0.1', '10.0.0.2', seg(40025, 25, 1, 'EHLO lab\r\n')),
      v4('10.0.0.1', '10.0.0.2', seg(40026, 25, 7, 'fragment'), { flagsFrag: 0x2000, id: 7 }),
      v4('10.0.0.1', '10.0.0.2', text('tail'), { flagsFrag: 0x0004, id: 7 }),
      v4('10.0.0.9', '10.0.0.2', seg(40111, 110, 7, 'fragment'), { flagsFrag: 0x2000, id: 8 }),
      eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.2', '10.0.0.1', 1, icmp(3, 3, [0, 0, 0, 0], ipv4('10.0.0.1', '10.0.0.2', 6, seg(40025, 25, 12, ''))))),
      eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.2', '10.0.0.9', 1, icmp(3, 3, [0, 0, 0, 0], ipv4('10.0.0.9', '10.0.0.2', 6, seg(40110, 110, 15, ''))))),
      eth(MAC_A, MAC_B, 0x0800, ipv4('10.9.0.1', '10.9.0.2', 4, ipv4('10.0.0.1', '10.0.0.2', 6, seg(40027, 25, 0, '', 0x02)))),
      eth(MAC_A, MAC_B, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 0, bytes([6, 0, 1, 4, 0, 0, 0, 0], seg(40028, 25, 0, '', 0x02)))),
      eth(MAC_A, MAC_B, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 6, seg(40029, 110, 0, '', 0x02))),
      bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00], ipv4('10.0.0.1', '10.0.0.2', 6, seg(40030, 110, 0, '', 0x02))),
      { data: v4('10.0.0.9', '10.0.0.2', seg(40110, 110, 15, 'PASS secret\r\n')).subarray(0, 60), origLen: 68 },
      v4('10.0.0.9', '10.0.0.2', bytes(seg(40112, 110, 0, 'x').subarray(0, 12), [0x40, 0x18], seg(40112, 110, 0, 'x').subarray(14))),
      eth(MAC_A, MAC_B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(40031, 25, text('not tcp')))),
      v4('10.0.0.2', '10.0.0.1', seg(25, 40025, 12, '250 lab\r\n')),
      v4('10.0.0.2', '10.0.0.9', seg(110, 40110, 18, '+OK\r\n')),
    ];
    const file = writePcap(path.join(bed.work, 'odd-frames.pcap'), frames);
    const times = ['-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_relative', '-e', 'frame.time_delta', '-e', 'frame.time_delta_displayed', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'];
    for (const filter of ['tcp.port == 25', '!(tcp.port == 25)', 'tcp.port in {25, 110}', 'tcp.port != 110', '!tcp', 'tcp']) {
      for (const workers of [0, 2]) {
        for (const extra of [[], times]) {
          const skipped = await bed.wirelab(['-r', file, ...extra, '-Y', filter], workers);
          const full = await bed.wirelab(['-r', file, ...extra, '-Y', `(${filter}) and frame`], workers);
          expect(skipped.code, skipped.stderr).toBe(0);
          expect(`${filter} (workers ${workers}):\n${skipped.stdout}`).toBe(`${filter} (workers ${workers}):\n${full.stdout}`);
        }
      }
      const numbers = ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'];
      const theirs = await tsharkRaw([...numbers, '-o', 'tcp.desegment_tcp_streams:TRUE']);
      expect(`${filter}: ${(await bed.wirelab(numbers, 0)).stdout}`).toBe(`${filter}: ${theirs.stdout}`);
    }
  });

  it('prints what a full dissection prints on every lab capture', async () => {
    for (const c of bed.captures) {
      const decodeAs = c.decodeAs.flatMap((rule) => ['-d', rule]);
      const port = c.decodeAs.length > 0 ? c.decodeAs[0].split(/==|,/)[1] : '25';
      await skippedEqualsFull(c.file, `tcp.port==${port} || tcp.port==110`, decodeAs);
      await skippedEqualsFull(c.file, `tcp.port==${port}`, [...decodeAs, ...FIELDS]);
    }
  }, 240_000);
});
