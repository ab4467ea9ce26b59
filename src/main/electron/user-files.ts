/**
 * Which files the renderer may name. In Electron the renderer is treated as untrusted: if a script ever
 * ran in it, `file.open('/home/u/.ssh/id_rsa')` or `file.save('/home/u/.bashrc', …)` must fail. So the
 * host keeps allow-sets of paths the *user* chose — in a native dialog, by dropping a file on the window,
 * on the command line (also through a second instance), in Open Recent — and the renderer's file.open /
 * file.save accept nothing else. Opening and saving are separate: a file chosen to be opened is never
 * thereby writable. The recent-file list persists as JSON in the user-data folder.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** PathOrigin says how the user chose a path (kept for messages and tests). */
export type PathOrigin = 'dialog' | 'drop' | 'command-line' | 'recent' | 'saved' | 'recovery';

/** pathKey normalises a path for comparison; undefined for anything that is not an absolute path. */
export function pathKey(p: string): string | undefined {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0') || !path.isAbsolute(p)) return undefined;
  return path.resolve(p);
}

/** UserPaths holds the paths the user chose in this session. */
export class UserPaths {
  private readonly openable = new Map<string, PathOrigin>();
  private readonly savable = new Set<string>();

  constructor(private readonly recent?: RecentFiles) {}

  /** allowOpen records a path the user chose to open (or a file we saved, or a spool we listed). */
  allowOpen(p: string, origin: PathOrigin): string | undefined {
    const key = pathKey(p);
    if (key !== undefined) this.openable.set(key, origin);
    return key;
  }

  /** allowSave records a path the user chose in a Save dialog. */
  allowSave(p: string): string | undefined {
    const key = pathKey(p);
    if (key !== undefined) this.savable.add(key);
    return key;
  }

  /** checkOpen returns the normalised path if the renderer may open it, else throws a clear error. */
  checkOpen(p: string): string {
    const key = pathKey(p);
    if (key !== undefined && (this.openable.has(key) || this.recent?.includes(key))) return key;
    throw new Error(
      `Wirelab opens only files you chose: use File › Open, drop the file on the window or pick it in Open Recent (refused "${p.slice(0, 200)}").`,
    );
  }

  /** checkRecovery returns the normalised path if it is a spool the engine listed for recovery, else throws. */
  checkRecovery(p: string): string {
    const key = pathKey(p);
    if (key !== undefined && this.openable.get(key) === 'recovery') return key;
    throw new Error(`Only a capture listed for recovery may be recovered or discarded (refused "${String(p).slice(0, 200)}").`);
  }

  /** checkSave returns the normalised path if the renderer may write it, else throws a clear error. */
  checkSave(p: string): string {
    const key = pathKey(p);
    if (key !== undefined && this.savable.has(key)) return key;
    throw new Error(
      `Wirelab saves only to a file you chose in the Save dialog (refused "${p.slice(0, 200)}").`,
    );
  }
}

/** MAX_RECENT is the length of Open Recent. */
export const MAX_RECENT = 10;

/** RecentFiles is the Open Recent list, newest first, persisted in `file`. */
export class RecentFiles {
  private paths: string[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(parsed)) {
        this.paths = parsed
          .map((p) => (typeof p === 'string' ? pathKey(p) : undefined))
          .filter((p): p is string => p !== undefined)
          .slice(0, MAX_RECENT);
      }
    } catch {
      // No list yet, or a damaged one: start empty.
    }
  }

  /** list returns a copy, newest first. */
  list(): string[] {
    return [...this.paths];
  }

  includes(key: string): boolean {
    return this.paths.includes(key);
  }

  /** add moves `p` to the front. */
  add(p: string): void {
    const key = pathKey(p);
    if (key === undefined) return;
    this.paths = [key, ...this.paths.filter((x) => x !== key)].slice(0, MAX_RECENT);
    this.changed();
  }

  /** remove drops a path (a recent file that no longer opens). */
  remove(p: string): void {
    const key = pathKey(p);
    const before = this.paths.length;
    this.paths = this.paths.filter((x) => x !== key);
    if (this.paths.length !== before) this.changed();
  }

  clear(): void {
    this.paths = [];
    this.changed();
  }

  /** onChange subscribes to list changes (the menu is rebuilt); returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    if (this.file) {
      try {
        mkdirSync(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.tmp`;
        writeFileSync(tmp, JSON.stringify(this.paths, null, 2));
        renameSync(tmp, this.file);
      } catch {
        // A read-only profile loses the list at exit; nothing else depends on it.
      }
    }
    for (const l of [...this.listeners]) l();
  }
}
