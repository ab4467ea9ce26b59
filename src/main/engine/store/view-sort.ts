/**
 * Sorting the displayed view by a Packet List column, as Wireshark's PacketListModel::sort does:
 *
 * - No., Time and Length compare the frame's own data (number, absolute timestamp, length on the wire),
 *   read from the store's typed arrays.
 * - Source, Destination, Protocol and Info compare the column *text* by code point (Wireshark compares
 *   the QStrings: `10.0.0.10` sorts before `10.0.0.2`, IPv6 and MAC texts mix with IPv4 by their text).
 *   Source, Destination and Protocol are interned at first pass (PacketStore.columnId), so they cost one
 *   id per frame; Info is re-computed for every frame (the expensive part: one re-dissection each, rows
 *   already formatted are reused), in chunks that yield to the event loop.
 * - Ties are broken by frame number; descending is the exact reverse of ascending (Wireshark reverses the
 *   comparison, tie-breaker included).
 *
 * Every step yields to the event loop about every SLICE_MS and stops (returns null) as soon as
 * `control.stop()` says a newer request replaced this one.
 */
import type { ViewSort } from '../../../shared/contract';
import type { PacketStore, TextColumn } from './packet-store';

/** SortControl lets the caller cancel a sort and follow its progress. */
export interface SortControl {
  /** stop: true when the result is no longer wanted */
  stop(): boolean;
  /** progress: share done, 0..1 (called at most once per slice) */
  progress?(fraction: number): void;
  /** infoOf: an already formatted Info text of frame n (the row cache), if any */
  infoOf?(n: number): string | undefined;
}

/** SLICE_MS is how long the sort works between two yields to the event loop. */
const SLICE_MS = 16;
/** RUN is the length of the runs sorted natively before the chunked merge passes. */
const RUN = 4096;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Slicer yields to the event loop when the current slice has run SLICE_MS; false when cancelled. */
class Slicer {
  private sliceStart = Date.now();
  constructor(private readonly control: SortControl) {}

  async tick(fraction: number): Promise<boolean> {
    if (Date.now() - this.sliceStart < SLICE_MS) return true;
    this.control.progress?.(fraction);
    await yieldToLoop();
    this.sliceStart = Date.now();
    return !this.control.stop();
  }
}

/**
 * sortFrames returns `frames` (displayed frame numbers in capture order) ordered by `sort`, or null when
 * `control.stop()` turned true first. `frames` is not modified.
 */
export async function sortFrames(store: PacketStore, frames: Uint32Array, sort: ViewSort, control: SortControl): Promise<Uint32Array | null> {
  const count = frames.length;
  const slicer = new Slicer(control);
  let positions: Uint32Array | null;
  switch (sort.column) {
    case 'no':
      positions = identity(count);
      break;
    case 'length': {
      const keys = new Float64Array(count);
      for (let i = 0; i < count; i++) keys[i] = store.wireLength(frames[i]);
      positions = await sortByNumbers(keys, slicer);
      break;
    }
    case 'time':
      positions = await sortByTime(store, frames, slicer);
      break;
    case 'source':
    case 'destination':
    case 'protocol':
      positions = await sortByInterned(store, frames, sort.column, slicer);
      break;
    case 'info':
      positions = await sortByInfo(store, frames, slicer, control);
      break;
  }
  if (!positions || control.stop()) return null;
  const out = new Uint32Array(count);
  if (sort.descending) for (let i = 0; i < count; i++) out[i] = frames[positions[count - 1 - i]];
  else for (let i = 0; i < count; i++) out[i] = frames[positions[i]];
  return out;
}

function identity(count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  return out;
}

/**
 * sortByNumbers orders positions by non-negative integer keys (overwritten), ties by position. When key × count fits
 * in a double's 53 bits, key and position are packed into one number and sorted natively (no comparator
 * call); otherwise a chunked merge sort compares them.
 */
async function sortByNumbers(keys: Float64Array, slicer: Slicer): Promise<Uint32Array | null> {
  const count = keys.length;
  if (count === 0) return new Uint32Array(0);
  let max = 0;
  for (let i = 0; i < count; i++) if (keys[i] > max) max = keys[i];
  if ((max + 1) * count < Number.MAX_SAFE_INTEGER) {
    // In place: the keys are not needed afterwards (one 8 MB array less per 1M rows).
    const packed = keys;
    for (let i = 0; i < count; i++) packed[i] = keys[i] * count + i;
    const sorted = await sortDoubles(packed, slicer);
    if (!sorted) return null;
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = sorted[i] % count;
    return out;
  }
  return mergeSort(count, (a, b) => keys[a] - keys[b] || a - b, slicer, 0);
}

/**
 * sortDoubles sorts distinct doubles ascending: runs sorted natively (numeric, no comparator), then
 * merge passes that yield inside, so 1M keys never block the event loop for long.
 */
