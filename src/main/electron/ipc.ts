/**
 * The one validating wrapper between Electron IPC and the contract (VS Code's `validatedIpcMain` idea).
 *
 * For every method of {@link METHODS} it registers `ipcMain.handle(ipcChannel(method))`; no other
 * channel is handled, and no channel string is written by hand. Each call is checked in this order, and a
 * call that fails a check never reaches the service (no side effect):
 * 1. the sender: `event.senderFrame` must be the main frame of our main window, and its URL must be our
 *    own origin (`app://wirelab`, or the loopback dev server in `electron-vite dev`). Subframes, other
 *    windows, navigated or destroyed frames are refused;
 * 2. the arguments, with the contract's {@link validateArgs} (count, types, ranges, lengths, no
 *    `__proto__` keys);
 * 3. then the service runs. Handlers never throw: they resolve with `{ok: true, value}` or
 *    `{ok: false, error: {name, message}}`, because Electron would otherwise prefix the message with
 *    "Error invoking remote method" and drop the name.
 *
 * Contract events from the engine are forwarded to the main window's web contents on
 * {@link IPC_EVENT_CHANNEL} as `(eventName, payload)`. The drop channel ({@link IPC_DROP_CHANNEL}) takes
 * the paths the preload read from a trusted drop of real files and hands them to the host.
 */
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import {
  EVENTS,
  METHODS,
  type EventName,
  type Events,
  type MethodName,
  type Service,
} from '../../shared/contract';
import { IPC_DROP_CHANNEL, IPC_EVENT_CHANNEL, ipcChannel, type IpcResult } from '../../shared/ipc-channels';
import { dispatchCall } from '../../shared/rpc';
import { APP_HOST, APP_SCHEME } from './security';

/** MAX_DROPPED_PATHS bounds one drop message (a drop of a whole folder's files is still fine). */
export const MAX_DROPPED_PATHS = 256;
/** MAX_PATH_LENGTH matches the contract's path argument. */
const MAX_PATH_LENGTH = 4096;

/** EventSource is what the binding needs from the engine's events (EngineEvents.onAny). */
export interface EventSource {
  onAny(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
}

/** IpcBindingOptions wire the contract to one main window. */
export interface IpcBindingOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  service: Service;
  events: EventSource;
  /** getWindow returns the current main window (it may be re-created on macOS), or null. */
  getWindow: () => BrowserWindow | null;
  /** isTrustedUrl accepts the renderer's URL; default {@link isAppUrl}. */
  isTrustedUrl?: (url: string) => boolean;
  /** onDrop receives the paths of files dropped on the window (already checked to be strings). */
  onDrop?: (paths: string[]) => void;
  /** onRejected reports refused senders (logging); never told about bad arguments, which are normal errors. */
  onRejected?: (channel: string, reason: string) => void;
}

/** isAppUrl accepts `app://wirelab/...` only. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** trustedUrlCheck accepts our app:// URLs and, when given (dev only), URLs of exactly that dev server origin. */
export function trustedUrlCheck(devServerUrl?: string): (url: string) => boolean {
  let devOrigin: string | undefined;
  if (devServerUrl) {
    try {
      const origin = new URL(devServerUrl).origin;
      if (origin !== 'null') devOrigin = origin;
    } catch {
      devOrigin = undefined;
    }
  }
  return (url) => {
    if (isAppUrl(url)) return true;
    if (devOrigin === undefined) return false;
    try {
      return new URL(url).origin === devOrigin;
    } catch {
      return false;
    }
  };
}

function sameFrame(a: WebFrameMain, b: WebFrameMain): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}

/**
 * senderProblem says why an IPC message must be refused, or null when it comes from our window's main
 * frame at our origin.
 */
export function senderProblem(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: BrowserWindow | null,
  isTrustedUrl: (url: string) => boolean,
): string | null {
  if (!window || window.isDestroyed()) return 'there is no main window';
  const contents = window.webContents;
  if (event.sender !== contents) return 'the sender is not the main window';
  let frame: WebFrameMain | null;
  try {
    frame = event.senderFrame;
  } catch {
    frame = null;
  }
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null || !sameFrame(frame, contents.mainFrame))
    return 'the sender is not the main frame';
  if (!isTrustedUrl(frame.url)) return 'the sender is not at the Wirelab origin';
  return null;
}

/** rejected is the reply to a refused sender. */
function rejected(): IpcResult {
  return {
    ok: false,
    error: {
      name: 'SecurityError',
      message: 'This call did not come from the Wirelab window and was refused.',
    },
  };
}

/** bindContractToIpc registers the handlers and the event forwarding; returns a function that removes them. */
export function bindContractToIpc(options: IpcBindingOptions): () => void {
  const isTrustedUrl = options.isTrustedUrl ?? isAppUrl;
  const { ipcMain, service, getWindow } = options;
  const methods = Object.keys(METHODS) as MethodName[];

  for (const method of methods) {
    const channel = ipcChannel(method);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcResult> => {
      const problem = senderProblem(event, getWindow(), isTrustedUrl);
      if (problem) {
        options.onRejected?.(channel, problem);
        return rejected();
      }
      const result = await dispatchCall(service, method, args);
      return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
    });
  }

  const onDropMessage = (event: IpcMainEvent, paths: unknown): void => {
    const problem = senderProblem(event, getWindow(), isTrustedUrl);
    if (problem) {
      options.onRejected?.(IPC_DROP_CHANNEL, problem);
      return;
    }
    if (!Array.isArray(paths) || paths.length === 0 || paths.length > MAX_DROPPED_PATHS) return;
    if (
      !paths.every(
        (p): p is string =>
          typeof p === 'string' && p.length > 0 && p.length <= MAX_PATH_LENGTH && !p.includes('\0'),
      )
    ) {
      return;
    }
    options.onDrop?.(paths);
  };
  ipcMain.on(IPC_DROP_CHANNEL, onDropMessage);

  const offEvents = options.events.onAny((event, payload) => {
    if (!(EVENTS as readonly string[]).includes(event)) return;
    const window = getWindow();
    if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return;
    window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });

  return () => {
    for (const method of methods) ipcMain.removeHandler(ipcChannel(method));
    ipcMain.removeListener(IPC_DROP_CHANNEL, onDropMessage as (...args: unknown[]) => void);
    offEvents();
  };
}
