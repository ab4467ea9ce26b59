/**
 * Capture slice: what is loaded (file or live capture), the live capture's status and interfaces, and
 * the file actions. `openFile` takes a path: the web build asks for it in a dialog (a browser cannot
 * give paths); in Electron it comes from the host's native Open dialog (`dialog.openFile`), the only
 * paths besides drops, recent files and the command line that the Electron host opens.
 * Engine errors are shown in the engine's words (e.g. why capture is not available).
 */
import { FILE_EXISTS_ERROR, type CaptureInfo, type CaptureInterface, type CaptureStatus, type SaveOptions } from '../../../../shared/contract';
import { errorText, type SliceCreator } from '../types';

/** UnsavedBefore names what would replace an unsaved capture (the question's wording). */
export type UnsavedBefore = 'open' | 'start' | 'restart';

/** UnsavedPrompt is an action waiting for the answer to "save the captured packets first?". */
export interface UnsavedPrompt {
  before: UnsavedBefore;
  /** the capture was running when asked (it is stopped before saving) */
  capturing: boolean;
  /** saving: the Save dialog is open for it */
  saving: boolean;
  resolve(go: boolean): void;
}

/** CaptureSlice: see the file comment. */
export interface CaptureSlice {
  info: CaptureInfo;
  captureStatus: CaptureStatus;
  interfaces: CaptureInterface[] | null;
  interfacesError: string | null;
  selectedInterface: string;
  /** the last capture filter used, kept for Restart */
  captureFilter: string;
  opening: boolean;
  unsavedPrompt: UnsavedPrompt | null;
  /**
   * confirmDiscard asks, as Wireshark does, whether to save an unsaved capture (a live capture, a
   * recovered one) before `before` replaces it: resolves true to go on (saved, or the user chose not
   * to), false to cancel. Resolves true at once when nothing unsaved is loaded.
   */
  confirmDiscard(before: UnsavedBefore): Promise<boolean>;
  /** answerUnsaved is the dialog's answer; `save` stops a running capture and opens the Save dialog. */
  answerUnsaved(answer: 'save' | 'discard' | 'cancel'): Promise<void>;
  /** unsavedSaveDone ends a "Save before Continue": saved (go on) or the Save dialog was cancelled. */
  unsavedSaveDone(saved: boolean): void;
  /**
   * openFile opens a capture by path (no path: the Open dialog, or the host's native one); resolves true
   * on success. It asks about an unsaved capture first, unless `confirmed` (the Open dialog, which asked).
   */
  openFile(path?: string, confirmed?: boolean): Promise<boolean>;
  /**
   * saveFile saves through the engine: true when saved, `exists` when a file is at `path` and
   * `options.replace` was not set (nothing said: the Save dialog asks), false on another error (shown).
   */
  saveFile(path: string, options: SaveOptions): Promise<boolean | 'exists'>;
  loadInterfaces(): Promise<void>;
  selectInterface(name: string): void;
  /** startCapture starts a capture on the chosen interface, asking about an unsaved one unless `confirmed`. */
  startCapture(captureFilter?: string, confirmed?: boolean): Promise<boolean>;
  stopCapture(): Promise<void>;
  restartCapture(): Promise<boolean>;
  /** onReset handles `view.onReset`: a new file or capture replaced the view. */
  onReset(info: CaptureInfo): void;
  onCaptureStatus(status: CaptureStatus): void;
}

const IDLE: CaptureStatus = { state: 'idle', packets: 0, bytes: 0, dropped: 0 };

