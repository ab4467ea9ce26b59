/**
 * The service the Electron host binds to IPC: the Workbench, with the methods that touch the user's files
 * or need a native window replaced by host versions. file.open / file.save accept only paths the user
 * chose (see ./user-files); the dialog methods show native dialogs and remember what the user picked;
 * file.recent is the host's Open Recent list. Everything else goes straight to the engine.
 */
import path from 'node:path';
import { METHODS, type MethodName, type SaveOptions, type Service } from '../../shared/contract';
import type { RecentFiles, UserPaths } from './user-files';

/** NativeDialogs are the dialogs the host shows (electron.dialog with the main window as parent). */
export interface NativeDialogs {
  /** open returns the chosen file, or null when cancelled. */
  open(): Promise<string | null>;
  /** save returns the chosen file, or null when cancelled; `suggested` is a bare file name. */
  save(suggested: string): Promise<string | null>;
}

/** ElectronServiceOptions: the engine, the dialogs and the user's paths. */
export interface ElectronServiceOptions {
  engine: Service;
  dialogs: NativeDialogs;
  userPaths: UserPaths;
  recent: RecentFiles;
}

/** suggestedName keeps only a plain file name (the renderer must not steer the dialog's folder). */
export function suggestedName(suggested: string): string {
  const name = path.basename(suggested.replace(/\\/g, '/')).replace(/[\0-\x1f]/g, '');
  return name === '' || name === '.' || name === '..' ? 'capture.pcapng' : name;
}

/** createElectronService returns the Service the IPC wrapper binds. */
export function createElectronService(options: ElectronServiceOptions): Service {
  const { engine, dialogs, userPaths, recent } = options;
  const service: Record<string, unknown> = {};
  for (const method of Object.keys(METHODS) as MethodName[]) {
    const fn = engine[method] as (...args: unknown[]) => unknown;
    service[method] = (...args: unknown[]) => fn.apply(engine, args);
  }
  const overrides: Partial<Service> = {
    async 'file.open'(p: string) {
      const key = userPaths.checkOpen(p);
      const info = await engine['file.open'](key);
      recent.add(key);
      return info;
    },
    async 'file.save'(p: string, saveOptions: SaveOptions) {
      const key = userPaths.checkSave(p);
      const result = await engine['file.save'](key, saveOptions);
      userPaths.allowOpen(key, 'saved');
      recent.add(key);
      return result;
    },
    'file.recent'() {
      return recent.list();
    },
    async 'dialog.openFile'() {
      const chosen = await dialogs.open();
      if (chosen === null) return null;
      return userPaths.allowOpen(chosen, 'dialog') ?? null;
    },
    async 'dialog.saveFile'(suggested: string) {
      const chosen = await dialogs.save(suggestedName(suggested));
      if (chosen === null) return null;
      return userPaths.allowSave(chosen) ?? null;
    },
    async 'capture.recoverable'() {
      // Spools the engine itself lists may be opened for recovery, never written.
      const spools = await engine['capture.recoverable']();
      for (const spool of spools) userPaths.allowOpen(spool.path, 'recovery');
      return spools;
    },
  };
  Object.assign(service, overrides);
  return service as unknown as Service;
}
