/**
 * Live capture for the command line (`wirelab -i IFACE -f BPF -a … -c N -w FILE`), with tshark's flags:
 * `-D` lists the interfaces as `tshark -D` does, `-i` takes a name or the number `-D` printed, and
 * {@link runLive} feeds every captured record from {@link LiveCapture} to the same {@link SinglePass}
 * (one DissectionSession, first pass) and `onFrame` output code that files use, as each record arrives.
 *
 * LiveCapture spools every record to a pcapng file first (crash safety); the CLI puts its spools in
 * `$TMPDIR/wirelab-cli-spool/` ({@link cliSpoolDir}) and deletes the spool when the capture ends, so only
 * a process that dies (SIGKILL) leaves one behind — as tshark leaves its `/tmp/wireshark_*.pcapng`.
 * SIGINT and SIGTERM stop the capture cleanly (the caller prints `N packets captured`, as tshark).
 */
import { rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureInterface, CaptureStatus } from '../../shared/contract';
import { captureAbility, listInterfaces } from '../engine/capture/devices';
import { LiveCapture, type LiveConfig } from '../engine/capture/live';
import { Spool } from '../engine/capture/spool';
import type { CaptureFileInfo, CaptureRecord } from '../engine/file/types';
import { SinglePass, type FrameSpec } from './pipeline';

/** cliSpoolDir is where the CLI's live captures spool (removed at the end of each capture). */
export function cliSpoolDir(): string {
  return join(tmpdir(), 'wirelab-cli-spool');
}

/**
 * friendlyName is what tshark shows in parentheses after an interface: on Linux dumpcap gives only
 * loopback interfaces one ("Loopback"); elsewhere libpcap's description is the name users know.
 */
export function friendlyName(iface: CaptureInterface, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'linux') return iface.loopback ? 'Loopback' : undefined;
  return iface.description ?? (iface.loopback ? 'Loopback' : undefined);
}

/** interfaceLines is `tshark -D`'s list: `1. eth0`, `2. any`, `3. lo (Loopback)`. */
export function interfaceLines(list: readonly CaptureInterface[], platform: NodeJS.Platform = process.platform): string {
  return list
    .map((iface, i) => {
      const friendly = friendlyName(iface, platform);
      return `${i + 1}. ${iface.name}${friendly !== undefined ? ` (${friendly})` : ''}\n`;
    })
    .join('');
}

/** captureLabel is the name in tshark's `Capturing on '…'` line (`Loopback: lo`, `eth0`). */
export function captureLabel(name: string, list: readonly CaptureInterface[]): string {
  const iface = list.find((i) => i.name === name);
  const friendly = iface !== undefined ? friendlyName(iface) : undefined;
  return friendly !== undefined ? `${friendly}: ${name}` : name;
}

/**
 * resolveInterface turns `-i`'s argument into an interface name as tshark does: a word of digits is
 * the number `-D` printed (1-based), anything else is a name. Returns an error message in tshark's words.
 */
export function resolveInterface(arg: string, list: () => readonly CaptureInterface[]): { name: string } | { error: string } {
  if (!/^-?\d+$/.test(arg)) return { name: arg };
  const n = Number(arg);
  if (n < 0) return { error: 'The specified adapter index is a negative number' };
  if (n > 2147483647) return { error: 'The specified adapter index is too large (greater than 2147483647)' };
  const ifaces = list();
  if (n === 0 || n > ifaces.length) return { error: 'There is no interface with that adapter index' };
  return { name: ifaces[n - 1].name };
}

/** CaptureTarget is the interface `-i` named, and its label for `Capturing on '…'`. */
export interface CaptureTarget {
  name: string;
  label: string;
}

/** captureTarget resolves `-i`'s argument against the interface list (read once, only when needed). */
export function captureTarget(arg: string, list: () => readonly CaptureInterface[] = listInterfaces): CaptureTarget | { error: string } {
  let ifaces: readonly CaptureInterface[] | undefined;
  const get = (): readonly CaptureInterface[] => (ifaces ??= list());
  const resolved = resolveInterface(arg, get);
  if ('error' in resolved) return resolved;
  return { name: resolved.name, label: captureLabel(resolved.name, get()) };
}

/**
 * interfacesReport is `wirelab -D`: tshark's list on stdout (exit 0), or tshark's message when there is
 * no interface (exit 2). When this user may not capture, stderr adds why and how to allow it (tshark
 * lists the interfaces and says nothing until a capture fails).
 */
