/**
 * A fake contract Client for store tests: every method is a vi.fn with a plausible default, events are
 * emitted by hand with `emit`. Rows are synthesised from a displayed count and an optional filter map.
 */
import { vi } from 'vitest';
import type { Client, EventName, Events, Methods } from '../../../src/shared/contract';
import type { FrameSummary } from '../../../src/shared/model';

/** FakeClient is a Client plus `emit` and typed mocks. */
export type FakeClient = Client & {
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  mock<M extends keyof Methods>(method: M): ReturnType<typeof vi.fn>;
};

/** row builds a summary for frame n. */
export function row(n: number, extra: Partial<FrameSummary> = {}): FrameSummary {
  return { number: n, time: n / 1000, source: '127.0.0.1', destination: '127.0.0.1', protocol: 'TCP', length: 60, info: `frame ${n}`, ...extra };
}

/** fakeClient makes a client over a view of `frames` frames (displayed = frames unless a filter maps them). */
export function fakeClient(frames = 0): FakeClient {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let displayedFrames: number[] = Array.from({ length: frames }, (_, i) => i + 1);
  const methods: Record<string, ReturnType<typeof vi.fn>> = {
    'app.info': vi.fn(async () => ({ version: '0.1.0', platform: 'linux', host: 'web' })),
    'fields.registry': vi.fn(async () => ({
      protocols: [
        { abbrev: 'frame', short: 'Frame', name: 'Frame' },
        { abbrev: 'tcp', short: 'TCP', name: 'Transmission Control Protocol' },
        { abbrev: 'smtp', short: 'SMTP', name: 'Simple Mail Transfer Protocol' },
      ],
      fields: [
        { abbrev: 'frame.number', name: 'Frame Number', type: 'framenum' },
        { abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'uint16' },
        { abbrev: 'tcp.stream', name: 'Stream index', type: 'uint32' },
        { abbrev: 'smtp.req.command', name: 'Command', type: 'string' },
        { abbrev: 'smtp.req.parameter', name: 'Request parameter', type: 'string' },
      ],
    })),
    'file.info': vi.fn(async () => ({ source: 'none', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } })),
    'file.open': vi.fn(async (path: string) => ({
      source: 'file',
      path,
      fileName: path.split('/').pop(),
      unsaved: false,
      counts: { frames, displayed: frames, marked: 0 },
    })),
    'file.save': vi.fn(async (path: string) => ({ path, frames })),
    'capture.status': vi.fn(async () => ({ state: 'idle', packets: 0, bytes: 0, dropped: 0 })),
    'capture.interfaces': vi.fn(async () => {
      throw new Error('Live capture is not available in this build yet.');
    }),
    'capture.start': vi.fn(async () => {
      throw new Error('Live capture is not available in this build yet.');
    }),
    'capture.stop': vi.fn(async () => ({ state: 'stopped', packets: 0, bytes: 0, dropped: 0 })),
    'capture.recoverable': vi.fn(async () => []),
    'capture.recover': vi.fn(async () => {
      throw new Error('not a capture left for recovery');
    }),
    'capture.discardRecoverable': vi.fn(async () => undefined),
    'labserver.status': vi.fn(async () => ({ running: true, host: '127.0.0.1', smtpPort: 2525, popPort: 1110, accounts: [] })),
    'view.rows': vi.fn(async (start: number, count: number) => displayedFrames.slice(start, start + count).map((n) => row(n))),
    'view.indexOf': vi.fn(async (frame: number) => displayedFrames.indexOf(frame)),
    'view.setFilter': vi.fn(async (text: string) => {
      displayedFrames = text.trim() === '' ? Array.from({ length: frames }, (_, i) => i + 1) : displayedFrames.filter((n) => n % 2 === 0);
      return { ok: true, displayed: displayedFrames.length };
    }),
    // Sorting by any column here orders by frame number (enough to see rows move); it emits view.onSort as the engine does.
    'view.sort': vi.fn(async (column: string, descending: boolean) => {
      displayedFrames = [...displayedFrames].sort((x, y) => (column !== 'none' && descending ? y - x : x - y));
      const sort = column === 'none' ? null : { column, descending };
      (client.emit as (e: string, p: unknown) => void)('view.onSort', { sort });
      return { ok: true, sort, displayed: displayedFrames.length };
    }),
    'frame.detail': vi.fn(async (frame: number) => ({ number: frame, tree: [], sources: [{ name: `Frame (${frame} bytes)`, bytes: new Uint8Array(4) }] })),
    'frame.mark': vi.fn(async (list: number[]) => ({ frames, displayed: displayedFrames.length, marked: list.length })),
    'stream.follow': vi.fn(async () => {
      throw new Error('Follow TCP Stream is not available in this build yet.');
    }),
    'prefs.set': vi.fn(async (name: string) => {
      throw new Error(`No such preference "${name}"`);
    }),
  };
  const client: Record<string, unknown> = {
    on(event: string, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event: string, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    mock: (m: string) => methods[m],
  };
  return new Proxy(client, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      if (!methods[prop]) methods[prop] = vi.fn(async () => null);
      return methods[prop];
    },
  }) as unknown as FakeClient;
}

/** settle lets pending promises (fake calls, store actions) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}
