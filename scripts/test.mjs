#!/usr/bin/env node
// Runs the test suite in its two groups (vitest.config.ts): first the files that may share the cores,
// two at a time, then the files that run alone (live capture, servers, Chromium, time limits), one at a
// time. Arguments are passed to both vitest runs (a file filter, -t NAME, …). Exits non-zero when
// either run failed; the second runs even when the first failed, so one `npm test` lists every failure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
let failed = false;
for (const group of ['shared', 'alone']) {
  console.log(`\n== tests: ${group === 'shared' ? 'files that share the cores' : 'files that run alone'}`);
  // --passWithNoTests: a file filter may match files of one group only.
  const r = spawnSync(process.execPath, [vitest, 'run', '--passWithNoTests', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WIRELAB_TEST_GROUP: group },
  });
  if (r.status !== 0) {
    failed = true;
    console.error(
      `== tests (${group}): ${r.error ? r.error.message : `vitest exited with ${r.status ?? r.signal}`}`,
    );
  }
}
process.exit(failed ? 1 : 0);
