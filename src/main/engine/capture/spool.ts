/**
 * The live capture spool: every captured record is appended to a pcapng file in the spool folder as it
 * arrives and flushed to the OS at least every 100 ms, so a crash or kill -9 loses at most that interval.
 *
 * Ownership: a marker file `<spool>.owner` holding the owner's process id is written *before* the spool
 * file and kept for the spool's whole life (until {@link Spool.discard}), and this process remembers the
 * spools it owns. A spool is stale — offered for recovery — only when it is not one of ours and its owner
 * process is gone (or it has no marker). A spool of a capture running here, or in another live Wirelab, is
 * never offered. A pid reused by an unrelated process hides a stale spool until that process ends (the
 * safe side); a pid reused by *this* process is recognised because the spool is not in our own list.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openCaptureWriter, type CaptureWriter } from '../file/writer';
import { readCaptureFile } from '../file/reader';
import type { CaptureRecord } from '../file/types';
import type { RecoverableCapture } from '../../../shared/contract';

/** SPOOL_FLUSH_MS is the longest time a captured record stays in memory only. */
export const SPOOL_FLUSH_MS = 100;
/** COUNT_LIMIT_BYTES: spools up to this size are read to count their packets when listed. */
export const COUNT_LIMIT_BYTES = 64 * 1024 * 1024;
/** SPOOL_NAME is the name every spool gets from {@link Spool.create}; nothing else in the folder is listed. */
const SPOOL_NAME = /^wirelab-[A-Za-z0-9_-]+-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-\d+\.pcapng$/;

/** defaultSpoolDir is where spools go unless configured. */
export function defaultSpoolDir(): string {
  return join(tmpdir(), 'wirelab-spool');
}

/** ownSpools are the spools this process created or adopted and has not discarded or released. */
const ownSpools = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SpoolOwner is what the marker file says. */
interface SpoolOwner {
  pid: number;
  iface?: string;
  started?: string;
}

function readOwner(marker: string): SpoolOwner | undefined {
  let text: string;
  try {
    text = readFileSync(marker, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    // Older markers hold the bare pid (JSON.parse gives a number).
    if (typeof data === 'number') return { pid: data };
    if (typeof data !== 'object' || data === null || !Number.isInteger(data.pid)) return undefined;
    return {
      pid: data.pid as number,
      iface: typeof data.iface === 'string' ? data.iface : undefined,
      started: typeof data.started === 'string' ? data.started : undefined,
    };
  } catch {
    return undefined;
  }
}

function writeOwner(marker: string, owner: SpoolOwner): void {
  writeFileSync(marker, JSON.stringify(owner));
}

/**
 * RecoverableSpool is a spool left behind by a process that is gone: the contract's RecoverableCapture
 * (`packets` is counted for spools up to COUNT_LIMIT_BYTES).
 */
export type RecoverableSpool = RecoverableCapture;

/** isStale tells whether the spool at `path` (in `dir`) was left by a process that is gone. */
function isStale(path: string): { stale: boolean; owner?: SpoolOwner } {
  if (ownSpools.has(path)) return { stale: false };
  const owner = readOwner(path + '.owner');
  if (owner === undefined || owner.pid <= 0) return { stale: true };
  // Our own pid on a spool we did not make: a previous run that had the same pid.
  if (owner.pid !== process.pid && alive(owner.pid)) return { stale: false, owner };
  return { stale: true, owner };
}

/** countRecords counts the complete records of a spool (undefined when it is too big or unreadable). */
async function countRecords(path: string, bytes: number): Promise<number | undefined> {
  if (bytes > COUNT_LIMIT_BYTES) return undefined;
  try {
    return (await readCaptureFile(path, () => undefined)).records;
  } catch {
    // No readable header: nothing complete in it.
    return 0;
  }
}

/**
 * findRecoverableSpools lists stale spools in `dir`, newest first. A stale spool holding no complete
 * record (the owner died before its first flush) has nothing to recover and is removed here.
 */
export async function findRecoverableSpools(dir = defaultSpoolDir()): Promise<RecoverableSpool[]> {
  if (!existsSync(dir)) return [];
  const out: RecoverableSpool[] = [];
  for (const name of readdirSync(dir)) {
    if (!SPOOL_NAME.test(name)) continue;
    const path = join(resolve(dir), name);
    const { stale, owner } = isStale(path);
    if (!stale) continue;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    // A link named like a spool is not one of ours (and must never lead Discard elsewhere).
    if (!st.isFile()) continue;
    const packets = await countRecords(path, st.size);
    // Checked again after the (asynchronous) count: the spool may have been adopted or discarded meanwhile.
    if (!isStale(path).stale || !existsSync(path)) continue;
    if (packets === 0) {
      Spool.discard(path);
      continue;
    }
    const spool: RecoverableSpool = { path, bytes: st.size, modified: st.mtime.toISOString() };
    if (owner?.started !== undefined) spool.started = owner.started;
    if (owner?.iface !== undefined) spool.iface = owner.iface;
    if (packets !== undefined) spool.packets = packets;
    out.push(spool);
  }
  return out.sort((a, b) => b.modified.localeCompare(a.modified));
}

/**
 * checkRecoverable returns the listed stale spool that `path` names, or throws without touching
 * anything: only a spool the engine itself would offer may be recovered or discarded, so a hostile
 * path (another file, a symlink, `..`, a spool still owned by a running capture) is refused.
 */
export async function checkRecoverable(path: string, dir = defaultSpoolDir()): Promise<RecoverableSpool> {
  const refuse = () => new Error(`"${String(path).slice(0, 200)}" is not a capture left for recovery.`);
  if (typeof path !== 'string' || path.includes('\0') || resolve(path) !== path) throw refuse();
  if (dirname(path) !== resolve(dir) || !SPOOL_NAME.test(basename(path))) throw refuse();
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw refuse();
  }
  // The folder may itself be reached through a link (macOS /tmp): compare the file's own name and folder.
  if (real !== join(realpathSync(resolve(dir)), basename(path))) throw refuse();
  const listed = (await findRecoverableSpools(dir)).find((s) => s.path === path);
  if (!listed) throw refuse();
  return listed;
}

