/**
 * cliTestBed: what the CLI integration tests share — the bundled CLI (built when stale), a synthetic
 * capture of 12k frames (bench/gen-capture.ts: thousands of address pairs, SMTP/POP/bulk/DNS) in a
 * temporary directory removed afterwards, the lab captures, and a runner with a chosen worker count.
 * Call it at the top level of a test file: it registers the beforeAll/afterAll hooks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { generate } from '../../bench/gen-capture';
import { buildCli } from './app-build';
import type { LabCapture } from './lab-captures';
import { run, type RunResult } from './tools';

export interface CliTestBed {
  cli: string;
  work: string;
  synthetic: string;
  captures: LabCapture[];
  /** wirelab runs the built CLI with WIRELAB_WORKERS=workers (0 = one thread), TZ=UTC, never throwing on exit codes. */
  wirelab(args: string[], workers: number): Promise<RunResult>;
}

export function cliTestBed(prefix: string): CliTestBed {
  const bed: CliTestBed = {
    cli: '',
    work: '',
    synthetic: '',
    captures: [],
    wirelab: (args, workers) =>
      run(process.execPath, [bed.cli, ...args], { env: { ...process.env, TZ: 'UTC', WIRELAB_WORKERS: String(workers) }, allowFailure: true, timeoutMs: 120_000 }),
  };
  beforeAll(async () => {
    bed.cli = await buildCli();
    bed.work = mkdtempSync(path.join(tmpdir(), prefix));
    bed.synthetic = path.join(bed.work, 'synthetic.pcap');
    generate(bed.synthetic, 12_000);
    bed.captures = Object.values(inject('captures').captures);
  }, 240_000);
  afterAll(() => rmSync(bed.work, { recursive: true, force: true }));
  return bed;
}
