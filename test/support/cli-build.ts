/**
 * buildCli builds the app (`electron-vite build`) into test-artifacts/cli-build once and reuses it while it
 * is newer than every main-process and shared source: tests that need the bundled CLI — its worker
 * threads only exist as built files — run `node <dir>/main/cli.js`. Not out/, which engineers use.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO = path.resolve(import.meta.dirname, '../..');
const BUILD_DIR = path.join(REPO, 'test-artifacts', 'cli-build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** buildCli returns the path of the built CLI entry (main/cli.js), building it first when stale. */
export async function buildCli(): Promise<string> {
  const cli = path.join(BUILD_DIR, 'main', 'cli.js');
  const sources = Math.max(
    newestMtime(path.join(REPO, 'src/main')),
    newestMtime(path.join(REPO, 'src/shared')),
    statSync(path.join(REPO, 'electron.vite.config.ts')).mtimeMs,
  );
  if (existsSync(cli) && statSync(cli).mtimeMs > sources) return cli;
  const bin = path.join(REPO, 'node_modules/electron-vite/bin/electron-vite.js');
  await promisify(execFile)(process.execPath, [bin, 'build', '--outDir', BUILD_DIR, '--logLevel', 'warn'], { cwd: REPO, timeout: 180_000 });
  return cli;
}
