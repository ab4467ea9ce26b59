/**
 * RPC over a message transport for the contract: the WebSocket web host and the in-memory transport of
 * tests use it (Electron uses ipcRenderer.invoke with the same method list and validation).
 *
 * Wire format: JSON text; Uint8Array values are tagged `{"$bytes": "<base64>"}` so bytes survive the trip.
 * The server side validates every call with {@link validateArgs} before it reaches the service, and turns
 * errors into `{name, message}`; unknown methods, bad arguments and malformed messages are rejected with
 * no side effect. Pure TypeScript (runs in the renderer and in Node).
 */
import { base64Decode, base64Encode } from './base64';
import {
  EVENTS,
  METHODS,
  validateArgs,
  type Client,
  type ContractError,
  type EventName,
  type Events,
  type MethodName,
  type Service,
} from './contract';

/** RpcMessage is one message on the wire. */
export type RpcMessage =
  | { type: 'call'; id: number; method: string; args: unknown[] }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ContractError }
  | { type: 'event'; event: string; payload: unknown };

/** MAX_MESSAGE is the largest message accepted (16 MiB; a 10 MiB string argument still fits). */
export const MAX_MESSAGE = 16 * 1024 * 1024;

/** encodeMessage serialises a message, tagging bytes. */
export function encodeMessage(message: RpcMessage): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return { $bytes: base64Encode(value) };
    if (typeof value === 'bigint') return Number(value);
    return value;
  });
}

/** decodeMessage parses a message; returns undefined for anything that is not a well-formed message. */
export function decodeMessage(text: string): RpcMessage | undefined {
  if (typeof text !== 'string' || text.length > MAX_MESSAGE) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') return undefined;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const bytes = (value as { $bytes?: unknown }).$bytes;
        if (typeof bytes === 'string' && Object.keys(value).length === 1) return base64Decode(bytes);
      }
      return value;
    });
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const m = parsed as Record<string, unknown>;
  if (m.type === 'call' && Number.isSafeInteger(m.id) && typeof m.method === 'string' && Array.isArray(m.args)) {
    return m as RpcMessage;
  }
  if (m.type === 'result' && Number.isSafeInteger(m.id) && typeof m.ok === 'boolean') return m as RpcMessage;
  if (m.type === 'event' && typeof m.event === 'string') return m as RpcMessage;
  return undefined;
}

/** toContractError turns anything thrown into a plain `{name, message}`. */
export function toContractError(err: unknown): ContractError {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
  return { name: 'Error', message: String(err) };
}

/** dispatchCall validates and runs one call against a service, never throwing. */
export async function dispatchCall(service: Service, method: string, args: unknown): Promise<RpcMessage & { type: 'result' }> {
  const problem = validateArgs(method, args);
  if (problem) return { type: 'result', id: 0, ok: false, error: { name: 'ValidationError', message: problem } };
  try {
    const fn = service[method as MethodName] as (...a: unknown[]) => unknown;
    const value = await fn.apply(service, args as unknown[]);
    return { type: 'result', id: 0, ok: true, value: value === undefined ? null : value };
  } catch (err) {
    return { type: 'result', id: 0, ok: false, error: toContractError(err) };
  }
}

/** Transport is a bidirectional text channel (a WebSocket, an in-memory pair). */
export interface Transport {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
}

/** serveTransport answers calls arriving on `transport` and forwards events; returns a stop function. */
export function serveTransport(
  service: Service,
  transport: Transport,
  subscribe: (forward: <E extends EventName>(event: E, payload: Events[E]) => void) => () => void,
): () => void {
  const offMessage = transport.onMessage((text) => {
    const message = decodeMessage(text);
    if (!message || message.type !== 'call') return;
    void dispatchCall(service, message.method, message.args).then((result) => {
      transport.send(encodeMessage({ ...result, id: message.id }));
    });
  });
  const offEvents = subscribe((event, payload) => transport.send(encodeMessage({ type: 'event', event, payload })));
  return () => {
    offMessage();
    offEvents();
  };
}

/** RemoteError is thrown by client calls that the service rejected. */
export class RemoteError extends Error {
  constructor(
    readonly remoteName: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** createClient builds a typed {@link Client} over a transport. */
export function createClient(transport: Transport): Client {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.onMessage((text) => {
    const message = decodeMessage(text);
    if (!message) return;
    if (message.type === 'result') {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      if (message.ok) p.resolve(message.value);
      else p.reject(new RemoteError(message.error.name, message.error.message));
    } else if (message.type === 'event') {
      for (const l of listeners.get(message.event) ?? []) l(message.payload);
    }
  });
  const client: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      if (!(EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const method of Object.keys(METHODS)) {
    client[method] = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        transport.send(encodeMessage({ type: 'call', id, method, args }));
      });
  }
  return client as unknown as Client;
}

/** memoryTransportPair gives two connected in-memory transports (tests; VS Code's QueueProtocol idea). */
export function memoryTransportPair(): [Transport, Transport] {
  const make = (peer: () => Set<(t: string) => void>, own: Set<(t: string) => void>): Transport => ({
    send: (text) => queueMicrotask(() => peer().forEach((l) => l(text))),
    onMessage: (listener) => {
      own.add(listener);
      return () => own.delete(listener);
    },
  });
  const a = new Set<(t: string) => void>();
  const b = new Set<(t: string) => void>();
  return [make(() => b, a), make(() => a, b)];
}
