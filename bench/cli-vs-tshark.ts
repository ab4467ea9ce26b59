/**
 * CLI against tshark on the synthetic capture (issues: foundation, dissectors, filters):
 *  - `-T fields -e frame.number -e ip.src -e tcp.srcport`: target ≤ 1/5 of tshark's time, ≤ 1/2 its RSS;
 *  - `-r F` summaries (full first pass incl. reassembly and SMTP/POP/IMF): ≤ 1/4 time, ≤ 1/2 RSS;
 *  - `-Y "tcp.port==25"`: ≤ 1/4 time.
 * Both tools write to a pipe that is counted and discarded, measured with GNU time in the same run.
 * Wirelab runs as installed (sharded across worker threads on a multi-core machine, docs/cli.md) and
 * again on one thread (WIRELAB_WORKERS=0) for reference.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareRow, measure } from './lib/measure';

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
/** best runs a command `repeat` times and keeps its fastest run (noise on a shared machine only adds time). */
function best(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof measure> {
  let fastest: ReturnType<typeof measure> | undefined;
  for (let i = 0; i < repeat; i++) {
    const m = measure(command, args, env);
    if (fastest === undefined || m.wallSeconds < fastest.wallSeconds) fastest = m;
  }
  return fastest!;
}
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 2));
console.log(`each figure is the fastest of ${repeat} runs (BENCH_REPEAT)`);
for (const c of cases) {
  const ours = best(process.execPath, [cli, '-r', capture, ...c.args]);
  const theirs = best('tshark', ['-r', capture, '-o', 'tcp.desegment_tcp_streams:TRUE', ...c.args]);
  // The same run on one thread (the parallel reader turned off), for reference.
  const one = best(process.execPath, [cli, '-r', capture, ...c.args], { WIRELAB_WORKERS: '0' });
  console.log(compareRow(c.what, ours, theirs, c.time, c.mem));
  console.log(
    `${''.padEnd(44)} one thread: ${one.wallSeconds.toFixed(2)} s ${one.peakRssMb.toFixed(0)} MB; ` +
      `output bytes: wirelab ${ours.stdoutBytes} (one thread ${one.stdoutBytes}), tshark ${theirs.stdoutBytes}`,
  );
}
