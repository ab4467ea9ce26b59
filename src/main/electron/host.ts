/**
 * What the Electron host does on its own, apart from binding the contract: native dialogs, opening files
 * the user gave us (menu, drop, command line, second instance, Open Recent) after the "unsaved capture"
 * prompt, Save / Save As, the Ctrl+E capture toggle, menu commands for the UI, and About. It talks to the
 * engine only through the contract's Service and events, and to Electron only through the few objects
 * passed in, so it is tested with plain fakes.
 */
import path from 'node:path';
import type {
  BrowserWindow,
  Dialog,
  MessageBoxOptions,
  OpenDialogOptions,
  SaveDialogOptions,
} from 'electron';
import type { MenuCommand, Service } from '../../shared/contract';
import type { EngineEvents } from '../engine/events';
import type { MenuState } from './menu';
import type { NativeDialogs } from './service';
import type { PathOrigin, RecentFiles, UserPaths } from './user-files';

/** CAPTURE_FILE_EXTENSIONS are offered by the Open dialog (the reader also takes gzip-compressed files). */
export const CAPTURE_FILE_EXTENSIONS = ['pcapng', 'pcap', 'cap', 'ntar', 'gz'];

/** HostOptions: the engine, Electron's dialog module, the window and the user's paths. */
export interface HostOptions {
  engine: Service;
  events: Pick<EngineEvents, 'emit'>;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox'>;
  getWindow: () => BrowserWindow | null;
  userPaths: UserPaths;
  recent: RecentFiles;
  /** versions shown by Help › About */
  versions: { app: string; electron?: string; chrome?: string; node?: string; v8?: string };
  production: boolean;
  platform?: NodeJS.Platform;
}

/** UnsavedChoice is the answer to the "unsaved capture" prompt. */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** saveFiltersFor offers capture formats for a capture name, else the suggested name's own extension. */
export function saveFiltersFor(suggested: string): { name: string; extensions: string[] }[] {
  const ext = path.extname(suggested).slice(1).toLowerCase();
  if (ext === '' || ext === 'pcapng' || ext === 'pcap') {
    return [
      { name: 'pcapng', extensions: ['pcapng'] },
      { name: 'pcap', extensions: ['pcap'] },
    ];
  }
  return [
    { name: ext.toUpperCase(), extensions: [ext] },
    { name: 'All files', extensions: ['*'] },
  ];
}

/** saveFormatFor picks the format from the chosen file name (.pcap → pcap, anything else pcapng). */
export function saveFormatFor(file: string): 'pcap' | 'pcapng' {
  return path.extname(file).toLowerCase() === '.pcap' ? 'pcap' : 'pcapng';
}

