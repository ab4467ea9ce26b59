#!/usr/bin/env node
// Installs what Wirelab needs on a fresh machine, before node_modules exists (plain Node, no deps).
//
//   node scripts/prereq.mjs         system tools for building and testing + npm packages (npm test)
//   node scripts/prereq.mjs --npm   only what `npm ci` needs + npm packages (npm start, npm run build)
//
// On Debian/Ubuntu as root it runs `apt-get update` once and installs what is missing, non-interactively.
// Anywhere else it prints the one command to run and exits 1. REQUIREMENTS below is the only list.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every system prerequisite: the Debian package, how to tell it is present (a command on PATH or a
 * file), and why we need it. `phase: 'build'` is needed by `npm ci` itself (the `cap` native addon is
 * compiled by node-gyp against libpcap); `phase: 'test'` only by the test suite.
 */
const REQUIREMENTS = [
  {
    pkg: 'libpcap-dev',
    files: ['/usr/include/pcap.h', '/usr/include/pcap/pcap.h'],
    phase: 'build',
    why: 'cap addon headers',
  },
  { pkg: 'g++', commands: ['g++'], phase: 'build', why: 'compiles the cap addon' },
  { pkg: 'make', commands: ['make'], phase: 'build', why: 'node-gyp' },
  { pkg: 'python3', commands: ['python3'], phase: 'build', why: 'node-gyp, test helpers' },
  { pkg: 'tshark', commands: ['tshark'], phase: 'test', why: 'reference dissector (conformance tests)' },
  {
    pkg: 'wireshark-common',
    commands: ['editcap', 'capinfos', 'dumpcap', 'randpkt'],
    phase: 'test',
    why: 'capture files, live capture and fuzz input for tests',
  },
  { pkg: 'tcpdump', commands: ['tcpdump'], phase: 'test', why: 'second reference reader and capture tool' },
  { pkg: 'chromium', commands: ['chromium', 'chromium-browser'], phase: 'test', why: 'end-to-end UI tests' },
  { pkg: 'inetutils-telnet', commands: ['telnet'], phase: 'test', why: 'lab sessions as students type them' },
  { pkg: 'tmux', commands: ['tmux'], phase: 'test', why: 'drives interactive telnet in tests' },
  { pkg: 'curl', commands: ['curl'], phase: 'test', why: 'web host tests' },
];

const MIN_NODE = [20, 19];

function log(message) {
  process.stderr.write(`prereq: ${message}\n`);
}

function onPath(command) {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const extension of extensions) {
      try {
        accessSync(path.join(dir, command + extension), constants.X_OK);
        return true;
      } catch {
        // keep looking
      }
    }
  }
  return false;
}

function isPresent(requirement) {
  if (requirement.files) return requirement.files.some((file) => existsSync(file));
  return requirement.commands.some(onPath);
}

function run(command, args, options = {}) {
  log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    log(
      `Node ${process.versions.node} is too old: install Node ${MIN_NODE.join('.')} or newer (https://nodejs.org).`,
    );
    process.exit(1);
  }
}

function isDebianLike() {
  if (process.platform !== 'linux' || !onPath('apt-get')) return false;
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

/** ensureSystemPackages installs (or asks for) the packages of the given phases that are missing. */
function ensureSystemPackages(phases) {
  // System packages are Linux tooling; on Windows/macOS the app builds with the platform toolchain and
  // the test suite is run on Linux (CI), so only report there.
  const wanted = REQUIREMENTS.filter((requirement) => phases.includes(requirement.phase));
  if (process.platform !== 'linux') {
    const missingCommands = wanted.filter((r) => r.commands && !isPresent(r)).map((r) => r.commands[0]);
    if (missingCommands.length > 0)
      log(`not on Linux; these tools are missing: ${missingCommands.join(', ')}`);
    return;
  }
  const missing = wanted.filter((requirement) => !isPresent(requirement));
  if (missing.length === 0) return;
  const packages = missing.map((requirement) => requirement.pkg);
  log(`missing: ${missing.map((r) => `${r.pkg} (${r.why})`).join(', ')}`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isDebianLike() || !isRoot) {
    const command = isDebianLike()
      ? `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`
      : `install the equivalents of these Debian packages with your package manager: ${packages.join(' ')}`;
    log(`run this, then try again:\n\n  ${command}\n`);
    process.exit(1);
  }
  // noninteractive: wireshark-common asks (debconf) whether non-root users may capture; take the default.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  if (run('apt-get', ['update'], { env }) !== 0) process.exit(1);
  const installArgs = ['install', '-y', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef'];
  if (run('apt-get', [...installArgs, ...packages], { env }) !== 0) process.exit(1);
  const stillMissing = missing.filter((requirement) => !isPresent(requirement));
  if (stillMissing.length > 0) {
    log(`installed, but still not found: ${stillMissing.map((r) => r.pkg).join(', ')}`);
    process.exit(1);
  }
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** needsNpmInstall is true without node_modules or when package-lock.json changed since the last install. */
function needsNpmInstall() {
  const installed = mtime(path.join(repoRoot, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return true;
  const lock = mtime(path.join(repoRoot, 'package-lock.json'));
  return lock !== undefined && lock > installed;
}

function ensureNpmPackages(phasesBefore) {
  if (!needsNpmInstall()) return;
  // `npm ci` compiles the cap addon, so its build tools must be present first.
  ensureSystemPackages(phasesBefore);
  const npmCli = process.env.npm_execpath;
  const args = ['ci', '--no-audit', '--no-fund'];
  const status =
    npmCli && /npm-cli\.js$/.test(npmCli)
      ? run(process.execPath, [npmCli, ...args])
      : run('npm', args, { shell: process.platform === 'win32' });
  if (status !== 0) {
    log('npm ci failed (see above).');
    process.exit(status);
  }
}

checkNode();
if (process.argv.includes('--npm')) {
  ensureNpmPackages(['build']);
} else {
  ensureSystemPackages(['build', 'test']);
  ensureNpmPackages([]);
}
