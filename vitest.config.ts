import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Test files that may run two at a time (one per core): they read captures (the run's lab set or files
 * they write), run the CLI and the engine in-process, spawn tshark and its tools on files, and assert
 * no timings. Most of the suite's time is tshark starting up (about 0.5 s of CPU a call), so these
 * gain most from a second core. Every other file runs alone: live capture on `lo` (also in a network
 * namespace), lab servers, telnet and mail clients, Chromium, worker-thread timing and per-input time
 * limits. A new file outside test/unit and test/conformance joins the shared group only when it is
 * named here.
 */
const SHARED = [
  /^test\/unit\//,
  /^test\/conformance\/[^/]+$/,
  /^test\/integration\/(captures|cli-parallel|cli-stream-filter|detail-locale|half-open|view-sort)\.test\.ts$/,
  /^test\/integration\/(fuzz\/mutations|mail\/messages)\.test\.ts$/,
];

/** files SHARED matches that must still run alone */
const ALONE = new Set([
  'test/conformance/columns.test.ts', // captures on lo
  'test/conformance/decode.test.ts', // captures on lo
  'test/conformance/mail.test.ts', // captures on lo
  'test/conformance/tcp.test.ts', // captures in a network namespace
  'test/unit/filter/fuzz.test.ts', // asserts a time per input
]);

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** testFiles lists the `.test.ts` files under `dir`, as paths relative to the repository */
function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const shared = (file: string): boolean => !ALONE.has(file) && SHARED.some((re) => re.test(file));

/**
 * WIRELAB_TEST_GROUP picks a group: `shared` (two files at a time) or `alone` (one at a time).
 * scripts/test.mjs, which `npm test` runs, runs both, one after the other. Without it every file runs,
 * one at a time.
 */
const group = process.env.WIRELAB_TEST_GROUP;
const files = testFiles('test');

export default defineConfig({
  test: {
    include:
      group === 'shared'
        ? files.filter(shared)
        : group === 'alone'
          ? files.filter((f) => !shared(f))
          : ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at once share the cores with each other's tshark and worker processes: a test that takes
    // 20 s alone was measured at 60 s beside the heaviest files, hence the longer limits there.
    testTimeout: group === 'shared' ? 180_000 : 60_000,
    hookTimeout: group === 'shared' ? 240_000 : 120_000,
    pool: 'forks',
    maxWorkers: group === 'shared' ? Math.max(1, Math.min(2, availableParallelism())) : 1,
  },
});
