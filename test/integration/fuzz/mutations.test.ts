/**
 * Mutation fuzz (Wireshark's own practice): `editcap -E 0.02 --seed N` flips bytes of every standard lab
 * capture (also with `-o 54`, sparing the link/IP/TCP headers so that payload bytes are hit). Each
 * mutated file is loaded by the engine: no exception may escape, every frame gets a summary row, and
 * every frame's detail tree and bytes can be built. A fast sample runs in `npm test`; the full 1000
 * mutations per fixture run with WIRELAB_LONG=1 (`npm run test:long`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../../src/main/engine/workbench';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { run } from '../../support/tools';

const captures = inject('captures').captures;
const LONG = process.env.WIRELAB_LONG === '1';
const PER_FIXTURE = LONG ? 1000 : 25;
const dir = mkdtempSync(join(tmpdir(), 'wirelab-fuzz-'));

async function checkFile(path: string): Promise<void> {
  const expected = readCaptureFileSync(path).records.length;
  const workbench = new Workbench({ labServer: false });
  const info = await workbench['file.open'](path);
  expect(info.counts.frames).toBe(expected);
  const rows = workbench['view.rows'](0, expected + 1);
  expect(rows.map((r) => r.number)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
  for (const row of rows) {
    expect(typeof row.info).toBe('string');
    const detail = workbench['frame.detail'](row.number);
    expect(detail.tree.length).toBeGreaterThan(0);
    expect(detail.sources[0].bytes.length).toBeGreaterThan(0);
  }
  // Filters over damaged frames give answers, not exceptions.
  for (const f of ['smtp', 'pop || imf', 'tcp.len > 0 && !tcp.analysis.flags', 'frame contains "MAIL"']) {
    expect((await workbench['view.setFilter'](f)).ok).toBe(true);
  }
}

describe('editcap mutations never break the engine', () => {
  const names = Object.keys(captures) as (keyof typeof captures)[];
  for (const name of names) {
    it(`${name}: ${PER_FIXTURE} mutations (${LONG ? 'full' : 'sample'})`, { timeout: LONG ? 3_600_000 : 120_000 }, async () => {
      for (let seed = 1; seed <= PER_FIXTURE; seed++) {
        const out = join(dir, `${name}-${seed}.pcap`);
        const spareHeaders = seed % 2 === 0 ? ['-o', '54'] : [];
        await run('editcap', ['-E', '0.02', '--seed', String(seed), ...spareHeaders, captures[name].file, out]);
        await checkFile(out);
      }
    });
  }
});
