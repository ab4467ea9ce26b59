/**
 * The analyser UI end to end: the real renderer build in headless Chromium against a Workbench and the
 * web host in this process, on the standard lab captures (test/support/lab-captures.ts). Ground truth is
 * tshark on the same file (displayed counts) and the engine's own detail tree (labels, byte ranges).
 * Every request must stay on 127.0.0.1; screenshots of the main states go to test-artifacts/screenshots/
 * and are checked to be non-blank with the three panes not overlapping.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DetailNode } from '../../src/shared/model';
import { tsharkFields } from '../support/tshark';
import { buildRenderer, imageStats, intersects, REPO, SCREENSHOTS, startHarness, type Box, type Harness } from './browser';

const captures = inject('captures').captures;
const handout = captures['smtp-handout'];
let h: Harness;
let tmp: string;
const shots: string[] = [];

const ROW_HEIGHT = 20;
const grid = () => h.page.getByRole('grid', { name: 'Packet list' });
const tree = () => h.page.getByRole('tree', { name: 'Packet details' });
const bytesPane = () => h.page.getByRole('region', { name: 'Packet bytes' });
const filterBar = () => h.page.locator('.filter-bar');
const filterMessage = () => h.page.getByTestId('filter-message');
const row = (ariaIndex: number) => grid().locator(`[role="row"][aria-rowindex="${ariaIndex}"]`);
const selectedRow = () => grid().locator('[role="row"][aria-selected="true"]');
const item = (label: string | RegExp) => tree().getByRole('treeitem').filter({ has: h.page.locator('.dt-label', { hasText: label }) });

async function rowCount(): Promise<number> {
  return Number(await grid().getAttribute('aria-rowcount')) - 1;
}

async function waitRowCount(n: number): Promise<void> {
  await expect.poll(rowCount, { timeout: 20_000 }).toBe(n);
}

/** typeFilter replaces the bar's text the way a user does (Monaco edits through EditContext). */
async function typeFilter(text: string): Promise<void> {
  await filterBar().locator('.view-lines').click();
  await h.page.keyboard.press('Control+A');
  await h.page.keyboard.press('Backspace');
  if (text !== '') await h.page.keyboard.type(text, { delay: 10 });
  await h.page.waitForTimeout(250);
  await h.page.keyboard.press('Escape'); // close the completion list so Enter applies
}

async function applyFilter(text: string): Promise<void> {
  await typeFilter(text);
  await h.page.keyboard.press('Enter');
}

async function shot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await h.page.screenshot({ path: file });
  shots.push(file);
  const png = await h.page.screenshot();
  const stats = await imageStats(h.browser, png);
  expect(stats.variance, `${name} is blank`).toBeGreaterThan(100);
  expect(stats.dominantShare, `${name} is mostly one colour`).toBeLessThan(0.95);
  const boxes: Box[] = [];
  for (const pane of ['list', 'details', 'bytes']) {
    const box = await h.page.locator(`[data-pane="${pane}"]`).boundingBox();
    expect(box, `${pane} pane is visible in ${name}`).not.toBeNull();
    expect(box!.height, `${pane} pane has height in ${name}`).toBeGreaterThan(30);
    boxes.push(box!);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) expect(intersects(boxes[i]!, boxes[j]!), `panes ${i} and ${j} overlap in ${name}`).toBe(false);
  }
}

/** scrollToRow brings a displayed row (0-based) into the virtualised list and returns its locator. */
async function scrollToRow(index: number): Promise<Locator> {
  await grid().locator('.pl-scroll').evaluate((el, top) => {
    el.scrollTop = top;
  }, Math.max(0, index * ROW_HEIGHT - 40));
  const locator = row(index + 2);
  // A row waiting for its block has empty cells; `data-frame` appears with its summary.
  await grid().locator(`[role="row"][aria-rowindex="${index + 2}"][data-frame]`).waitFor({ timeout: 10_000 });
  return locator;
}

