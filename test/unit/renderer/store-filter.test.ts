/** Filter slice: local state from the shared filterState, apply through view.setFilter, history. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;

beforeEach(async () => {
  client = fakeClient(10);
  store = createAppStore(client);
  store.getState().setCounts({ frames: 10, displayed: 10, marked: 0 });
  await store.getState().loadRegistry();
});

describe('filter slice', () => {
  it('is neutral while empty or still typing, green when valid, red when invalid', () => {
    const kind = (text: string) => {
      store.getState().setFilterText(text);
      return store.getState().filterCheck.kind;
    };
    expect(kind('')).toBe('empty');
    expect(kind('smt')).toBe('incomplete');
    expect(kind('tcp.port ==')).toBe('incomplete');
    expect(kind('smtp')).toBe('valid');
    expect(kind('tcp.port == 25')).toBe('valid');
    expect(kind('smtpx')).toBe('invalid');
    expect(store.getState().filterCheck.message).toBe('smtpx is neither a field nor a protocol name.');
  });

  it('shows the capture-filter hint for `tcp port 25`', () => {
    store.getState().setFilterText('tcp port 25');
    const check = store.getState().filterCheck;
    expect(check.kind).toBe('invalid');
    expect(check.hint).toContain('tcp.port == 25');
  });

  it('applies with view.setFilter, resets the rows and remembers the filter', async () => {
    store.getState().ensureRows(0, 9);
    await settle();
    store.getState().setFilterText('smtp');
    expect(await store.getState().applyFilter()).toBe(true);
    expect(client.mock('view.setFilter')).toHaveBeenCalledWith('smtp');
    expect(store.getState().appliedFilter).toBe('smtp');
    expect(store.getState().counts.displayed).toBe(5);
    expect(store.getState().rowCache.size).toBe(0);
    expect(store.getState().recentFilters).toEqual(['smtp']);
  });

  it('does not send a filter the shared checker rejects', async () => {
    expect(await store.getState().applyFilter('smtpx')).toBe(false);
    expect(client.mock('view.setFilter')).not.toHaveBeenCalled();
    expect(store.getState().filterFeedback?.message).toBe('smtpx is neither a field nor a protocol name.');
  });

  it("shows the engine's message when the engine rejects the filter", async () => {
    client.mock('view.setFilter').mockResolvedValueOnce({ ok: false, message: 'engine says no', start: 0, length: 4 });
    expect(await store.getState().applyFilter('smtp')).toBe(false);
    expect(store.getState().filterCheck).toMatchObject({ kind: 'invalid', message: 'engine says no' });
    expect(store.getState().appliedFilter).toBe('');
  });

  it('keeps the selected packet selected when it is still displayed, clears it otherwise', async () => {
    await store.getState().selectRow(3);
    expect(store.getState().selectedFrame).toBe(4);
    await store.getState().applyFilter('smtp');
    expect(store.getState().selectedIndex).toBe(1);
    await store.getState().applyFilter('');
    await store.getState().selectRow(2);
    client.mock('view.setFilter').mockResolvedValueOnce({ ok: true, displayed: 5 });
    client.mock('view.indexOf').mockResolvedValueOnce(-1);
    await store.getState().applyFilter('tcp');
    expect(store.getState().selectedFrame).toBeNull();
  });
});
