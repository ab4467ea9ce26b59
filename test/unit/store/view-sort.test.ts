/**
 * The sort algorithms of store/view-sort.ts at a size the lab captures do not reach (140,000 rows, so
 * every merge pass runs), over a table of columns generated from a seeded PRNG, against a plain
 * Array.prototype.sort of the same rows: many ties (lengths, a few source texts), timestamps that go
 * back, long Info texts. Also: a sort stops (null) as soon as it is no longer wanted, and reports
 * progress that only grows. The store is a stand-in exposing the accessors the sort reads; the engine
 * path over a real PacketStore is covered by test/integration/view-sort.test.ts against tshark.
 */
import { describe, expect, it } from 'vitest';
import type { SortColumn } from '../../../src/shared/contract';
import type { PacketStore, TextColumn } from '../../../src/main/engine/store/packet-store';
import { sortFrames } from '../../../src/main/engine/store/view-sort';

const N = 140_000;

function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const random = prng(42);
const texts = ['10.0.0.2', '10.0.0.10', '192.168.1.1', '::1', 'fe80::1', '00:00:00_00:00:00', 'Broadcast'];
const length = new Uint32Array(N + 1);
const sec = new Float64Array(N + 1);
const nsec = new Uint32Array(N + 1);
const source = new Uint32Array(N + 1);
const info: string[] = [''];
for (let n = 1; n <= N; n++) {
  length[n] = 54 + Math.floor(random() * 40);
  sec[n] = 1_700_000_000 + Math.floor(random() * 50);
  nsec[n] = Math.floor(random() * 1e9);
  source[n] = Math.floor(random() * texts.length);
  info.push(`C: ${random() < 0.5 ? 'mail from' : 'rcpt to'} <${Math.floor(random() * 5000)}@lab>`);
}
const store = {
  wireLength: (n: number) => length[n],
  timeSec: (n: number) => sec[n],
  timeNsec: (n: number) => nsec[n],
  columnId: (_column: TextColumn, n: number) => source[n],
  columnTextTable: texts,
  summary: (n: number) => ({ info: info[n] }),
} as unknown as PacketStore;

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
function reference(frames: number[], column: SortColumn, descending: boolean): number[] {
  const by: Record<string, (a: number, b: number) => number> = {
    no: () => 0,
    length: (a, b) => length[a] - length[b],
    time: (a, b) => sec[a] - sec[b] || nsec[a] - nsec[b],
    source: (a, b) => cmp(texts[source[a]], texts[source[b]]),
    info: (a, b) => cmp(info[a], info[b]),
  };
  const out = [...frames].sort((a, b) => by[column](a, b) || a - b);
  return descending ? out.reverse() : out;
}

const all = Uint32Array.from({ length: N }, (_, i) => i + 1);
const odd = all.filter((n) => n % 3 !== 0);

describe('sortFrames at 140,000 rows', () => {
  for (const column of ['no', 'length', 'time', 'source', 'info'] as const) {
    it(`orders by ${column} both ways like a plain sort (ties by frame number, descending reversed)`, async () => {
      for (const frames of [all, odd]) {
        for (const descending of [false, true]) {
          const got = await sortFrames(store, frames, { column, descending }, { stop: () => false });
          expect(got, `${column} ${descending}`).not.toBeNull();
          expect(Array.from(got!)).toEqual(reference(Array.from(frames), column, descending));
        }
      }
    }, 60_000);
  }

  it('stops as soon as the sort is no longer wanted, and reports growing progress', async () => {
    const progress: number[] = [];
    let wanted = true;
    const sorting = sortFrames(store, all, { column: 'info', descending: false }, {
      stop: () => !wanted,
      progress: (p) => {
        progress.push(p);
        if (progress.length === 3) wanted = false;
      },
    });
    expect(await sorting).toBeNull();
    expect(progress).toHaveLength(3);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
  });
});