async function sortDoubles(values: Float64Array, slicer: Slicer): Promise<Float64Array | null> {
  const count = values.length;
  const run = RUN * 16;
  let src: Float64Array = values;
  let dst: Float64Array = new Float64Array(count);
  for (let lo = 0; lo < count; lo += run) {
    src.subarray(lo, Math.min(count, lo + run)).sort();
    if (!(await slicer.tick(0.5 + (0.25 * lo) / count))) return null;
  }
  for (let width = run; width < count; width *= 2) {
    for (let lo = 0; lo < count; lo += 2 * width) {
      const merge: Merge = { i: lo, j: Math.min(count, lo + width), k: lo, mid: Math.min(count, lo + width), hi: Math.min(count, lo + 2 * width) };
      while (!mergeDoubles(src, dst, merge, MERGE_STEP)) {
        if (!(await slicer.tick(0.75 + (0.25 * merge.k) / count))) return null;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Merge is the state of one merge of src[i..mid) and src[mid..hi) into dst from k (resumable). */
interface Merge {
  i: number;
  j: number;
  k: number;
  mid: number;
  hi: number;
}

/** MERGE_STEP is how many rows one synchronous merge step writes before the caller may yield. */
const MERGE_STEP = 1 << 16;

/** mergeDoubles advances a merge of doubles by at most `step` rows; true when it is complete. */
function mergeDoubles(src: Float64Array, dst: Float64Array, m: Merge, step: number): boolean {
  let { i, j, k } = m;
  const { mid, hi } = m;
  const stop = Math.min(hi, k + step);
  while (k < stop && i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
  if (i === mid || j === hi) {
    while (i < mid) dst[k++] = src[i++];
    while (j < hi) dst[k++] = src[j++];
  }
  m.i = i;
  m.j = j;
  m.k = k;
  return k === hi;
}

/** mergePositions advances a merge of positions by a comparator by at most `step` rows. */
function mergePositions(src: Uint32Array, dst: Uint32Array, m: Merge, step: number, compare: (a: number, b: number) => number): boolean {
  let { i, j, k } = m;
  const { mid, hi } = m;
  const stop = Math.min(hi, k + step);
  while (k < stop && i < mid && j < hi) dst[k++] = compare(src[i], src[j]) <= 0 ? src[i++] : src[j++];
  if (i === mid || j === hi) {
    while (i < mid) dst[k++] = src[i++];
    while (j < hi) dst[k++] = src[j++];
  }
  m.i = i;
  m.j = j;
  m.k = k;
  return k === hi;
}

/** sortByTime: capture order when the timestamps never go back (the usual case), else a merge sort. */
async function sortByTime(store: PacketStore, frames: Uint32Array, slicer: Slicer): Promise<Uint32Array | null> {
  const count = frames.length;
  const sec = new Float64Array(count);
  const nsec = new Uint32Array(count);
  let ordered = true;
  for (let i = 0; i < count; i++) {
    sec[i] = store.timeSec(frames[i]);
    nsec[i] = store.timeNsec(frames[i]);
    if (i > 0 && (sec[i] < sec[i - 1] || (sec[i] === sec[i - 1] && nsec[i] < nsec[i - 1]))) ordered = false;
  }
  if (ordered) return identity(count);
  return mergeSort(count, (a, b) => sec[a] - sec[b] || nsec[a] - nsec[b] || a - b, slicer, 0);
}

/** sortByInterned ranks the few distinct texts once, then sorts the frames by rank as numbers. */
async function sortByInterned(store: PacketStore, frames: Uint32Array, column: TextColumn, slicer: Slicer): Promise<Uint32Array | null> {
  const count = frames.length;
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    ids[i] = store.columnId(column, frames[i]);
    if ((i & 0xfff) === 0xfff && !(await slicer.tick(i / count / 2))) return null;
  }
  const texts = store.columnTextTable;
  const byText = identity(texts.length).sort((a, b) => compareText(texts[a], texts[b]));
  const rank = new Uint32Array(texts.length);
  for (let r = 0; r < byText.length; r++) rank[byText[r]] = r;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = rank[ids[i]];
  return sortByNumbers(keys, slicer);
}

/** sortByInfo computes every Info text (re-dissecting), then merge-sorts them; progress is reported. */
async function sortByInfo(store: PacketStore, frames: Uint32Array, slicer: Slicer, control: SortControl): Promise<Uint32Array | null> {
  const count = frames.length;
  const texts: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const n = frames[i];
    texts[i] = control.infoOf?.(n) ?? store.summary(n).info;
    if ((i & 0x3ff) === 0x3ff && !(await slicer.tick((0.8 * i) / count))) return null;
  }
  return mergeSort(count, (a, b) => compareText(texts[a], texts[b]) || a - b, slicer, 0.8);
}

/** compareText compares by UTF-16 code unit, as Qt's QString::compare does for Wireshark's columns. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * mergeSort orders positions 0..count-1 with a total order `compare`: runs of RUN sorted natively, then
 * bottom-up merge passes, yielding between merges so a 1M-row sort never blocks the event loop long.
 */
async function mergeSort(
  count: number,
  compare: (a: number, b: number) => number,
  slicer: Slicer,
  progressFrom: number,
): Promise<Uint32Array | null> {
  let src: Uint32Array = identity(count);
  let dst: Uint32Array = new Uint32Array(count);
  const passes = Math.max(1, Math.ceil(Math.log2(Math.max(1, count / RUN))) + 1);
  const share = (pass: number, done: number) => progressFrom + ((1 - progressFrom) * (pass + done / count)) / passes;
  for (let lo = 0; lo < count; lo += RUN) {
    src.subarray(lo, Math.min(count, lo + RUN)).sort(compare);
    if (!(await slicer.tick(share(0, lo)))) return null;
  }
  let pass = 1;
  for (let width = RUN; width < count; width *= 2, pass++) {
    for (let lo = 0; lo < count; lo += 2 * width) {
      const mid = Math.min(count, lo + width);
      const merge: Merge = { i: lo, j: mid, k: lo, mid, hi: Math.min(count, lo + 2 * width) };
      // The last passes merge runs of 500k rows: yield inside a merge too (steps of 16k string compares).
      while (!mergePositions(src, dst, merge, MERGE_STEP >> 2, compare)) {
        if (!(await slicer.tick(share(pass, merge.k)))) return null;
      }
      if (!(await slicer.tick(share(pass, merge.hi)))) return null;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