/** Spool writes one live capture to disk. */
export class Spool {
  private readonly writer: CaptureWriter;
  private readonly timer: ReturnType<typeof setInterval>;
  private dirty = false;

  constructor(
    readonly path: string,
    linktype: number,
    iface: string,
  ) {
    // Marker first: no other process may ever see this spool without its live owner.
    ownSpools.add(path);
    writeOwner(path + '.owner', { pid: process.pid, iface, started: new Date().toISOString() });
    this.writer = openCaptureWriter(path, {
      format: 'pcapng',
      linktype,
      nanosecond: true,
      atomic: false,
      interfaces: [{ linktype, snaplen: 262144, name: iface, tsResolNs: 1 }],
    });
    this.writer.flush();
    this.timer = setInterval(() => this.flush(), SPOOL_FLUSH_MS);
    this.timer.unref();
  }

  /** create makes a spool file in `dir` named after the interface and time. */
  static create(linktype: number, iface: string, dir = defaultSpoolDir()): Spool {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safe = iface.replace(/[^A-Za-z0-9_-]/g, '_') || 'iface';
    return new Spool(join(resolve(dir), `wirelab-${safe}-${stamp}-${process.pid}.pcapng`), linktype, iface);
  }

  /** write appends a record (buffered; flushed by the timer). */
  write(rec: CaptureRecord): void {
    this.writer.write({ tsSec: rec.tsSec, tsNsec: rec.tsNsec, data: rec.data, origLen: rec.origLen });
    this.dirty = true;
  }

  /** flush hands buffered records to the OS. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.writer.flush();
  }

  /**
   * close finishes the spool. The file and its marker stay (this process still owns it): the capture
   * may be saved from it, and if this process dies before that, the next start offers it.
   */
  close(): void {
    clearInterval(this.timer);
    this.writer.close();
  }

  /** isOwn tells whether this process owns the spool at `path` (a capture running or loaded here). */
  static isOwn(path: string): boolean {
    return ownSpools.has(path);
  }

  /**
   * adopt makes a recovered spool ours (the capture is loaded here now): it is no longer offered, and
   * becomes stale again if this process dies too.
   */
  static adopt(path: string): void {
    const owner = readOwner(path + '.owner');
    ownSpools.add(path);
    writeOwner(path + '.owner', { ...owner, pid: process.pid });
  }

  /**
   * release gives up a spool whose capture was replaced without being saved: it is kept on disk and
   * offered for recovery (it is stale from now on), so nothing is lost without the user saying so.
   */
  static release(path: string): void {
    ownSpools.delete(path);
  }

  /** discard removes the spool file and its marker (it was saved, or the user discarded it). */
  static discard(path: string): void {
    ownSpools.delete(path);
    for (const p of [path, path + '.owner']) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
  }
}