function findNode(nodes: readonly DetailNode[], field: string): DetailNode | undefined {
  for (const n of nodes) {
    if (n.field === field) return n;
    const inner = n.children ? findNode(n.children, field) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

async function tsharkCount(filter: string): Promise<number> {
  return (await tsharkFields(handout.file, ['frame.number'], { filter, decodeAs: handout.decodeAs })).length;
}

async function openThroughDialog(file: string): Promise<void> {
  await h.page.getByRole('button', { name: 'Open…' }).click();
  const dialog = h.page.getByRole('dialog', { name: 'Open capture file' });
  await dialog.getByLabel('File path').fill(file);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'wirelab-e2e-'));
  const rendererDir = await buildRenderer();
  h = await startHarness({ rendererDir });
}, 240_000);

afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('analyser UI in Chromium', () => {
  it('starts empty, connected, with the three panes and the filter bar', async () => {
    await grid().waitFor();
    expect(await rowCount()).toBe(0);
    await expect.poll(() => h.page.locator('.status-bar').textContent()).toContain('connected');
    expect(await h.page.getByRole('textbox', { name: 'Display filter' }).count()).toBeGreaterThan(0);
    await shot('empty');
  });

  it('opens a capture by path and shows every frame with Wireshark columns', async () => {
    await openThroughDialog(handout.file);
    await waitRowCount(handout.frames);
    await expect.poll(() => h.page.getByTestId('count-frames').textContent()).toBe(`Packets: ${handout.frames}`);
    await grid().locator('[role="row"][aria-rowindex="2"][data-frame]').waitFor();
    const first = await row(2).locator('[role="gridcell"]').allTextContents();
    expect(first[0]).toBe('1');
    expect(first[1]).toBe('0.000000');
    expect(first[6]).toMatch(/\[SYN\]/);
    const headers = await grid().getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info']);
    await expect.poll(() => h.page.locator('.status-bar .sb-file').textContent()).toContain('smtp-handout.pcap');
    await shot('opened');
  });

  it('applies `smtp` from the filter bar: green, and as many rows as tshark -Y smtp', async () => {
    const expected = await tsharkCount('smtp');
    expect(expected).toBeGreaterThan(10);
    await typeFilter('smtp');
    await expect.poll(() => filterBar().getAttribute('data-state')).toBe('valid');
    await h.page.keyboard.press('Enter');
    await waitRowCount(expected);
    await expect.poll(() => h.page.getByTestId('count-displayed').textContent()).toBe(`Displayed: ${expected}`);
    await expect.poll(() => filterMessage().textContent()).toContain(`Displayed ${expected} packets`);
    await shot('filter-smtp');
  });

  it('shows the `mail from` row in the tree and highlights exactly the Request parameter bytes', async () => {
    const rows = h.workbench['view.rows'](0, 10_000);
    const index = rows.findIndex((r) => /^C: mail from: <student@wirelab\.lab>$/.test(r.info));
    expect(index, 'a `C: mail from:` row is displayed').toBeGreaterThanOrEqual(0);
    const frame = rows[index]!.number;
    const target = await scrollToRow(index);
    await target.click();
    await expect.poll(() => selectedRow().getAttribute('data-frame')).toBe(String(frame));

    const detail = h.workbench['frame.detail'](frame);
    const shown = (detail.tree.filter((n) => !n.hidden)).map((n) => n.label);
    await expect.poll(() => tree().locator('[role="treeitem"][aria-level="1"] .dt-label').allTextContents()).toEqual(shown);
    expect(shown.at(-1)).toBe('Simple Mail Transfer Protocol');

    await item('Simple Mail Transfer Protocol').locator('.dt-toggle').click();
    const commandLine = item(/^Command Line: mail from: <student@wirelab\.lab>\\r\\n$/);
    await commandLine.waitFor();
    await commandLine.locator('.dt-toggle').click();
    await item(/^Command: mail$/).waitFor();
    const parameter = item(/^Request parameter: from: <student@wirelab\.lab>$/);
    await parameter.click();
    expect(await parameter.getAttribute('aria-selected')).toBe('true');

    const node = findNode(detail.tree, 'smtp.req.parameter');
    expect(node?.value).toBe('from: <student@wirelab.lab>');
    const source = detail.sources[node!.src]!;
    await expect.poll(() => bytesPane().getByRole('tab', { selected: true }).textContent()).toBe(source.name);
    const highlighted = bytesPane().locator('.hex-bytes .b.hl');
    await expect.poll(() => highlighted.count()).toBe(node!.length);
    const offsets = (await highlighted.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset')))));
    expect(offsets).toEqual(Array.from({ length: node!.length }, (_, i) => node!.start + i));
    const ascii = (await bytesPane().locator('.hex-ascii .b.hl').allTextContents()).join('');
    expect(ascii).toBe('from: <student@wirelab.lab>');
    await shot('mail-from-selected');

    // Clicking a byte selects the deepest item covering it.
    await item(/^Command: mail$/).click();
    await bytesPane().locator(`.hex-bytes .b[data-offset="${node!.start + 3}"]`).click();
    await expect.poll(() => tree().locator('[role="treeitem"][aria-selected="true"] .dt-label').textContent()).toBe('Request parameter: from: <student@wirelab.lab>');
  });

  it('applies a detail item as a filter from its context menu', async () => {
    const parameter = item(/^Request parameter: from: /);
    await parameter.click({ button: 'right' });
    await h.page.getByRole('menuitem', { name: 'Apply as Filter' }).click();
    const filter = 'smtp.req.parameter == "from: <student@wirelab.lab>"';
    await expect.poll(() => filterBar().locator('.view-lines').textContent()).toBe(filter.replace(/ /g, '\u00a0'));
    await waitRowCount(await tsharkCount(filter));
  });

  it('shows an invalid filter in red with the message, the offending token underlined', async () => {
    await typeFilter('smtpx');
    await expect.poll(() => filterBar().getAttribute('data-state')).toBe('invalid');
    await expect.poll(() => filterMessage().textContent()).toContain('smtpx is neither a field nor a protocol name.');
    expect(await filterBar().locator('.squiggly-error').count()).toBeGreaterThan(0);
    const background = await filterBar().locator('.fb-editor').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(255, 175, 175)');
    await shot('filter-invalid');
  });

  it('shows the capture-filter hint for `tcp port 25`', async () => {
    await typeFilter('tcp port 25');
    await expect.poll(() => filterBar().getAttribute('data-state')).toBe('invalid');
    await expect.poll(() => filterMessage().textContent()).toContain('"port" was unexpected in this context.');
    await expect.poll(() => filterMessage().locator('.fm-hint').textContent()).toContain('Did you mean "tcp.port == 25"?');
  });

  it('stays neutral while the filter is still being typed', async () => {
    await typeFilter('tcp.port ==');
    await expect.poll(() => filterBar().getAttribute('data-state')).toBe('incomplete');
  });

  it('completes field names with their labels', async () => {
    await filterBar().locator('.view-lines').click();
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.press('Backspace');
    await h.page.keyboard.type('smtp.req.', { delay: 20 });
    const suggest = h.page.locator('.suggest-widget');
    await suggest.waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => suggest.textContent()).toContain('smtp.req.command');
    await h.page.keyboard.press('Escape');
  });

  it('applies the typed filter on Enter while the completion list is open; an arrow-picked completion is inserted', async () => {
    await filterBar().locator('.view-lines').click();
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.press('Backspace');
    await h.page.keyboard.type('smtp', { delay: 20 });
    const suggest = h.page.locator('.suggest-widget');
    await suggest.waitFor({ state: 'visible', timeout: 10_000 });
    await h.page.keyboard.press('Enter');
    await waitRowCount(await tsharkCount('smtp'));
    await expect.poll(() => suggest.isVisible()).toBe(false);
    expect(await filterBar().locator('.view-lines').textContent()).toBe('smtp');

    // Down picks the first completion; Enter inserts it instead of applying.
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.press('Backspace');
    await h.page.keyboard.type('smtp.req.comm', { delay: 20 });
    await suggest.waitFor({ state: 'visible', timeout: 10_000 });
    await h.page.keyboard.press('ArrowDown');
    await h.page.keyboard.press('Enter');
    await expect.poll(() => filterBar().locator('.view-lines').textContent()).toBe('smtp.req.command');
    await waitRowCount(await tsharkCount('smtp'));
    await h.page.keyboard.press('Enter');
    await waitRowCount(await tsharkCount('smtp.req.command'));
  });

  it('navigates the list and the tree with the keyboard', async () => {
    await applyFilter('');
    await waitRowCount(handout.frames);
    await (await scrollToRow(0)).click();
    const selectedIndex = async () => Number(await selectedRow().getAttribute('aria-rowindex'));
    await expect.poll(selectedIndex).toBe(2);
    await h.page.keyboard.press('ArrowDown');
    await expect.poll(selectedIndex).toBe(3);
    await h.page.keyboard.press('PageDown');
    await expect.poll(selectedIndex).toBeGreaterThan(10);
    await h.page.keyboard.press('End');
    await expect.poll(selectedIndex).toBe(handout.frames + 1);
    await h.page.keyboard.press('PageUp');
    await expect.poll(selectedIndex).toBeLessThan(handout.frames + 1);
    await h.page.keyboard.press('Home');
    await expect.poll(selectedIndex).toBe(2);
    await h.page.keyboard.press('ArrowUp');
    await expect.poll(selectedIndex).toBe(2);

    await tree().focus();
    await h.page.keyboard.press('Home');
    const selectedItem = () => tree().locator('[role="treeitem"][aria-selected="true"]');
    await expect.poll(() => selectedItem().getAttribute('aria-level')).toBe('1');
    const firstLabel = await selectedItem().locator('.dt-label').textContent();
    expect(firstLabel).toMatch(/^Frame 1: /);
    await h.page.keyboard.press('ArrowRight');
    await expect.poll(() => selectedItem().getAttribute('aria-expanded')).toBe('true');
    await h.page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedItem().getAttribute('aria-level')).toBe('2');
    await h.page.keyboard.press('ArrowLeft');
    await expect.poll(() => selectedItem().locator('.dt-label').textContent()).toBe(firstLabel);
    await h.page.keyboard.press('ArrowLeft');
    await expect.poll(() => selectedItem().getAttribute('aria-expanded')).toBe('false');
    await h.page.keyboard.press('Enter');
    await expect.poll(() => selectedItem().getAttribute('aria-expanded')).toBe('true');
    await h.page.keyboard.press(' ');
    await expect.poll(() => selectedItem().getAttribute('aria-expanded')).toBe('false');
  });

  it('goes to a packet with Ctrl+G', async () => {
    await grid().focus();
    await h.page.keyboard.press('Control+G');
    const dialog = h.page.getByRole('dialog', { name: 'Go to packet' });
    await dialog.getByLabel('Packet number').fill('200');
    await dialog.getByRole('button', { name: 'Go' }).click();
    await expect.poll(() => selectedRow().getAttribute('data-frame')).toBe('200');
  });

  it('finds a packet by display filter with Ctrl+F', async () => {
    await h.page.keyboard.press('Control+F');
    const bar = h.page.getByRole('search', { name: 'Find packet' });
    // Typed one key per segment, so commands are found by display filter, not as a string in one frame.
    await bar.getByLabel('Find by').selectOption('filter');
    await bar.getByLabel('Search for').fill('smtp.req.command == "rcpt"');
    await bar.getByRole('button', { name: 'Find previous' }).click();
    const expected = h.workbench['view.find']('filter', 'smtp.req.command == "rcpt"', 200, true);
    expect(expected && 'frame' in expected).toBe(true);
    await expect.poll(() => selectedRow().getAttribute('data-frame')).toBe(String((expected as { frame: number }).frame));
    await bar.getByRole('button', { name: 'Close' }).click();
  });

  it('marks a packet from the context menu and counts it', async () => {
    await (await scrollToRow(1)).click({ button: 'right' });
    await h.page.getByRole('menuitem', { name: 'Mark packet' }).click();
    await expect.poll(() => h.page.getByTestId('count-marked').textContent()).toBe('Marked: 1');
    await expect.poll(() => row(3).getAttribute('class')).toContain('marked');
  });

  it('shows the engine error text when live capture is not available', async () => {
    let engineError: string | undefined;
    try {
      await h.workbench['capture.interfaces']();
    } catch (error) {
      engineError = (error as Error).message;
    }
    await h.page.getByRole('button', { name: 'Interfaces…' }).click();
    if (engineError !== undefined) {
      await expect.poll(() => h.page.locator('.tb-error').textContent()).toBe(`Live capture is not available: ${engineError}`);
    } else {
      await expect.poll(() => h.page.getByLabel('Interface', { exact: true }).locator('option').count()).toBeGreaterThan(1);
    }
  });

  it('says that drag and drop needs the desktop app in a browser', async () => {
    await h.page.locator('.app').dispatchEvent('drop', {
      dataTransfer: await h.page.evaluateHandle('(() => { const dt = new DataTransfer(); dt.items.add(new File(["x"], "a.pcap")); return dt; })()'),
    });
    await expect.poll(() => h.page.locator('.notice').last().textContent()).toContain('Drag and drop needs the desktop app');
  });

  it('switches to Chinese and back: UI chrome and the Packet Details tree from the engine', async () => {
    // Select the `mail from` frame (typed one key per segment) so the tree has SMTP and reassembly items.
    const rows = h.workbench['view.rows'](0, 10_000);
    const index = rows.findIndex((r) => /^C: mail from: <student@wirelab\.lab>$/.test(r.info));
    expect(index, 'a `C: mail from:` row is displayed').toBeGreaterThanOrEqual(0);
    const frame = rows[index]!.number;
    await (await scrollToRow(index)).click();
    await expect.poll(() => selectedRow().getAttribute('data-frame')).toBe(String(frame));
    const english = h.workbench['frame.detail'](frame);
    const level1 = () => tree().locator('[role="treeitem"][aria-level="1"] .dt-label').allTextContents();
    await expect.poll(level1).toEqual(english.tree.filter((n) => !n.hidden).map((n) => n.label));

    await h.page.getByLabel('Language').selectOption('zh-CN');
    await h.page.getByRole('grid', { name: '分组列表' }).waitFor();
    expect(await h.page.getByRole('button', { name: '打开…' }).count()).toBe(1);
    expect(await h.page.getByRole('columnheader').allTextContents()).toEqual(['序号', '时间', '源地址', '目的地址', '协议', '长度', '信息']);
    await expect.poll(() => h.page.getByTestId('count-frames').textContent()).toBe(`分组：${handout.frames}`);
    expect(await h.page.getByRole('tree', { name: '分组详情' }).count()).toBe(1);
    expect(await h.page.getByRole('region', { name: '分组字节' }).count()).toBe(1);
    expect(await h.page.evaluate('document.documentElement.lang')).toBe('zh-CN');

    // The engine now builds trees in Chinese; the renderer fetched the selected frame's tree again.
    await expect.poll(() => h.workbench['frame.detail'](frame).tree.at(-1)?.label).toBe('简单邮件传送协议');
    const chinese = h.workbench['frame.detail'](frame);
    const zhTree = () => h.page.getByRole('tree', { name: '分组详情' });
    const zhItem = (label: string | RegExp) => zhTree().getByRole('treeitem').filter({ has: h.page.locator('.dt-label', { hasText: label }) });
    const zhLevel1 = () => zhTree().locator('[role="treeitem"][aria-level="1"] .dt-label').allTextContents();
    await expect.poll(zhLevel1).toEqual(chinese.tree.filter((n) => !n.hidden).map((n) => n.label));
    const shown = await zhLevel1();
    expect(shown[0]).toMatch(/^帧 \d+: 线路上 \d+ 字节 \(\d+ 位\), 捕获 \d+ 字节 \(\d+ 位\)$/);
    expect(shown).toContain('网际协议版本 4, 源地址: 127.0.0.1, 目的地址: 127.0.0.1');
    expect(shown.some((l) => /^传输控制协议, 源端口: \d+, 目的端口: 25, 序号: \d+, 确认号: \d+, 长度: \d+$/.test(l))).toBe(true);
    expect(shown.some((l) => /^\[\d+ 个重组的 TCP 报文段 \(\d+ 字节\): #\d+\(1\), /.test(l))).toBe(true);
    expect(shown.at(-1)).toBe('简单邮件传送协议');

    // Same structure, values and byte ranges: expand SMTP, select the request parameter, check the bytes.
    const smtp = zhItem('简单邮件传送协议');
    if ((await smtp.getAttribute('aria-expanded')) !== 'true') await smtp.locator('.dt-toggle').click();
    const commandLine = zhItem(/^命令行: mail from: <student@wirelab\.lab>\\r\\n$/);
    await commandLine.waitFor();
    if ((await commandLine.getAttribute('aria-expanded')) !== 'true') await commandLine.locator('.dt-toggle').click();
    await zhItem(/^命令: mail$/).waitFor();
    const parameter = zhItem(/^请求参数: from: <student@wirelab\.lab>$/);
    await parameter.click();
    const node = findNode(english.tree, 'smtp.req.parameter')!;
    const zhBytes = h.page.getByRole('region', { name: '分组字节' });
    await expect.poll(() => zhBytes.getByRole('tab', { selected: true }).textContent()).toBe(chinese.sources[node.src]!.name);
    const highlighted = zhBytes.locator('.hex-bytes .b.hl');
    await expect.poll(() => highlighted.count()).toBe(node.length);
    const offsets = await highlighted.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
    expect(offsets).toEqual(Array.from({ length: node.length }, (_, i) => node.start + i));
    await shot('zh-CN');

    await h.page.getByLabel('语言').selectOption('en');
    await grid().waitFor();
    await expect.poll(level1).toEqual(english.tree.filter((n) => !n.hidden).map((n) => n.label));
    expect(h.workbench['frame.detail'](frame)).toEqual(english);
  });

  it('dark theme keeps the packet colours readable', async () => {
    await h.page.getByLabel('Theme').selectOption('dark');
    expect(await h.page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await shot('dark');
    await h.page.getByLabel('Theme').selectOption('light');
  });

  it('saves the capture and reopens it with the same rows', async () => {
    const texts = async () => {
      await scrollToRow(0);
      const out: string[] = [];
      for (let i = 2; i < 14; i++) out.push((await row(i).locator('[role="gridcell"]').allTextContents()).join('|'));
      return out;
    };
    const before = await texts();
    const saved = path.join(tmp, 'saved.pcapng');
    await h.page.getByRole('button', { name: 'Save…' }).click();
    const dialog = h.page.getByRole('dialog', { name: 'Save capture as' });
    await dialog.getByLabel('File path').fill(saved);
    await dialog.getByLabel('Format').selectOption('pcapng');
    await dialog.getByLabel('Packets').selectOption('all');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await openThroughDialog(saved);
    await expect.poll(() => h.page.locator('.status-bar .sb-file').textContent()).toContain('saved.pcapng');
    await waitRowCount(handout.frames);
    expect(await texts()).toEqual(before.map((t) => t));
  });

  it('asks for a full path, asks before replacing a file, and offers only packet sets that hold packets', async () => {
    await h.page.getByRole('button', { name: 'Save…' }).click();
    const dialog = h.page.getByRole('dialog', { name: 'Save capture as' });
    const packets = dialog.getByLabel('Packets');
    expect(await packets.locator('option').allTextContents()).toEqual([
      `All packets (${handout.frames})`,
      `Displayed packets (${handout.frames})`,
      'Marked packets (0)',
    ]);
    expect(await packets.locator('option[value="marked"]').isDisabled()).toBe(true);

    // A relative path would land in the engine's working folder, which the student cannot see.
    await dialog.getByLabel('File path').fill('lab.pcapng');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Type the full path of the file');
    expect(existsSync(path.join(REPO, 'lab.pcapng'))).toBe(false);

    // The file saved by the previous test exists: asked, not replaced, until Replace.
    const saved = path.join(tmp, 'saved.pcapng');
    const before = statSync(saved).mtimeMs;
    await dialog.getByLabel('File path').fill(saved);
    await dialog.getByLabel('Format').selectOption('pcap');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe(`${saved} already exists. Replace it?`);
    expect(statSync(saved).mtimeMs).toBe(before);
    expect(readFileSync(saved).readUInt32LE(0)).toBe(0x0a0d0d0a); // still the pcapng saved before
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(readFileSync(saved).readUInt32LE(0)).toBe(0xa1b23c4d); // pcap (nanosecond) now
    expect((await tsharkFields(saved, ['frame.number'])).length).toBe(handout.frames);
  });

  it('made no request outside 127.0.0.1 and wrote non-blank screenshots', () => {
    expect(h.foreignRequests).toEqual([]);
    expect(shots.length).toBeGreaterThanOrEqual(6);
  });
});
