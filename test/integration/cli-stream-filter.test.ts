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

  it('prints what a full dissection prints on every lab capture', async () => {
    for (const c of bed.captures) {
      const decodeAs = c.decodeAs.flatMap((rule) => ['-d', rule]);
      const port = c.decodeAs.length > 0 ? c.decodeAs[0].split(/==|,/)[1] : '25';
      await skippedEqualsFull(c.file, `tcp.port==${port} || tcp.port==110`, decodeAs);
      await skippedEqualsFull(c.file, `tcp.port==${port}`, [...decodeAs, ...FIELDS]);
    }
  }, 240_000);
});
