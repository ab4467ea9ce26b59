/**
 * End-to-end support: a fresh renderer build (reused while newer than every renderer/shared source),
 * a Workbench and the web host in the test process, and headless Debian Chromium driven by
 * playwright-core that fails the test on any request leaving 127.0.0.1 (data: and blob: are local).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Workbench, type WorkbenchOptions } from '../../src/main/engine/workbench';
import { startWebHost, WEB_HOST_ADDRESS, type WebHost } from '../../src/main/web/server';
import { buildApp, REPO } from '../support/app-build';

export { REPO };
/** BUILD_DIR is where the e2e build goes (not out/, which other tests and engineers may be using). */
export const BUILD_DIR = path.join(REPO, 'test-artifacts', 'e2e-build');
export const SCREENSHOTS = path.join(REPO, 'test-artifacts', 'screenshots');

/** buildRenderer builds the app into BUILD_DIR unless its renderer is newer than the sources. */
export async function buildRenderer(): Promise<string> {
  await buildApp(BUILD_DIR, 'renderer/index.html', ['src/renderer', 'src/shared']);
  return path.join(BUILD_DIR, 'renderer');
}

/** Harness is one engine + web host + browser page. */
export interface Harness {
  workbench: Workbench;
  host: WebHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** URLs of requests that left 127.0.0.1 (the test asserts this stays empty). */
  foreignRequests: string[];
  close(): Promise<void>;
}

/** LOCAL_URL matches what a page may load: our origin, data: and blob: URLs. */
export function isLocalUrl(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/** startHarness starts everything and opens the token URL. */
export async function startHarness(options: { rendererDir: string; locale?: string; workbench?: WorkbenchOptions; viewport?: { width: number; height: number } }): Promise<Harness> {
  // A spool folder of its own: stale spools elsewhere (other runs, other tests) must not open the Recover dialog.
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'wirelab-e2e-spool-'));
  const workbench = new Workbench({ labServer: false, capture: { spoolDir }, ...options.workbench });
  await workbench.start();
  const host = await startWebHost({ service: workbench, events: workbench.events, rendererDir: options.rendererDir });
  workbench.excludeOwnConnection(WEB_HOST_ADDRESS, host.port);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1400, height: 900 } });
  const foreignRequests: string[] = [];
  context.on('request', (request) => {
    if (!isLocalUrl(request.url())) foreignRequests.push(request.url());
  });
  // Anything not local is refused before it leaves, and recorded.
  await context.route(
    (url) => !isLocalUrl(url.toString()),
    (route) => {
      foreignRequests.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('websocket', (ws) => {
    if (!isLocalUrl(ws.url().replace(/^ws/, 'http'))) foreignRequests.push(ws.url());
  });
  await page.goto(host.url);
  return {
    workbench,
    host,
    browser,
    context,
    page,
    foreignRequests,
    async close() {
      await browser.close().catch(() => undefined);
      await host.close();
      await workbench.stop();
    },
  };
}

/**
 * imageStats decodes a PNG in a blank page and returns its pixel variance (0 for a blank image) and the
 * share of the most common colour.
 */
export async function imageStats(browser: Browser, png: Buffer): Promise<{ variance: number; dominantShare: number }> {
  const page = await browser.newPage();
  try {
    // Evaluated as text: this file is type-checked without DOM types (tsconfig.node.json).
    return (await page.evaluate(`(${IMAGE_STATS_SOURCE})(${JSON.stringify(png.toString('base64'))})`)) as {
      variance: number;
      dominantShare: number;
    };
  } finally {
    await page.close();
  }
}

const IMAGE_STATS_SOURCE = `async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  let sum = 0, sumSq = 0;
  const counts = new Map();
  const n = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += luma;
    sumSq += luma * luma;
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const mean = sum / n;
  return { variance: sumSq / n - mean * mean, dominantShare: Math.max(...counts.values()) / n };
}`;

/** Box is a bounding box. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** intersects tells whether two boxes overlap by more than a pixel. */
export function intersects(a: Box, b: Box): boolean {
  const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return dx > 1 && dy > 1;
}
