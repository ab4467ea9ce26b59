/**
 * The one typed contract between Wirelab's engine and every client (Electron preload, the web host's
 * WebSocket, tests). Everything a user can do is a method here; everything the engine tells a client
 * is an event here. Hosts bind this contract to a transport through {@link METHODS} and
 * {@link validateArgs}; nobody writes a channel name by hand.
 *
 * Conventions (VS Code / Zui style): methods are `domain.verb`, events `domain.onX`; arguments and
 * results are plain data (no class instances); bytes travel as Uint8Array. Pure TypeScript.
 */
import type { FieldDef, ProtocolDef } from './fields';
import type { DetailNode, FrameSummary } from './model';

/** CaptureInterface is one entry of the interface picker. */
export interface CaptureInterface {
  name: string;
  description?: string;
  addresses: string[];
  loopback: boolean;
  /** canCapture: false when neither backend may capture here; `why` and `fix` say what to do. */
  canCapture: boolean;
  why?: string;
  fix?: string;
}

/** CaptureOptions start a live capture. */
export interface CaptureOptions {
  iface: string;
  /** BPF capture filter, e.g. `tcp port 25`. */
  captureFilter?: string;
  autostop?: { packets?: number; seconds?: number; bytes?: number };
}

/** CaptureStatus is the live capture's state. */
export interface CaptureStatus {
  state: 'idle' | 'capturing' | 'stopped' | 'error';
  iface?: string;
  backend?: 'cap' | 'dumpcap';
  packets: number;
  bytes: number;
  dropped: number;
  /** spool file path of the running/last capture */
  spool?: string;
  error?: string;
  /**
   * excluded is Wirelab's own connection left out of the capture, as `127.0.0.1:PORT`: the web host's
   * WebSocket crosses the loopback interface, and capturing it would capture every frame sent to the
   * page, again and again (only on loopback and `any`, only in the web host).
   */
  excluded?: string;
}

/** ViewCounts are the status bar's numbers. */
export interface ViewCounts {
  frames: number;
  displayed: number;
  marked: number;
}

/**
 * SORT_COLUMNS are the Packet List columns the displayed view can be sorted by (`view.sort`), in the
 * order of the list: No., Time, Source, Destination, Protocol, Length, Info.
 */
export const SORT_COLUMNS = ['no', 'time', 'source', 'destination', 'protocol', 'length', 'info'] as const;

/** SortColumn is one of {@link SORT_COLUMNS}. */
export type SortColumn = (typeof SORT_COLUMNS)[number];

/** ViewSort is the order of the displayed view: a column and a direction (null = capture order). */
export interface ViewSort {
  column: SortColumn;
  descending: boolean;
}

/**
 * SortState is the `view.onSort` payload: the sort in effect, the one being computed (with the share
 * done, 0..1) while a big view is sorted, and `dropped` when a live capture ended the sort.
 */
export interface SortState {
  sort: ViewSort | null;
  sorting?: ViewSort & { progress: number };
  dropped?: boolean;
}

/** SortFeedback answers `view.sort`: the sort in effect afterwards and the displayed count. */
export interface SortFeedback {
  ok: boolean;
  sort: ViewSort | null;
  displayed: number;
  /** cancelled: a newer sort, a new filter, a new file or a live frame replaced this one before it finished */
  cancelled?: boolean;
}

/** CaptureInfo says what is loaded. */
export interface CaptureInfo {
  source: 'none' | 'file' | 'live';
  fileName?: string;
  path?: string;
  format?: 'pcap' | 'pcapng';
  /** unsaved: a live capture or a modification not saved yet (the "unsaved capture" prompt) */
  unsaved: boolean;
  counts: ViewCounts;
  /** error: the load stopped early on a damaged file (frames before it are kept) */
  error?: string;
  /** recovered: a spool left by a crashed or killed run, reopened with capture.recover (unsaved until saved) */
  recovered?: boolean;
}

