/**
 * UI performance with a big capture (`npm run bench`; not a test): the real renderer (out/renderer) in
 * headless Chromium against a Workbench and the web host in this process. Measures, for the capture given
 * as the first argument (bench/run.mjs passes the 1M-frame synthetic capture from bench/gen-capture):
 * - open → first rows painted, from the click on Open (median of UI_PERF_OPEN_RUNS opens, each in a fresh
 *   page against a fresh engine; the first is a cold process), with when the engine's events arrived, and
 *   open → load finished;
 * - scrolling with real input: wheel notches, a drag of the scrollbar thumb through most of the list, and
 *   random jumps; per frame the rAF delta, the main thread's work and long-animation-frame entries;
 * - select → tree: click a row until its detail tree is shown (median of several rows);
 * - renderer JS heap after load and after scrolling (CDP Performance metrics, after a GC);
 * - display filter apply: Enter in the filter bar until the list shows the new count.
 *
 * Usage: node out/bench/ui-perf.mjs CAPTURE.pcap   (UI_PERF_ONLY=open stops after the opens, =scroll after scrolling;
 *        UI_PERF_DRAGS=N drags the thumb N times (3), with rows and in the control without;
 *        UI_PERF_RENDERER=DIR measures another renderer build, e.g. an older commit's;
 *        UI_PERF_TRACE=FILE writes the Chromium timeline trace of the traced thumb drag, for chrome://tracing)
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { Workbench } from '../src/main/engine/workbench';
import { startWebHost } from '../src/main/web/server';

const capture = process.argv[2];
if (!capture || !existsSync(capture)) {
  console.error('usage: ui-perf CAPTURE.pcap');
  process.exit(2);
}
// The newest build wins: out/renderer (npm run bench builds it) or the e2e tests' build.
// UI_PERF_RENDERER names another build (e.g. of an older commit, for a before/after comparison).
const rendererDir = [process.env.UI_PERF_RENDERER ?? resolve('out/renderer'), resolve('test-artifacts/e2e-build/renderer')]
  .filter((d) => existsSync(resolve(d, 'index.html')))
  .sort((a, b) => statSync(resolve(b, 'index.html')).mtimeMs - statSync(resolve(a, 'index.html')).mtimeMs)
  .sort((a, b) => Number(b === process.env.UI_PERF_RENDERER) - Number(a === process.env.UI_PERF_RENDERER))[0];
console.log(`renderer build: ${rendererDir}`);
if (!rendererDir) {
  console.error('ui-perf: the renderer is not built (npm run build)');
  process.exit(2);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * mainThreadCpuPerFrame: from a Chromium timeline trace, the renderer main thread's CPU (the `tdur` thread
 * time of its top-level tasks) per frame: the tasks from the end of one rendering task (a task with a
 * Paint inside) to the end of the next one count for that frame.
 */
function mainThreadCpuPerFrame(json: string): number[] {
  type Event = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string } };
  const parsed = JSON.parse(json) as { traceEvents?: Event[] } | Event[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  // The page's main thread is the busiest CrRendererMain.
  const busy = new Map<string, number>();
  for (const e of events) if (e.name === 'RunTask' && e.ph === 'X') busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  const main = [...mains].sort((a, b) => (busy.get(b) ?? 0) - (busy.get(a) ?? 0))[0];
  const on = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const tasks = on.filter((e) => e.name === 'RunTask');
  const paints = on.filter((e) => e.name === 'Paint').map((e) => e.ts);
  const frames: number[] = [];
  let p = 0;
  let cpu = 0;
  for (const task of tasks) {
    cpu += task.tdur ?? task.dur ?? 0;
    const end = task.ts + (task.dur ?? 0);
    let painted = false;
    while (p < paints.length && paints[p]! < end) {
      if (paints[p]! >= task.ts) painted = true;
      p++;
    }
    if (painted) {
      frames.push(cpu / 1000);
      cpu = 0;
    }
  }
  return frames.slice(1);
}

