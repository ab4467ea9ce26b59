#!/usr/bin/env node
// `npm start`: install npm packages if needed, build, then run the Electron app. When the Electron binary
// is not installed (its download is disabled in package.json allowScripts, and offline lab machines
// cannot fetch it), run the same UI through the web host in a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function log(message) {
  process.stderr.write(`start: ${message}\n`);
}

function runOrExit(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: repoRoot });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** electronBinary returns the installed Electron executable, or the reason there is none. */
function electronBinary() {
  const moduleDir = path.join(repoRoot, 'node_modules', 'electron');
  const pathFile = path.join(moduleDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { reason: 'node_modules/electron/path.txt is missing (the Electron binary was never downloaded)' };
  }
  const binary = path.join(moduleDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `${path.relative(repoRoot, binary)} is missing` };
  return { binary };
}

/** forward runs a child with inherited stdio, forwards Ctrl-C/termination, and exits with its status. */
function forward(command, args) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

runOrExit(['scripts/prereq.mjs', '--npm']);
runOrExit(['node_modules/electron-vite/bin/electron-vite.js', 'build']);

// `npm start -- FILE` opens FILE; children run in the repository, so an existing file is made absolute here.
const userArgs = process.argv.slice(2).map((arg) => (!arg.startsWith('-') && existsSync(arg) ? path.resolve(arg) : arg));

const electron = electronBinary();
if (electron.binary) {
  // Chromium refuses to start as root with its OS sandbox; the renderer stays sandboxed in-process.
  const isRoot = process.platform === 'linux' && process.getuid?.() === 0;
  forward(electron.binary, ['.', ...(isRoot ? ['--no-sandbox'] : []), ...userArgs]);
} else {
  // `wirelab web` starts the engine, the lab mail server and the web host, and prints its URL
  // (`Wirelab: http://127.0.0.1:PORT/?token=…`) for the browser.
  log(`no Electron binary: ${electron.reason}; starting the web host instead (open the URL below in your browser).`);
  forward(process.execPath, ['bin/wirelab.js', 'web', ...userArgs]);
}