/** RecoverableCapture is a live capture's spool left by a run that ended without saving it. */
export interface RecoverableCapture {
  path: string;
  bytes: number;
  /** ISO time of the last write (about when that run ended) */
  modified: string;
  /** ISO time the capture started, when known */
  started?: string;
  iface?: string;
  /** complete packets in it, when cheap to count (spools up to 64 MiB) */
  packets?: number;
}

/** FilterFeedback mirrors the shared filter state for the filter bar. */
export interface FilterFeedback {
  ok: boolean;
  displayed?: number;
  message?: string;
  start?: number;
  length?: number;
  hint?: string;
  warnings?: { message: string; start: number; length: number; hint?: string }[];
  /** cancelled: a newer filter replaced this one before it finished */
  cancelled?: boolean;
  /** timedOut: evaluation took too long (pathological regex); the previous view is kept */
  timedOut?: boolean;
}

/** FrameDetail is the detail tree and data sources of one frame. */
export interface FrameDetail {
  number: number;
  tree: DetailNode[];
  sources: { name: string; bytes: Uint8Array }[];
}

/** SaveOptions choose what to save and how. */
export interface SaveOptions {
  format: 'pcap' | 'pcapng';
  which: 'all' | 'displayed' | 'marked' | { from: number; to: number };
  /**
   * replace: true replaces a file already at the path (the user said so: Electron's native Save dialog
   * asks). Without it, an existing file is refused with an error named `FileExistsError`, so the UI can
   * ask first.
   */
  replace?: boolean;
}

/** FILE_EXISTS_ERROR is the name of the error `file.save` rejects with when the file exists. */
export const FILE_EXISTS_ERROR = 'FileExistsError';

/** FollowChunk is one contiguous piece of a TCP stream in one direction. */
export interface FollowChunk {
  /** 0 = client → server (first sender), 1 = server → client */
  dir: 0 | 1;
  frame: number;
  bytes: Uint8Array;
}

/** FollowResult is "Follow TCP Stream". */
export interface FollowResult {
  stream: number;
  client: string;
  server: string;
  chunks: FollowChunk[];
}

/** Credential is a user name and password seen in the capture. */
export interface Credential {
  protocol: 'smtp' | 'pop';
  mechanism: string;
  username: string;
  password: string;
  frame: number;
  stream: number;
  /** success: the server accepted (235 / +OK), false: rejected, undefined: no reply seen */
  success?: boolean;
}

/** TranscriptLine is one C:/S: line of a mail conversation. */
export interface TranscriptLine {
  dir: 'C' | 'S';
  text: string;
  frame: number;
}

/** MailTranscript is one SMTP or POP3 conversation. */
export interface MailTranscript {
  protocol: 'smtp' | 'pop';
  stream: number;
  client: string;
  server: string;
  lines: TranscriptLine[];
}

/** MailMessage is one message seen in SMTP DATA or POP3 RETR/TOP. */
export interface MailMessage {
  id: string;
  protocol: 'smtp' | 'pop';
  frame: number;
  stream: number;
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  body: string;
  attachments: { name: string; contentType: string; size: number }[];
  raw: Uint8Array;
  /** headers: the top-level header fields in order, raw (unfolded; RFC 2047 words kept, as tshark's imf.*) */
  headers?: { name: string; value: string }[];
  /** command that carried it: `DATA`, `BDAT`, or the POP3 command as sent (`retr 1`, `TOP 1 0`) when known */
  command?: string;
  /** truncated: cut by the capture (no final `.`) or longer than the 16 MiB the dissectors keep */
  truncated?: boolean;
}

/** LabStep is one step of the lab guide. */
export interface LabStep {
  id: string;
  status: 'passed' | 'failed' | 'missing';
  frame?: number;
  detail?: string;
}

/** ConsoleMode: `line` sends a line on Enter, `character` sends every key as its own segment. */
export type ConsoleMode = 'line' | 'character';