/** ElectronHost: see the file comment. */
export class ElectronHost {
  readonly dialogs: NativeDialogs;
  private capturing = false;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HostOptions) {
    this.dialogs = {
      open: async () => {
        const dialogOptions: OpenDialogOptions = {
          title: 'Open Capture File',
          properties: ['openFile'],
          filters: [
            { name: 'Capture files', extensions: CAPTURE_FILE_EXTENSIONS },
            { name: 'All files', extensions: ['*'] },
          ],
        };
        const window = this.window();
        const result = window
          ? await options.dialog.showOpenDialog(window, dialogOptions)
          : await options.dialog.showOpenDialog(dialogOptions);
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
      },
      save: async (suggested) => {
        const dialogOptions: SaveDialogOptions = {
          title: 'Save Capture File As',
          defaultPath: suggested,
          filters: saveFiltersFor(suggested),
          properties: ['showOverwriteConfirmation', 'createDirectory'],
        };
        const window = this.window();
        const result = window
          ? await options.dialog.showSaveDialog(window, dialogOptions)
          : await options.dialog.showSaveDialog(dialogOptions);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
    };
  }

  private window(): BrowserWindow | null {
    const window = this.options.getWindow();
    return window && !window.isDestroyed() ? window : null;
  }

  private async messageBox(box: MessageBoxOptions): Promise<number> {
    const window = this.window();
    const result = window
      ? await this.options.dialog.showMessageBox(window, box)
      : await this.options.dialog.showMessageBox(box);
    return result.response;
  }

  private report(err: unknown): void {
    this.options.events.emit('app.onError', { message: err instanceof Error ? err.message : String(err) });
  }

  /** serial runs host actions one at a time (two Ctrl+O presses must not open two dialogs). */
  private serial<T>(action: () => Promise<T>): Promise<T> {
    const next = this.busy.then(action, action);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** setCapturing records the capture state from `capture.onStatus` (for the menu and Ctrl+E). */
  setCapturing(capturing: boolean): void {
    this.capturing = capturing;
  }

  /** isCapturing is the last state given to {@link setCapturing}. */
  get isCapturing(): boolean {
    return this.capturing;
  }

  /** menuState is the state the menu is built from. */
  async menuState(): Promise<MenuState> {
    const info = await this.options.engine['file.info']();
    return {
      capturing: this.capturing,
      unsaved: info.unsaved,
      hasFrames: info.counts.frames > 0,
      recent: this.options.recent.list(),
      production: this.options.production,
      platform: this.options.platform ?? process.platform,
    };
  }

  /** askUnsaved shows the "unsaved capture" prompt. */
  async askUnsaved(action: 'quit' | 'open'): Promise<UnsavedChoice> {
    const response = await this.messageBox({
      type: 'warning',
      title: 'Unsaved packets',
      message:
        action === 'quit'
          ? 'Do you want to save the captured packets before quitting?'
          : 'Do you want to save the captured packets before opening another file?',
      detail: 'Your captured packets will be lost if you don’t save them.',
      buttons: ['Save', 'Don’t Save', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
    });
    return response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
  }

  /** confirmDiscard resolves true when the current capture may be replaced (saved, discarded, or nothing unsaved). */
  async confirmDiscard(action: 'quit' | 'open'): Promise<boolean> {
    const info = await this.options.engine['file.info']();
    if (!info.unsaved) return true;
    const choice = await this.askUnsaved(action);
    if (choice === 'cancel') return false;
    if (choice === 'discard') return true;
    return this.saveAsNow();
  }

  /** openPath opens a file the user gave us (`origin` says how); resolves true when it loaded. */
  openPath(file: string, origin: PathOrigin): Promise<boolean> {
    return this.serial(async () => {
      const key = this.options.userPaths.allowOpen(file, origin);
      if (key === undefined) {
        this.report(new Error(`"${file}" is not an absolute path`));
        return false;
      }
      if (!(await this.confirmDiscard('open'))) return false;
      try {
        const info = await this.options.engine['file.open'](key);
        this.options.recent.add(key);
        if (info.error) this.report(new Error(info.error));
        return true;
      } catch (err) {
        if (origin === 'recent') this.options.recent.remove(key);
        this.report(err);
        return false;
      }
    });
  }

  /** open is File › Open: the dialog, then {@link openPath}. */
  open(): Promise<boolean> {
    return this.serial(async () => this.dialogs.open()).then((chosen) =>
      chosen === null ? false : this.openPath(chosen, 'dialog'),
    );
  }

  /** saveAs is File › Save As: every frame, in the format of the chosen extension. */
  saveAs(): Promise<boolean> {
    return this.serial(() => this.saveAsNow());
  }

  /** save is File › Save: a live capture not saved yet goes through Save As (Wireshark does the same). */
  save(): Promise<boolean> {
    return this.serial(async () => {
      const info = await this.options.engine['file.info']();
      return info.unsaved ? this.saveAsNow() : true;
    });
  }

  private async saveAsNow(): Promise<boolean> {
    const info = await this.options.engine['file.info']();
    const base = info.fileName
      ? info.fileName.replace(/\s*\(live\)$/, '').replace(/\.(pcapng|pcap|cap|gz)$/i, '')
      : 'capture';
    const chosen = await this.dialogs.save(`${base.replace(/[^\w.-]+/g, '_') || 'capture'}.pcapng`);
    if (chosen === null) return false;
    const key = this.options.userPaths.allowSave(chosen);
    if (key === undefined) return false;
    try {
      // The native Save dialog asked before replacing a file.
      await this.options.engine['file.save'](key, { format: saveFormatFor(key), which: 'all', replace: true });
      this.options.userPaths.allowOpen(key, 'saved');
      this.options.recent.add(key);
      return true;
    } catch (err) {
      this.report(err);
      return false;
    }
  }

  /** toggleCapture is Ctrl+E: stop a running capture, else ask the UI to start one on its interface. */
  async toggleCapture(): Promise<void> {
    const status = await this.options.engine['capture.status']();
    if (status.state === 'capturing') await this.stopCapture();
    else this.ui('capture.start');
  }

  /** stopCapture is Capture › Stop. */
  async stopCapture(): Promise<void> {
    try {
      await this.options.engine['capture.stop']();
    } catch (err) {
      this.report(err);
    }
  }

  /** ui sends a menu command the renderer carries out. */
  ui(command: MenuCommand): void {
    this.options.events.emit('app.onMenu', { command });
  }

  /** aboutText lists the versions Help › About shows. */
  aboutText(): string {
    const v = this.options.versions;
    return [
      `Wirelab ${v.app}`,
      v.electron && `Electron ${v.electron}`,
      v.chrome && `Chromium ${v.chrome}`,
      v.node && `Node.js ${v.node}`,
      v.v8 && `V8 ${v.v8}`,
    ]
      .filter(Boolean)
      .join('\n');
  }

  /** about is Help › About. */
  async about(): Promise<void> {
    await this.messageBox({
      type: 'info',
      title: 'About Wirelab',
      message: `Wirelab ${this.options.versions.app}`,
      detail: `A mini-Wireshark for the SMTP and POP3 lab.\n\n${this.aboutText()}`,
      buttons: ['OK'],
      noLink: true,
    });
  }
}

/**
 * fileFromArgv finds the capture file named on a command line (the first argument that is not a switch,
 * after the executable and, when not packaged, the app folder), resolved against `cwd`.
 */
export function fileFromArgv(
  argv: readonly string[],
  options: { isPackaged: boolean; cwd: string },
): string | undefined {
  const rest = argv.slice(options.isPackaged ? 1 : 2);
  let afterDashes = false;
  for (const arg of rest) {
    if (!afterDashes && arg === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && arg.startsWith('-')) continue;
    if (arg === '') continue;
    return path.resolve(options.cwd, arg);
  }
  return undefined;
}
