/**
 * Recovering captures a killed run left behind, end to end: three real live captures on lo, each in a
 * child process (the real engine with the `cap` backend, test/support/capture-child.ts) killed with
 * SIGKILL while packets arrive, leave three spools. Then the web host starts in this process on the same
 * spool folder and the real renderer build runs in headless Chromium: the Recover dialog offers the
 * spools newest first; Discard deletes the first; Recover opens the second and its rows equal tshark's
 * reading of that spool (every complete record); Save as… recovers the third and saves it through the
 * Save dialog (the spool goes, the saved file reads like the spool in tshark). The second, replaced
 * without being saved, is offered again after a reload, and Discard removes it. Every request must stay
 * on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, sleep } from '../support/tools';
import { tsharkRaw } from '../support/tshark';
import { buildRenderer, REPO, SCREENSHOTS, startHarness, type Harness } from './browser';

/** PORT is a UDP port no tshark dissector claims, so rows read "UDP" in both tools. */
const PORT = 47_913;
let h: Harness;
let tmp: string;
let spoolDir: string;

const dialog = () => h.page.getByRole('dialog', { name: 'Recover unsaved capture' });
const grid = () => h.page.getByRole('grid', { name: 'Packet list' });
const ROW_HEIGHT = 20;

/** crashedCapture runs a live capture in a child, sends `count` datagrams, and kills it with SIGKILL. */
async function crashedCapture(bundle: string, count: number, tag: string): Promise<string> {
  const before = new Set(existsSync(spoolDir) ? readdirSync(spoolDir) : []);
  const child = spawn(process.execPath, [bundle, spoolDir, String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO });
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('capturing') && ready());
    child.once('exit', (code) => fail(new Error(`capture child exited ${code}`)));
  });
  const client = createSocket('udp4');
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      client.send(`${tag} datagram ${i}`, PORT, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
    if (i % 10 === 9) await sleep(5);
  }
  // Past the spool's 100 ms flush interval, then the kill: nothing is closed cleanly.
  await sleep(300);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  client.close();
  const made = readdirSync(spoolDir).filter((f) => f.endsWith('.pcapng') && !before.has(f));
  expect(made).toHaveLength(1);
  return path.join(spoolDir, made[0]!);
}

/** tsharkRows reads a file as tshark does: No., Source, Destination, Protocol, Length, Info per frame. */
async function tsharkRows(file: string): Promise<string[][]> {
  const fields = ['frame.number', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', 'frame.len', '_ws.col.Info'];
  const result = await tsharkRaw(['-r', file, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])]);
  // A record cut by the kill makes tshark report it and exit non-zero; every complete record is printed.
  if (result.code !== 0) expect(result.stderr).toMatch(/cut short|truncated/i);
  return result.stdout
    .replace(/\n$/, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/** uiRows reads every row of the virtualised Packet List by scrolling through it. */
async function uiRows(total: number): Promise<string[][]> {
  const rows = new Map<number, string[]>();
  for (let top = 0; rows.size < total; top += 10 * ROW_HEIGHT) {
    await grid().locator('.pl-scroll').evaluate((el, y) => {
      el.scrollTop = y;
    }, top);
    await h.page.waitForTimeout(50);
    const seen = await grid()
      .locator('.pl-body [role="row"]')
      .evaluateAll((els) => els.map((el) => Array.from(el.querySelectorAll('[role="gridcell"]')).map((c) => (c as { textContent: string | null }).textContent ?? '')));
    for (const cells of seen) if (cells.length > 0 && cells[0] !== '') rows.set(Number(cells[0]), cells);
    if (top > total * ROW_HEIGHT + 1000) break;
  }
  // Columns: No., Time, Source, Destination, Protocol, Length, Info (time is relative, compared by tshark elsewhere).
  return [...rows.keys()].sort((a, b) => a - b).map((n) => {
    const c = rows.get(n)!;
    return [c[0]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!];
  });
}

let spools: string[] = [];
beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'wirelab-recovery-e2e-'));
  spoolDir = path.join(tmp, 'spool');
  mkdirSync(spoolDir);
  const bundle = path.join(REPO, 'node_modules/.cache/wirelab-test/capture-child-e2e.mjs');
  const rendererDir = await buildRenderer();
  await run(path.join(REPO, 'node_modules/.bin/rolldown'), [path.join(REPO, 'test/support/capture-child.ts'), '--platform', 'node', '--format', 'esm',
    '--external', 'cap', '--external', 'smtp-server', '--external', 'ws', '-o', bundle], { timeoutMs: 120_000 });
  // Oldest first; the dialog offers the newest first.
  for (const [count, tag] of [[60, 'third'], [150, 'second'], [40, 'first']] as const) {
    spools.push(await crashedCapture(bundle, count, tag));
    await sleep(30);
  }
  spools = spools.reverse();
  h = await startHarness({ rendererDir, workbench: { capture: { spoolDir } } });
  h.page.on('pageerror', (error) => console.error('page error:', error));
}, 240_000);

afterAll(async () => {
  await h?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('recovering captures of a killed run, in the browser', () => {
  it('offers them newest first; Discard deletes one, Recover shows tshark’s rows, Save as… saves one', async () => {
    const [newest, middle, oldest] = spools as [string, string, string];
    const { page } = h;
    await dialog().waitFor({ timeout: 20_000 });
    // "A capture from 23:01 was not saved (6.1 kB, 40 packets)."
    await expect.poll(() => dialog().getByTestId('recover-message').innerText()).toMatch(/^A capture from \d{1,2}:\d\d( [AP]M)? was not saved \([\d.]+ kB, 40 packets\)\.$/);
    await expect.poll(() => dialog().innerText()).toContain(newest);
    await expect.poll(() => dialog().innerText()).toContain('2 more unsaved captures follow.');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'recover-dialog.png') });

    // Discard: the spool and its marker are gone; the next one is offered.
    await dialog().getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => existsSync(newest)).toBe(false);
    expect(existsSync(newest + '.owner')).toBe(false);
    await expect.poll(() => dialog().innerText()).toContain(middle);

    // Recover: every complete record, as tshark reads the spool.
    const expected = await tsharkRows(middle);
    expect(expected.length).toBeGreaterThanOrEqual(140);
    await expect.poll(() => dialog().getByTestId('recover-message').innerText()).toContain(`${expected.length} packets`);
    await dialog().getByRole('button', { name: 'Recover' }).click();
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 20_000 }).toBe(String(expected.length + 1));
    await expect.poll(() => page.locator('.status-bar .sb-file').innerText()).toMatch(/\(recovered\) \(unsaved\)$/);
    // The last one is offered now; its dialog does not hide the list's rows from reading.
    await expect.poll(() => dialog().innerText()).toContain(oldest);
    expect(await uiRows(expected.length)).toEqual(expected);
    expect(expected.every((r) => r[3] === 'UDP')).toBe(true);

    // Save as…: recovered, then the Save dialog; saving removes the spool.
    const expectedOldest = await tsharkRows(oldest);
    await dialog().getByRole('button', { name: 'Save as…' }).click();
    const save = page.getByRole('dialog', { name: 'Save capture as' });
    await save.waitFor();
    const saved = path.join(tmp, 'recovered.pcapng');
    await save.getByLabel('File path').fill(saved);
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => page.locator('.status-bar .sb-file').innerText()).toBe('recovered.pcapng');
    expect(existsSync(oldest)).toBe(false);
    expect(await tsharkRows(saved)).toEqual(expectedOldest);
    expect(await uiRows(expectedOldest.length)).toEqual(expectedOldest);
    expect(h.foreignRequests).toEqual([]);
  });

  it('offers the recovered capture that was replaced unsaved again at the next start, and Discard removes it', async () => {
    const middle = spools[1]!;
    await h.page.reload();
    await dialog().waitFor({ timeout: 20_000 });
    await expect.poll(() => dialog().innerText()).toContain(middle);
    expect(await dialog().innerText()).not.toContain('more unsaved');
    await dialog().getByRole('button', { name: 'Discard' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(readdirSync(spoolDir)).toEqual([]);
    // Nothing left: a further start shows no dialog.
    await h.page.reload();
    await grid().waitFor();
    await sleep(1000);
    expect(await dialog().count()).toBe(0);
    expect(h.foreignRequests).toEqual([]);
  });
});
