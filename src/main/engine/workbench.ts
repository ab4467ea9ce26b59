/**
 * Workbench: the one service implementing the contract (src/shared/contract.ts). Hosts (Electron IPC,
 * the WebSocket web host, tests) bind it to a transport; it never imports electron.
 *
 * It owns the loaded capture (a {@link PacketStore}), the displayed view (the frames the display filter
 * keeps, as a typed array of frame numbers), and the parts that act on the outside world: live capture,
 * the console and the lab server, each plugged in through a small interface so tests can run without them.
 * Long work (loading a file, filtering 1M frames) runs in chunks that yield to the event loop, so the
 * process owning the engine stays responsive; a new filter cancels the one still running.
 *
 * The view may be sorted by a column (`view.sort`, store/view-sort.ts): `order` then holds the displayed
 * frames in sorted order and `orderIndex` maps a frame number to its row. `displayed` stays in capture
 * order (saving "displayed" writes capture order). A new filter is sorted by the same column before it
 * replaces the view; a frame that arrives in the view during a live capture drops the sort (see
 * docs/renderer.md, "Sorting").
 */
import { basename, dirname, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  FILE_EXISTS_ERROR,
  type AppInfo,
  type CaptureInfo,
  type CaptureInterface,
  type CaptureOptions,
  type CaptureStatus,
  type ConsoleMode,
  type ConsoleOutput,
  type Credential,
  type FilterFeedback,
  type FollowResult,
  type FrameDetail,
  type LabServerStatus,
  type LabStep,
  type MailMessage,
  type MailTranscript,
  type SaveOptions,
  type Service,
  type SortColumn,
  type SortFeedback,
  type ViewCounts,
  type ViewSort,
} from '../../shared/contract';
import type { FrameSummary } from '../../shared/model';
import { compileFilter, type CompiledFilter } from '../../shared/filter/index';
import { probeCaptureFile, readCaptureFile } from './file/reader';
import { openCaptureWriter } from './file/writer';
import { CaptureFileError, type CaptureRecord } from './file/types';
import type { ProtocolModule } from './decode/protocol';
import { allModules } from './modules';
import { PacketStore, type StoreFrameFields } from './store/packet-store';
import { followStream } from './store/follow';
import { sortFrames } from './store/view-sort';
import { MailIndex, writeFileAtomic } from './store/mail-messages';
import { EngineEvents } from './events';
import { TelnetSession } from './console/telnet';
import { LiveCapture, type LiveConfig } from './capture/live';
import { listInterfaces } from './capture/devices';
import { Spool, checkRecoverable, defaultSpoolDir, findRecoverableSpools, type RecoverableSpool } from './capture/spool';
import { credentials as sessionCredentials, mailTranscripts } from './dissect/mailinfo';
import { labChecklist } from './lab/checklist';
import { ENGLISH, createLocalizer, type TreeLocalizer } from './i18n/localize';
import { startLabServer, type LabServer, type LabServerOptions } from './labserver/index';

/** FILTER_CHUNK is how many frames are evaluated between two yields to the event loop. */
const FILTER_CHUNK = 20_000;
/** FILTER_TIMEOUT_MS ends a filter that runs too long (a pathological regex) with a clear result. */
export const FILTER_TIMEOUT_MS = 30_000;
/**
 * Loading a file reads chunks sized so that the first pass over one chunk takes about LOAD_SLICE_MS, so
 * the process owning the engine (Electron's main process) keeps answering: the first pass costs ~100×
 * more per frame while its code is still cold (a fixed 64 KiB chunk held the loop for 260 ms at the
 * start of a load) than once it is optimised. The first read is LOAD_CHUNK_MIN, so the first rows can be
 * shown at once; later chunks grow (at most doubling) or shrink toward the time target.
 */
export const LOAD_SLICE_MS = 10;
export const LOAD_CHUNK_MIN = 4 * 1024;
export const LOAD_CHUNK_MAX = 1024 * 1024;
/**
 * The first rows of a load are pushed (`view.onRows`, then `view.onCounts`) when the first chunk is in,
 * or earlier, mid-chunk, once FIRST_ROWS_MS have passed since its first frame (the cold first pass may
 * need ~2 ms per frame): FIRST_PAGE rows at most, the client's block size.
 */
export const FIRST_ROWS_MS = 25;
export const FIRST_PAGE = 128;

/** nextLoadChunk sizes the next read from the last one's size and how long its first pass took. */
export function nextLoadChunk(lastSize: number, lastMs: number): number {
  const scaled = lastMs > 0 ? (lastSize * LOAD_SLICE_MS) / lastMs : lastSize * 2;
  return Math.round(Math.max(LOAD_CHUNK_MIN, Math.min(LOAD_CHUNK_MAX, lastSize * 2, scaled)));
}
/**
 * LOCALE_PREF selects the language of Packet Details labels (`en`, `zh-CN`). It is a GUI preference the
 * Workbench owns, not a dissector preference: setting it never re-dissects; only `frame.detail` reads it.
 */