export function interfacesReport(list: readonly CaptureInterface[] = listInterfaces()): { stdout: string; stderr: string; code: number } {
  if (list.length === 0) return { stdout: '', stderr: 'There are no interfaces on which a capture can be done\n', code: 2 };
  const ability = captureAbility();
  const note = ability.backend === null ? `Capturing is not permitted: ${[ability.why, ability.fix].filter(Boolean).join(' ')}\n` : '';
  return { stdout: interfaceLines(list), stderr: note, code: 0 };
}

/** liveInfo is the "file" facts of a live capture: one interface, nanosecond stamps (as dumpcap's pcapng). */
export function liveInfo(iface: string, linktype: number): CaptureFileInfo {
  return {
    format: 'pcapng',
    nanosecond: true,
    byteOrder: 'le',
    versionMajor: 1,
    versionMinor: 0,
    compressed: false,
    interfaces: [{ linktype, snaplen: 262144, name: iface, tsResolNs: 1 }],
    comments: [],
  };
}

/** LiveSpec says what to capture and how to dissect and print it. */
export interface LiveSpec extends FrameSpec {
  iface: string;
  /** BPF capture filter ("" or undefined: everything) */
  captureFilter?: string;
  /** LiveCapture's autostop: the first limit reached stops; `seconds: 0` stops at once (as tshark). */
  autostop: { seconds?: number; packets?: number; bytes?: number };
  /** called with the interface's facts before the first frame (and if the link type changes). */
  onInfo?: (info: CaptureFileInfo) => void;
  /** LiveCapture's configuration (backend for tests); the spool folder defaults to {@link cliSpoolDir}. */
  config?: LiveConfig;
  /** aborting stops the capture as SIGINT does (tests, embedding). */
  signal?: AbortSignal;
}

/** LiveResult is how the capture ended. */
export interface LiveResult {
  /** the interface's facts (also when nothing was captured) */
  info: CaptureFileInfo;
  status: CaptureStatus;
  /** frames handed to onFrame */
  displayed: number;
  /** an exception thrown while handling a record (e.g. a broken stdout pipe); the capture was stopped. */
  failure?: unknown;
}

/**
 * runLive captures until an autostop limit, SIGINT/SIGTERM, `spec.signal` or a capture error, dissecting
 * and handing each record to `spec.onFrame` as it arrives. Rejects with a CaptureError when the capture
 * cannot start (no such interface, no permission, bad BPF), before any output.
 */
export async function runLive(spec: LiveSpec): Promise<LiveResult> {
  const pass = new SinglePass(spec);
  let info: CaptureFileInfo | undefined;
  let failure: unknown;
  let live: LiveCapture | undefined;
  let stopRequested = false;
  let finished!: (status: CaptureStatus) => void;
  const ended = new Promise<CaptureStatus>((resolve) => (finished = resolve));
  const requestStop = (): void => {
    stopRequested = true;
    void live?.stop();
  };
  const record = (rec: CaptureRecord): void => {
    if (failure !== undefined) return;
    try {
      if (info === undefined || info.interfaces[0].linktype !== rec.linktype) {
        info = liveInfo(spec.iface, rec.linktype);
        spec.onInfo?.(info);
      }
      pass.push(rec, info);
    } catch (error) {
      // Never let an output error reach the capture backend (it would call it a capture failure).
      failure = error;
      requestStop();
    }
  };
  // The capture's own handles keep Node running while it waits for packets; this makes sure of it for
  // the duration autostop (LiveCapture's timer does not hold the process open).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  spec.signal?.addEventListener('abort', requestStop, { once: true });
  const { seconds, packets, bytes } = spec.autostop;
  try {
    live = await LiveCapture.start(
      {
        iface: spec.iface,
        captureFilter: spec.captureFilter ?? '',
        autostop: { packets, bytes, seconds: seconds !== undefined && seconds > 0 ? seconds : undefined },
      },
      { record, stopped: (status) => finished(status) },
      { spoolDir: cliSpoolDir(), ...spec.config },
    );
    if (stopRequested || seconds === 0 || spec.signal?.aborted) void live.stop();
    const status = await ended;
    if (status.spool !== undefined) Spool.discard(status.spool);
    try {
      rmdirSync(spec.config?.spoolDir ?? cliSpoolDir());
    } catch {
      // another capture still uses it, or it was never made
    }
    const result: LiveResult = { info: info ?? liveInfo(spec.iface, live.linktype >= 0 ? live.linktype : 1), status, displayed: pass.displayed };
    if (failure !== undefined) result.failure = failure;
    return result;
  } finally {
    clearInterval(keepAlive);
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
    spec.signal?.removeEventListener('abort', requestStop);
  }
}
