/**
 * A live capture in the web host, started from the toolbar as a student starts one, in real Chromium:
 * - on the loopback interface the page's own WebSocket (127.0.0.1) is left out: captured, every frame
 *   shown would be captured again (docs/capture.md);
 * - the unsaved capture is not replaced without asking ("Unsaved packets", as Wireshark asks): Cancel
 *   keeps it, Save before Continue saves it and goes on, Continue without Saving goes on;
 * - a file that is not a capture is refused and the capture shown stays.
 * Ground truth: tshark on the capture's spool and on the saved file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsharkFields } from '../support/tshark';
import { buildRenderer, startHarness, type Harness } from './browser';

let h: Harness;
let tmp: string;

const count = async (id: string) => Number((await h.page.getByTestId(id).innerText()).replace(/\D+/g, ''));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'wirelab-live-e2e-'));
  const rendererDir = await buildRenderer();
  h = await startHarness({ rendererDir, workbench: { labServer: { smtpPort: 0, popPort: 0 } } });
  h.page.on('pageerror', (error) => console.error('page error:', error));
}, 240_000);

afterAll(async () => {
  await h?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a live capture in the web host', () => {
  it("leaves the page's own WebSocket out, so only the lab session is captured", async () => {
    const { page } = h;
    const lab = h.workbench['labserver.status']();
    // The picker lists the interfaces when it gets focus and chooses the loopback one.
    const picker = page.getByRole('combobox', { name: 'Interface' });
    await picker.focus();
    await expect.poll(() => picker.inputValue(), { timeout: 15_000 }).toBe('lo');
    await page.getByRole('button', { name: 'Start capture', exact: true }).click();
    const status = page.getByRole('status', { name: 'Status bar' });
    const note = `Capture: capturing without Wirelab’s own connection (127.0.0.1:${h.host.port})`;
    await expect.poll(() => status.locator('.sb-capture').innerText()).toBe(note);

    // The ready-made SMTP script against the lab server, while every frame streams to the page.
    const scripts = page.getByRole('region', { name: 'Scripts' });
    await scripts.getByRole('button', { name: 'Run all', exact: true }).click();
    await expect.poll(() => scripts.innerText(), { timeout: 30_000 }).toContain('Done: every reply arrived.');

    // Idle now: the page goes on talking to the engine, and none of that is captured. (Captured, every
    // frame shown was captured again: the count climbed by hundreds a second.) Other loopback traffic of
    // the machine, if any, may add a few frames.
    await page.waitForTimeout(1000);
    const settled = await count('count-frames');
    await page.mouse.move(200, 200);
    await page.waitForTimeout(3000);
    expect((await count('count-frames')) - settled).toBeLessThan(20);

    await page.getByRole('button', { name: 'Stop capture', exact: true }).click();
    await expect.poll(() => status.locator('.sb-capture').innerText()).toContain('Capture: stopped without');
    const spool = h.workbench['capture.status']().spool;
    expect(spool).toBeDefined();
    const all = await tsharkFields(spool!, ['frame.number', 'tcp.port']);
    expect(all.length).toBe(await count('count-frames'));
    expect(all.filter((row) => row[1].split(',').includes(String(h.host.port)))).toEqual([]);
    // The lab session is there, in full.
    const smtp = await tsharkFields(spool!, ['frame.number'], { filter: 'smtp', decodeAs: [`tcp.port==${lab.smtpPort},smtp`] });
    expect(smtp.length).toBeGreaterThan(10);
    const session = all.filter((row) => row[1].split(',').includes(String(lab.smtpPort)));
    expect(session.length).toBeGreaterThan(smtp.length);
  });

  it('asks before an unsaved capture is replaced: Cancel keeps it, Save before Continue saves it first', async () => {
    const { page } = h;
    const frames = await count('count-frames');
    expect(frames).toBeGreaterThan(10);
    const unsaved = page.getByRole('dialog', { name: 'Unsaved packets' });

    // Open…: asked; Cancel keeps everything.
    await page.getByRole('button', { name: 'Open…' }).click();
    await expect.poll(() => unsaved.getByTestId('unsaved-question').innerText()).toBe(`Do you want to save the ${frames} captured packets before opening another file?`);
    await unsaved.getByRole('button', { name: 'Cancel' }).click();
    await unsaved.waitFor({ state: 'detached' });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await count('count-frames')).toBe(frames);

    // Start capture: Save before Continue → the Save dialog → saved → the new capture starts.
    await page.getByRole('button', { name: 'Start capture', exact: true }).click();
    await expect.poll(() => unsaved.getByTestId('unsaved-question').innerText()).toBe(`Do you want to save the ${frames} captured packets before starting a new capture?`);
    await unsaved.getByRole('button', { name: 'Save before Continue' }).click();
    const save = page.getByRole('dialog', { name: 'Save capture as' });
    const saved = path.join(tmp, 'lab-session.pcapng');
    await save.getByLabel('File path').fill(saved);
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached' });
    const status = page.getByRole('status', { name: 'Status bar' });
    await expect.poll(() => status.locator('.sb-capture').innerText()).toContain('Capture: capturing');
    expect((await tsharkFields(saved, ['frame.number'])).length).toBe(frames);
    await page.getByRole('button', { name: 'Stop capture', exact: true }).click();
    await expect.poll(() => status.locator('.sb-capture').innerText()).toContain('Capture: stopped');
  });

  it('refuses a file that is not a capture and keeps the capture shown', async () => {
    const { page } = h;
    // Some traffic in the new (unsaved) capture first.
    await page.getByRole('button', { name: 'Start capture', exact: true }).click();
    const unsaved = page.getByRole('dialog', { name: 'Unsaved packets' });
    if (await unsaved.isVisible()) await unsaved.getByRole('button', { name: 'Continue without Saving' }).click();
    const scripts = page.getByRole('region', { name: 'Scripts' });
    await scripts.getByRole('button', { name: 'Run all', exact: true }).click();
    await expect.poll(() => scripts.innerText(), { timeout: 30_000 }).toContain('Done: every reply arrived.');
    await page.getByRole('button', { name: 'Stop capture', exact: true }).click();
    const frames = await count('count-frames');
    expect(frames).toBeGreaterThan(10);

    const notCapture = path.join(tmp, 'notes.pcap');
    writeFileSync(notCapture, 'ehlo li\r\nmail from: <student@wirelab.lab>\r\n');
    await page.getByRole('button', { name: 'Open…' }).click();
    await unsaved.getByRole('button', { name: 'Continue without Saving' }).click();
    const open = page.getByRole('dialog', { name: 'Open capture file' });
    await open.getByLabel('File path').fill(notCapture);
    await open.getByRole('button', { name: 'Open', exact: true }).click();
    // The dialog stays for another path and says why; the capture is still there.
    await expect
      .poll(() => open.getByRole('alert').innerText())
      .toMatch(/^The file "notes\.pcap" isn't a capture file in a format Wirelab understands \(unknown file format at byte offset 0: magic 0x6568(6c6f) is neither pcap nor pcapng\)\.$/);
    expect(await page.locator('.notices').innerText()).toContain('The file "notes.pcap" isn\'t a capture file');
    expect(await count('count-frames')).toBe(frames);
    expect(await page.getByRole('status', { name: 'Status bar' }).locator('.sb-file').innerText()).toBe('lo (live) (unsaved)');

    // …and reads as before: the one message of the session is one IMF frame ("1 packet", singular).
    await open.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.filter-bar .view-lines').click();
    await page.keyboard.type('imf', { delay: 10 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('filter-message').innerText()).toBe('Displayed 1 packet');
  });

  it('filters a new capture as it arrives with the display filter already applied', async () => {
    const { page } = h;
    await page.locator('.filter-bar .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('smtp', { delay: 10 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('filter-message').innerText()).toMatch(/^Displayed \d+ packets$/);
    await page.getByRole('button', { name: 'Start capture', exact: true }).click();
    await page.getByRole('dialog', { name: 'Unsaved packets' }).getByRole('button', { name: 'Continue without Saving' }).click();
    const scripts = page.getByRole('region', { name: 'Scripts' });
    await scripts.getByRole('button', { name: 'Run all', exact: true }).click();
    await expect.poll(() => scripts.innerText(), { timeout: 30_000 }).toContain('Done: every reply arrived.');
    // While still capturing, the list shows the SMTP packets, and only those.
    await expect.poll(() => count('count-displayed')).toBeGreaterThan(10);
    // (The row pool keeps spare rows, with empty cells, for scrolling.)
    const protocols = async () => (await page.locator('.packet-list .pl-row .col-protocol').allInnerTexts()).filter((p) => p !== '');
    await expect.poll(async () => (await protocols()).length).toBeGreaterThan(5);
    expect((await protocols()).filter((p) => !p.startsWith('SMTP'))).toEqual([]);
    await page.getByRole('button', { name: 'Stop capture', exact: true }).click();
    const spool = h.workbench['capture.status']().spool!;
    const lab = h.workbench['labserver.status']();
    const smtp = await tsharkFields(spool, ['frame.number'], { filter: 'smtp', decodeAs: [`tcp.port==${lab.smtpPort},smtp`] });
    expect(await count('count-displayed')).toBe(smtp.length);
  });
});
