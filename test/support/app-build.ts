/**
 * Test builds of the app: `electron-vite build` into a folder of test-artifacts/ (not out/, which
 * engineers use), reused while its product is newer than every source it depends on. The e2e tests
 * build the renderer (test/e2e/browser.ts); the parallel CLI tests need the bundled CLI, whose worker
 * threads only exist as built files.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const REPO = path.resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * buildApp runs `electron-vite build` into `outDir` unless `product` (a file in it) is newer than every
 * file under `sources` (folders of the repository) and the build config.
 */
export async function buildApp(outDir: string, product: string, sources: string[]): Promise<void> {
  const target = path.join(outDir, product);
  const newest = Math.max(...sources.map((dir) => newestMtime(path.join(REPO, dir))), statSync(path.join(REPO, 'electron.vite.config.ts')).mtimeMs);
  if (existsSync(target) && statSync(target).mtimeMs > newest) return;
  const bin = path.join(REPO, 'node_modules/electron-vite/bin/electron-vite.js');
  await promisify(execFile)(process.execPath, [bin, 'build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: REPO, timeout: 180_000 });
}

/** buildCli returns the path of the built CLI entry (main/cli.js) in test-artifacts/cli-build, built when stale. */
export async function buildCli(): Promise<string> {
  const dir = path.join(REPO, 'test-artifacts', 'cli-build');
  await buildApp(dir, 'main/cli.js', ['src/main', 'src/shared']);
  return path.join(dir, 'main', 'cli.js');
}
