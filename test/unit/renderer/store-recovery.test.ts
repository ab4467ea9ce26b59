/**
 * Recovery slice and its startup check (bindIpcToStore): the Recover dialog opens only when the engine
 * lists a spool; Recover loads it as an unsaved, recovered capture (Save as… then opens the Save
 * dialog); Discard asks the engine to delete it; several spools are offered one after another; closing
 * keeps the spool; an engine refusal is shown in its words and keeps the offer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindIpcToStore, createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import type { CaptureInfo, RecoverableCapture } from '../../../src/shared/contract';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;
let unbind: () => void = () => undefined;

const spool = (n: number, packets?: number): RecoverableCapture => ({
  path: `/tmp/wirelab-spool/wirelab-lo-2026-11-26T23-0${n}-00-000Z-${100 + n}.pcapng`,
  bytes: 1_200_000,
  modified: '2026-11-26T23:05:00.000Z',
  started: `2026-11-26T23:0${n}:00.000Z`,
  iface: 'lo',
  ...(packets === undefined ? {} : { packets }),
});
const recovered = (path: string): CaptureInfo => ({
  source: 'file',
  path,
  fileName: path.split('/').pop(),
  unsaved: true,
  recovered: true,
  counts: { frames: 42, displayed: 42, marked: 0 },
});

beforeEach(() => {
  client = fakeClient(0);
  store = createAppStore(client);
});
afterEach(() => unbind());

describe('recovery at startup', () => {
  it('asks the engine once and shows no dialog when nothing is left', async () => {
    client.mock('capture.recoverable').mockResolvedValue([]);
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(client.mock('capture.recoverable')).toHaveBeenCalledOnce();
    expect(store.getState().dialog).toBeNull();
  });

  it('offers the spools, newest first; Recover opens an unsaved recovered capture, then the next is offered', async () => {
    const [a, b] = [spool(2, 42), spool(1)];
    client.mock('capture.recoverable').mockResolvedValue([a, b]);
    client.mock('capture.recover').mockImplementation(async (path: string) => recovered(path));
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(store.getState().dialog).toBe('recover');
    expect(store.getState().recoverable.map((r) => r.path)).toEqual([a.path, b.path]);
    expect(await store.getState().recoverCapture(a.path)).toBe(true);
    expect(client.mock('capture.recover')).toHaveBeenCalledWith(a.path);
    expect(store.getState().info).toMatchObject({ recovered: true, unsaved: true });
    expect(store.getState().counts.frames).toBe(42);
    expect(store.getState().dialog).toBe('recover');
    expect(store.getState().recoverable.map((r) => r.path)).toEqual([b.path]);
    // Closing keeps the spool on disk (no engine call) and ends the offer.
    store.getState().skipRecoverable(b.path);
    expect(store.getState().dialog).toBeNull();
    expect(client.mock('capture.discardRecoverable')).not.toHaveBeenCalled();
  });

  it('Save as… recovers and opens the Save dialog; Discard deletes through the engine', async () => {
    const [a, b] = [spool(3), spool(4)];
    client.mock('capture.recoverable').mockResolvedValue([a, b]);
    client.mock('capture.recover').mockImplementation(async (path: string) => recovered(path));
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(await store.getState().discardRecoverable(a.path)).toBe(true);
    expect(client.mock('capture.discardRecoverable')).toHaveBeenCalledWith(a.path);
    expect(store.getState().dialog).toBe('recover');
    expect(await store.getState().recoverCapture(b.path, true)).toBe(true);
    expect(store.getState().dialog).toBe('save');
    expect(store.getState().recoverable).toEqual([]);
  });

  it('shows an engine refusal in its words and keeps offering the spool', async () => {
    const a = spool(5);
    client.mock('capture.recoverable').mockResolvedValue([a]);
    client.mock('capture.discardRecoverable').mockRejectedValue(new Error(`"${a.path}" is not a capture left for recovery.`));
    unbind = bindIpcToStore(client, store);
    await settle();
    expect(await store.getState().discardRecoverable(a.path)).toBe(false);
    expect(store.getState().notices.map((n) => n.text)).toContain(`"${a.path}" is not a capture left for recovery.`);
    expect(store.getState().recoverable).toEqual([a]);
    expect(store.getState().dialog).toBe('recover');
    expect(store.getState().recovering).toBe(false);
  });
});
