/**
 * UI performance with a big capture (`npm run bench`; not a test): the real renderer (out/renderer) in
 * headless Chromium against a Workbench and the web host in this process. Measures, for the capture given
 * as the first argument (bench/run.mjs passes the 1M-frame synthetic capture from bench/gen-capture):
 * - open → first rows painted (rows appear while the engine is still loading) and open → load finished;
 * - scroll frame times: requestAnimationFrame deltas while the list is flung and while it jumps;
 * - select → tree: click a row until its detail tree is shown (median of several rows);
 * - renderer JS heap after load and after scrolling (CDP Performance metrics, after a GC);
 * - display filter apply: Enter in the filter bar until the list shows the new count.
 *
 * Usage: node out/bench/ui-perf.mjs CAPTURE.pcap
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { Workbench } from '../src/main/engine/workbench';
import { startWebHost } from '../src/main/web/server';

const capture = process.argv[2];
if (!capture || !existsSync(capture)) {
  console.error('usage: ui-perf CAPTURE.pcap');
  process.exit(2);
}
// The newest build wins: out/renderer (npm run bench builds it) or the e2e tests' build.
const rendererDir = [resolve('out/renderer'), resolve('test-artifacts/e2e-build/renderer')]
  .filter((d) => existsSync(resolve(d, 'index.html')))
  .sort((a, b) => statSync(resolve(b, 'index.html')).mtimeMs - statSync(resolve(a, 'index.html')).mtimeMs)[0];
if (!rendererDir) {
  console.error('ui-perf: the renderer is not built (npm run build)');
  process.exit(2);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

const workbench = new Workbench({ labServer: false });
const host = await startWebHost({ service: workbench, events: workbench.events, rendererDir });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  // Nothing may leave 127.0.0.1 (the app has no runtime network); anything else is refused and reported.
  const foreign: string[] = [];
  await context.route(
    (url) => !/^(data:|blob:|about:|https?:\/\/127\.0\.0\.1[:/])/.test(url.toString()),
    (route) => {
      foreign.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('crash', () => console.error('ui-perf: the page crashed'));
  page.on('pageerror', (e) => console.error(`ui-perf: page error: ${e.message}`));
  const heapMb = async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    await cdp.send('Performance.disable');
    await cdp.detach();
    return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
  };
  await page.goto(host.url);
  await page.getByRole('grid').waitFor();
  console.log(`renderer JS heap, empty: ${(await heapMb()).toFixed(1)} MB`);

  // Open through the UI, as a student does. Times are taken with the page's clock: the engine runs in
  // this process, so the driver's own clock would include its stalls while the engine loads.
  await page.evaluate(`(() => {
    const w = (window.__uiPerf = { t0: 0, firstRows: 0, loaded: 0 });
    document.addEventListener('click', (e) => {
      if (!w.t0 && e.target.closest('[role="dialog"] button[type="submit"]')) w.t0 = performance.now();
    }, true);
    new MutationObserver(() => {
      if (!w.t0) return;
      if (!w.firstRows && document.querySelector('[role="row"][aria-rowindex="2"] .col-no')) {
        w.firstRows = -1;
        requestAnimationFrame(() => (w.firstRows = performance.now()));
      }
      if (!w.loaded && !document.querySelector('[role="dialog"]')) w.loaded = performance.now();
    }).observe(document.body, { subtree: true, childList: true });
  })()`);
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByLabel('File path').fill(resolve(capture));
  await page.getByRole('dialog').getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 600_000 });
  await page.locator('[role="row"][aria-rowindex="2"] .col-no').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(100);
  const open = (await page.evaluate('window.__uiPerf')) as { t0: number; firstRows: number; loaded: number };
  const frames = Number(await page.getByRole('grid').getAttribute('aria-rowcount')) - 1;
  console.log(
    `open ${frames} frames: first rows painted ${ms(open.firstRows - open.t0)}, load finished ${((open.loaded - open.t0) / 1000).toFixed(2)} s`,
  );
  console.log(`renderer JS heap, loaded: ${(await heapMb()).toFixed(1)} MB`);

  // Scroll: a fling (a big step every frame) and random jumps; rAF deltas measured in the page.
  const scrollScript = (mode: 'fling' | 'jump') => `new Promise((done) => {
    const el = document.querySelector('.pl-scroll');
    const deltas = [];
    let last = performance.now();
    const end = last + 3000;
    let i = 0;
    const step = (now) => {
      deltas.push(now - last);
      last = now;
      if (${mode === 'fling' ? 'true' : 'false'}) el.scrollTop += 2400;
      else el.scrollTop = ((i * 2654435761) % 1000003) / 1000003 * el.scrollHeight;
      i++;
      if (now < end) requestAnimationFrame(step); else done(deltas.slice(2));
    };
    requestAnimationFrame(step);
  })`;
  for (const mode of ['fling', 'jump'] as const) {
    const deltas = (await page.evaluate(scrollScript(mode))) as number[];
    const slow = deltas.filter((d) => d > 33.4).length;
    console.log(
      `scroll ${mode}: ${deltas.length} frames, p50 ${ms(percentile(deltas, 50))}, p95 ${ms(percentile(deltas, 95))}, ` +
        `p99 ${ms(percentile(deltas, 99))}, max ${ms(Math.max(...deltas))}, over 33 ms: ${slow}`,
    );
  }
  console.log(`renderer JS heap, after scrolling: ${(await heapMb()).toFixed(1)} MB`);

  // Select → tree, on rows spread over the view: a mousedown on the row until its tree is painted.
  const selectTimes: number[] = [];
  for (const target of  [1, Math.floor(frames / 3), Math.floor(frames / 2), frames - 5, 1234, 777_777 % Math.max(1, frames)]) {
    await page.getByRole('grid').focus();
    await page.keyboard.press('Control+G');
    await page.getByLabel('Packet number').fill(String(Math.max(1, target)));
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    const row = page.locator('[role="row"][aria-selected="true"]');
    await row.waitFor();
    const next = Number(await row.getAttribute('aria-rowindex')) + 1;
    const elapsed = (await page.evaluate(`new Promise((done) => {
      const row = document.querySelector('[role="row"][aria-rowindex="${next}"]');
      const frame = row?.getAttribute('data-frame');
      if (!frame) return done(-1);
      const t0 = performance.now();
      row.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, button: 0 }));
      const poll = () => {
        const label = document.querySelector('[role="tree"] .dt-label')?.textContent ?? '';
        if (label.startsWith('Frame ' + frame + ':')) requestAnimationFrame(() => done(performance.now() - t0));
        else if (performance.now() - t0 > 10000) done(-1);
        else setTimeout(poll, 1);
      };
      poll();
    })`)) as number;
    if (elapsed >= 0) selectTimes.push(elapsed);
  }
  console.log(`select → tree: median ${ms(percentile(selectTimes, 50))}, max ${ms(Math.max(...selectTimes))} (${selectTimes.length} rows)`);

  // Display filters typed in the bar: from Enter until the message shows the new count, on the page's
  // clock. Before Enter the message says the typed filter is not applied yet (Clear: "No filter"), so
  // the first "Displayed …" after Enter is the new view's.
  await page.evaluate(`document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') window.__uiPerfEnter = performance.now();
  }, true)`);
  for (const filter of ['smtp', 'tcp.port==25', 'smtp || pop', '']) {
    await page.locator('.filter-bar .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    if (filter) await page.keyboard.type(filter);
    await page.keyboard.press('Escape');
    // The trailing `0` matters: evaluate must not wait for the promise it stores.
    await page.evaluate(`window.__uiPerfEnter = 0; window.__uiPerfApplied = new Promise((done) => {
      const poll = () => {
        const message = document.querySelector('[data-testid="filter-message"]')?.textContent ?? '';
        if (window.__uiPerfEnter && message.startsWith('Displayed')) requestAnimationFrame(() => done(performance.now() - window.__uiPerfEnter));
        else setTimeout(poll, 1);
      };
      poll();
    }); 0`);
    await page.keyboard.press('Enter');
    const elapsed = (await page.evaluate('window.__uiPerfApplied')) as number;
    const displayed = Number(await page.getByRole('grid').getAttribute('aria-rowcount')) - 1;
    console.log(`filter ${JSON.stringify(filter || '(clear)').padEnd(16)} applied in ${ms(elapsed)}, displayed ${displayed}`);
  }
  console.log(`renderer JS heap, end: ${(await heapMb()).toFixed(1)} MB`);
  if (foreign.length > 0) console.log(`ui-perf: requests outside 127.0.0.1 were refused: ${foreign.join(', ')}`);
} finally {
  await browser.close();
  await host.close();
  await workbench.stop();
}
