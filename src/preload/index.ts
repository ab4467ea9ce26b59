/**
 * Preload (sandboxed, bundled to one CommonJS file, out/preload/index.cjs). It exposes exactly one object,
 * `window.wirelab`, through contextBridge: a contract {@link Client} built from METHODS and EVENTS — one
 * function per method, each invoking that method's own channel (`ipcChannel(method)`), plus `on(event,
 * listener)`. Never ipcRenderer itself, never a generic `invoke(channel)`: a script in the page can reach
 * the contract's methods and nothing else, and the main process validates every call again.
 *
 * File drops: a page cannot learn a dropped file's path (and must not choose paths for file.open), so this
 * preload watches drops itself. For a trusted drop of real files, `webUtils.getPathForFile` gives their
 * paths (a File built by a script has none) and they go to the host on the drop channel; the host opens
 * the first one after the "unsaved capture" prompt, and the page learns of it through `view.onReset`.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENTS, METHODS, type EventName, type MethodName } from '../shared/contract';
import { IPC_DROP_CHANNEL, IPC_EVENT_CHANNEL, ipcChannel, type IpcResult } from '../shared/ipc-channels';
import type { WirelabApi } from './api';

type Listener = (payload: unknown) => void;

/** RemoteCallError carries the engine's `{name, message}` (contextBridge keeps the message; the name is best effort). */
function remoteError(error: { name?: unknown; message?: unknown } | undefined): Error {
  const err = new Error(typeof error?.message === 'string' ? error.message : 'The call failed.');
  err.name = typeof error?.name === 'string' ? error.name : 'Error';
  return err;
}

/** buildApi builds the Client; exported for the test, which runs it against a fake ipcRenderer. */
export function buildApi(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on'>): WirelabApi {
  const listeners = new Map<EventName, Set<Listener>>();
  const known = new Set<string>(EVENTS);
  ipc.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
    if (typeof name !== 'string' || !known.has(name)) return;
    for (const listener of [...(listeners.get(name as EventName) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        // One failing listener must not stop the others.
        console.error(err);
      }
    }
  });

  const api: Record<string, unknown> = {};
  for (const method of Object.keys(METHODS) as MethodName[]) {
    const channel = ipcChannel(method);
    api[method] = async (...args: unknown[]): Promise<unknown> => {
      const result = (await ipc.invoke(channel, ...args)) as IpcResult | undefined;
      if (result && result.ok === true) return result.value;
      throw remoteError(result && result.ok === false ? result.error : undefined);
    };
  }
  api.on = (event: unknown, listener: unknown): (() => void) => {
    if (typeof event !== 'string' || !known.has(event))
      throw new Error(`unknown event ${String(event).slice(0, 80)}`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    let set = listeners.get(event as EventName);
    if (!set) listeners.set(event as EventName, (set = new Set()));
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  };
  return Object.freeze(api) as unknown as WirelabApi;
}

/** DropEventLike is the part of a DOM DragEvent the drop watcher reads (the Node type world has no DOM). */
export interface DropEventLike {
  readonly isTrusted: boolean;
  readonly dataTransfer: { readonly types: readonly string[]; readonly files: Iterable<File> } | null;
  preventDefault(): void;
}

/** DropTarget is the page's window as the drop watcher uses it. */
export interface DropTarget {
  addEventListener(
    type: 'dragover' | 'drop',
    listener: (event: DropEventLike) => void,
    capture: boolean,
  ): void;
}

/** watchDrops sends the paths of files dropped on the page to the host (see the file comment). */
export function watchDrops(
  target: DropTarget,
  ipc: Pick<typeof ipcRenderer, 'send'>,
  pathForFile: (file: File) => string,
): void {
  const carriesFiles = (event: DropEventLike) => event.dataTransfer?.types.includes('Files') ?? false;
  // Without preventDefault on dragover the drop event never fires (Chromium would navigate instead).
  target.addEventListener('dragover', (event) => carriesFiles(event) && event.preventDefault(), true);
  target.addEventListener(
    'drop',
    (event) => {
      if (!event.isTrusted || !carriesFiles(event)) return;
      event.preventDefault();
      const paths = [...(event.dataTransfer?.files ?? [])]
        .map((file) => pathForFile(file))
        .filter((p) => p !== '');
      if (paths.length > 0) ipc.send(IPC_DROP_CHANNEL, paths);
    },
    true,
  );
}

// The sandboxed preload runs in a window; tests import this module without one.
const page = (globalThis as { window?: DropTarget }).window;
if (page !== undefined) {
  contextBridge.exposeInMainWorld('wirelab', buildApi(ipcRenderer));
  watchDrops(page, ipcRenderer, (file) => webUtils.getPathForFile(file));
}
