/**
 * Sorting the displayed view (`view.sort`) on real lab captures (test/support/lab-captures.ts), checked
 * against tshark: tshark prints every frame's number and column values (`frame.len`, `frame.time_epoch`,
 * `_ws.col.Source`, …), the test sorts those rows the way Wireshark's Packet List does (code-point text
 * order or the number, ties by frame number, descending the exact reverse) and the Workbench must page
 * out exactly that order with `view.rows`, with and without a display filter. It also proves that
 * go-to (`view.indexOf`), find, marks and "save displayed" stay right while sorted, that a new filter
 * keeps the sort, that a newer sort cancels an older one, and that a frame arriving in the view during a
 * capture drops the sort (`view.onSort` with `dropped`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SortColumn, SortState } from '../../src/shared/contract';
import type { FrameSummary } from '../../src/shared/model';
import { Workbench } from '../../src/main/engine/workbench';
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import { tsharkFields } from '../support/tshark';

const captures = inject('captures').captures;
const tmp = mkdtempSync(join(tmpdir(), 'wirelab-sort-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** TSHARK_FIELD is the tshark field printing each sortable column. */
const TSHARK_FIELD: Record<SortColumn, string> = {
  no: 'frame.number',
  time: 'frame.time_epoch',
  source: '_ws.col.Source',
  destination: '_ws.col.Destination',
  protocol: '_ws.col.Protocol',
  length: 'frame.len',
  info: '_ws.col.Info',
};
const COLUMNS = Object.keys(TSHARK_FIELD) as SortColumn[];

type Row = { number: number; values: string[] };

