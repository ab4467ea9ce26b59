/**
 * Builds the app once into a temporary folder (not out/, which other tests may be reading) and checks
 * what only the real build can show: the renderer's CSP meta tag, the sandbox-compatible preload format,
 * and the two main entries.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../../src/main/electron/csp';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const electronViteBin = path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js');
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'wirelab-build-'));
  await promisify(execFile)(
    process.execPath,
    [electronViteBin, 'build', '--outDir', outDir, '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      timeout: 60_000,
    },
  );
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('electron-vite build', () => {
  it('puts the CSP meta tag, identical to RENDERER_CSP, in the built index.html', () => {
    const html = readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/s.exec(html);
    expect(meta?.[1]).toBe(RENDERER_CSP);
    expect(html).toContain('<title>Wirelab</title>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('emits the preload as one CommonJS file that only requires electron', () => {
    const preload = readFileSync(path.join(outDir, 'preload/index.cjs'), 'utf8');
    expect(preload).not.toMatch(/^\s*import\s/m);
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("wirelab"');
  });

  it('emits the Electron main and the CLI, and the CLI never loads electron', () => {
    expect(existsSync(path.join(outDir, 'main/index.js'))).toBe(true);
    const cli = readFileSync(path.join(outDir, 'main/cli.js'), 'utf8');
    expect(cli).not.toMatch(/from ["']electron["']/);
    expect(cli).toMatch(/export \{[^}]*\bmain\b[^}]*\}/);
  });
});