// A spool folder of its own: a stale spool in the user's folder would open the Recover dialog over the list.
const spoolDir = mkdtempSync(join(tmpdir(), 'wirelab-ui-perf-spool-'));
let workbench = new Workbench({ labServer: false, capture: { spoolDir } });
let host = await startWebHost({ service: workbench, events: workbench.events, rendererDir });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // Scrollbars stay visible in headless mode so the benchmark can drag the list's thumb.
  ignoreDefaultArgs: ['--hide-scrollbars'],
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
  // Opening starts at the click on the dialog's Open button (page clock). The page records when the
  // engine's first events and the first `view.rows` answer arrive (a wrapped WebSocket), and when row 2
  // is painted (the rAF after it is in the DOM). Opened UI_PERF_OPEN_RUNS (3) times, each in a fresh
  // page against a fresh engine; only the last load is left to finish.
  const instrument = `(() => {
    const w = (window.__uiPerf = { t0: 0, firstRows: 0, loaded: 0, reset: 0, pushed: 0, counts: 0, rowsSent: 0, rowsBack: 0 });
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...a) {
        super(...a);
        this.addEventListener('message', (e) => {
          if (!w.t0 || typeof e.data !== 'string') return;
          const now = performance.now();
          if (!w.reset && e.data.includes('"view.onReset"')) w.reset = now;
          if (w.reset && !w.pushed && e.data.includes('"view.onRows"')) w.pushed = now;
          if (w.reset && !w.counts && e.data.includes('"view.onCounts"') && !e.data.includes('"frames":0')) w.counts = now;
          if (w.rowsSent && !w.rowsBack && e.data.includes('"number"')) w.rowsBack = now;
        });
      }
      send(text) {
        if (w.t0 && !w.rowsSent && typeof text === 'string' && text.includes('"view.rows"')) w.rowsSent = performance.now();
        super.send(text);
      }
    };
    document.addEventListener('click', (e) => {
      if (!w.t0 && e.target.closest('[role="dialog"] button[type="submit"]')) w.t0 = performance.now();
    }, true);
    new MutationObserver(() => {
      if (!w.t0) return;
      if (!w.firstRows && document.querySelector('[role="row"][aria-rowindex="2"][data-frame] .col-no')) {
        w.firstRows = -1;
        requestAnimationFrame(() => (w.firstRows = performance.now()));
      }
      if (!w.loaded && !document.querySelector('[role="dialog"]')) w.loaded = performance.now();
    }).observe(document, { subtree: true, childList: true });
  })()`;
  await page.addInitScript(instrument);
  type OpenTimes = { t0: number; firstRows: number; loaded: number; reset: number; pushed: number; counts: number; rowsSent: number; rowsBack: number };
  const openRuns = Math.max(1, Number(process.env.UI_PERF_OPEN_RUNS ?? 3));
  const firstRows: number[] = [];
  let open: OpenTimes | undefined;
  for (let run = 1; run <= openRuns; run++) {
    if (run > 1) {
      // Each open starts from an idle engine, as a student's does: the previous run's engine (still
      // loading) is stopped and a new Workbench and web host serve a fresh page. The process, and so
      // V8's compiled code, is the same: run 1 is the cold start.
      await page.goto('about:blank');
      await host.close();
      await workbench.stop();
      workbench = new Workbench({ labServer: false, capture: { spoolDir } });
      host = await startWebHost({ service: workbench, events: workbench.events, rendererDir });
    }
    await page.goto(host.url);
    await page.getByRole('grid').waitFor();
    if (run === 1) console.log(`renderer JS heap, empty: ${(await heapMb()).toFixed(1)} MB`);
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByLabel('File path').fill(resolve(capture));
    await page.getByRole('dialog').getByRole('button', { name: 'Open', exact: true }).click();
    // (waitForFunction would evaluate a string in the page, which the CSP forbids.)
    for (let waited = 0; !((await page.evaluate('window.__uiPerf.firstRows')) as number > 0); waited += 20) {
      if (waited > 60_000) throw new Error('ui-perf: no rows painted within 60 s');
      await page.waitForTimeout(20);
    }
    open = (await page.evaluate('window.__uiPerf')) as OpenTimes;
    const at = (t: number) => (t > 0 ? `${(t - open!.t0).toFixed(0)}` : '-');
    firstRows.push(open.firstRows - open.t0);
    console.log(
      `open run ${run}: first rows painted ${ms(open.firstRows - open.t0)} ` +
        `(view.onReset ${at(open.reset)}, rows pushed ${at(open.pushed)}, first counts ${at(open.counts)}, ` +
        `first view.rows asked ${at(open.rowsSent)}, answered ${at(open.rowsBack)} ms)`,
    );
  }
  if (process.env.UI_PERF_ONLY === 'open') {
    console.log(`open: first rows painted median ${ms(percentile(firstRows, 50))} of ${firstRows.length}`);
    process.exit(0);
  }
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 900_000 });
  await page.waitForTimeout(100);
  open = (await page.evaluate('window.__uiPerf')) as OpenTimes;
  const frames = Number(await page.getByRole('grid').getAttribute('aria-rowcount')) - 1;
  console.log(
    `open ${frames} frames: first rows painted median ${ms(percentile(firstRows, 50))} of ${firstRows.length} ` +
      `[${firstRows.map((v) => v.toFixed(0)).join(', ')}], load finished ${((open.loaded - open.t0) / 1000).toFixed(2)} s`,
  );
  console.log(`renderer JS heap, loaded: ${(await heapMb()).toFixed(1)} MB`);

  // Scrolling, with real input where Chromium takes it: wheel notches (page.mouse.wheel), a drag of the
  // scrollbar thumb through most of the list, and random jumps (Ctrl+End-like, scrollTop set by script).
  // The page records, for every frame: the rAF delta (frame-to-frame; at 60 Hz one vsync is 16.7 ms, so a
  // dropped frame shows as 33 ms), the main thread's work in the frame (from the frame's start to a
  // user-blocking task posted in rAF, which runs after style, layout and paint), and long-animation-frame
  // entries.
  const startFrames = `(() => {
    const rec = (window.__frames = { deltas: [], work: [], loaf: [], stop: false });
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => rec.work.push(performance.now() - frameStart);
    let last = 0;
    const tick = (now) => {
      if (rec.stop) return;
      if (last) rec.deltas.push(now - last);
      last = now;
      frameStart = now;
      // A user-blocking task runs right after this frame's rendering task, before queued normal tasks (a
      // MessageChannel message could wait behind them and count their time as the frame's).
      if (typeof scheduler !== 'undefined') scheduler.postTask(() => rec.work.push(performance.now() - frameStart), { priority: 'user-blocking' });
      else channel.port2.postMessage(0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      rec.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) rec.loaf.push(e.duration);
      });
      rec.observer.observe({ type: 'long-animation-frame' });
    } catch {}
    return 0;
  })()`;
  const stopFrames = async () =>
    (await page.evaluate(`(() => {
      const rec = window.__frames;
      rec.stop = true;
      rec.observer?.disconnect();
      return { deltas: rec.deltas.slice(1), work: rec.work.slice(1), loaf: rec.loaf };
    })()`)) as { deltas: number[]; work: number[]; loaf: number[] };
  const scrollTop = async () => Number(await page.locator('.pl-scroll').evaluate((el) => el.scrollTop));
  const box = (await page.locator('.pl-scroll').boundingBox())!;
  const report = async (mode: string, from: number) => {
    const { deltas, work, loaf } = await stopFrames();
    const rows = Math.round(Math.abs((await scrollTop()) - from) / 20);
    const dropped = deltas.filter((d) => d > 25).length;
    console.log(
      `scroll ${mode.padEnd(5)}: ${rows} rows in ${deltas.length} frames; frame delta p50 ${ms(percentile(deltas, 50))}, ` +
        `p95 ${ms(percentile(deltas, 95))}, max ${ms(Math.max(...deltas))}, dropped ${dropped}; ` +
        `main-thread work per frame p50 ${ms(percentile(work, 50))}, p95 ${ms(percentile(work, 95))}, max ${ms(Math.max(...work))}; ` +
        `long animation frames ${loaf.length}${loaf.length ? ` (max ${ms(Math.max(...loaf))})` : ''}`,
    );
    return { deltas, work };
  };
  const scrollResults: Record<string, { deltas: number[]; work: number[] }> = {};
  // Wheel: 200 notches of 100 px (5 rows each), then 100 fast ones of 1000 px, at most one per frame.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  let from = await scrollTop();
  await page.evaluate(startFrames);
  for (let i = 0; i < 300; i++) {
    await page.mouse.wheel(0, i < 200 ? 100 : 1000);
    await page.waitForTimeout(8);
  }
  scrollResults.wheel = await report('wheel', from);
  // Drag the scrollbar thumb from the top to ~90 % of the track in 150 steps (the thumb is at the right edge),
  // UI_PERF_DRAGS times (default 3), each reported, then all together. Then the same drags as a control,
  // with the list body's rendering skipped (content-visibility: hidden: the app's scroll handler, row
  // requests and row writes all run, but no row is styled, laid out or painted): what the control measures
  // is Chromium's own cost of a thumb drag in this environment, so drag minus control is the rows' share.
  const thumbX = box.x + box.width - 5;
  const drags = Math.max(1, Number(process.env.UI_PERF_DRAGS ?? 3));
  const dragOnce = async () => {
    await page.mouse.move(thumbX, box.y + 20);
    await page.mouse.down();
    for (let i = 1; i <= 150; i++) {
      await page.mouse.move(thumbX, box.y + 20 + ((box.height - 40) * 0.9 * i) / 150);
      await page.waitForTimeout(8);
    }
    await page.mouse.up();
  };
  const toTop = async () => {
    await page.locator('.pl-scroll').evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(200);
    from = await scrollTop();
  };
  const dragSeries = async (label: string) => {
    const results: { deltas: number[]; work: number[] }[] = [];
    for (let d = 0; d < drags; d++) {
      await toTop();
      await page.evaluate(startFrames);
      await dragOnce();
      results.push(await report(label, from));
    }
    const all = { deltas: results.flatMap((r) => r.deltas), work: results.flatMap((r) => r.work) };
    console.log(
      `scroll ${label} x${drags}: ${all.deltas.length} frames; frame delta p95 ${ms(percentile(all.deltas, 95))}, ` +
        `dropped ${all.deltas.filter((v) => v > 25).length}; main-thread work per frame p50 ${ms(percentile(all.work, 50))}, ` +
        `p95 ${ms(percentile(all.work, 95))}`,
    );
    return all;
  };
  scrollResults.drag = await dragSeries('drag');
  await page.locator('.pl-body').evaluate((el) => (el.style.contentVisibility = 'hidden'));
  const control = await dragSeries('drag control (rows not rendered)');
  await page.locator('.pl-body').evaluate((el) => (el.style.contentVisibility = ''));
  console.log(
    `scroll drag: main-thread work per frame p95 ${ms(percentile(scrollResults.drag.work, 95))} with rows, ` +
      `${ms(percentile(control.work, 95))} in the control without rows (Chromium's own thumb drag here)`,
  );
  // One more drag under a Chromium timeline trace (not in the figures above: tracing slows the page): the
  // renderer main thread's CPU time (thread time, so time the thread waited or was descheduled does not
  // count) per frame, a frame being everything the thread ran from the end of one rendering task (the
  // one that paints) to the end of the next.
  await toTop();
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await dragOnce();
  const trace = await browser.stopTracing();
  if (process.env.UI_PERF_TRACE) (await import('node:fs')).writeFileSync(process.env.UI_PERF_TRACE, trace);
  const cpu = mainThreadCpuPerFrame(trace.toString('utf8'));
  console.log(
    `scroll drag, traced: main-thread CPU per frame p50 ${ms(percentile(cpu, 50))}, p95 ${ms(percentile(cpu, 95))}, ` +
      `max ${ms(Math.max(...cpu))} (${cpu.length} rendering frames)`,
  );
  // Jumps: a new random position every frame for 3 s.
  from = await scrollTop();
  await page.evaluate(startFrames);
  await page.evaluate(`new Promise((done) => {
    const el = document.querySelector('.pl-scroll');
    const end = performance.now() + 3000;
    let i = 0;
    const step = (now) => {
      el.scrollTop = ((i++ * 2654435761) % 1000003) / 1000003 * el.scrollHeight;
      if (now < end) requestAnimationFrame(step); else done(0);
    };
    requestAnimationFrame(step);
  })`);
  scrollResults.jump = await report('jump', from);
  const allDeltas = Object.values(scrollResults).flatMap((r) => r.deltas);
  const allWork = Object.values(scrollResults).flatMap((r) => r.work);
  console.log(
    `scroll, all modes: frame delta p95 ${ms(percentile(allDeltas, 95))}, dropped ${allDeltas.filter((d) => d > 25).length} of ${allDeltas.length}; ` +
      `main-thread work per frame p95 ${ms(percentile(allWork, 95))}`,
  );
  console.log(`renderer JS heap, after scrolling: ${(await heapMb()).toFixed(1)} MB`);
  if (process.env.UI_PERF_ONLY === 'scroll') process.exit(0);

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
    await page.locator(`[role="row"][aria-rowindex="${next}"][data-frame]`).waitFor({ timeout: 30_000 });
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
        else if (window.__uiPerfEnter && performance.now() - window.__uiPerfEnter > 60000) done(-1);
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
