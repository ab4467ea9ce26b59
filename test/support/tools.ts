/**
 * Running external tools from tests: spawn without a shell, collect stdout/stderr as text (and bytes),
 * enforce a timeout, and fail loudly when a tool is missing. Tools are required, never skipped: the test
 * runner installs them (tshark, tcpdump, dumpcap, editcap, capinfos, curl, python3, telnet, tmux), and a
 * silently skipped test would hide a broken lab machine.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/** RunResult is what a finished tool run produced. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdoutBytes is the raw stdout (for byte-exact comparisons). */
  stdoutBytes: Buffer;
  /** exit code, or null when the process died from a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** RunOptions tunes one tool run. */
export interface RunOptions {
  /** kill (SIGKILL) after this many ms and reject; default 30 s. */
  timeoutMs?: number;
  /** bytes or text written to stdin, which is then closed. */
  input?: string | Uint8Array;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** resolve even on a non-zero exit (default false: reject with stderr in the message). */
  allowFailure?: boolean;
}

/** ToolError is a failed tool run; it carries the result for assertions. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly result: RunResult | undefined,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** which finds an executable on PATH (or checks an absolute path); undefined if absent. */
export function which(command: string): string | undefined {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(':').map((d) => path.join(d, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** requireTools throws one error naming every missing tool (tests do not skip on a broken machine). */
export function requireTools(...commands: string[]): void {
  const missing = commands.filter((c) => which(c) === undefined);
  if (missing.length > 0) {
    throw new Error(`required tool(s) missing: ${missing.join(', ')} (install: apt-get install tshark tcpdump curl telnet tmux)`);
  }
}

/**
 * run spawns `command args…` without a shell, waits for it to exit and returns its output. Rejects
 * with a ToolError on timeout, on spawn failure, and (unless allowFailure) on a non-zero exit.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    };
    const child = spawn(command, [...args], spawnOptions);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ToolError(`${command}: ${e.message}`, undefined));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const result: RunResult = { stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8'), code, signal };
      const shown = `${command} ${args.join(' ')}`;
      if (timedOut) reject(new ToolError(`${shown}: timed out after ${timeoutMs} ms\n${result.stderr}`, result));
      else if (code !== 0 && !options.allowFailure) reject(new ToolError(`${shown}: exit ${code ?? signal}\n${result.stderr}`, result));
      else resolve(result);
    });
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** sleep resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** stripRootWarning drops the "Running as user "root"…" line Wireshark tools print on stderr. */
export function stripRootWarning(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^Running as user "root"/.test(line))
    .join('\n')
    .trim();
}