/** compareColumn is the oracle's comparison of two tshark rows for one column (no tie-break). */
function compareColumn(column: SortColumn, a: string, b: string): number {
  switch (column) {
    case 'no':
    case 'length':
      return Number(a) - Number(b);
    case 'time': {
      // "1700000000.123456789": compare the seconds, then the fraction, exactly (no float rounding).
      const [sa, fa = ''] = a.split('.');
      const [sb, fb = ''] = b.split('.');
      return Number(sa) - Number(sb) || (fa.padEnd(9, '0') < fb.padEnd(9, '0') ? -1 : fa.padEnd(9, '0') > fb.padEnd(9, '0') ? 1 : 0);
    }
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** expectedOrder sorts tshark's rows by a column like Wireshark: ties by number, descending reversed. */
function expectedOrder(rows: readonly Row[], column: SortColumn, descending: boolean): number[] {
  const k = COLUMNS.indexOf(column);
  const sorted = [...rows].sort((a, b) => compareColumn(column, a.values[k], b.values[k]) || a.number - b.number);
  const numbers = sorted.map((r) => r.number);
  return descending ? numbers.reverse() : numbers;
}

async function tsharkRows(file: string, decodeAs: string[], filter?: string): Promise<Row[]> {
  const lines = await tsharkFields(file, COLUMNS.map((c) => TSHARK_FIELD[c]), { decodeAs, filter });
  return lines.map((values) => ({ number: Number(values[0]), values }));
}

/**
 * withListedDifferences takes our Protocol and Info text where they differ from tshark's, after checking
 * that every such frame is a POP frame (docs/wireshark-differences.md: Wirelab reassembles POP commands
 * typed one key per segment and hands RETR/TOP bodies to IMF; tshark does neither). Everything else stays
 * tshark's, so the sort is checked against tshark's own texts wherever the two agree.
 */
function withListedDifferences(rows: readonly Row[], ours: readonly FrameSummary[]): Row[] {
  const protocol = COLUMNS.indexOf('protocol');
  const info = COLUMNS.indexOf('info');
  return rows.map((row, i) => {
    const mine = ours[i];
    if (mine.protocol === row.values[protocol] && mine.info === row.values[info]) return row;
    expect(row.values[protocol], `frame ${row.number} differs from tshark outside the listed POP differences`).toMatch(/^(POP|TCP)$/);
    expect(mine.protocol).toMatch(/^(POP|POP\/IMF|TCP)$/);
    const values = [...row.values];
    values[protocol] = mine.protocol;
    values[info] = mine.info;
    return { number: row.number, values };
  });
}

/** capturedOrderRows: a fresh Workbench's rows of a file in capture order (no sort involved). */
async function capturedOrderRows(file: string): Promise<FrameSummary[]> {
  const workbench = new Workbench({ labServer: false });
  const info = await workbench['file.open'](file);
  return workbench['view.rows'](0, info.counts.frames);
}

async function viewNumbers(workbench: Workbench): Promise<number[]> {
  const total = workbench['file.info']().counts.displayed;
  const out: number[] = [];
  for (let start = 0; start < total; start += 100) out.push(...workbench['view.rows'](start, 100).map((r) => r.number));
  return out;
}

describe.each(['smtp-handout', 'pop-handout', 'mixed-ipv6', 'any-sll2'] as const)('view.sort on %s', (name) => {
  const capture = captures[name];

  it('orders every column both ways as tshark rows sorted like Wireshark', async () => {
    const rows = await tsharkRows(capture.file, capture.decodeAs);
    const workbench = new Workbench({ labServer: false });
    const info = await workbench['file.open'](capture.file);
    expect(info.counts.frames).toBe(rows.length);
    const ours = workbench['view.rows'](0, rows.length);
    expect(ours.map((r) => r.number)).toEqual(rows.map((r) => r.number));
    const oracle = withListedDifferences(rows, ours);
    // Each column sorted fresh in both directions, and the other direction right after (a reversal).
    for (const [column, firstDescending] of COLUMNS.flatMap((c) => [[c, false], [c, true]] as const)) {
      await workbench['view.sort']('none', false);
      for (const descending of [firstDescending, !firstDescending]) {
        const feedback = await workbench['view.sort'](column, descending);
        expect(feedback).toEqual({ ok: true, sort: { column, descending }, displayed: rows.length });
        expect(await viewNumbers(workbench), `${column} ${descending ? 'desc' : 'asc'}`).toEqual(expectedOrder(oracle, column, descending));
      }
    }
    const back = await workbench['view.sort']('none', false);
    expect(back).toEqual({ ok: true, sort: null, displayed: rows.length });
    expect(await viewNumbers(workbench)).toEqual(rows.map((r) => r.number));
  });

  it('keeps the sort under a display filter, and a new filter keeps it', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    expect((await workbench['view.sort']('length', true)).ok).toBe(true);
    for (const filter of ['tcp.len > 0', 'tcp.flags.syn == 1 || frame.len > 100']) {
      const feedback = await workbench['view.setFilter'](filter);
      const rows = await tsharkRows(capture.file, capture.decodeAs, filter);
      expect(feedback.displayed).toBe(rows.length);
      expect(await viewNumbers(workbench), filter).toEqual(expectedOrder(rows, 'length', true));
    }
    const info = await workbench['view.sort']('info', false);
    expect(info.ok).toBe(true);
    const all = await tsharkRows(capture.file, capture.decodeAs);
    const oracle = withListedDifferences(all, await capturedOrderRows(capture.file));
    const kept = new Set((await tsharkRows(capture.file, capture.decodeAs, 'tcp.flags.syn == 1 || frame.len > 100')).map((r) => r.number));
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(oracle.filter((r) => kept.has(r.number)), 'info', false));
    // Clearing the filter keeps the sort over every frame.
    await workbench['view.setFilter']('');
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(oracle, 'info', false));
  });
});