/** ConsoleOutput is text or an event of a console session. */
export interface ConsoleOutput {
  id: number;
  kind: 'data' | 'status' | 'error';
  /** data: bytes received (IAC sequences already answered and removed) */
  data?: Uint8Array;
  text?: string;
}

/** LabServerStatus describes the built-in SMTP+POP3 server. */
export interface LabServerStatus {
  running: boolean;
  host: string;
  smtpPort: number;
  popPort: number;
  accounts: { user: string; password: string; address: string }[];
  error?: string;
}

/** AppInfo is what the client needs at startup. */
export interface AppInfo {
  version: string;
  platform: string;
  host: 'electron' | 'web';
}

/**
 * MENU_COMMANDS are the application-menu commands that need the UI (a dialog, the selected interface,
 * the focused packet list); the Electron host sends them as `app.onMenu`. Menu items the host can carry
 * out alone (Open, Save As, Stop, Quit, zoom) never reach the renderer.
 */
export const MENU_COMMANDS = [
  'file.exportSpecified',
  'capture.start',
  'capture.restart',
  'capture.options',
  'go.toPacket',
  'edit.find',
] as const;

/** MenuCommand is one of {@link MENU_COMMANDS}. */
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Methods maps every method name to its signature. */
export interface Methods {
  'app.info'(): AppInfo;
  'fields.registry'(): { protocols: ProtocolDef[]; fields: FieldDef[] };
  'capture.interfaces'(): CaptureInterface[];
  'capture.start'(options: CaptureOptions): CaptureStatus;
  'capture.stop'(): CaptureStatus;
  'capture.status'(): CaptureStatus;
  /**
   * capture.recoverable lists the spools of captures a crashed or killed run left unsaved (never a
   * capture running or loaded in a live process), newest first; the UI offers them at startup.
   */
  'capture.recoverable'(): RecoverableCapture[];
  /** capture.recover opens a listed spool as an unsaved, recovered capture (any other path is refused) */
  'capture.recover'(path: string): CaptureInfo;
  /** capture.discardRecoverable deletes a listed spool (any other path is refused, untouched) */
  'capture.discardRecoverable'(path: string): void;
  'file.open'(path: string): CaptureInfo;
  'file.save'(path: string, options: SaveOptions): { path: string; frames: number };
  'file.info'(): CaptureInfo;
  /**
   * file.recent lists recently opened or saved files, newest first (the Electron host keeps them; the
   * web host has none). In Electron these are among the paths file.open accepts.
   */
  'file.recent'(): string[];
  /**
   * dialog.openFile shows the host's native Open dialog and returns the chosen path, or null when the
   * user cancels. In Electron, file.open only accepts paths the user chose (this dialog, a drop, the
   * command line, recent files); the web host has no native dialogs and rejects the call.
   */
  'dialog.openFile'(): string | null;
  /** dialog.saveFile shows the native Save dialog starting at `suggested` (a file name); null when cancelled. */
  'dialog.saveFile'(suggested: string): string | null;
  'view.setFilter'(text: string): FilterFeedback;
  /**
   * view.sort orders the displayed view by a column (ties by frame number; descending is the exact
   * reverse, as Wireshark), or back to capture order with `none`. `view.rows`, `view.indexOf` and
   * `view.find` then answer in that order; a new display filter keeps it; a frame arriving in the view
   * during a live capture drops it (`view.onSort` with `dropped`).
   */
  'view.sort'(column: SortColumn | 'none', descending: boolean): SortFeedback;
  'view.rows'(start: number, count: number): FrameSummary[];
  /** view.indexOf returns the displayed-row index of a frame number, or -1 */
  'view.indexOf'(frame: number): number;
  'view.find'(
    kind: 'filter' | 'string' | 'hex',
    text: string,
    fromFrame: number,
    backwards: boolean,
  ): { frame: number } | { error: string } | null;
  'frame.detail'(frame: number): FrameDetail;
  'frame.mark'(frames: number[], marked: boolean): ViewCounts;
  'stream.follow'(stream: number): FollowResult;
  'mail.credentials'(): Credential[];
  'mail.transcripts'(): MailTranscript[];
  'mail.messages'(): MailMessage[];
  /** mail.attachment returns attachment `index` (0-based, as listed) of a message, decoded */
  'mail.attachment'(messageId: string, index: number): { name: string; contentType: string; bytes: Uint8Array };
  /** mail.saveMessage writes the message's raw bytes as an .eml file (atomically: temp file + rename) */
  'mail.saveMessage'(messageId: string, path: string): { path: string; bytes: number };
  /** mail.saveAttachment writes attachment `index` of a message, decoded (atomically) */
  'mail.saveAttachment'(messageId: string, index: number, path: string): { path: string; bytes: number };
  'lab.steps'(): LabStep[];
  'console.connect'(host: string, port: number, mode: ConsoleMode): { id: number };
  'console.send'(id: number, data: string): void;
  'console.setMode'(id: number, mode: ConsoleMode): void;
  'console.disconnect'(id: number): void;
  'labserver.status'(): LabServerStatus;
  /**
   * prefs.set sets a dissector preference (`smtp.decryption`: re-dissects the capture) or `gui.locale`
   * (`en` | `zh-CN`: the language of `frame.detail` labels; nothing is re-dissected). Unknown names or
   * locales are refused with an error and change nothing.
   */
  'prefs.set'(name: string, value: string | number | boolean): void;
}

