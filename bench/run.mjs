#!/usr/bin/env node
/**
 * `npm run bench`: bundles each bench/*.ts script with rolldown into out/bench/ and runs them in order.
 * Every script prints its own figures next to the reference tool's (tshark, tcpdump) from the same run.
 * The synthetic capture is generated once into bench/data/ (gitignored) and reused.
 *
 * Usage: npm run bench [-- NAME…]   (NAME = a script name without .ts, e.g. cli-vs-tshark)
 *        BENCH_PACKETS=100000 npm run bench   (a smaller capture for a quick look)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, { recursive: true });
const order = ['gen-capture', 'cli-vs-tshark', 'engine-filters', 'reassembly', 'half-open', 'filter-eval', 'decode-speed', 'live-capture', 'ui-perf'];
const helpers = ['udp-sender'];
const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2);
const names = [...order.filter((n) => available.includes(n)), ...available.filter((n) => !order.includes(n))].filter(
  (n) => wanted.length === 0 || wanted.includes(n) || n === 'gen-capture' || helpers.includes(n),
);

const rolldown = join(root, 'node_modules', '.bin', 'rolldown');
for (const name of names) {
  execFileSync(rolldown, [join(root, 'bench', `${name}.ts`), '--platform', 'node', '--format', 'esm', '-o', join(outDir, `${name}.mjs`),
    '--external', 'cap', '--external', 'smtp-server', '--external', 'ws', '--external', 'playwright-core'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const packets = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const capture = join(root, 'bench', 'data', `synthetic-${packets}.pcap`);
if (!existsSync(capture)) {
  mkdirSync(dirname(capture), { recursive: true });
  console.log(`# generating ${capture}`);
  execFileSync(process.execPath, [join(outDir, 'gen-capture.mjs'), capture, String(packets)], { stdio: 'inherit' });
}

let failed = 0;
for (const name of names.filter((n) => n !== 'gen-capture' && !helpers.includes(n))) {
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(outDir, `${name}.mjs`), capture], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench ${name} exited with ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
