/**
 * The service the Electron host binds to IPC: the Workbench, with every argument the contract marks as a
 * path (`path: 'read' | 'write'` in METHODS) checked against the paths the user chose for that use (see
 * ./user-files), so a new method taking a path is covered without code here. The dialog methods show
 * native dialogs and remember what the user picked; file.recent is the host's Open Recent list, which
 * file.open / file.save keep up to date. Everything else goes straight to the engine.
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

/** PathArgument is one argument the contract marks as a path (`path: 'read' | 'write'`). */
interface PathArgument {
  index: number;
  access: 'read' | 'write';
}

/** pathArguments lists the path arguments of a method, from its ArgSpecs (so new methods are covered). */
export function pathArguments(method: MethodName): PathArgument[] {
  const out: PathArgument[] = [];
  METHODS[method].forEach((spec, index) => {
    if (spec.kind === 'string' && spec.path) out.push({ index, access: spec.path });
  });
  return out;
}

/** createElectronService returns the Service the IPC wrapper binds. */
export function createElectronService(options: ElectronServiceOptions): Service {
  const { engine, dialogs, userPaths, recent } = options;
  const service: Record<string, (...args: unknown[]) => unknown> = {};
  for (const method of Object.keys(METHODS) as MethodName[]) {
    const fn = engine[method] as (...args: unknown[]) => unknown;
    const paths = pathArguments(method);
    service[method] =
      paths.length === 0
        ? (...args: unknown[]) => fn.apply(engine, args)
        : async (...args: unknown[]) => {
            // Every path the contract marks must be one the user chose for that use; checked before the engine runs.
            const checked = [...args];
            for (const { index, access } of paths) {
              const given = String(args[index]);
              checked[index] = access === 'read' ? userPaths.checkOpen(given) : userPaths.checkSave(given);
            }
            const result = await fn.apply(engine, checked);
            // A file we wrote for the user may be opened afterwards.
            for (const { index, access } of paths)
              if (access === 'write') userPaths.allowOpen(checked[index] as string, 'saved');
            return result;
          };
  }
  const checkedOpen = service['file.open'] as Service['file.open'];
  const checkedSave = service['file.save'] as Service['file.save'];
  const overrides: Partial<Service> = {
    async 'file.open'(p: string) {
      const info = await checkedOpen(p);
      recent.add(userPaths.checkOpen(p));
      return info;
    },
    async 'file.save'(p: string, saveOptions: SaveOptions) {
      const result = await checkedSave(p, saveOptions);
      recent.add(userPaths.checkSave(p));
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
    // Recover and Discard take only a spool listed above (not any file the user opened); the engine
    // checks again that it is still a stale spool of its own folder.
    async 'capture.recover'(p: string) {
      return engine['capture.recover'](userPaths.checkRecovery(p));
    },
    async 'capture.discardRecoverable'(p: string) {
      return engine['capture.discardRecoverable'](userPaths.checkRecovery(p));
    },
  };
  Object.assign(service, overrides);
  return service as unknown as Service;
}
