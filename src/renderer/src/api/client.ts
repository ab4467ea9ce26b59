/**
 * The renderer's one connection to the engine, as a contract {@link Client}:
 * - in Electron, `window.wirelab` (the preload exposes a Client built from src/shared/contract.ts);
 * - in a browser, the web host's WebSocket `ws://<host>/rpc?token=<token from location.search>` wrapped
 *   with the shared `createClient`.
 * The socket reconnects by itself; {@link Connection.onState} tells the store when it is lost or back,
 * so the UI can say so and re-read what it shows. Nothing else in the renderer opens a connection.
 */
import type { Client } from '../../../shared/contract';
import { METHODS } from '../../../shared/contract';
import { createClient, type Transport } from '../../../shared/rpc';

/** ConnectionState is what the status bar and the reconnect banner show. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Connection is a client plus the state of its transport. */
export interface Connection {
  client: Client;
  host: 'electron' | 'web';
  state(): ConnectionState;
  /** onState reports transport changes; returns an unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void;
}

/** isContractClient tells whether a value (e.g. `window.wirelab`) implements every contract method. */
export function isContractClient(value: unknown): value is Client {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.on === 'function' && Object.keys(METHODS).every((m) => typeof record[m] === 'function');
}

/** RECONNECT_MS is the delay between two reconnection attempts. */
export const RECONNECT_MS = 1500;

/**
 * webSocketTransport keeps one WebSocket open to `url`, queueing messages sent while it is connecting
 * and reconnecting after a close. Calls sent while closed fail at once (the caller shows the error).
 */
export function webSocketTransport(url: string, report: (state: ConnectionState) => void): Transport {
  const listeners = new Set<(text: string) => void>();
  const queue: string[] = [];
  let socket: WebSocket;
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState) => {
    if (next !== state) {
      state = next;
      report(next);
    }
  };
  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      setState('open');
      for (const text of queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') for (const l of listeners) l(event.data);
    };
    socket.onclose = () => {
      setState('closed');
      setTimeout(open, RECONNECT_MS);
    };
  };
  open();
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (state === 'connecting') queue.push(text);
      else throw new Error('The connection to the Wirelab engine is lost; reconnecting…');
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** connect picks the Electron bridge when present, else the web host's WebSocket. */
export function connect(win: Window = window): Connection {
  const bridge: unknown = (win as unknown as { wirelab?: unknown }).wirelab;
  const stateListeners = new Set<(state: ConnectionState) => void>();
  if (isContractClient(bridge)) {
    return { client: bridge, host: 'electron', state: () => 'open', onState: () => () => undefined };
  }
  let current: ConnectionState = 'connecting';
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${win.location.host}/rpc?token=${encodeURIComponent(token)}`;
  const transport = webSocketTransport(url, (state) => {
    current = state;
    for (const l of stateListeners) l(state);
  });
  return {
    client: createClient(transport),
    host: 'web',
    state: () => current,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

/**
 * pathForDroppedFile gives the file-system path of a dropped File where the host can tell it (Electron's
 * preload may expose `pathForFile` through webUtils); a browser never can.
 */
export function pathForDroppedFile(file: File, win: Window = window): string | undefined {
  const bridge = (win as unknown as { wirelab?: { pathForFile?: (f: File) => string } }).wirelab;
  const path = bridge?.pathForFile?.(file) ?? (file as File & { path?: string }).path;
  return typeof path === 'string' && path !== '' ? path : undefined;
}
