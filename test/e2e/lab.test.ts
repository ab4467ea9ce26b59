/**
 * The whole lab offline, end to end: the real renderer build in headless Chromium against a Workbench
 * with the lab mail server on ephemeral ports and the web host in this process. A live capture on lo
 * (filtered to the lab ports) records the handout's SMTP session typed in the Console in character mode
 * as a person types it (one line in line mode, with a typo fixed with Backspace; the user name inserted
 * with the base64 helper), then the POP3 session run from the ready-made script. Ground truth: the
 * workbench's own `lab.steps` / `mail.transcripts`, and tshark's `-z follow,tcp,ascii,N` on the saved
 * capture. Every request must stay on 127.0.0.1; screenshots go to test-artifacts/screenshots/lab-*.png.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServerStatus } from '../../src/shared/contract';
import { buildRenderer, imageStats, SCREENSHOTS, startHarness, type Harness } from './browser';

const run = promisify(execFile);
let h: Harness;
let tmp: string;
let lab: LabServerStatus;
let capturePath = '';

const consolePane = () => h.page.getByRole('region', { name: 'Console', exact: true });
const rows = () => consolePane().locator('.xterm-rows');
const labTab = (name: string) => h.page.getByRole('tablist', { name: 'Lab panels' }).getByRole('tab', { name });
const guide = () => h.page.getByRole('region', { name: 'Lab guide' });
const selectedFrame = async () => Number(await h.page.locator('.packet-list [role="row"][aria-selected="true"] .col-no').first().textContent());

/** waitConsole waits until the terminal shows `text`. */
async function waitConsole(text: string | RegExp, timeout = 15_000): Promise<void> {
  await expect.poll(async () => (await rows().innerText()).replace(/\u00a0/g, ' '), { timeout }).toMatch(text);
}

/** typeLine types a line key by key as a person does, then Enter. */
async function typeLine(text: string, delay = 25): Promise<void> {
  await h.page.keyboard.type(text, { delay });
  await h.page.keyboard.press('Enter');
}

async function shot(name: string, locator?: ReturnType<typeof consolePane>): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `lab-${name}.png`);
  const png = locator ? await locator.screenshot({ path: file }) : await h.page.screenshot({ path: file });
  const stats = await imageStats(h.browser, png);
  expect(stats.variance, `${name} screenshot is blank`).toBeGreaterThan(50);
  expect(stats.dominantShare).toBeLessThan(0.97);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'wirelab-lab-e2e-'));
  const rendererDir = await buildRenderer();
  h = await startHarness({ rendererDir, workbench: { labServer: { smtpPort: 0, popPort: 0 } }, viewport: { width: 1600, height: 1000 } });
  h.page.on('pageerror', (error) => console.error('page error:', error));
  lab = h.workbench['labserver.status']();
  expect(lab.running).toBe(true);
  await h.page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
}, 240_000);