/** Events maps every event name to its payload. */
export interface Events {
  'view.onCounts': ViewCounts;
  /** rows whose summary changed (frame numbers), e.g. a later frame completed their PDU */
  'view.onRowsChanged': number[];
  /**
   * rows pushed before the client asks for them: the first page of a file that starts loading, sent
   * just before the `view.onCounts` that first shows rows (one round trip less before rows are painted)
   */
  'view.onRows': { start: number; rows: FrameSummary[] };
  'view.onReset': CaptureInfo;
  /** the view's order changed (sorted, back to capture order, dropped) or a long sort made progress */
  'view.onSort': SortState;
  'capture.onStatus': CaptureStatus;
  'console.onOutput': ConsoleOutput;
  'app.onError': { message: string };
  /** a menu item or accelerator of the Electron host that the UI carries out */
  'app.onMenu': { command: MenuCommand };
}

export type MethodName = keyof Methods;
export type EventName = keyof Events;
export type Args<M extends MethodName> = Parameters<Methods[M]>;
export type Result<M extends MethodName> = ReturnType<Methods[M]>;

/** Service is the engine side: every method, possibly async. */
export type Service = { [M in MethodName]: (...args: Args<M>) => Result<M> | Promise<Result<M>> };

/** Client is the renderer side: every method returns a promise; `on` subscribes and returns an unsubscribe. */
export type Client = { [M in MethodName]: (...args: Args<M>) => Promise<Result<M>> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

// ---- argument validation at the boundary ---------------------------------------------------------

/** ArgSpec describes one positional argument. */
export type ArgSpec =
  | { kind: 'int'; min: number; max: number }
  | {
      kind: 'string';
      maxLength: number;
      pattern?: RegExp;
      /**
       * path marks a file-system path: `read` (the host opens it) or `write` (the host writes it). The
       * Electron host accepts only paths the user chose for that purpose (dialogs, drops, command line,
       * recent files) for every argument marked so; the web host, behind its token, takes any path.
       */
      path?: 'read' | 'write';
    }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'intArray'; maxItems: number; min: number; max: number }
  | { kind: 'scalar'; maxLength: number }
  | { kind: 'object'; check: (value: Record<string, unknown>) => string | null };

