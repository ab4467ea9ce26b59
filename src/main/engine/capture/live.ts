/**
 * LiveCapture: one running capture — a source (cap or dumpcap, chosen by captureAbility), the spool it
 * writes to, autostop conditions and statistics. Records go to the spool first (crash safety), then to
 * the consumer (the workbench's first pass).
 */
import type { CaptureOptions, CaptureStatus } from '../../../shared/contract';
import type { CaptureRecord } from '../file/types';
import { startCapSource } from './cap-backend';
import { captureAbility } from './devices';
import { startDumpcapSource } from './dumpcap-backend';
import { Spool, defaultSpoolDir } from './spool';
import { CaptureError, type CaptureSource } from './types';

/** LiveHandlers receive the capture's output. */
export interface LiveHandlers {
  record(rec: CaptureRecord): void;
  /** stopped is called once, when the capture ends (user, autostop or error) */
  stopped(status: CaptureStatus): void;
}

/** LiveConfig chooses where spools go and, for tests, the backend. */
export interface LiveConfig {
  spoolDir?: string;
  backend?: 'cap' | 'dumpcap';
  /**
   * exclude is a connection to leave out of the capture (Wirelab's own: the web host's WebSocket on
   * loopback). It is added to the capture filter as `not (host A and tcp port P)`.
   */
  exclude?: { address: string; port: number };
}

/**
 * withExclusion adds `not (host A and tcp port P)` to the user's capture filter (kept in parentheses, so
 * `tcp port 25 or tcp port 110` stays one alternative).
 */
export function withExclusion(filter: string, exclude: LiveConfig['exclude']): string {
  if (!exclude) return filter;
  const not = `not (host ${exclude.address} and tcp port ${exclude.port})`;
  return filter.trim() === '' ? not : `(${filter}) and ${not}`;
}

/** LiveCapture is a running capture. */
export class LiveCapture {
  private source: CaptureSource | null = null;
  private spool: Spool | null = null;
  private state: CaptureStatus['state'] = 'capturing';
  private error: string | undefined;
  private packets = 0;
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopping: Promise<CaptureStatus> | undefined;
  /** accepting turns false synchronously on stop, so no record is taken after an autostop limit. */
  private accepting = true;

  private constructor(
    readonly options: CaptureOptions,
    private readonly handlers: LiveHandlers,
    private readonly config: LiveConfig,
  ) {}

  /** start opens the interface; rejects with a CaptureError that says what to do. */
  static async start(options: CaptureOptions, handlers: LiveHandlers, config: LiveConfig = {}): Promise<LiveCapture> {
    const live = new LiveCapture(options, handlers, config);
    const ability = captureAbility();
    const backend = config.backend ?? ability.backend;
    const sourceOptions = { iface: options.iface, filter: withExclusion(options.captureFilter ?? '', config.exclude), shownFilter: options.captureFilter ?? '' };
    const sourceHandlers = {
      record: (rec: CaptureRecord) => live.onRecord(rec),
      error: (err: CaptureError) => void live.fail(err),
    };
    if (backend === 'cap') {
      live.source = startCapSource(sourceOptions, sourceHandlers);
    } else if (backend === 'dumpcap') {
      const dumpcap = ability.dumpcap ?? '/usr/bin/dumpcap';
      live.source = await startDumpcapSource(dumpcap, sourceOptions, sourceHandlers);
    } else {
      throw new CaptureError('permission', `${ability.why ?? 'Capturing is not permitted.'} ${ability.fix ?? ''}`.trim());
    }
    const seconds = options.autostop?.seconds;
    if (seconds) {
      live.timer = setTimeout(() => void live.stop(), seconds * 1000);
      live.timer.unref?.();
    }
    return live;
  }

  private onRecord(rec: CaptureRecord): void {
    if (!this.accepting) return;
    if (!this.spool) this.spool = Spool.create(rec.linktype, this.options.iface, this.config.spoolDir ?? defaultSpoolDir());
    this.spool.write(rec);
    this.packets++;
    this.bytes += rec.caplen;
    this.handlers.record(rec);
    const stop = this.options.autostop;
    if (stop && ((stop.packets && this.packets >= stop.packets) || (stop.bytes && this.bytes >= stop.bytes))) {
      void this.stop();
    }
  }

  private async fail(err: CaptureError): Promise<void> {
    this.error = err.message;
    await this.stop('error');
  }

  /** linktype of the records (LINKTYPE_*), or -1 while the backend does not know it yet (dumpcap). */
  get linktype(): number {
    return this.source?.linktype ?? -1;
  }

  /** status is the capture's current state and counters. */
  status(): CaptureStatus {
    const s = this.source?.stats();
    return {
      state: this.state,
      iface: this.options.iface,
      backend: this.source?.backend,
      packets: this.packets,
      bytes: this.bytes,
      dropped: s?.dropped ?? 0,
      spool: this.spool?.path,
      error: this.error,
      ...(this.config.exclude ? { excluded: `${this.config.exclude.address}:${this.config.exclude.port}` } : {}),
    };
  }

  /** stop ends the capture (idempotent) and resolves with the final status. */
  stop(final: 'stopped' | 'error' = 'stopped'): Promise<CaptureStatus> {
    this.accepting = false;
    this.stopping ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      await this.source?.stop();
      this.state = final;
      this.spool?.close();
      const status = this.status();
      this.handlers.stopped(status);
      return status;
    })();
    return this.stopping;
  }
}