export const LOCALE_PREF = 'gui.locale';
/** SUMMARY_CACHE is how many recently shown rows are kept formatted. */
const SUMMARY_CACHE = 4096;
/** SORT_PROGRESS_MS is the interval between two `view.onSort` progress events of a long sort. */
const SORT_PROGRESS_MS = 100;

/** WorkbenchOptions plug the outside world in (all optional for tests). */
export interface WorkbenchOptions {
  modules?: readonly ProtocolModule[];
  host?: AppInfo['host'];
  version?: string;
  /** filterTimeoutMs overrides FILTER_TIMEOUT_MS (tests). */
  filterTimeoutMs?: number;
  /** capture: spool folder and (tests) a forced backend. */
  capture?: LiveConfig;
  /** labServer: options of the built-in SMTP+POP3 server started by start(), or false for none. */
  labServer?: LabServerOptions | false;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Workbench implements the contract; see the file comment. */
export class Workbench implements Service {
  readonly events = new EngineEvents();
  private store: PacketStore;
  private info: CaptureInfo = { source: 'none', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } };
  private displayed: Uint32Array | null = null;
  private displayedCount = 0;
  private filter: CompiledFilter | null = null;
  /** liveView is the filter's field view reused for every frame appended while a filter is set. */
  private liveView: { filter: CompiledFilter; store: PacketStore; view: StoreFrameFields } | null = null;
  private filterGeneration = 0;
  /** sortSpec is the requested sort (null: capture order); sortedBy is the one `order` holds. */
  private sortSpec: ViewSort | null = null;
  private sortedBy: ViewSort | null = null;
  private order: Uint32Array | null = null;
  private orderIndex: Int32Array | null = null;
  private sortGeneration = 0;
  /** viewVersion changes whenever the set of displayed frames is replaced (a sort of the old set is void). */
  private viewVersion = 0;
  private lastSortProgress = 0;
  private readonly summaries = new Map<number, FrameSummary>();
  private readonly prefs: Record<string, string | number | boolean> = {};
  /** locale of detail trees (LOCALE_PREF); localizer is its translator, undefined for English. */
  private locale = ENGLISH;
  private localizer: TreeLocalizer | undefined;
  private readonly modules: readonly ProtocolModule[];
  private readonly filterTimeoutMs: number;
  private loadGeneration = 0;
  /** loadAbort stops the file load in progress when another file or a capture replaces it. */
  private loadAbort: AbortController | null = null;
  /** countsHeld: the first chunk of a load is still being read; its counts go out when it ends. */
  private countsHeld = false;
  private labServer: LabServer | null = null;
  private labServerError: string | undefined;
  private live: LiveCapture | null = null;
  private lastCaptureStatus: CaptureStatus = { state: 'idle', packets: 0, bytes: 0, dropped: 0 };
  private readonly consoles = new Map<number, TelnetSession>();
  private nextConsoleId = 1;
  /** spoolPath is the spool holding the loaded capture (a live capture's, or a recovered one), if any. */
  private spoolPath: string | null = null;
  /** mailIndex lists the mail messages of `store` (rebuilt when the store is replaced). */
  private mailIndex: MailIndex | null = null;
  /** ownConnection is the host's own connection on loopback (the web host's listening socket), if any. */
  private ownConnection: { address: string; port: number } | undefined;

  constructor(private readonly options: WorkbenchOptions = {}) {
    this.modules = options.modules ?? allModules;
    this.filterTimeoutMs = options.filterTimeoutMs ?? FILTER_TIMEOUT_MS;
    this.store = new PacketStore(this.modules, { prefs: this.prefs });
  }

  /** start brings up the parts that act on the outside world (the lab mail server). */
  async start(): Promise<void> {
    if (this.options.labServer === false || this.labServer) return;
    try {
      this.labServer = await startLabServer(this.options.labServer ?? {});
      this.labServerError = undefined;
    } catch (err) {
      // A busy port must not stop the app: the status bar shows the reason.
      this.labServerError = err instanceof Error ? err.message : String(err);
    }
  }

  /**
   * stop closes everything start() opened. The spool of an unsaved capture stays on disk, so the next
   * start offers to recover it, unless `discardUnsaved` says the user already chose not to save (the
   * Electron host's "unsaved capture" prompt at quit).
   */
  async stop(options: { discardUnsaved?: boolean } = {}): Promise<void> {
    // A file still loading stops too (its file.open resolves with what was read).
    this.loadGeneration++;
    this.loadAbort?.abort();
    this.loadAbort = null;
    await this.live?.stop();
    this.live = null;
    if (this.spoolPath !== null) {
      if (options.discardUnsaved || !this.info.unsaved) Spool.discard(this.spoolPath);
      else Spool.release(this.spoolPath);
    }
    this.spoolPath = null;
    for (const session of this.consoles.values()) session.close();
    this.consoles.clear();
    await this.labServer?.close();
    this.labServer = null;
  }

  /** packetStore exposes the current store (CLI, lab guide, tests). */
  get packetStore(): PacketStore {
    return this.store;
  }

  'app.info'(): AppInfo {
    return { version: this.options.version ?? '0.1.0', platform: process.platform, host: this.options.host ?? 'web' };
  }

  'fields.registry'() {
    return this.store.session.registry.fields.toJSON();
  }

  // ---- capture files ---------------------------------------------------------------------------

  /** reset replaces the store with an empty one for a new file or capture. */
  private reset(source: CaptureInfo['source'], extra: Partial<CaptureInfo> = {}): PacketStore {
    this.loadAbort?.abort();
    this.loadAbort = null;
    this.countsHeld = false;
    // Counts of the replaced view still waiting in the throttle are stale; the new view's first counts
    // must not wait for the old view's throttle window.
    this.events.cancel('view.onCounts');
    this.store = new PacketStore(this.modules, { prefs: this.prefs });
    this.displayed = null;
    this.displayedCount = 0;
    this.summaries.clear();
    this.filterGeneration++;
    // A new file or capture starts in capture order (frames arriving would drop the sort anyway).
    const wasSorted = this.sortSpec !== null;
    this.sortSpec = null;
    this.setOrder(null);
    if (wasSorted) this.events.emit('view.onSort', { sort: null });
    this.info = { source, unsaved: false, counts: this.counts(), ...extra };
    this.events.emit('view.onReset', this.fileInfoNow());
    return this.store;
  }

  /** appendRecord runs the first pass over one record and updates the view (file load and live capture). */
  appendRecord(rec: CaptureRecord): void {
    const summary = this.store.append(rec);
    const n = summary.number;
    if (this.summaries.size < SUMMARY_CACHE) this.summaries.set(n, summary);
    let shown = false;
    if (this.filter === null) {
      this.displayedCount = this.store.size;
      shown = true;
    } else if (this.displayed) {
      if (this.liveView?.filter !== this.filter || this.liveView.store !== this.store) {
        this.liveView = { filter: this.filter, store: this.store, view: this.store.fieldsView(new Set(this.filter.fields)) };
      }
      if (this.filter.evaluate(this.liveView.view.at(n))) {
        this.pushDisplayed(n);
        shown = true;
      }
    }
    if (shown) this.dropSort();
    const changed = this.takeRowUpdates();
    if (changed.length > 0) this.events.emit('view.onRowsChanged', changed);
    if (!this.countsHeld) this.events.emitThrottled('view.onCounts', this.counts());
  }

  private takeRowUpdates(): number[] {
    const session = this.store.session as unknown as { takeRowUpdates?: () => number[] };
    const changed = session.takeRowUpdates?.() ?? [];
    for (const n of changed) this.summaries.delete(n);
    if (changed.length > 0) this.store.markRowsChanged(changed);
    return changed;
  }

  private pushDisplayed(n: number): void {
    if (!this.displayed) return;
    if (this.displayedCount >= this.displayed.length) {
      const next = new Uint32Array(Math.max(1024, this.displayed.length * 2));
      next.set(this.displayed);
      this.displayed = next;
    }
    this.displayed[this.displayedCount++] = n;
  }

  async 'file.open'(path: string): Promise<CaptureInfo> {
    return this.load(path, false);
  }