describe('view.sort keeps go-to, find, marks and save right', () => {
  const capture = captures['smtp-python'];

  it('answers view.indexOf and view.find in sorted order; marks show; save writes capture order', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    await workbench['view.setFilter']('tcp');
    await workbench['view.sort']('length', false);
    const order = await viewNumbers(workbench);
    expect(order.length).toBeGreaterThan(10);
    order.forEach((frame, index) => expect(workbench['view.indexOf'](frame)).toBe(index));
    // A frame the filter hides has no row.
    const all = readCaptureFileSync(capture.file).records.length;
    const hidden = Array.from({ length: all }, (_, i) => i + 1).filter((n) => !order.includes(n));
    for (const n of hidden) expect(workbench['view.indexOf'](n)).toBe(-1);
    // Find walks the rows in displayed (sorted) order: from the first row, "tcp" finds the second row.
    expect(workbench['view.find']('filter', 'tcp', order[0], false)).toEqual({ frame: order[1] });
    expect(workbench['view.find']('filter', 'tcp', order[1], true)).toEqual({ frame: order[0] });
    // Marks follow the frame, wherever its row is.
    workbench['frame.mark']([order[3]], true);
    const rows = workbench['view.rows'](0, order.length);
    expect(rows.filter((r) => r.marked).map((r) => r.number)).toEqual([order[3]]);
    // "Save displayed" writes the frames in capture order (timestamps keep going forward).
    const out = join(tmp, 'displayed.pcapng');
    const saved = workbench['file.save'](out, { format: 'pcapng', which: 'displayed' });
    expect(saved.frames).toBe(order.length);
    const tshark = await tsharkFields(capture.file, ['frame.number'], { filter: 'tcp', decodeAs: capture.decodeAs });
    const savedTimes = readCaptureFileSync(out).records.map((r) => r.tsSec * 1e9 + r.tsNsec);
    expect(savedTimes).toEqual([...savedTimes].sort((a, b) => a - b));
    expect(savedTimes.length).toBe(tshark.length);
  });

  it('a newer sort cancels an older one still running; events say what is in effect', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    const events: SortState[] = [];
    workbench.events.on('view.onSort', (state) => events.push(state));
    const first = workbench['view.sort']('info', false);
    const second = workbench['view.sort']('source', true);
    const [a, b] = await Promise.all([first, second]);
    expect(a.cancelled).toBe(true);
    expect(b).toMatchObject({ ok: true, sort: { column: 'source', descending: true } });
    expect(events.at(-1)).toEqual({ sort: { column: 'source', descending: true } });
    const rows = await tsharkRows(capture.file, capture.decodeAs);
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(rows, 'source', true));
  });

  it('a sort and a filter asked for at the same moment end in the filtered view sorted (either order)', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    const all = await tsharkRows(capture.file, capture.decodeAs);
    const kept = new Set((await tsharkRows(capture.file, capture.decodeAs, 'tcp.len > 0')).map((r) => r.number));
    const events: SortState[] = [];
    workbench.events.on('view.onSort', (state) => events.push(state));

    const [filtered, sorted] = await Promise.all([workbench['view.setFilter']('tcp.len > 0'), workbench['view.sort']('length', false)]);
    expect(filtered.ok).toBe(true);
    expect(sorted).toMatchObject({ ok: true, sort: { column: 'length', descending: false } });
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(all.filter((r) => kept.has(r.number)), 'length', false));
    expect(events.at(-1)).toEqual({ sort: { column: 'length', descending: false } });

    const [bySource] = await Promise.all([workbench['view.sort']('source', true), workbench['view.setFilter']('')]);
    // The filter started after the sort, so it ended the sort's own run (`cancelled`) and applied it itself.
    expect(bySource).toMatchObject({ ok: false, cancelled: true });
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(all, 'source', true));
    expect(events.at(-1)).toEqual({ sort: { column: 'source', descending: true } });
  });

  it('sorts again after a preference rebuilt the store, telling clients the old order is gone', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    await workbench['view.sort']('length', true);
    const events: SortState[] = [];
    const sortedAgain = new Promise<void>((resolve) =>
      workbench.events.on('view.onSort', (state) => {
        events.push(state);
        if (state.sort?.column === 'length') resolve();
      }),
    );
    workbench['prefs.set']('tcp.desegment_tcp_streams', true);
    await sortedAgain;
    expect(events[0]).toEqual({ sort: null });
    expect(events.at(-1)).toEqual({ sort: { column: 'length', descending: true } });
    expect(await viewNumbers(workbench)).toEqual(expectedOrder(await tsharkRows(capture.file, capture.decodeAs), 'length', true));
  });

  it('drops the sort when a frame arrives in the view (live capture) and rows go back to capture order', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](capture.file);
    const records = readCaptureFileSync(capture.file).records;
    await workbench['view.sort']('length', true);
    const events: SortState[] = [];
    workbench.events.on('view.onSort', (state) => events.push(state));
    workbench.appendRecord(records[0]);
    expect(events).toEqual([{ sort: null, dropped: true }]);
    const numbers = await viewNumbers(workbench);
    expect(numbers).toEqual(Array.from({ length: records.length + 1 }, (_, i) => i + 1));
    expect(workbench['view.indexOf'](records.length + 1)).toBe(records.length);
  });
});
