/**
 * Electron IPC channel names, derived from the contract so that no channel string is written by hand:
 * the main process registers exactly `ipcChannel(m)` for every method `m` of METHODS, and the preload
 * invokes exactly those. Every channel carries the `wirelab:` prefix (VS Code's `vscode:` rule), so a
 * channel outside it is never ours. Pure TypeScript (main and preload import it).
 */
import type { MethodName } from './contract';

/** IPC_PREFIX starts every Wirelab channel. */
export const IPC_PREFIX = 'wirelab:';

/** IPC_EVENT_CHANNEL carries contract events main → renderer as `(eventName, payload)`. */
export const IPC_EVENT_CHANNEL = `${IPC_PREFIX}event`;

/**
 * IPC_DROP_CHANNEL carries the paths of files the user dropped on the window, renderer → main. It is
 * used by the preload alone (never exposed): only a trusted drop of real files yields paths there.
 */
export const IPC_DROP_CHANNEL = `${IPC_PREFIX}drop`;

/** ipcChannel is the invoke channel of one contract method, e.g. `wirelab:file.open`. */
export function ipcChannel(method: MethodName): string {
  return `${IPC_PREFIX}${method}`;
}

/** IpcResult is what every invoke handler resolves with: thrown errors never cross IPC as such. */
export type IpcResult =
  { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };
