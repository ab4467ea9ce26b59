/**
 * A capture started from the toolbar on the loopback interface, as a student starts one in the web host:
 * the page talks to the engine over a WebSocket on 127.0.0.1, so every frame shown would be captured
 * again and the Packet List would fill with the app's own traffic. The engine leaves that connection
 * out (docs/capture.md). Ground truth: tshark on the capture's spool file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsharkFields } from '../support/tshark';
import { buildRenderer, startHarness, type Harness } from './browser';

let h: Harness;

const count = async (id: string) => Number((await h.page.getByTestId(id).innerText()).replace(/\D+/g, ''));

beforeAll(async () => {
  const rendererDir = await buildRenderer();
  h = await startHarness({ rendererDir, workbench: { labServer: { smtpPort: 0, popPort: 0 } } });
  h.page.on('pageerror', (error) => console.error('page error:', error));
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('a loopback capture in the web host', () => {
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

    // Idle now: no frame arrives while the page goes on talking to the engine (the count would climb).
    const settled = await count('count-frames');
    await page.waitForTimeout(1500);
    await page.mouse.move(200, 200);
    await page.waitForTimeout(1500);
    expect(await count('count-frames')).toBe(settled);

    await page.getByRole('button', { name: 'Stop capture', exact: true }).click();
    await expect.poll(() => status.locator('.sb-capture').innerText()).toContain('Capture: stopped without');
    const spool = h.workbench['capture.status']().spool;
    expect(spool).toBeDefined();
    const all = await tsharkFields(spool!, ['frame.number', 'tcp.port']);
    expect(all.length).toBe(await count('count-frames'));
    expect(all.filter((row) => row[1].split(',').includes(String(h.host.port)))).toEqual([]);
    // What is there is the lab session: SMTP on the lab server's port, nothing else on TCP.
    const smtp = await tsharkFields(spool!, ['frame.number'], { filter: 'smtp', decodeAs: [`tcp.port==${lab.smtpPort},smtp`] });
    expect(smtp.length).toBeGreaterThan(10);
    expect(all.filter((row) => row[1] !== '' && !row[1].split(',').includes(String(lab.smtpPort)))).toEqual([]);
  });
});