export const createCaptureSlice: SliceCreator<CaptureSlice> = (set, get) => ({
  info: { source: 'none', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } },
  captureStatus: IDLE,
  interfaces: null,
  interfacesError: null,
  selectedInterface: '',
  captureFilter: '',
  opening: false,
  unsavedPrompt: null,
  confirmDiscard(before) {
    const { info, counts, captureStatus } = get();
    if (!info.unsaved || counts.frames === 0) return Promise.resolve(true);
    get().unsavedPrompt?.resolve(false);
    return new Promise<boolean>((resolve) => {
      set({ unsavedPrompt: { before, capturing: captureStatus.state === 'capturing', saving: false, resolve } });
      get().openDialog('unsaved');
    });
  },
  async answerUnsaved(answer) {
    const prompt = get().unsavedPrompt;
    if (prompt === null) return;
    if (answer !== 'save') {
      set({ unsavedPrompt: null });
      get().closeDialog();
      prompt.resolve(answer === 'discard');
      return;
    }
    if (get().captureStatus.state === 'capturing') await get().stopCapture();
    set({ unsavedPrompt: { ...prompt, saving: true } });
    get().openDialog('save');
  },
  unsavedSaveDone(saved) {
    const prompt = get().unsavedPrompt;
    if (prompt === null || !prompt.saving) return;
    set({ unsavedPrompt: null });
    prompt.resolve(saved);
  },
  async openFile(path, confirmed = false) {
    if (!confirmed && !(await get().confirmDiscard('open'))) return false;
    if (path === undefined || path.trim() === '') {
      if (get().host !== 'electron') {
        get().openDialog('open');
        return false;
      }
      let chosen: string | null;
      try {
        chosen = await get().client['dialog.openFile']();
      } catch (error) {
        get().notify('error', errorText(error));
        return false;
      }
      if (chosen === null) return false;
      path = chosen;
    }
    set({ opening: true });
    try {
      const info = await get().client['file.open'](path.trim());
      // The view was reset by `view.onReset` when the load began; rows shown (and a row the user
      // selected) while it loaded stay.
      set({ info });
      get().setCounts(info.counts);
      get().addRecentFile(info.path ?? path.trim());
      if (info.error) get().notify('error', info.error);
      set({ opening: false });
      return true;
    } catch (error) {
      set({ opening: false });
      get().notify('error', errorText(error));
      return false;
    }
  },
  async saveFile(path, options) {
    try {
      const result = await get().client['file.save'](path, options);
      set({ info: await get().client['file.info']() });
      get().addRecentFile(result.path);
      return true;
    } catch (error) {
      const named = error as { remoteName?: string; name?: string };
      if (named.remoteName === FILE_EXISTS_ERROR || named.name === FILE_EXISTS_ERROR) return 'exists';
      get().notify('error', errorText(error));
      return false;
    }
  },
  async loadInterfaces() {
    try {
      const interfaces = await get().client['capture.interfaces']();
      const usable = interfaces.find((i) => i.canCapture && i.loopback) ?? interfaces.find((i) => i.canCapture);
      set({ interfaces, interfacesError: null, selectedInterface: get().selectedInterface || (usable?.name ?? '') });
    } catch (error) {
      set({ interfaces: [], interfacesError: errorText(error) });
    }
  },
  selectInterface: (selectedInterface) => set({ selectedInterface }),
  async startCapture(captureFilter = get().captureFilter, confirmed = false) {
    if (!confirmed && !(await get().confirmDiscard('start'))) return false;
    const iface = get().selectedInterface;
    if (iface === '') {
      if (get().interfaces === null) await get().loadInterfaces();
      const error = get().interfacesError;
      if (error !== null) {
        get().notify('error', error);
        return false;
      }
      if (get().selectedInterface === '') return false;
    }
    try {
      const options = captureFilter.trim() === '' ? { iface: get().selectedInterface } : { iface: get().selectedInterface, captureFilter };
      const status = await get().client['capture.start'](options);
      set({ captureStatus: status, captureFilter, followLive: true });
      return status.state !== 'error';
    } catch (error) {
      get().notify('error', errorText(error));
      return false;
    }
  },
  async stopCapture() {
    try {
      set({ captureStatus: await get().client['capture.stop']() });
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },
  async restartCapture() {
    if (!(await get().confirmDiscard('restart'))) return false;
    await get().stopCapture();
    // Answered already: the capture just stopped is replaced without asking again.
    return get().startCapture(undefined, true);
  },
  onReset(info) {
    get().resetRows();
    get().clearSelection();
    set({ info });
    get().setCounts(info.counts);
  },
  onCaptureStatus(status) {
    set({ captureStatus: status });
    if (status.state === 'error' && status.error) get().notify('error', status.error);
  },
});