afterAll(async () => {
  await h?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the lab, offline, in the browser', () => {
  it('captures the handout SMTP session typed in the console and the POP3 session run from a script', async () => {
    const { page } = h;
    // Live capture on lo, filtered to the lab server's ports (the toolbar has no capture-filter field, so the
    // filtered start goes through the engine's contract like any client call).
    const status = await h.workbench['capture.start']({ iface: 'lo', captureFilter: `tcp port ${lab.smtpPort} or tcp port ${lab.popPort}` });
    expect(status.state).toBe('capturing');

    // The console: lab SMTP preset, character mode, connect.
    await consolePane().getByLabel('Servers').selectOption({ label: `Lab server SMTP (${lab.host}:${lab.smtpPort})` });
    await expect.poll(() => consolePane().getByLabel('Port').inputValue()).toBe(String(lab.smtpPort));
    await expect.poll(() => consolePane().getByLabel('Mode').inputValue()).toBe('character');
    await consolePane().getByRole('button', { name: 'Connect' }).click();
    await waitConsole(/220 wirelab\.lab/);
    await expect.poll(() => consolePane().getByRole('status').innerText()).toBe('connected');
    await consolePane().locator('.console-terminal').click();

    await typeLine('ehlo li');
    await waitConsole(/250 AUTH LOGIN PLAIN/);
    await typeLine('auth login');
    // The 334 prompt is decoded in place.
    await waitConsole(/334 dXNlcm5hbWU6 \(username:\)/);

    // The user name through the base64 helper: encode, insert at the prompt, Enter.
    const helper = consolePane().getByRole('region', { name: 'Base64 helper' });
    await helper.getByLabel('Text').fill('student');
    await helper.getByRole('button', { name: 'Encode' }).click();
    await expect.poll(() => helper.getByLabel('Result').inputValue()).toBe('c3R1ZGVudA==');
    await helper.getByRole('button', { name: 'Insert into console' }).click();
    await consolePane().locator('.console-terminal').click();
    await page.keyboard.press('Enter');
    await waitConsole(/334 UGFzc3dvcmQ6 \(Password:\)/);
    await typeLine('bGFiMDQxOA==');
    await waitConsole(/235 Authentication successful/);

    // One line in line mode with a typo fixed with Backspace, then back to character mode.
    await consolePane().getByLabel('Mode').selectOption('line');
    await consolePane().locator('.console-terminal').click();
    await page.keyboard.type('mail frm', { delay: 25 });
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await typeLine('rom: <student@wirelab.lab>');
    await waitConsole(/mail from: <student@wirelab\.lab>\s*\n250 /);
    await consolePane().getByLabel('Mode').selectOption('character');
    await consolePane().locator('.console-terminal').click();
    await typeLine('rcpt to: <teacher@wirelab.lab>');
    await waitConsole(/rcpt to: <teacher@wirelab\.lab>\s*\n250 /);
    await typeLine('data');
    await waitConsole(/354 /);
    for (const line of ['From: student@wirelab.lab', 'To: teacher@wirelab.lab', 'Subject: SMTP commands test', '', 'This is just a test.', '.']) {
      await typeLine(line, 15);
    }
    await waitConsole(/250 Mail OK queued/);
    await typeLine('quit');
    await waitConsole(/221 Bye/);
    await expect.poll(() => consolePane().getByRole('status').innerText(), { timeout: 10_000 }).toBe('closed');
    await shot('console', consolePane());

    // The POP3 session from the ready-made script (Monaco edit first: a comment typed into it).
    await labTab('Scripts').click();
    const scripts = page.getByRole('region', { name: 'Scripts' });
    await scripts.getByLabel('Script', { exact: true }).selectOption({ label: 'POP3 session (handout, lab server)' });
    await scripts.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# run by the lab e2e test', { delay: 10 });
    await page.waitForTimeout(300);
    await expect
      .poll(async () =>
        page.evaluate(
          () => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('wirelab.scripts.v1') ?? '',
        ),
      )
      .toContain('# run by the lab e2e test');
    await scripts.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => scripts.getByRole('status').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await waitConsole(/\+OK Wirelab POP3 server signing off/);
    await shot('scripts', scripts);

    await h.workbench['capture.stop']();
    capturePath = path.join(tmp, 'lab.pcapng');
    expect(h.workbench['file.save'](capturePath, { format: 'pcapng', which: 'all' }).frames).toBeGreaterThan(100);
  });

  it('ticks every lab-guide step and links it to the reply frame', async () => {
    await labTab('Lab guide').click();
    const expected = h.workbench['lab.steps']();
    expect(expected.map((s) => s.status)).toEqual(new Array(17).fill('passed'));
    await expect.poll(() => guide().locator('li[aria-checked="true"]').count(), { timeout: 15_000 }).toBe(17);
    for (const step of expected) {
      const li = guide().locator(`li[data-step="${step.id}"]`);
      await expect.poll(() => li.getAttribute('aria-checked')).toBe('true');
      await expect.poll(() => li.locator('.guide-frame').getAttribute('data-frame')).toBe(String(step.frame));
    }
    // A tick's link selects its frame in the Packet List.
    const mail = expected.find((s) => s.id === 'smtp.auth.pass')!;
    await guide().locator('li[data-step="smtp.auth.pass"] .guide-frame').click();
    await expect.poll(selectedFrame).toBe(mail.frame);
    // Decoded credentials, masked on demand.
    await expect.poll(() => guide().locator('.credentials-table').innerText()).toContain('student');
    await expect.poll(() => guide().locator('.credentials-table').innerText()).toContain('lab0418');
    await guide().getByLabel('Mask passwords (projection)').check();
    await expect.poll(() => guide().locator('.credentials-table').innerText()).not.toContain('lab0418');
    await shot('guide', guide());
  });

  it('links console lines and frames both ways', async () => {
    const smtp = h.workbench['mail.transcripts']().find((t) => t.protocol === 'smtp')!;
    const reply235 = smtp.lines.find((l) => l.text.startsWith('235 '))!;
    // The frame selected by the guide (235) highlights its console line.
    await expect.poll(() => consolePane().locator('.console-terminal').getAttribute('data-highlight-text')).toBe(reply235.text);
    // Clicking a console line selects the frame that carried it.
    const rcpt = smtp.lines.find((l) => l.dir === 'C' && l.text.startsWith('rcpt to'))!;
    // xterm's screen layer is on top of the rows: click where a person would, at the row's place.
    const box = (await rows().locator('div', { hasText: 'rcpt to: <teacher@wirelab.lab>' }).first().boundingBox())!;
    await h.page.mouse.click(box.x + 40, box.y + box.height / 2);
    await expect.poll(selectedFrame).toBe(rcpt.frame);
    await expect.poll(() => consolePane().locator('.console-terminal').getAttribute('data-highlight-text')).toBe('rcpt to: <teacher@wirelab.lab>');
  });

  it('follows the SMTP stream with the same text as tshark', async () => {
    const smtp = h.workbench['mail.transcripts']().find((t) => t.protocol === 'smtp')!;
    await labTab('Analysis').click();
    const analysis = h.page.getByRole('region', { name: 'Analysis' });
    await analysis.getByRole('tab', { name: 'Follow TCP Stream' }).click();
    await analysis.getByLabel('TCP stream', { exact: true }).fill(String(smtp.stream));
    await analysis.getByRole('button', { name: 'Follow', exact: true }).click();
    const dialog = h.page.getByRole('dialog');
    await dialog.locator('.follow-chunk').first().waitFor();
    const ours = (await dialog.locator('.follow-chunk').allTextContents()).join('');
    const { stdout } = await run('tshark', ['-r', capturePath, '-q', '-z', `follow,tcp,ascii,${smtp.stream}`], { env: { ...process.env, TZ: 'UTC' } });
    expect(ours).toBe(tsharkFollowPayload(stdout));
    expect(ours).toContain('mail from: <student@wirelab.lab>');
    await shot('follow', dialog);
    // A chunk selects its frame.
    const chunk = dialog.locator('.follow-chunk', { hasText: '354 End data' }).first();
    const frame = Number(await chunk.getAttribute('data-frame'));
    await chunk.click();
    await expect.poll(selectedFrame).toBe(frame);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('round-trips Chinese text through the base64 helper', async () => {
    const helper = consolePane().getByRole('region', { name: 'Base64 helper' });
    const text = '实验一 SMTP 与 POP3 消息的捕获与分析';
    await helper.getByLabel('Text').fill(text);
    await helper.getByRole('button', { name: 'Encode' }).click();
    const encoded = await helper.getByLabel('Result').inputValue();
    expect(encoded).toBe(Buffer.from(text, 'utf8').toString('base64'));
    await helper.getByLabel('Text').fill(encoded);
    await helper.getByRole('button', { name: 'Decode' }).click();
    await expect.poll(() => helper.getByLabel('Result').inputValue()).toBe(text);
  });

  it('shows the mail sent over SMTP twice in the mail view (sent and retrieved)', async () => {
    const messages = await h.workbench['mail.messages']();
    // TODO(engine): Workbench 'mail.messages' returns [] until the engine fills it; the view is ready for it.
    expect(messages.length).toBeGreaterThan(0);
    await labTab('Analysis').click();
    const analysis = h.page.getByRole('region', { name: 'Analysis' });
    await analysis.getByRole('tab', { name: 'Mail' }).click();
    const articles = analysis.locator('.mail-message');
    await expect.poll(() => articles.count()).toBe(2);
    await expect.poll(() => articles.nth(0).getAttribute('data-protocol')).toBe('smtp');
    await expect.poll(() => articles.nth(1).getAttribute('data-protocol')).toBe('pop');
    const bodies = await analysis.locator('.mail-body').allTextContents();
    expect(bodies[0]).toContain('This is just a test.');
    expect(bodies[1]).toBe(bodies[0]);
    await expect.poll(() => articles.nth(0).locator('.mail-subject').innerText()).toBe('SMTP commands test');
    await shot('mail', analysis);
  });

  it('shows a failed step with the server reply (a new script typed in Monaco)', async () => {
    const { page } = h;
    await h.workbench['capture.start']({ iface: 'lo', captureFilter: `tcp port ${lab.popPort}` });
    await labTab('Scripts').click();
    const scripts = page.getByRole('region', { name: 'Scripts' });
    await scripts.getByRole('button', { name: 'New' }).click();
    await scripts.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    for (const line of ['@connect lab-pop3', 'user teacher', 'pass wrong']) {
      await page.keyboard.type(line, { delay: 10 });
      await page.waitForTimeout(150);
      await page.keyboard.press('Escape'); // close completion so Enter makes a new line
      await page.keyboard.press('Enter');
    }
    await page.waitForTimeout(300);
    await scripts.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => scripts.getByRole('status').getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
    expect(await scripts.getByRole('status').innerText()).toMatch(/line 3: The server answered: -ERR/);
    await labTab('Lab guide').click();
    const failed = guide().locator('li[data-step="pop.pass"]');
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    expect(await failed.getAttribute('aria-checked')).toBe('false');
    const step = h.workbench['lab.steps']().find((st) => st.id === 'pop.pass')!;
    expect(step.status).toBe('failed');
    expect(await failed.locator('.guide-reply').innerText()).toContain(step.detail!);
    expect(await failed.locator('.guide-frame').getAttribute('data-frame')).toBe(String(step.frame));
    await consolePane().getByRole('button', { name: 'Disconnect' }).click();
    await h.workbench['capture.stop']();
  });

  it('speaks Chinese in every lab pane', async () => {
    const { page } = h;
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('region', { name: '控制台', exact: true }).waitFor();
    await page.getByRole('tablist', { name: '实验面板' }).getByRole('tab', { name: '实验指导' }).click();
    const zhGuide = page.getByRole('region', { name: '实验指导' });
    expect(await zhGuide.locator('li[data-step="smtp.auth.start"] .guide-explain').innerText()).toContain('BASE64');
    expect(await zhGuide.innerText()).toContain('为什么一行命令对应 N 个分组');
    await shot('zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await consolePane().waitFor();
  });

  it('made no request outside 127.0.0.1', () => {
    expect(h.foreignRequests).toEqual([]);
  });
});

/** tsharkFollowPayload concatenates the chunk texts of `tshark -z follow,tcp,ascii,N` output. */
function tsharkFollowPayload(stdout: string): string {
  const lines = stdout.split('\n');
  let i = lines.findIndex((l) => l.startsWith('Node 1:')) + 1;
  let out = '';
  while (i < lines.length && !lines[i].startsWith('=====')) {
    const length = Number(lines[i].replace(/^\t/, ''));
    i++;
    // The chunk's text holds `length` characters, and may contain newlines itself.
    let text = '';
    while (i < lines.length && text.length < length) {
      text += (text === '' ? '' : '\n') + lines[i];
      i++;
      if (text.length < length) continue;
    }
    out += text;
  }
  return out;
}
