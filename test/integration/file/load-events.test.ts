/**
 * Loading a file as the UI sees it (issue 6, first rows): the first page of rows (`view.onRows`) and the
 * first `view.onCounts` of a load go out as soon as the first chunk has been read (not one frame),
 * without waiting for the previous view's throttle window; later counts stay throttled; a new open stops
 * the load it replaces; chunks are sized by time. The capture is a tcpdump lab capture repeated until it
 * spans many chunks, written with the engine's writer and counted by capinfos.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Events, ViewCounts } from '../../../src/shared/contract';
import { EngineEvents, THROTTLE_MS } from '../../../src/main/engine/events';
import { readCaptureFileSync } from '../../../src/main/engine/file/reader';
import { openCaptureWriter } from '../../../src/main/engine/file/writer';
import { FIRST_PAGE, LOAD_CHUNK_MAX, LOAD_CHUNK_MIN, LOAD_SLICE_MS, nextLoadChunk, Workbench } from '../../../src/main/engine/workbench';
import { requireTools, run } from '../../support/tools';
import { tsharkRaw } from '../../support/tshark';

const captures = inject('captures').captures;
const dir = mkdtempSync(join(tmpdir(), 'wirelab-load-events-'));
const big = join(dir, 'repeated.pcap');
const COPIES = 60;
let bigFrames = 0;

beforeAll(async () => {
  requireTools('capinfos');
  const { records } = readCaptureFileSync(captures['smtp-python'].file);
  const writer = openCaptureWriter(big, { format: 'pcap', linktype: records[0].linktype, nanosecond: false });
  for (let copy = 0; copy < COPIES; copy++) {
    for (const r of records) writer.write({ tsSec: r.tsSec + copy * 10, tsNsec: r.tsNsec, data: r.data, origLen: r.origLen });
  }
  writer.close();
  const info = await run('capinfos', ['-c', '-M', big]);
  bigFrames = Number(/Number of packets:\s*(\d+)/.exec(info.stdout)?.[1]);
  expect(bigFrames).toBe(records.length * COPIES);
});

describe('loading a file: events for the first rows', () => {
  it('sends the first counts when the first chunk is in, with its rows ready, then throttles', async () => {
    const workbench = new Workbench({ labServer: false });
    const seen: { counts: ViewCounts; rows: number; at: number }[] = [];
    const order: string[] = [];
    let pushed: Events['view.onRows'] | undefined;
    workbench.events.on('view.onRows', (payload) => {
      order.push('rows');
      // The rows pushed are the rows a client asking for the first page right now would get.
      expect(payload.rows).toEqual(workbench['view.rows'](0, payload.rows.length));
      pushed ??= payload;
    });
    workbench.events.on('view.onCounts', (counts) => {
      order.push('counts');
      seen.push({ counts, rows: workbench['view.rows'](0, FIRST_PAGE).length, at: Date.now() });
    });
    await workbench['file.open'](captures['smtp-python'].file); // the previous view, still in its throttle window
    seen.length = 0;
    order.length = 0;
    pushed = undefined;
    const info = await workbench['file.open'](big);
    expect(info.counts.frames).toBe(bigFrames);
    const first = seen[0];
    // Not the first frame alone: the first chunk (4 KiB of ~100-byte frames), or what the first pass
    // did in FIRST_ROWS_MS when it is slow.
    expect(first.counts.frames).toBeGreaterThan(1);
    expect(first.counts.frames).toBeLessThan(bigFrames);
    expect(first.rows).toBe(Math.min(FIRST_PAGE, first.counts.displayed));
    // Its rows were pushed just before it, once, from frame 1.
    expect(order.slice(0, 2)).toEqual(['rows', 'counts']);
    expect(order.filter((e) => e === 'rows')).toHaveLength(1);
    expect(pushed!.start).toBe(0);
    expect(pushed!.rows.length).toBe(Math.min(FIRST_PAGE, first.counts.displayed));
    expect(pushed!.rows[0].number).toBe(1);
    expect(seen[seen.length - 1].counts.frames).toBe(bigFrames);
    // Later updates keep to the throttle (the final flush and the end-of-load event may come together).
    const during = seen.slice(0, -2);
    for (let i = 1; i < during.length; i++) expect(during[i].at - during[i - 1].at).toBeGreaterThanOrEqual(THROTTLE_MS - 5);
  });

  it('stops the load a new open replaces, and never reports the old file after the new reset', async () => {
    const workbench = new Workbench({ labServer: false });
    const events: string[] = [];
    let resets = 0;
    workbench.events.on('view.onReset', () => resets++);
    workbench.events.on('view.onCounts', (c) => events.push(`${resets}:${c.frames}`));
    const firstOpen = workbench['file.open'](big);
    // Let it read a few chunks, then replace it.
    while (workbench.packetStore.size < 50) await new Promise((r) => setImmediate(r));
    const replaced = workbench.packetStore;
    const small = captures['smtp-python'];
    const second = await workbench['file.open'](small.file);
    await firstOpen;
    expect(second.counts.frames).toBe(small.frames);
    expect(replaced.size).toBeLessThan(bigFrames);
    expect(workbench['file.info']().counts.frames).toBe(small.frames);
    const afterSecondReset = events.filter((e) => e.startsWith('2:')).map((e) => Number(e.slice(2)));
    expect(afterSecondReset.length).toBeGreaterThan(0);
    expect(afterSecondReset.every((n) => n <= small.frames)).toBe(true);
  });
});

describe('load chunk sizing', () => {
  it('aims at LOAD_SLICE_MS per chunk, at most doubling, within bounds', () => {
    expect(nextLoadChunk(LOAD_CHUNK_MIN, LOAD_SLICE_MS / 4)).toBe(LOAD_CHUNK_MIN * 2);
    expect(nextLoadChunk(64 * 1024, LOAD_SLICE_MS * 2)).toBe(32 * 1024);
    expect(nextLoadChunk(64 * 1024, LOAD_SLICE_MS)).toBe(64 * 1024);
    expect(nextLoadChunk(8 * 1024, 500)).toBe(LOAD_CHUNK_MIN);
    expect(nextLoadChunk(LOAD_CHUNK_MAX, 0.01)).toBe(LOAD_CHUNK_MAX);
    expect(nextLoadChunk(16 * 1024, 0)).toBe(32 * 1024);
  });
});

describe('EngineEvents.cancel', () => {
  it('drops the pending payload and the window, so the next throttled event goes out at once', async () => {
    const events = new EngineEvents();
    const got: number[] = [];
    events.on('view.onCounts', (c) => got.push(c.frames));
    events.emitThrottled('view.onCounts', { frames: 1, displayed: 1, marked: 0 });
    events.emitThrottled('view.onCounts', { frames: 2, displayed: 2, marked: 0 }); // pending
    events.cancel('view.onCounts');
    events.emitThrottled('view.onCounts', { frames: 7, displayed: 7, marked: 0 });
    expect(got).toEqual([1, 7]);
    await new Promise((r) => setTimeout(r, THROTTLE_MS * 2));
    expect(got).toEqual([1, 7]);
  });
});

describe('opening a file that is not a capture', () => {
  it('refuses it before anything is replaced: the loaded capture stays, rows and all (tshark refuses it too)', async () => {
    const good = captures['smtp-python'].file;
    const goodBytes = readFileSync(good);
    const text = Buffer.from('From: student@wirelab.lab\r\nSubject: not a capture\r\n\r\nhello\r\n');
    const random = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251));
    const bad: [string, Buffer, RegExp][] = [
      ['random.pcap', random, /^The file "random\.pcap" isn't a capture file in a format Wirelab understands \(unknown file format at byte offset 0: magic 0x[0-9a-f]{8} is neither pcap nor pcapng\)\.$/],
      ['mail.pcapng', text, /^The file "mail\.pcapng" isn't a capture file in a format Wirelab understands \(/],
      ['empty.pcap', Buffer.alloc(0), /^The file "empty\.pcap" is empty: it holds no packets\.$/],
      ['cut-header.pcap', goodBytes.subarray(0, 12), /^The file "cut-header\.pcap" could not be read: .*truncated/],
      ['mail.pcap.gz', gzipSync(text), /^The file "mail\.pcap\.gz" isn't a capture file in a format Wirelab understands \(/],
    ];
    const workbench = new Workbench({ labServer: false });
    const before = await workbench['file.open'](good);
    const rows = workbench['view.rows'](0, 1000);
    expect(rows.length).toBeGreaterThan(10);
    let resets = 0;
    workbench.events.on('view.onReset', () => resets++);
    for (const [name, bytes, message] of bad) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await expect(workbench['file.open'](path), name).rejects.toThrow(message);
      expect(workbench['file.info']().path).toBe(before.path);
      expect(workbench['view.rows'](0, 1000)).toEqual(rows);
      const tshark = await tsharkRaw(['-r', path]);
      // tshark reads an empty file as an empty capture (nothing printed, exit 0); the others it refuses.
      if (bytes.length === 0) expect([tshark.code, tshark.stdout]).toEqual([0, '']);
      else expect(tshark.code, `tshark on ${name}: ${tshark.stderr}`).not.toBe(0);
    }
    expect(resets).toBe(0);

    // A good header with a damaged record after it is a capture: it loads up to the damage, as tshark reads it.
    const damaged = join(dir, 'damaged.pcap');
    writeFileSync(damaged, Buffer.concat([goodBytes.subarray(0, goodBytes.length - 20), Buffer.from([0xff, 0xff, 0xff, 0x7f])]));
    const info = await workbench['file.open'](damaged);
    expect(resets).toBe(1);
    expect(info.error).toMatch(/truncated|cut short|damaged|offset/);
    const tsharkRows = (await tsharkRaw(['-r', damaged, '-T', 'fields', '-e', 'frame.number'])).stdout.trim().split('\n');
    expect(info.counts.frames).toBe(tsharkRows.length);
  });
});
