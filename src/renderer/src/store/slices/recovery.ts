/**
 * Recovery slice: the spools of live captures a crashed or killed run left unsaved. At startup
 * `checkRecoverable` asks the engine (`capture.recoverable`, which never lists a capture of a running
 * process) and opens the Recover dialog for the newest; Recover opens it as an unsaved, recovered capture
 * (Save as… then opens the Save dialog), Discard deletes it. The engine accepts only spools it listed.
 */
import type { RecoverableCapture } from '../../../../shared/contract';
import { errorText, type SliceCreator } from '../types';

/** RecoverySlice: see the file comment. */
export interface RecoverySlice {
  /** spools still to offer, newest first (the dialog shows the first) */
  recoverable: RecoverableCapture[];
  /** busy: a Recover or Discard is running (the dialog's buttons wait) */
  recovering: boolean;
  checkRecoverable(): Promise<void>;
  /** recoverCapture opens a spool; `thenSave` opens the Save dialog afterwards. Resolves true on success. */
  recoverCapture(path: string, thenSave?: boolean): Promise<boolean>;
  discardRecoverable(path: string): Promise<boolean>;
  /** skipRecoverable keeps the spool on disk and offers it again at the next start. */
  skipRecoverable(path: string): void;
}

export const createRecoverySlice: SliceCreator<RecoverySlice> = (set, get) => {
  /** next drops `path` from the list and shows the next spool, or closes the dialog. */
  const next = (path: string, dialog: 'save' | null = null) => {
    const recoverable = get().recoverable.filter((r) => r.path !== path);
    set({ recoverable });
    if (dialog) get().openDialog(dialog);
    else if (recoverable.length > 0) get().openDialog('recover');
    else if (get().dialog === 'recover') get().closeDialog();
  };
  return {
    recoverable: [],
    recovering: false,
    async checkRecoverable() {
      try {
        const list = await get().client['capture.recoverable']();
        const recoverable = Array.isArray(list) ? list : [];
        set({ recoverable });
        if (recoverable.length > 0 && get().dialog === null) get().openDialog('recover');
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },
    async recoverCapture(path, thenSave = false) {
      set({ recovering: true });
      try {
        const info = await get().client['capture.recover'](path);
        set({ info, recovering: false });
        get().setCounts(info.counts);
        if (info.error) get().notify('error', info.error);
        next(path, thenSave ? 'save' : null);
        return true;
      } catch (error) {
        set({ recovering: false });
        get().notify('error', errorText(error));
        return false;
      }
    },
    async discardRecoverable(path) {
      set({ recovering: true });
      try {
        await get().client['capture.discardRecoverable'](path);
        set({ recovering: false });
        next(path);
        return true;
      } catch (error) {
        set({ recovering: false });
        get().notify('error', errorText(error));
        return false;
      }
    },
    skipRecoverable(path) {
      next(path);
    },
  };
};
