/** Selection slice: frame detail, tree selection → bytes highlight, byte → deepest item, expansion. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FrameDetail } from '../../../src/shared/contract';
import { createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import { flattenVisible } from '../../../src/renderer/src/store/detail-tree';
import { fakeClient, settle, type FakeClient } from './fake-client';

const DETAIL: FrameDetail = {
  number: 7,
  sources: [
    { name: 'Frame (90 bytes)', bytes: new Uint8Array(90) },
    { name: 'Reassembled TCP (36 bytes)', bytes: new Uint8Array(36) },
  ],
  tree: [
    { label: 'Frame 7: 90 bytes on wire', field: 'frame', src: 0, start: 0, length: 90, children: [{ label: 'Frame Number: 7', field: 'frame.number', value: '7', src: 0, start: 0, length: 0 }] },
    {
      label: 'Transmission Control Protocol, Src Port: 40000, Dst Port: 25',
      field: 'tcp',
      src: 0,
      start: 34,
      length: 32,
      children: [
        { label: 'Source Port: 40000', field: 'tcp.srcport', value: '40000', src: 0, start: 34, length: 2 },
        { label: '[Stream index: 3]', field: 'tcp.stream', value: '3', src: 0, start: 0, length: 0, generated: true },
        { label: '[Reassembled PDU in frame: 9]', field: 'tcp.reassembled_in', value: '9', src: 0, start: 0, length: 0, generated: true, frameRef: 9 },
      ],
    },
    {
      label: 'Simple Mail Transfer Protocol',
      field: 'smtp',
      src: 1,
      start: 0,
      length: 36,
      children: [
        { label: 'Request: hidden', field: 'smtp.req', value: '1', src: 1, start: 0, length: 36, hidden: true },
        {
          label: 'Command Line: mail from: <x@163.com>\\r\\n',
          src: 1,
          start: 0,
          length: 36,
          children: [
            { label: 'Command: mail', field: 'smtp.req.command', value: 'mail', src: 1, start: 0, length: 4 },
            { label: 'Request parameter: from: <x@163.com>', field: 'smtp.req.parameter', value: 'from: <x@163.com>', src: 1, start: 5, length: 17 },
          ],
        },
      ],
    },
  ],
};

let client: FakeClient;
let store: AppStore;

beforeEach(async () => {
  client = fakeClient(20);
  client.mock('frame.detail').mockImplementation(async (n: number) => ({ ...DETAIL, number: n }));
  store = createAppStore(client);
  store.getState().setCounts({ frames: 20, displayed: 20, marked: 0 });
  await store.getState().selectRow(6);
});

describe('selection slice', () => {
  it('selects a row and fetches its detail once', async () => {
    expect(store.getState().selectedFrame).toBe(7);
    expect(store.getState().selectedIndex).toBe(6);
    expect(store.getState().detail?.number).toBe(7);
    await store.getState().selectRow(6);
    expect(client.mock('frame.detail')).toHaveBeenCalledTimes(1);
  });

  it('clamps keyboard moves to the displayed rows', async () => {
    await store.getState().selectRow(-5);
    expect(store.getState().selectedFrame).toBe(1);
    await store.getState().selectRow(10_000);
    expect(store.getState().selectedFrame).toBe(20);
  });

  it('highlights the bytes of the selected item and selects its data source tab', () => {
    store.getState().selectNode('2.1.1');
    expect(store.getState().highlight).toEqual({ src: 1, start: 5, length: 17 });
    expect(store.getState().byteSource).toBe(1);
    store.getState().selectNode('1.0');
    expect(store.getState().highlight).toEqual({ src: 0, start: 34, length: 2 });
    expect(store.getState().byteSource).toBe(0);
  });

  it('selecting a byte selects the deepest shown item covering it and expands its ancestors', () => {
    store.getState().selectByte(1, 8);
    expect(store.getState().selectedPath).toBe('2.1.1');
    const rows = flattenVisible(store.getState().detail!.tree, store.getState().expanded);
    expect(rows.map((r) => r.node.label)).toContain('Request parameter: from: <x@163.com>');
    // The hidden smtp.req covers the same bytes but is never chosen.
    store.getState().selectByte(1, 30);
    expect(store.getState().selectedPath).toBe('2.1');
  });

  it('expands and collapses subtrees and remembers expansion across frames by field', async () => {
    store.getState().expandSubtree('2', true);
    expect(flattenVisible(store.getState().detail!.tree, store.getState().expanded).length).toBe(3 + 1 + 2);
    await store.getState().selectRow(7);
    expect(store.getState().detail?.number).toBe(8);
    expect(flattenVisible(store.getState().detail!.tree, store.getState().expanded).length).toBe(6);
    store.getState().expandAll(false);
    expect(flattenVisible(store.getState().detail!.tree, store.getState().expanded).length).toBe(3);
  });

  it('goes to a frame by number through view.indexOf; false when it is not displayed', async () => {
    expect(await store.getState().goToFrame(12)).toBe(true);
    expect(store.getState().selectedIndex).toBe(11);
    expect(await store.getState().goToFrame(99)).toBe(false);
  });

  it('drops a detail answer for a frame that is no longer selected', async () => {
    let release: (() => void) | undefined;
    client.mock('frame.detail').mockImplementationOnce(
      (n: number) => new Promise((resolve) => (release = () => resolve({ ...DETAIL, number: n }))),
    );
    const slow = store.getState().selectRow(2);
    await settle();
    await store.getState().selectRow(4);
    release?.();
    await slow;
    expect(store.getState().detail?.number).toBe(5);
  });
});
