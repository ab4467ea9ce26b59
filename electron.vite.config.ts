/**
 * Build of the three Electron targets into out/{main,preload,renderer} (`npm run build`).
 *
 * - main: two entries sharing chunks. `index` is the Electron app (package.json "main"); `cli` is the
 *   tshark-like CLI that bin/wirelab.js runs under plain Node, so main targets the oldest Node we support
 *   (package.json engines), not Electron's Node. Runtime dependencies (`cap` is native) stay external.
 * - preload: the window is sandboxed, and a sandboxed preload is not loaded as an ES module and can only
 *   `require('electron')`, so it is one self-contained CommonJS file, out/preload/index.cjs.
 * - renderer: React; workers are emitted as ES modules so Monaco's language workers can be bundled
 *   (`new Worker(new URL(..., import.meta.url), { type: 'module' })` or `?worker` imports).
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

const NODE_BUILTINS = builtinModules.flatMap((name) => [name, `node:${name}`]);
const MAIN_EXTERNALS = ['cap', 'smtp-server', 'ws', 'electron', /^electron\//, ...NODE_BUILTINS];

/**
 * The dev server (`electron-vite dev`) injects an inline React-refresh preamble and a websocket, which the
 * production CSP forbids; drop the CSP meta in dev only. Builds keep it (asserted by a test).
 */
function relaxCspInDevServer(): Plugin {
  return {
    name: 'wirelab:relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html: string) =>
      html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig({
  main: {
    build: {
      target: 'node20.19',
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/electron/index.ts'),
          cli: resolve(root, 'src/main/cli/index.ts'),
          'cli-worker': resolve(root, 'src/main/cli/worker.ts'),
        },
        external: MAIN_EXTERNALS,
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      // Bundle everything except electron: a sandboxed preload cannot require files or packages.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react(), relaxCspInDevServer()],
    worker: { format: 'es' },
    build: {
      rolldownOptions: { input: resolve(root, 'src/renderer/index.html') },
    },
  },
});
