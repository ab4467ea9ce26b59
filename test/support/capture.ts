/**
 * Real captures for tests: tcpdump (`-U -w`, one flush per packet) or dumpcap on the loopback or the
 * `any` pseudo-interface, around a `drive` callback that makes the traffic. The capture process is
 * started first and the driver only runs once it reported that it listens ("listening on" from tcpdump,
 * "Capturing on" from dumpcap); after the driver, a short grace period lets the last ACK/FIN frames
 * arrive before SIGINT. Link types: `-i lo` gives Ethernet (zero MACs), tcpdump `-i any` writes
 * LINUX_SLL2, `dumpcap -i any -y LINUX_SLL` writes LINUX_SLL. Files are converted with editcap.
 * BPF filters should name the ports of the servers under test: other tests may be using `lo` too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { run, sleep } from './tools';

/** CaptureOptions selects interface, BPF filter, output file and snap length. */
export interface CaptureOptions {
  iface: 'lo' | 'any';
  bpf: string;
  out: string;
  /** default 262144 (tcpdump's default). */
  snaplen?: number;
  /** ms to wait after `drive` before stopping, default 300. */
  graceMs?: number;
}

/** CaptureFileInfo is what capinfos says about a file. */
export interface CaptureFileInfo {
  fileType: string;
  encapsulation: string;
  packets: number;
}

function waitForStderr(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} did not start within ${timeoutMs} ms: ${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${what} exited (${code}) before capturing: ${text}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopCapture(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      if (signal === 'SIGKILL') reject(new Error(`${what} had to be killed`));
      else resolve();
    });
    child.kill('SIGINT');
  });
}

async function captureWith(
  command: string,
  args: string[],
  ready: RegExp,
  opts: CaptureOptions,
  drive: () => Promise<void>,
): Promise<string> {
  mkdirSync(path.dirname(opts.out), { recursive: true });
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  try {
    await waitForStderr(child, ready, command);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let driveError: unknown;
  try {
    await drive();
  } catch (err) {
    driveError = err;
  }
  await sleep(opts.graceMs ?? 300);
  await stopCapture(child, command);
  if (driveError !== undefined) throw driveError;
  if (child.exitCode !== 0 && child.exitCode !== null) throw new Error(`${command} exit ${child.exitCode}: ${stderr}`);
  return opts.out;
}

/**
 * captureTraffic runs `tcpdump -i IFACE -U -w OUT -s SNAPLEN BPF` around `drive` and resolves with the
 * file path. `-i any` yields LINUX_SLL2 with this tcpdump.
 */
export function captureTraffic(opts: CaptureOptions, drive: () => Promise<void>): Promise<string> {
  const args = ['-i', opts.iface, '--immediate-mode', '-U', '-n', '-w', opts.out, '-s', String(opts.snaplen ?? 262144), opts.bpf];
  return captureWith('tcpdump', args, /listening on/, opts, drive);
}

/**
 * captureWithDumpcap runs `dumpcap -i IFACE [-y LINKTYPE] -P -w OUT -s SNAPLEN -f BPF` around `drive`
 * (pcap output, `-P`). With `iface: 'any'` and `linktype: 'LINUX_SLL'` it writes Linux cooked v1.
 */
export function captureWithDumpcap(
  opts: CaptureOptions & { linktype?: string; pcapng?: boolean },
  drive: () => Promise<void>,
): Promise<string> {
  const args = ['-i', opts.iface];
  if (opts.linktype !== undefined) args.push('-y', opts.linktype);
  if (!opts.pcapng) args.push('-P');
  args.push('-q', '-w', opts.out, '-s', String(opts.snaplen ?? 262144), '-f', opts.bpf);
  return captureWith('dumpcap', args, /Capturing on/, opts, drive);
}

/** CaptureFormat names editcap output formats the tests use. */
export type CaptureFormat = 'pcap' | 'nsecpcap' | 'pcapng';

/** convertedName gives the conventional name of a converted copy: x.pcap → x.nsec.pcap / x.pcapng / x.usec.pcap. */
export function convertedName(file: string, format: CaptureFormat): string {
  const base = file.replace(/\.(pcapng|pcap)$/, '');
  return format === 'nsecpcap' ? `${base}.nsec.pcap` : format === 'pcapng' ? `${base}.pcapng` : `${base}.usec.pcap`;
}

/** convertCapture writes `file` in another format with `editcap -F` and resolves with the new path. */
export async function convertCapture(file: string, format: CaptureFormat, out = convertedName(file, format)): Promise<string> {
  await run('editcap', ['-F', format, file, out]);
  return out;
}

/** captureInfo reads file type, encapsulation and packet count with capinfos. */
export async function captureInfo(file: string): Promise<CaptureFileInfo> {
  const result = await run('capinfos', ['-T', '-M', '-r', '-t', '-E', '-c', file]);
  const [, fileType, encapsulation, packets] = result.stdout.trim().split('\t');
  return { fileType, encapsulation, packets: Number(packets) };
}
