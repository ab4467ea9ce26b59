/**
 * UI slice: messages shown to the user (engine errors in the engine's words), which dialog is open,
 * and the result of "Follow TCP Stream".
 */
import type { FollowResult } from '../../../../shared/contract';
import { errorText, type SliceCreator } from '../types';

/** Notice is one message in the message strip. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** DialogName names the dialogs (only one is open at a time). */
export type DialogName = 'open' | 'save' | 'goto' | 'find' | 'follow' | 'recover' | 'unsaved';

/**
 * errorSince is the text of the newest notice when it is an error added after the notice with id
 * `before` (undefined: the strip was empty then), else null. A modal dialog shows it, since it covers
 * the strip.
 */
export function errorSince(notices: readonly Notice[], before: number | undefined): string | null {
  const notice = notices.at(-1);
  return notice !== undefined && notice.id !== before && notice.kind === 'error' ? notice.text : null;
}

/** MAX_NOTICES bounds the strip so a flood of errors cannot grow it forever. */
export const MAX_NOTICES = 5;

/** UiSlice: see the file comment. */
export interface UiSlice {
  notices: Notice[];
  dialog: DialogName | null;
  streamResult: FollowResult | null;
  notify(kind: Notice['kind'], text: string): void;
  dismissNotice(id: number): void;
  openDialog(dialog: DialogName): void;
  closeDialog(): void;
  /** followStream calls `stream.follow` for a TCP stream index and opens the dialog. */
  followStream(stream: number): Promise<void>;
}

let nextNoticeId = 1;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  notices: [],
  dialog: null,
  streamResult: null,
  notify(kind, text) {
    const notice = { id: nextNoticeId++, kind, text };
    set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), notice].slice(-MAX_NOTICES) }));
  },
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  openDialog: (dialog) => set({ dialog }),
  closeDialog: () => set({ dialog: null }),
  async followStream(stream) {
    try {
      const streamResult = await get().client['stream.follow'](stream);
      set({ streamResult, dialog: 'follow' });
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },
});