const FRAME = { kind: 'int', min: 1, max: 0xffffffff } as const;
/** PATH is a path the host writes (the safe default for any new method taking a path). */
const PATH = { kind: 'string', maxLength: 4096, path: 'write' } as const;
/** READ_PATH is a path the host only reads. */
const READ_PATH = { kind: 'string', maxLength: 4096, path: 'read' } as const;
const HOST = { kind: 'string', maxLength: 255, pattern: /^[A-Za-z0-9.:\-_[\]%]+$/ } as const;
/** MAIL_ID is a MailMessage id such as `smtp-21`, `pop-20-2`, `pop-7-partial`. */
const MAIL_ID = { kind: 'string', maxLength: 64, pattern: /^[a-z0-9-]+$/ } as const;
const ATTACHMENT_INDEX = { kind: 'int', min: 0, max: 100_000 } as const;

function checkCaptureOptions(v: Record<string, unknown>): string | null {
  if (typeof v.iface !== 'string' || v.iface.length === 0 || v.iface.length > 256) return 'iface must be a name';
  if (v.captureFilter !== undefined && (typeof v.captureFilter !== 'string' || v.captureFilter.length > 4096)) {
    return 'captureFilter must be a string';
  }
  if (v.autostop !== undefined) {
    if (typeof v.autostop !== 'object' || v.autostop === null) return 'autostop must be an object';
    for (const [k, n] of Object.entries(v.autostop)) {
      if (!['packets', 'seconds', 'bytes'].includes(k)) return `unknown autostop ${k}`;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2 ** 40) return `autostop ${k} must be a positive integer`;
    }
  }
  return null;
}

function checkSaveOptions(v: Record<string, unknown>): string | null {
  if (v.format !== 'pcap' && v.format !== 'pcapng') return 'format must be pcap or pcapng';
  if (v.replace !== undefined && typeof v.replace !== 'boolean') return 'replace must be true or false';
  const w = v.which;
  if (w === 'all' || w === 'displayed' || w === 'marked') return null;
  if (typeof w === 'object' && w !== null) {
    const r = w as Record<string, unknown>;
    if (Number.isInteger(r.from) && Number.isInteger(r.to) && (r.from as number) >= 1 && (r.to as number) >= (r.from as number)) {
      return null;
    }
  }
  return 'which must be all, displayed, marked or {from, to}';
}

/** METHODS lists every method with its argument specs: the hosts' allow-list. */
export const METHODS: { readonly [M in MethodName]: readonly ArgSpec[] } = {
  'app.info': [],
  'fields.registry': [],
  'capture.interfaces': [],
  'capture.start': [{ kind: 'object', check: checkCaptureOptions }],
  'capture.stop': [],
  'capture.status': [],
  'capture.recoverable': [],
  // Read paths: in Electron only the spools capture.recoverable listed (origin 'recovery') pass; the
  // engine accepts nothing but a stale spool it lists itself.
  'capture.recover': [READ_PATH],
  'capture.discardRecoverable': [READ_PATH],
  'file.open': [READ_PATH],
  'file.save': [PATH, { kind: 'object', check: checkSaveOptions }],
  'file.info': [],
  'file.recent': [],
  'dialog.openFile': [],
  'dialog.saveFile': [{ kind: 'string', maxLength: 255 }],
  'view.setFilter': [{ kind: 'string', maxLength: 65536 }],
  'view.sort': [{ kind: 'enum', values: [...SORT_COLUMNS, 'none'] }, { kind: 'boolean' }],
  'view.rows': [
    { kind: 'int', min: 0, max: 0xffffffff },
    { kind: 'int', min: 0, max: 10000 },
  ],
  'view.indexOf': [FRAME],
  'view.find': [
    { kind: 'enum', values: ['filter', 'string', 'hex'] },
    { kind: 'string', maxLength: 65536 },
    { kind: 'int', min: 0, max: 0xffffffff },
    { kind: 'boolean' },
  ],
  'frame.detail': [FRAME],
  'frame.mark': [{ kind: 'intArray', maxItems: 1_000_000, min: 1, max: 0xffffffff }, { kind: 'boolean' }],
  'stream.follow': [{ kind: 'int', min: 0, max: 0xffffffff }],
  'mail.credentials': [],
  'mail.transcripts': [],
  'mail.messages': [],
  'mail.attachment': [MAIL_ID, ATTACHMENT_INDEX],
  'mail.saveMessage': [MAIL_ID, PATH],
  'mail.saveAttachment': [MAIL_ID, ATTACHMENT_INDEX, PATH],
  'lab.steps': [],
  'console.connect': [HOST, { kind: 'int', min: 1, max: 65535 }, { kind: 'enum', values: ['line', 'character'] }],
  'console.send': [
    { kind: 'int', min: 1, max: 0xffffffff },
    { kind: 'string', maxLength: 1 << 20 },
  ],
  'console.setMode': [
    { kind: 'int', min: 1, max: 0xffffffff },
    { kind: 'enum', values: ['line', 'character'] },
  ],
  'console.disconnect': [{ kind: 'int', min: 1, max: 0xffffffff }],
  'labserver.status': [],
  // A preference name starts with a letter, so `__proto__` and friends never reach a property lookup.
  'prefs.set': [{ kind: 'string', maxLength: 256, pattern: /^[a-z][a-z0-9_.]*$/ }, { kind: 'scalar', maxLength: 4096 }],
};

