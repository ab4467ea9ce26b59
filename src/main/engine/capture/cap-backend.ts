/**
 * The `cap` backend: libpcap in this process through the `cap` native binding. Facts of the binding that
 * shape this file: it opens every device in promiscuous mode with snaplen 65535; it copies each packet into
 * ONE buffer we pass at open and reuses it for the next packet, so the bytes are copied at once; it gives
 * no timestamp, so each packet is stamped in the callback (the wall clock at start plus the monotonic clock
 * since, so stamps never go backwards; documented in docs/capture.md); and it reports no original length, so the
 * captured length stands for it (a packet cut by the 65535 snaplen is flagged by `truncated`).
 * The binding is loaded lazily, so the engine still runs (files, web host) where it failed to build.
 */
import { createRequire } from 'node:module';
import type { CaptureRecord } from '../file/types';
import { CaptureError, type CaptureSource, type SourceHandlers, type SourceOptions, type SourceStats } from './types';
import { permissionFix } from './privilege';

/** CapDevice is one entry of cap's device list. */
export interface CapDevice {
  name: string;
  description?: string;
  addresses: { addr: string; netmask?: string }[];
  flags?: string;
}

interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): void;
  setMinBytes?(n: number): void;
}

interface CapModule {
  Cap: { new (): CapInstance; deviceList(): CapDevice[] };
}

let loaded: CapModule | null | undefined;
let loadError = '';

/** loadCap loads the binding once; null when it is not available (the reason is kept). */
export function loadCap(): CapModule | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('cap') as CapModule;
  } catch (err) {
    loaded = null;
    loadError = err instanceof Error ? err.message : String(err);
  }
  return loaded;
}

/** capLoadError tells why the binding could not be loaded. */
export function capLoadError(): string {
  return loadError;
}

/** CAP_LINKTYPES maps cap's link-type names to LINKTYPE_* numbers. */
const CAP_LINKTYPES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  IEEE802_11_RADIO: 127,
  LINKTYPE_LINUX_SLL: 113,
  RAW: 101,
};

/** linktypeFromCap converts cap's link-type string (or "Unknown linktype N") to a LINKTYPE number. */
export function linktypeFromCap(name: string): number {
  if (name in CAP_LINKTYPES) return CAP_LINKTYPES[name];
  const m = /Unknown linktype (\d+)/.exec(name);
  // DLT and LINKTYPE values agree except for a few historical ones; DLT_LINUX_SLL2 (276) is one that agrees.
  return m ? Number(m[1]) : -1;
}

/** SNAPLEN is what cap always uses. */
export const CAP_SNAPLEN = 65535;
const KERNEL_BUFFER = 32 * 1024 * 1024;

/**
 * Cap instances whose open() failed are kept referenced for the life of the process: the binding's
 * destructor would call uv_poll_stop on a poll handle that open() never initialised, which aborts the
 * process (libuv assertion). A failed open is rare (a typo in a filter), so the few bytes kept are fine.
 */
const failedOpens: unknown[] = [];

/**
 * Closed Cap instances are kept referenced for the same reason: close() stops the poll handle but never
 * uv_close()s it, so the handle stays in libuv's handle queue; when the garbage collector later frees the
 * instance, the queue points into freed memory and the process crashes at a later libuv call (seen after
 * a handful of captures in one process, e.g. the CLI tests). About 64 KiB per capture stays allocated.
 */
const closedCaps: unknown[] = [];

/** describeOpenError turns libpcap's message into what to do. */
export function describeOpenError(message: string, iface: string, filter: string): CaptureError {
  if (/syntax error|parse error|illegal|unknown (host|port|proto)|expression rejects|can't parse filter|invalid/i.test(message) && filter) {
    return new CaptureError('bad-filter', `Invalid capture filter "${filter}": ${message}. Capture filters use BPF syntax, e.g. "tcp port 25".`);
  }
  if (/permission|operation not permitted|not permitted|access denied|you don't have permission/i.test(message)) {
    return new CaptureError('permission', `You may not capture on ${iface}: ${message}. ${permissionFix()}`);
  }
  if (/no such device|doesn't exist|not found|no suitable device/i.test(message)) {
    return new CaptureError('no-device', `There is no interface "${iface}" (${message}). Choose another interface.`);
  }
  return new CaptureError('backend-failed', `Capture on ${iface} failed: ${message}`);
}

/** startCapSource opens `iface` with cap; throws CaptureError. */
export function startCapSource(options: SourceOptions, handlers: SourceHandlers): CaptureSource {
  const mod = loadCap();
  if (!mod) throw new CaptureError('backend-missing', `The capture library could not be loaded: ${capLoadError()}`);
  const cap = new mod.Cap();
  const buffer = Buffer.alloc(CAP_SNAPLEN + 64);
  let linkName: string;
  try {
    linkName = cap.open(options.iface, options.filter, KERNEL_BUFFER, buffer);
  } catch (err) {
    failedOpens.push(cap);
    throw describeOpenError(err instanceof Error ? err.message : String(err), options.iface, options.shownFilter ?? options.filter);
  }
  cap.setMinBytes?.(0);
  const linktype = linktypeFromCap(linkName);
  const stats: SourceStats = { packets: 0, bytes: 0, dropped: 0 };
  // Wall-clock time at start plus the monotonic clock since: precise and never going backwards.
  const baseWallNs = BigInt(Date.now()) * 1_000_000n;
  const baseHr = process.hrtime.bigint();
  let running = true;
  cap.on('packet', (nbytes, truncated) => {
    if (!running) return;
    // Copy first: the next packet overwrites this buffer.
    const data = new Uint8Array(nbytes);
    data.set(buffer.subarray(0, nbytes));
    const ns = baseWallNs + (process.hrtime.bigint() - baseHr);
    const rec: CaptureRecord = {
      tsSec: Number(ns / 1_000_000_000n),
      tsNsec: Number(ns % 1_000_000_000n),
      caplen: nbytes,
      origLen: truncated ? Math.max(nbytes, CAP_SNAPLEN + 1) : nbytes,
      linktype,
      interfaceId: 0,
      data,
      fileOffset: 0,
    };
    stats.packets++;
    stats.bytes += nbytes;
    try {
      handlers.record(rec);
    } catch (err) {
      handlers.error(new CaptureError('backend-failed', `A captured packet could not be stored: ${String(err)}`));
    }
  });
  return {
    backend: 'cap',
    linktype,
    stats: () => ({ ...stats }),
    stop: async () => {
      if (!running) return;
      running = false;
      cap.close();
      closedCaps.push(cap);
    },
  };
}
