/**
 * The live capture spool: every captured record is appended to a pcapng file in the spool folder as it
 * arrives and flushed to the OS at least every 100 ms, so a crash or kill -9 loses at most that interval.
 * A marker file next to the spool holds the owning process id; a spool whose owner is gone is offered for
 * recovery at the next start.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureWriter, type CaptureWriter } from '../file/writer';
import type { CaptureRecord } from '../file/types';

/** SPOOL_FLUSH_MS is the longest time a captured record stays in memory only. */
export const SPOOL_FLUSH_MS = 100;

/** defaultSpoolDir is where spools go unless configured. */
export function defaultSpoolDir(): string {
  return join(tmpdir(), 'wirelab-spool');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** RecoverableSpool is a spool left behind by a process that is gone. */
export interface RecoverableSpool {
  path: string;
  bytes: number;
  modified: string;
}

/** findRecoverableSpools lists spools whose owner process no longer runs. */
export function findRecoverableSpools(dir = defaultSpoolDir()): RecoverableSpool[] {
  if (!existsSync(dir)) return [];
  const out: RecoverableSpool[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.pcapng')) continue;
    const marker = join(dir, name + '.owner');
    const pid = existsSync(marker) ? Number(readFileSync(marker, 'utf8')) : NaN;
    if (Number.isInteger(pid) && alive(pid)) continue;
    const st = statSync(join(dir, name));
    if (st.size === 0) continue;
    out.push({ path: join(dir, name), bytes: st.size, modified: st.mtime.toISOString() });
  }
  return out;
}

/** Spool writes one live capture to disk. */
export class Spool {
  private readonly writer: CaptureWriter;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly marker: string;
  private dirty = false;

  constructor(
    readonly path: string,
    linktype: number,
    iface: string,
  ) {
    this.writer = openCaptureWriter(path, {
      format: 'pcapng',
      linktype,
      nanosecond: true,
      atomic: false,
      interfaces: [{ linktype, snaplen: 262144, name: iface, tsResolNs: 1 }],
    });
    this.writer.flush();
    this.marker = path + '.owner';
    writeFileSync(this.marker, String(process.pid));
    this.timer = setInterval(() => this.flush(), SPOOL_FLUSH_MS);
    this.timer.unref();
  }

  /** create makes a spool file in `dir` named after the interface and time. */
  static create(linktype: number, iface: string, dir = defaultSpoolDir()): Spool {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safe = iface.replace(/[^A-Za-z0-9_-]/g, '_');
    return new Spool(join(dir, `wirelab-${safe}-${stamp}-${process.pid}.pcapng`), linktype, iface);
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

  /** close finishes the spool; the file stays for saving until discarded. */
  close(): void {
    clearInterval(this.timer);
    this.writer.close();
    try {
      unlinkSync(this.marker);
    } catch {
      // already gone
    }
  }

  /** discard removes the spool file (after it was saved or the capture was dropped). */
  static discard(path: string): void {
    for (const p of [path, path + '.owner']) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
  }
}
