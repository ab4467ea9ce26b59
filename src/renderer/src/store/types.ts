/** AppState is the whole renderer store: the union of its slices (store/slices/*.ts). */
import type { StateCreator } from 'zustand';
import type { CaptureSlice } from './slices/capture';
import type { ConnectionSlice } from './slices/connection';
import type { FilterSlice } from './slices/filter';
import type { FramesSlice } from './slices/frames';
import type { PrefsSlice } from './slices/prefs';
import type { SelectionSlice } from './slices/selection';
import type { UiSlice } from './slices/ui';
import type { ConsoleSlice } from './slices/console';
import type { LabSlice } from './slices/lab';
import type { ScriptsSlice } from './slices/scripts';
import type { RecoverySlice } from './slices/recovery';

export type AppState = ConnectionSlice & CaptureSlice & FramesSlice & SelectionSlice & FilterSlice & PrefsSlice & UiSlice &
  ConsoleSlice & LabSlice & ScriptsSlice & RecoverySlice;

/** SliceCreator is how every slice is typed (zustand's slices pattern). */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;

/** errorText turns anything thrown by a contract call into the engine's message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