  /** load reads a capture file into a new store; `recovered` marks a recovered spool (unsaved). */
  private async load(path: string, recovered: boolean): Promise<CaptureInfo> {
    const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`The file "${path}" could not be opened: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    if (!st.isFile()) throw new Error(`"${path}" is not a regular file`);
    // A file that is not a capture (or is cut short in its header) is refused before anything loaded
    // is replaced: the capture shown, saved or not, stays. So is an empty file (tshark prints nothing
    // for one and succeeds; here it would only replace the capture shown with nothing).
    if (st.size === 0) throw new Error(`The file "${basename(path)}" is empty: it holds no packets.`);
    await probeCaptureFile(path).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof CaptureFileError && (err.code === 'bad-magic' || err.code === 'bad-version')) {
        throw new Error(`The file "${basename(path)}" isn't a capture file in a format Wirelab understands (${reason}).`);
      }
      throw new Error(`The file "${basename(path)}" could not be read: ${reason}`);
    });
    await this.leaveCapture();
    if (recovered) {
      Spool.adopt(path);
      this.spoolPath = path;
    }
    const generation = ++this.loadGeneration;
    this.reset('file', recovered ? { path, fileName: basename(path), unsaved: true, recovered: true } : { path, fileName: basename(path) });
    const store = this.store;
    const abort = new AbortController();
    this.loadAbort = abort;
    // The first page of rows and the first counts go out as soon as the first chunk is in (a microtask
    // runs when the reader awaits its next read) or FIRST_ROWS_MS after the first frame, not with the
    // first frame alone and not a throttle window later; the client paints them without asking.
    this.countsHeld = true;
    let chunkSize = LOAD_CHUNK_MIN;
    let chunkStarted = -1;
    let firstFrameAt = -1;
    const releaseFirstRows = () => {
      if (!this.countsHeld || generation !== this.loadGeneration) return;
      this.countsHeld = false;
      const counts = this.counts();
      this.events.emit('view.onRows', { start: 0, rows: this['view.rows'](0, Math.min(FIRST_PAGE, counts.displayed)) });
      this.events.emitThrottled('view.onCounts', counts);
    };
    const onRecord = (rec: CaptureRecord) => {
      if (generation !== this.loadGeneration) return;
      if (chunkStarted < 0) {
        chunkStarted = performance.now();
        if (firstFrameAt < 0) {
          firstFrameAt = chunkStarted;
          queueMicrotask(releaseFirstRows);
        }
      }
      this.appendRecord(rec);
      if (this.countsHeld && performance.now() - firstFrameAt >= FIRST_ROWS_MS) releaseFirstRows();
    };
    // Asked before every read: the previous chunk has been handed to onRecord by then.
    const sizeNextChunk = () => {
      if (chunkStarted >= 0) chunkSize = nextLoadChunk(chunkSize, performance.now() - chunkStarted);
      chunkStarted = -1;
      return chunkSize;
    };
    let result: Awaited<ReturnType<typeof readCaptureFile>>;
    try {
      result = await readCaptureFile(path, onRecord, { chunkSize: sizeNextChunk, signal: abort.signal });
    } catch (err) {
      if (generation !== this.loadGeneration) return this.fileInfoNow();
      throw err;
    } finally {
      if (this.loadAbort === abort) this.loadAbort = null;
      if (generation === this.loadGeneration) this.countsHeld = false;
    }
    if (generation !== this.loadGeneration) return this.fileInfoNow();
    store.interfaceNames = result.info?.interfaces.map((i) => i.name) ?? [];
    this.info = {
      ...this.info,
      format: result.info?.format,
      error: result.error ? result.error.message : undefined,
    };
    if (this.filter) await this.runFilter(this.filter);
    this.events.flush();
    this.events.emit('view.onCounts', this.counts());
    return this.fileInfoNow();
  }

  /**
   * leaveCapture runs before another file or capture replaces the loaded one: a running capture stops,
   * and the old spool is discarded when its capture was saved, or else released (kept on disk and offered
   * for recovery), since a replacement does not always follow an "unsaved capture" prompt.
   */
  private async leaveCapture(): Promise<void> {
    if (this.live) await this.live.stop();
    if (this.spoolPath === null) return;
    if (this.info.unsaved) Spool.release(this.spoolPath);
    else Spool.discard(this.spoolPath);
    this.spoolPath = null;
  }

  'file.info'(): CaptureInfo {
    return this.fileInfoNow();
  }

  /** file.recent: the engine keeps no recent-file list; the Electron host overrides this. */
  'file.recent'(): string[] {
    return [];
  }

  /** dialog.openFile: native dialogs belong to the Electron host; everywhere else the UI asks for a path. */
  'dialog.openFile'(): string | null {
    throw new Error('Native file dialogs are not available in the browser: type the path of the file instead.');
  }

  'dialog.saveFile'(_suggested: string): string | null {
    throw new Error('Native file dialogs are not available in the browser: type the path to save to instead.');
  }

  private fileInfoNow(): CaptureInfo {
    return { ...this.info, counts: this.counts() };
  }

  /** framesFor lists the frame numbers a save covers. */
  private framesFor(which: SaveOptions['which']): number[] {
    const out: number[] = [];
    const size = this.store.size;
    if (which === 'all') for (let n = 1; n <= size; n++) out.push(n);
    else if (which === 'displayed') for (let i = 0; i < this.displayedCountNow(); i++) out.push(this.captureFrameAt(i));
    else if (which === 'marked') for (let n = 1; n <= size; n++) this.store.isMarked(n) && out.push(n);
    else for (let n = Math.max(1, which.from); n <= Math.min(size, which.to); n++) out.push(n);
    return out;
  }

  'file.save'(path: string, options: SaveOptions): { path: string; frames: number } {
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw new Error(`"${path}" is a folder: give a file name in it.`);
    if (existing !== undefined && options.replace !== true) {
      throw Object.assign(new Error(`A file named "${basename(path)}" already exists in ${dirname(path)}.`), { name: FILE_EXISTS_ERROR });
    }
    const frames = this.framesFor(options.which);
    const store = this.store;
    const linktypes = new Set(frames.map((n) => store.record(n).linktype));
    if (options.format === 'pcap' && linktypes.size > 1) {
      throw new Error('pcap holds one link type only; these frames have several: save as pcapng');
    }
    const first = frames.length ? store.record(frames[0]).linktype : 1;
    const writer = openCaptureWriter(path, { format: options.format, linktype: first, nanosecond: true, atomic: true });
    try {
      for (const n of frames) {
        const rec = store.record(n);
        writer.write({ tsSec: rec.tsSec, tsNsec: rec.tsNsec, data: rec.data, origLen: rec.origLen, comment: rec.comment });
      }
      writer.close();
    } catch (err) {
      writer.abort();
      throw err;
    }
    if (options.which === 'all') {
      this.info = { ...this.info, unsaved: false, recovered: undefined, path, fileName: basename(path) };
      // Every packet is in the saved file now: the spool is no longer needed (unless still being written).
      if (this.spoolPath !== null && !this.live && resolve(path) !== this.spoolPath) {
        Spool.discard(this.spoolPath);
        this.spoolPath = null;
      }
    }
    return { path, frames: frames.length };
  }

  // ---- the displayed view ----------------------------------------------------------------------

  private counts(): ViewCounts {
    return { frames: this.store.size, displayed: this.displayedCountNow(), marked: this.store.marked };
  }

  private displayedCountNow(): number {
    return this.filter === null ? this.store.size : this.displayedCount;
  }

  /** frameAt is the frame shown at displayed row `index` (sorted order when sorted). */
  private frameAt(index: number): number {
    return this.order ? this.order[index] : this.captureFrameAt(index);
  }

  /** captureFrameAt is the index-th displayed frame in capture order. */
  private captureFrameAt(index: number): number {
    return this.filter === null || !this.displayed ? index + 1 : this.displayed[index];
  }

  /** setOrder installs a sorted order of the displayed frames (null: capture order) and its row index. */
  private setOrder(sorted: { sort: ViewSort; order: Uint32Array } | null): void {
    this.sortGeneration++;
    this.viewVersion++;
    this.sortedBy = sorted?.sort ?? null;
    this.order = sorted?.order ?? null;
    this.orderIndex = null;
    if (!sorted) return;
    const index = new Int32Array(this.store.size + 1).fill(-1);
    for (let i = 0; i < sorted.order.length; i++) index[sorted.order[i]] = i;
    this.orderIndex = index;
  }

  /** dropSort returns the view to capture order because a frame arrived in it (live capture, load). */
  private dropSort(): void {
    if (this.sortSpec === null && this.order === null) return;
    this.sortSpec = null;
    this.setOrder(null);
    this.events.emit('view.onSort', { sort: null, dropped: true });
  }

  /**
   * sortForView orders capture-order `frames` by the requested sort: null when there is none, undefined
   * when `current()` turned false (a newer filter, file or sort). A sort requested meanwhile is applied
   * instead of the one started with.
   */
  private async sortForView(frames: Uint32Array, current: () => boolean): Promise<{ sort: ViewSort; order: Uint32Array } | null | undefined> {
    for (;;) {
      const sorted = await this.sortOnce(frames, current);
      // The caller commits synchronously after this check: a view.sort that came in while we were
      // returning would otherwise be lost.
      if (sorted === undefined || this.sortSpec === (sorted?.sort ?? null)) return sorted;
    }
  }

  private async sortOnce(frames: Uint32Array, current: () => boolean): Promise<{ sort: ViewSort; order: Uint32Array } | null | undefined> {
    for (;;) {
      const sort = this.sortSpec;
      if (!sort) return null;
      const generation = this.sortGeneration;
      const order = await sortFrames(this.store, frames, sort, {
        stop: () => !current() || generation !== this.sortGeneration,
        progress: (progress) => {
          if (Date.now() - this.lastSortProgress < SORT_PROGRESS_MS) return;
          this.lastSortProgress = Date.now();
          this.events.emit('view.onSort', { sort: this.sortedBy, sorting: { ...sort, progress } });
        },
        infoOf: (n) => this.summaries.get(n)?.info,
      });
      if (!current()) return undefined;
      if (order && generation === this.sortGeneration) return { sort, order };
    }
  }

  /** displayedFrames copies the displayed frames in capture order. */
  private displayedFrames(): Uint32Array {
    const count = this.displayedCountNow();
    if (this.filter !== null && this.displayed) return this.displayed.slice(0, count);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = i + 1;
    return out;
  }

  async 'view.sort'(column: SortColumn | 'none', descending: boolean): Promise<SortFeedback> {
    const sort = column === 'none' ? null : { column, descending };
    const previous = this.sortedBy;
    this.sortSpec = sort;
    this.sortGeneration++;
    if (sort && previous?.column === column && this.order && this.order.length === this.displayedCountNow()) {
      // Same column, other direction: descending is the exact reverse of ascending, so no re-sort
      // (the second click on Info is instant however long the first one took).
      if (previous.descending !== descending) this.setOrder({ sort, order: this.order.slice().reverse() });
      else this.setOrder({ sort, order: this.order });
      this.events.emit('view.onSort', { sort });
      return { ok: true, sort, displayed: this.displayedCountNow() };
    }
    const filterGeneration = this.filterGeneration;
    const store = this.store;
    const generation = this.sortGeneration;
    const version = this.viewVersion;
    const sorted = await this.sortForView(
      this.displayedFrames(),
      () =>
        filterGeneration === this.filterGeneration &&
        store === this.store &&
        generation === this.sortGeneration &&
        version === this.viewVersion,
    );
    if (sorted === undefined) {
      // A filter that replaced the view meanwhile sorted it by this very request: that is our answer.
      if (this.sortSpec === sort && this.sortedBy === sort) return { ok: true, sort, displayed: this.displayedCountNow() };
      return { ok: false, cancelled: true, sort: this.sortedBy, displayed: this.displayedCountNow() };
    }
    this.setOrder(sorted);
    this.events.emit('view.onSort', { sort: this.sortedBy });
    return { ok: true, sort: this.sortedBy, displayed: this.displayedCountNow() };
  }

  async 'view.setFilter'(text: string): Promise<FilterFeedback> {
    if (text.trim() === '') {
      const generation = ++this.filterGeneration;
      const store = this.store;
      const all = new Uint32Array(store.size);
      for (let i = 0; i < all.length; i++) all[i] = i + 1;
      const sorted = await this.sortForView(all, () => generation === this.filterGeneration && store === this.store);
      if (sorted === undefined) return { ok: false, cancelled: true };
      this.filter = null;
      this.displayed = null;
      this.displayedCount = this.store.size;
      this.commitOrder(sorted, all.length);
      this.events.emit('view.onCounts', this.counts());
      return { ok: true, displayed: this.store.size };
    }
    const compiled = compileFilter(text, this.store.session.registry.fields);
    if (!compiled.ok) {
      const e = compiled.error;
      return { ok: false, message: e.message, start: e.start, length: e.length, hint: e.hint };
    }
    const feedback = await this.runFilter(compiled.filter);
    if (feedback.ok && compiled.filter.warnings.length > 0) feedback.warnings = compiled.filter.warnings;
    return feedback;
  }

  /** runFilter evaluates a filter over every frame in chunks; a newer call cancels it. */
  private async runFilter(filter: CompiledFilter): Promise<FilterFeedback> {
    const generation = ++this.filterGeneration;
    const store = this.store;
    const view = store.fieldsView(new Set(filter.fields));
    const size = store.size;
    const out = new Uint32Array(Math.max(1024, size));
    let count = 0;
    const started = Date.now();
    for (let n = 1; n <= size; n++) {
      if (filter.evaluate(view.at(n))) out[count++] = n;
      if (n % FILTER_CHUNK === 0) {
        await yieldToLoop();
        if (generation !== this.filterGeneration || store !== this.store) return { ok: false, cancelled: true };
        if (Date.now() - started > this.filterTimeoutMs) {
          return { ok: false, timedOut: true, message: 'The filter took too long and was stopped; the view is unchanged.' };
        }
      }
    }
    // Frames appended while we yielded are evaluated here so none is missed.
    const catchUp = (from: number): number => {
      let evaluated = from;
      for (let n = from + 1; n <= store.size; n++) {
        if (filter.evaluate(view.at(n))) {
          if (count >= out.length) break;
          out[count++] = n;
        }
        evaluated = n;
      }
      return evaluated;
    };
    const evaluated = catchUp(size);
    const current = () => generation === this.filterGeneration && store === this.store;
    const sorted = await this.sortForView(out.subarray(0, count), current);
    if (sorted === undefined) return { ok: false, cancelled: true, message: 'The filter was replaced before it finished.' };
    const sortedCount = count;
    // Frames appended while it sorted: the view shows them in capture order only (a live frame drops a sort).
    catchUp(evaluated);
    this.filter = filter;
    this.displayed = out;
    this.displayedCount = count;
    this.commitOrder(sorted, sortedCount);
    this.events.emit('view.onCounts', this.counts());
    return { ok: true, displayed: count };
  }

  /**
   * commitOrder installs the order a filter computed; when frames were added to the view after it was
   * sorted (a live capture), the sort is dropped as for any live frame.
   */
  private commitOrder(sorted: { sort: ViewSort; order: Uint32Array } | null, sortedCount: number): void {
    const before = this.sortedBy;
    if (sorted && sortedCount !== this.displayedCountNow()) {
      this.setOrder(null);
      this.dropSort();
      return;
    }
    this.setOrder(sorted);
    // Also when the sort is unchanged: it ends any "sorting…" progress the client shows.
    if (before !== null || this.sortedBy !== null) this.events.emit('view.onSort', { sort: this.sortedBy });
  }

  'view.rows'(start: number, count: number): FrameSummary[] {
    const total = this.displayedCountNow();
    const rows: FrameSummary[] = [];
    for (let i = start; i < Math.min(total, start + count); i++) {
      const n = this.frameAt(i);
      let row = this.summaries.get(n);
      if (!row) {
        row = this.store.summary(n);
        if (this.summaries.size >= SUMMARY_CACHE) this.summaries.delete(this.summaries.keys().next().value as number);
        this.summaries.set(n, row);
      }
      rows.push(this.store.isMarked(n) ? { ...row, marked: true } : row);
    }
    return rows;
  }

  'view.indexOf'(frame: number): number {
    if (frame < 1 || frame > this.store.size) return -1;
    if (this.order) return frame < this.orderIndex!.length ? this.orderIndex![frame] : -1;
    if (this.filter === null || !this.displayed) return frame - 1;
    let lo = 0;
    let hi = this.displayedCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.displayed[mid];
      if (v === frame) return mid;
      if (v < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  'view.find'(
    kind: 'filter' | 'string' | 'hex',
    text: string,
    fromFrame: number,
    backwards: boolean,
  ): { frame: number } | { error: string } | null {
    let match: (n: number) => boolean;
    if (kind === 'filter') {
      const compiled = compileFilter(text, this.store.session.registry.fields);
      if (!compiled.ok) return { error: compiled.error.message };
      const view = this.store.fieldsView(new Set(compiled.filter.fields));
      match = (n) => compiled.filter.evaluate(view.at(n));
    } else {
      const needle = kind === 'hex' ? parseHex(text) : new TextEncoder().encode(text);
      if (!needle || needle.length === 0) return { error: kind === 'hex' ? 'Enter hex bytes such as 32 32 30 or 0x3232' : 'Enter text to find' };
      match = (n) => indexOfBytes(this.store.bytes(n), needle) >= 0;
    }
    const total = this.displayedCountNow();
    if (total === 0) return null;
    let index = this['view.indexOf'](fromFrame);
    for (let step = 0; step < total; step++) {
      index = backwards ? (index <= 0 ? total - 1 : index - 1) : (index + 1) % total;
      const n = this.frameAt(index);
      if (match(n)) return { frame: n };
    }
    return null;
  }

  'frame.detail'(frame: number): FrameDetail {
    const detail = this.store.detail(frame);
    return this.localizer === undefined ? detail : this.localizer.detail(detail);
  }

  'frame.mark'(frames: number[], marked: boolean): ViewCounts {
    this.store.setMarked(frames, marked);
    for (const n of frames) this.summaries.delete(n);
    const counts = this.counts();
    this.events.emit('view.onCounts', counts);
    return counts;
  }

  'prefs.set'(name: string, value: string | number | boolean): void {
    const reg = this.store.session.registry;
    if (name === LOCALE_PREF) {
      if (value === this.locale) return;
      // Validate first (createLocalizer throws for an unknown locale) so a bad value changes nothing.
      this.localizer = createLocalizer(String(value), reg.fields);
      this.locale = String(value);
      return;
    }
    if (!reg.prefDefs.has(name)) throw new Error(`No such preference "${name}"`);
    this.prefs[name] = value;
    // Preferences change dissection: rebuild the store from the same records, keeping the view's filter.
    const old = this.store;
    const filter = this.filter;
    this.store = new PacketStore(this.modules, { prefs: this.prefs });
    this.store.interfaceNames = old.interfaceNames;
    this.summaries.clear();
    for (let n = 1; n <= old.size; n++) {
      const rec = old.record(n);
      this.store.append({ ...rec, caplen: rec.data.length, fileOffset: 0 });
      if (old.isMarked(n)) this.store.setMarked([n], true);
    }
    this.filter = null;
    this.displayed = null;
    this.displayedCount = this.store.size;
    // The new store is in capture order until the filter (or the sort alone) is applied again.
    const sort = this.sortSpec;
    const wasSorted = this.sortedBy !== null;
    this.setOrder(null);
    this.sortSpec = sort;
    // Clients drop rows fetched in the old order; the re-sort below announces the sort again.
    if (wasSorted) this.events.emit('view.onSort', { sort: null });
    if (filter) void this.runFilter(filter);
    else if (sort) void this['view.sort'](sort.column, sort.descending);
    this.events.emit('view.onReset', this.fileInfoNow());
  }

  // ---- parts delivered by other modules (wired as they land) -----------------------------------

  'capture.interfaces'(): CaptureInterface[] {
    return listInterfaces();
  }

  /**
   * excludeOwnConnection is called by a host that talks to its page over loopback TCP (the web host, at
   * `address:port`): captures on a loopback interface or on `any` then leave that connection out.
   * Captured, every frame streamed to the page would be captured again, and the list would fill with
   * the app's own WebSocket traffic (docs/capture.md).
   */
  excludeOwnConnection(address: string, port: number): void {
    this.ownConnection = { address, port };
  }

  /** exclusionFor is the connection to leave out of a capture on `iface` (see excludeOwnConnection). */
  private exclusionFor(iface: string): LiveConfig['exclude'] {
    if (!this.ownConnection) return undefined;
    if (iface === 'any' || listInterfaces().some((i) => i.name === iface && i.loopback)) return this.ownConnection;
    return undefined;
  }

  async 'capture.start'(options: CaptureOptions): Promise<CaptureStatus> {
    await this.leaveCapture();
    const generation = ++this.loadGeneration;
    this.reset('live', { fileName: `${options.iface} (live)`, unsaved: true });
    // The display filter applies to the packets as they arrive (a file load filters once at its end).
    if (this.filter !== null) {
      this.displayed = new Uint32Array(1024);
      this.displayedCount = 0;
    }
    const live = await LiveCapture.start(
      options,
      {
        record: (rec) => {
          if (generation !== this.loadGeneration) return;
          // Packets after a save made during the capture are unsaved again (and keep the spool).
          if (!this.info.unsaved) this.info = { ...this.info, unsaved: true };
          this.appendRecord(rec);
          this.events.emitThrottled('capture.onStatus', this.live?.status() ?? this.lastCaptureStatus);
        },
        stopped: (status) => {
          this.lastCaptureStatus = status;
          if (this.live === live) this.live = null;
          if (generation === this.loadGeneration && status.spool !== undefined) this.spoolPath = status.spool;
          this.info = { ...this.info, path: status.spool };
          this.events.flush();
          this.events.emit('capture.onStatus', status);
          this.events.emit('view.onCounts', this.counts());
        },
      },
      { ...this.options.capture, exclude: this.exclusionFor(options.iface) },
    );
    this.live = live;
    const status = live.status();
    this.events.emit('capture.onStatus', status);
    return status;
  }

  async 'capture.stop'(): Promise<CaptureStatus> {
    if (!this.live) return this.lastCaptureStatus;
    return this.live.stop();
  }

  'capture.status'(): CaptureStatus {
    return this.live?.status() ?? this.lastCaptureStatus;
  }

  /** capture.recoverable lists stale spools (left by a process that is gone), never one of this process. */
  'capture.recoverable'(): Promise<RecoverableSpool[]> {
    return findRecoverableSpools(this.spoolDir());
  }

  /** capture.recover opens a listed stale spool as an unsaved, recovered capture. */
  async 'capture.recover'(path: string): Promise<CaptureInfo> {
    const spool = await checkRecoverable(path, this.spoolDir());
    return this.load(spool.path, true);
  }

  /** capture.discardRecoverable deletes a listed stale spool; any other path is refused untouched. */
  async 'capture.discardRecoverable'(path: string): Promise<void> {
    const spool = await checkRecoverable(path, this.spoolDir());
    Spool.discard(spool.path);
  }

  private spoolDir(): string {
    return this.options.capture?.spoolDir ?? defaultSpoolDir();
  }

  'stream.follow'(stream: number): FollowResult {
    return followStream(this.store, stream);
  }
  'mail.credentials'(): Credential[] {
    return sessionCredentials(this.store.session).map((c) => ({
      protocol: c.protocol,
      mechanism: c.mechanism,
      username: c.username ?? '',
      password: c.password ?? '',
      frame: c.frames[0] ?? 0,
      stream: c.stream,
      success: c.success,
    }));
  }
  'mail.transcripts'(): MailTranscript[] {
    return mailTranscripts(this.store.session).map((t) => ({
      protocol: t.protocol,
      stream: t.stream,
      client: '',
      server: '',
      lines: t.lines.map((l) => ({ dir: l.dir, text: l.text, frame: l.frame })),
    }));
  }
  private mail(): MailIndex {
    if (this.mailIndex?.store !== this.store) this.mailIndex = new MailIndex(this.store);
    return this.mailIndex;
  }
  'mail.messages'(): MailMessage[] {
    return this.mail().messages();
  }
  'mail.attachment'(messageId: string, index: number): { name: string; contentType: string; bytes: Uint8Array } {
    return this.mail().attachment(messageId, index);
  }
  'mail.saveMessage'(messageId: string, path: string): { path: string; bytes: number } {
    return writeFileAtomic(path, this.mail().message(messageId).raw);
  }
  'mail.saveAttachment'(messageId: string, index: number, path: string): { path: string; bytes: number } {
    return writeFileAtomic(path, this.mail().attachment(messageId, index).bytes);
  }
  'lab.steps'(): LabStep[] {
    return labChecklist(mailTranscripts(this.store.session));
  }
  async 'console.connect'(host: string, port: number, mode: ConsoleMode): Promise<{ id: number }> {
    const id = this.nextConsoleId++;
    const emit = (payload: Omit<ConsoleOutput, 'id'>) => this.events.emit('console.onOutput', { id, ...payload });
    const session = new TelnetSession(host, port, mode, {
      data: (bytes) => emit({ kind: 'data', data: bytes }),
      status: (text) => emit({ kind: 'status', text }),
      error: (text) => emit({ kind: 'error', text }),
      close: () => this.consoles.delete(id),
    });
    this.consoles.set(id, session);
    try {
      await session.connect();
    } catch (err) {
      this.consoles.delete(id);
      throw err;
    }
    return { id };
  }

  private console(id: number): TelnetSession {
    const session = this.consoles.get(id);
    if (!session) throw new Error(`Console ${id} is not connected.`);
    return session;
  }

  /** consoleTranscript gives a console's transcript (the lab guide links lines to frames with it). */
  consoleTranscript(id: number) {
    return this.console(id).transcript;
  }

  async 'console.send'(id: number, data: string): Promise<void> {
    await this.console(id).send(data);
  }

  'console.setMode'(id: number, mode: ConsoleMode): void {
    this.console(id).mode = mode;
  }

  'console.disconnect'(id: number): void {
    this.consoles.get(id)?.close();
    this.consoles.delete(id);
  }

  'labserver.status'(): LabServerStatus {
    const lab = this.labServer;
    if (!lab) {
      return { running: false, host: '127.0.0.1', smtpPort: 0, popPort: 0, accounts: [], error: this.labServerError };
    }
    const status = lab.status();
    return {
      running: status.running,
      host: lab.host,
      smtpPort: lab.smtpPort,
      popPort: lab.popPort,
      accounts: lab.accounts.map((a) => ({ user: a.user, password: a.password, address: a.address })),
    };
  }
}

/** parseHex reads `32 32 30`, `32:32:30` or `0x323230`; undefined when it is not hex. */
export function parseHex(text: string): Uint8Array | undefined {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:.-]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** indexOfBytes finds `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}
