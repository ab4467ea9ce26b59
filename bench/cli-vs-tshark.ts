/**
 * CLI against tshark on the synthetic capture (issues: foundation, dissectors, filters):
 *  - `-T fields -e frame.number -e ip.src -e tcp.srcport`: target ≤ 1/5 of tshark's time, ≤ 1/2 its RSS;
 *  - `-r F` summaries (full first pass incl. reassembly and SMTP/POP/IMF): ≤ 1/4 time, ≤ 1/2 RSS;
 *  - `-Y "tcp.port==25"`: ≤ 1/4 time.
 * Both tools write to a pipe that is counted and discarded, measured with GNU time in the same run.
 * Wirelab runs as installed (sharded across worker threads on a multi-core machine, docs/cli.md) and
 * again on one thread (WIRELAB_WORKERS=0) for reference. Last, as many one-thread runs as there are
 * cores run at once: their wall time divided by the cores is the floor a perfect split of today's
 * per-frame work would reach (no dealing, merging or second warm-up), printed as a ratio to tshark.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { compareRow, measure, measureConcurrent } from './lib/measure';

const capture = process.argv[2];
const cli = join(process.cwd(), 'bin', 'wirelab.js');
if (!capture || !existsSync(capture)) throw new Error('usage: cli-vs-tshark CAPTURE');
if (!existsSync(join(process.cwd(), 'out', 'main', 'cli.js'))) throw new Error('run electron-vite build first');

const cases: { what: string; args: string[]; time: number; mem: number }[] = [
  { what: '-T fields frame.number ip.src tcp.srcport', args: ['-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.srcport'], time: 0.2, mem: 0.5 },
  { what: '-r F (summary, full first pass)', args: [], time: 0.25, mem: 0.5 },
  { what: '-Y "tcp.port==25"', args: ['-Y', 'tcp.port==25'], time: 0.25, mem: 1 },
];
console.log(`capture: ${capture}`);
/**
 * fastest keeps the fastest of `repeat` runs of each command (noise on a shared machine only adds time).
 * The commands take turns within each round, so a slow spell of the host (they last minutes here) weighs
 * on both tools rather than on whichever ran during it.
 */
function fastest(runs: { command: string; args: string[]; env?: NodeJS.ProcessEnv }[]): ReturnType<typeof measure>[] {
  const best: (ReturnType<typeof measure> | undefined)[] = runs.map(() => undefined);
  for (let i = 0; i < repeat; i++) {
    runs.forEach((r, k) => {
      const m = measure(r.command, r.args, r.env ?? {});
      if (best[k] === undefined || m.wallSeconds < best[k]!.wallSeconds) best[k] = m;
    });
  }
  return best as ReturnType<typeof measure>[];
}
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 2));
console.log(`each figure is the fastest of ${repeat} runs (BENCH_REPEAT), the commands taking turns`);
for (const c of cases) {
  // The last run is the same on one thread (the parallel reader turned off), for reference.
  const [ours, theirs, one] = fastest([
    { command: process.execPath, args: [cli, '-r', capture, ...c.args] },
    { command: 'tshark', args: ['-r', capture, '-o', 'tcp.desegment_tcp_streams:TRUE', ...c.args] },
    { command: process.execPath, args: [cli, '-r', capture, ...c.args], env: { WIRELAB_WORKERS: '0' } },
  ]);
  console.log(compareRow(c.what, ours, theirs, c.time, c.mem));
  console.log(
    `${''.padEnd(44)} one thread: ${one.wallSeconds.toFixed(2)} s ${one.peakRssMb.toFixed(0)} MB; ` +
      `output bytes: wirelab ${ours.stdoutBytes} (one thread ${one.stdoutBytes}), tshark ${theirs.stdoutBytes}`,
  );
  const cores = availableParallelism();
  if (cores >= 2) {
    const together = await measureConcurrent(cores, process.execPath, [cli, '-r', capture, ...c.args], { WIRELAB_WORKERS: '0' });
    console.log(
      `${''.padEnd(44)} ${cores} one-thread runs at once: ${together.toFixed(2)} s; a perfect ${cores}-core split: ` +
        `${(together / cores).toFixed(2)} s = ×${(together / cores / theirs.wallSeconds).toFixed(3)} of tshark`,
    );
  }
}