/** EVENTS lists every event name (the hosts forward exactly these). */
export const EVENTS: readonly EventName[] = [
  'view.onCounts',
  'view.onRowsChanged',
  'view.onRows',
  'view.onReset',
  'view.onSort',
  'capture.onStatus',
  'console.onOutput',
  'app.onError',
  'app.onMenu',
];

/** ContractError is how a rejected call is reported across a transport. */
export interface ContractError {
  name: string;
  message: string;
}

/** isMethodName tells whether a string names a contract method (own property, never the prototype). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

function checkArg(spec: ArgSpec, value: unknown, index: number): string | null {
  const at = `argument ${index + 1}`;
  switch (spec.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max
        ? null
        : `${at} must be an integer in ${spec.min}..${spec.max}`;
    case 'string':
      if (typeof value !== 'string') return `${at} must be a string`;
      if (value.length > spec.maxLength) return `${at} is longer than ${spec.maxLength} characters`;
      if (spec.pattern && !spec.pattern.test(value)) return `${at} has characters that are not allowed`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${at} must be true or false`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `${at} must be one of ${spec.values.join(', ')}`;
    case 'intArray':
      if (!Array.isArray(value) || value.length > spec.maxItems) return `${at} must be a list of at most ${spec.maxItems}`;
      for (const v of value) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.min || v > spec.max) return `${at} has a bad entry`;
      }
      return null;
    case 'scalar':
      if (typeof value === 'boolean') return null;
      if (typeof value === 'number') return Number.isFinite(value) ? null : `${at} must be finite`;
      if (typeof value === 'string') return value.length <= spec.maxLength ? null : `${at} is too long`;
      return `${at} must be a string, number or boolean`;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at} must be an object`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return `${at} must be a plain object`;
      if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return `${at} must not have __proto__`;
      return spec.check(value as Record<string, unknown>);
    }
  }
}

/** validateArgs checks a call's arguments against {@link METHODS}; returns an error message or null. */
export function validateArgs(method: string, args: unknown): string | null {
  if (!isMethodName(method)) return `unknown method ${JSON.stringify(String(method).slice(0, 80))}`;
  if (!Array.isArray(args)) return 'arguments must be a list';
  const specs = METHODS[method];
  if (args.length !== specs.length) return `${method} takes ${specs.length} argument(s), got ${args.length}`;
  for (let i = 0; i < specs.length; i++) {
    const err = checkArg(specs[i], args[i], i);
    if (err) return `${method}: ${err}`;
  }
  return null;
}
