/**
 * Sorting the Packet List in Chromium: the real renderer build against a Workbench and the web host
 * (test/e2e/browser.ts), on the standard lab capture `smtp-handout`. Clicking a column header (or Enter /
 * Space on a focused one) cycles ascending → descending → capture order; the test checks `aria-sort` on
 * every header, the arrow, and the visible row order (top and bottom of the list) against tshark's rows
 * sorted the same way (`frame.len`, `_ws.col.Protocol`, ties by frame number, descending reversed). It
 * also checks that the selected packet stays selected at its new row, that a display filter keeps the
 * sort, and that a long sort (a 60,000-frame capture written from the lab frames) shows its status.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCaptureFileSync } from '../../src/main/engine/file/reader';
import { openCaptureWriter } from '../../src/main/engine/file/writer';
import { tsharkFields } from '../support/tshark';
import { buildRenderer, SCREENSHOTS, startHarness, type Harness } from './browser';

const handout = inject('captures').captures['smtp-handout'];
let h: Harness;
let tmp: string;

const ROW_HEIGHT = 20;
const grid = () => h.page.getByRole('grid', { name: 'Packet list' });
const header = (name: string) => grid().getByRole('columnheader', { name: new RegExp(`^${name}`) });
const filterBar = () => h.page.locator('.filter-bar');

type Row = { number: number; length: number; protocol: string };
let tshark: Row[];

function sorted(rows: readonly Row[], key: (r: Row) => number | string, descending: boolean): number[] {
  const out = [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) || a.number - b.number;
  });
  const numbers = out.map((r) => r.number);
  return descending ? numbers.reverse() : numbers;
}

async function rowCount(): Promise<number> {
  return Number(await grid().getAttribute('aria-rowcount')) - 1;
}

/** visibleFrames reads the frame numbers of displayed rows first..first+count-1 after scrolling there. */
async function visibleFrames(first: number, count: number): Promise<number[]> {
  await grid().locator('.pl-scroll').evaluate((el, top) => {
    el.scrollTop = top;
  }, first * ROW_HEIGHT);
  const out: number[] = [];
  for (let i = first; i < first + count; i++) {
    const cell = grid().locator(`[role="row"][aria-rowindex="${i + 2}"]`);
    await cell.locator('[role="gridcell"]').first().waitFor({ timeout: 10_000 });
    out.push(Number(await cell.getAttribute('data-frame')));
  }
  return out;
}

/** expectOrder checks the top and the bottom of the list against the expected order. */
async function expectOrder(expected: number[]): Promise<void> {
  await expect.poll(rowCount, { timeout: 20_000 }).toBe(expected.length);
  await expect.poll(() => visibleFrames(0, 15), { timeout: 20_000 }).toEqual(expected.slice(0, 15));
  const tail = expected.length - 10;
  await expect.poll(() => visibleFrames(tail, 10), { timeout: 20_000 }).toEqual(expected.slice(tail));
}

async function ariaSorts(): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const name of ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info']) {
    out[name] = await header(name.replace('.', '\\.')).getAttribute('aria-sort');
  }
  return out;
}

async function expectSortedBy(name: string | null, direction?: 'ascending' | 'descending'): Promise<void> {
  await expect
    .poll(async () => Object.entries(await ariaSorts()).filter(([, v]) => v !== 'none'))
    .toEqual(name === null ? [] : [[name, direction]]);
  if (name !== null) {
    const arrow = await header(name.replace('.', '\\.')).locator('.pl-sort-arrow').textContent();
    expect(arrow?.trim()).toBe(direction === 'ascending' ? '▲' : '▼');
  }
}

async function openFile(file: string): Promise<void> {
  await h.page.getByRole('button', { name: 'Open…' }).click();
  const dialog = h.page.getByRole('dialog', { name: 'Open capture file' });
  await dialog.getByLabel('File path').fill(file);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  await dialog.waitFor({ state: 'detached', timeout: 60_000 });
}

async function applyFilter(text: string): Promise<void> {
  await filterBar().locator('.view-lines').click();
  await h.page.keyboard.press('Control+A');
  await h.page.keyboard.press('Backspace');
  if (text !== '') await h.page.keyboard.type(text, { delay: 10 });
  await h.page.waitForTimeout(250);
  await h.page.keyboard.press('Escape');
  await h.page.keyboard.press('Enter');
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'wirelab-e2e-sort-'));
  const fields = await tsharkFields(handout.file, ['frame.number', 'frame.len', '_ws.col.Protocol'], { decodeAs: handout.decodeAs });
  tshark = fields.map(([n, len, protocol]) => ({ number: Number(n), length: Number(len), protocol: protocol! }));
  const rendererDir = await buildRenderer();
  h = await startHarness({ rendererDir });
}, 240_000);

afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Packet List sorting in Chromium', () => {
  it('cycles Length ascending → descending → capture order by clicks, rows as tshark sorted', async () => {
    await openFile(handout.file);
    await expectOrder(tshark.map((r) => r.number));
    await expectSortedBy(null);

    await header('Length').click();
    await expectSortedBy('Length', 'ascending');
    await expectOrder(sorted(tshark, (r) => r.length, false));

    await header('Length').click();
    await expectSortedBy('Length', 'descending');
    await expectOrder(sorted(tshark, (r) => r.length, true));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await h.page.screenshot({ path: path.join(SCREENSHOTS, 'sorted-length-descending.png') });

    await header('Length').click();
    await expectSortedBy(null);
    await expectOrder(tshark.map((r) => r.number));
  });

  it('sorts from the keyboard (Enter, Space on a focused header) and keeps the selected packet selected', async () => {
    // Select the 6th row (frame 6 in capture order).
    const sixth = grid().locator('[role="row"][aria-rowindex="7"]');
    await visibleFrames(0, 6);
    await sixth.click();
    await expect.poll(() => grid().locator('[role="row"][aria-selected="true"]').getAttribute('data-frame')).toBe('6');

    await header('Protocol').focus();
    await h.page.keyboard.press('Enter');
    await expectSortedBy('Protocol', 'ascending');
    const byProtocol = sorted(tshark, (r) => r.protocol, false);
    await expectOrder(byProtocol);
    await h.page.keyboard.press('Space');
    await expectSortedBy('Protocol', 'descending');
    const byProtocolDesc = sorted(tshark, (r) => r.protocol, true);
    await expectOrder(byProtocolDesc);
    // Frame 6 is still the selected packet, at its row in the new order.
    const index = byProtocolDesc.indexOf(6);
    await visibleFrames(Math.max(0, index - 2), 3);
    const selected = grid().locator('[role="row"][aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-frame')).toBe('6');
    expect(await selected.getAttribute('aria-rowindex')).toBe(String(index + 2));
  });

  it('keeps the sort when a display filter is applied', async () => {
    await header('Length').click(); // a new column starts ascending
    await header('Length').click();
    await expectSortedBy('Length', 'descending');
    await applyFilter('tcp.len > 0');
    const kept = new Set((await tsharkFields(handout.file, ['frame.number'], { filter: 'tcp.len > 0', decodeAs: handout.decodeAs })).map(([n]) => Number(n)));
    await expectOrder(sorted(tshark.filter((r) => kept.has(r.number)), (r) => r.length, true));
    await expectSortedBy('Length', 'descending');
    await applyFilter('');
    await expectOrder(sorted(tshark, (r) => r.length, true));
  });

  it('shows "Sorting by Info…" while a big view is sorted, then the sorted rows', async () => {
    // 60,000 frames: the lab frames written over and over (one second apart per copy).
    const records = readCaptureFileSync(handout.file).records;
    const big = path.join(tmp, 'big.pcap');
    const writer = openCaptureWriter(big, { format: 'pcap', linktype: records[0]!.linktype, nanosecond: true });
    let written = 0;
    for (let copy = 0; written < 60_000; copy++) {
      for (const r of records) {
        writer.write({ tsSec: r.tsSec + copy, tsNsec: r.tsNsec, data: r.data, origLen: r.origLen });
        written++;
      }
    }
    writer.close();
    await openFile(big);
    await expect.poll(rowCount, { timeout: 60_000 }).toBe(written);
    await expectSortedBy(null);
    const status = h.page.getByTestId('sort-status');
    const seen = status.waitFor({ state: 'visible', timeout: 60_000 }).then(async () => (await status.textContent()) ?? '');
    await header('Info').click();
    expect(await seen).toMatch(/^Sorting by Info… \d+ %$/);
    await expectSortedBy('Info', 'ascending');
    await status.waitFor({ state: 'detached', timeout: 60_000 });
    const engineOrder = h.workbench['view.rows'](0, 15).map((r) => r.number);
    const infos = h.workbench['view.rows'](0, written).map((r) => r.info);
    expect(infos).toEqual([...infos].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await expect.poll(() => visibleFrames(0, 15)).toEqual(engineOrder);
  });
});
