/**
 * Measuring helpers for benchmarks: run a command under GNU time for wall time and peak RSS (the same
 * accounting for Wirelab and the reference tool), and print aligned comparison tables.
 */
import { spawn, spawnSync } from 'node:child_process';

/** Measurement is one command's wall time and peak resident set size. */
export interface Measurement {
  wallSeconds: number;
  peakRssMb: number;
  exitCode: number;
  stdoutBytes: number;
}

/** measure runs `command args…` with stdout discarded (counted) and returns its figures. */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Measurement {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    env: { ...process.env, TZ: 'UTC', ...env },
    maxBuffer: 2 ** 31 - 1,
    encoding: 'buffer',
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = r.stderr.toString('utf8').trim().split('\n');
  const kb = Number(stderr[stderr.length - 1]);
  if (r.status !== 0) {
    process.stderr.write(`${command} ${args.join(' ')} exited ${r.status}: ${stderr.slice(-5).join('\n')}\n`);
  }
  return { wallSeconds: wall, peakRssMb: kb / 1024, exitCode: r.status ?? -1, stdoutBytes: r.stdout.length };
}

/**
 * measureConcurrent runs `copies` instances of `command args…` at the same time, each writing to a pipe
 * that is counted and discarded like {@link measure}'s, and returns the wall time until the last one
 * exits. With one copy per core and the parallel reader off, wall / copies is what a perfect split of
 * the same work across the cores would take: no dealing, merging, second warm-up or second compile.
 */
export async function measureConcurrent(copies: number, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: copies }, () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(command, args, { env: { ...process.env, TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.on('data', () => {});
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
      }),
    ),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** compareRow prints one line: what, ours, theirs, ratio, target verdict. */
export function compareRow(what: string, ours: Measurement, theirs: Measurement, timeTarget: number, memTarget: number): string {
  const tr = ours.wallSeconds / theirs.wallSeconds;
  const mr = ours.peakRssMb / theirs.peakRssMb;
  const ok = tr <= timeTarget && mr <= memTarget ? 'meets' : 'MISSES';
  return (
    `${what.padEnd(44)} wirelab ${ours.wallSeconds.toFixed(2).padStart(7)} s ${ours.peakRssMb.toFixed(0).padStart(6)} MB | ` +
    `tshark ${theirs.wallSeconds.toFixed(2).padStart(7)} s ${theirs.peakRssMb.toFixed(0).padStart(6)} MB | ` +
    `time ×${tr.toFixed(3)} (≤${timeTarget}) mem ×${mr.toFixed(3)} (≤${memTarget}) ${ok}`
  );
}
