/**
 * Scripts slice: command scripts for the console (SMTP and POP3 command sequences), kept in the store
 * and saved in localStorage by {@link persistScripts}, with two ready-made scripts for the handout's
 * sessions against the lab server. A script is plain lines: `#` comments, `{{base64:text}}` expansions
 * (UTF-8, as the handout's AUTH LOGIN needs), and directives `@connect lab-smtp|lab-pop3|HOST PORT`,
 * `@mode line|character`, `@wait MS`.
 *
 * "Run all" sends each line through the console and waits for the server's reply before the next: a
 * final 3-digit line for SMTP (`250 ` after `250-`), `+OK`/`-ERR` for POP3 and, for multi-line POP3
 * answers (LIST, RETR, TOP, UIDL, CAPA), the lone "." too. After DATA's 354 the message lines are sent
 * without waiting, until the lone "." which waits for the 250. A negative reply, a timeout or a closed
 * connection stops the run and says why.
 */
import type { ConsoleMode } from '../../../../shared/contract';
import { base64EncodeText } from '../../../../shared/base64';
import type { AppState } from '../types';
import { errorText, type SliceCreator } from '../types';

/** Script is one saved script. */
export interface Script {
  id: string;
  name: string;
  text: string;
  /** builtin: one of the ready-made scripts (can be restored to its original text). */
  builtin?: boolean;
}

/** ScriptWait: what a sent line waits for. */
export type ScriptWait = 'reply' | 'multi' | 'none';

/** ScriptStep is one executable line of a script (line numbers are 1-based, as in the editor). */
export type ScriptStep =
  | { kind: 'send'; line: number; text: string; wait: ScriptWait }
  | { kind: 'connect'; line: number; target: 'lab-smtp' | 'lab-pop3' | { host: string; port: number } }
  | { kind: 'mode'; line: number; mode: ConsoleMode }
  | { kind: 'wait'; line: number; ms: number }
  | { kind: 'error'; line: number; message: string };

/** ScriptRun is the state of "run all" / "send line". */
export interface ScriptRun {
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  /** line being run or where it stopped (1-based), 0 when none */
  line: number;
  message?: string;
}

/** DEFAULT_TIMEOUT_MS is how long "run all" waits for each reply by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export const SMTP_SCRIPT = `# 讲义中的 SMTP 会话（实验服务器）/ The handout's SMTP session (lab server)
# 账户 student / lab0418；AUTH LOGIN 的用户名和密码用 BASE64 编码
# Account student / lab0418; AUTH LOGIN takes the user name and password in base64
@connect lab-smtp
ehlo li
auth login
{{base64:student}}
{{base64:lab0418}}
mail from: <student@wirelab.lab>
rcpt to: <teacher@wirelab.lab>
data
From: student@wirelab.lab
To: teacher@wirelab.lab
Subject: SMTP commands test

This is just a test.
.
quit
`;

export const POP3_SCRIPT = `# 讲义中的 POP3 会话（实验服务器）/ The handout's POP3 session (lab server)
# POP3 的用户名和密码不用 BASE64 编码 / POP3 sends user name and password as plain text
@connect lab-pop3
user teacher
pass lab0418
stat
list
retr 1
quit
`;

/** BUILTIN_SCRIPTS are the ready-made scripts. */
export const BUILTIN_SCRIPTS: readonly Script[] = [
  { id: 'builtin-smtp', name: 'SMTP (handout)', text: SMTP_SCRIPT, builtin: true },
  { id: 'builtin-pop3', name: 'POP3 (handout)', text: POP3_SCRIPT, builtin: true },
];

/** expandLine replaces `{{base64:text}}` with the base64 of the text's UTF-8 bytes. */
export function expandLine(line: string): string {
  return line.replace(/\{\{base64:(.*?)\}\}/g, (_, text: string) => base64EncodeText(text));
}

const MULTI = /^(list|uidl)\s*$|^(retr|top|capa)\b/i;

/** parseScript turns script text into steps (comments and blank lines outside DATA are skipped). */
export function parseScript(text: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let inData = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return;
    if (inData) {
      const sent = expandLine(raw);
      if (sent === '.') {
        inData = false;
        steps.push({ kind: 'send', line, text: sent, wait: 'reply' });
      } else {
        steps.push({ kind: 'send', line, text: sent, wait: 'none' });
      }
      return;
    }
    if (trimmed === '') return;
    if (trimmed.startsWith('@')) {
      const [word, ...args] = trimmed.slice(1).split(/\s+/);
      const directive = word.toLowerCase();
      if (directive === 'connect') {
        if (args[0] === 'lab-smtp' || args[0] === 'lab-pop3') steps.push({ kind: 'connect', line, target: args[0] });
        else if (args.length === 2 && /^\d+$/.test(args[1])) steps.push({ kind: 'connect', line, target: { host: args[0], port: Number(args[1]) } });
        else steps.push({ kind: 'error', line, message: '@connect takes lab-smtp, lab-pop3 or HOST PORT' });
      } else if (directive === 'mode' && (args[0] === 'line' || args[0] === 'character')) {
        steps.push({ kind: 'mode', line, mode: args[0] });
      } else if (directive === 'wait' && /^\d+$/.test(args[0] ?? '')) {
        steps.push({ kind: 'wait', line, ms: Number(args[0]) });
      } else {
        steps.push({ kind: 'error', line, message: `Unknown directive ${trimmed}` });
      }
      return;
    }
    const sent = expandLine(trimmed);
    if (/^data$/i.test(sent)) inData = true;
    steps.push({ kind: 'send', line, text: sent, wait: MULTI.test(sent) ? 'multi' : 'reply' });
  });
  return steps;
}

/** ReplyCheck says whether the server lines since a command complete its reply. */
export interface ReplyCheck {
  done: boolean;
  ok?: boolean;
  text?: string;
}

/** checkReply looks at received lines (oldest first) for the reply a command waits for. */
export function checkReply(lines: readonly string[], wait: ScriptWait): ReplyCheck {
  if (wait === 'none') return { done: true, ok: true };
  let okSeen: string | null = null;
  for (const line of lines) {
    if (okSeen !== null) {
      if (line === '.') return { done: true, ok: true, text: okSeen };
      continue;
    }
    const smtp = /^(\d{3})(?: |$)/.exec(line);
    if (smtp) return { done: true, ok: Number(smtp[1]) < 400, text: line };
    if (/^-ERR/.test(line)) return { done: true, ok: false, text: line };
    if (/^\+ /.test(line) || line === '+') return { done: true, ok: true, text: line };
    if (/^\+OK/.test(line)) {
      if (wait !== 'multi') return { done: true, ok: true, text: line };
      okSeen = line;
    }
  }
  return { done: false };
}

/** ScriptsSlice: see the file comment. */
export interface ScriptsSlice {
  scripts: Script[];
  activeScriptId: string;
  scriptRun: ScriptRun;
  scriptTimeoutMs: number;
  selectScript(id: string): void;
  setScriptText(id: string, text: string): void;
  newScript(name: string): string;
  renameScript(id: string, name: string): void;
  deleteScript(id: string): void;
  restoreScript(id: string): void;
  setScriptTimeout(ms: number): void;
  /** sendScriptLine sends one line (1-based) of the active script without waiting; returns the next line to send. */
  sendScriptLine(line: number): Promise<number>;
  runScript(fromLine?: number): Promise<void>;
  stopScript(): void;
}

let nextScriptId = 1;

export const createScriptsSlice: SliceCreator<ScriptsSlice> = (set, get, api) => {
  let runToken = 0;
  let abort: (() => void) | null = null;

  const active = () => get().scripts.find((s) => s.id === get().activeScriptId) ?? get().scripts[0];

  /** waitFor resolves when `test` holds for the state, rejects on timeout or stop. */
  const waitFor = <T>(test: (s: AppState) => T | undefined, timeoutMs: number, timeoutMessage: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const first = test(get());
      if (first !== undefined) {
        resolve(first);
        return;
      }
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        abort = null;
        fn();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(timeoutMessage))), timeoutMs);
      const unsubscribe = api.subscribe((state) => {
        const value = test(state);
        if (value !== undefined) finish(() => resolve(value));
      });
      abort = () => finish(() => reject(new Error('stopped')));
    });

  /** serverLinesSince lists the complete S lines received after line index `from` (stable index). */
  const serverLinesSince = (s: AppState, from: number): { lines: string[]; closed: boolean } => {
    const lines: string[] = [];
    for (let i = Math.max(0, from - s.consoleLineBase); i < s.consoleLines.length; i++) {
      const line = s.consoleLines[i];
      if (line.dir === 'S' && !line.partial) lines.push(line.text);
    }
    return { lines, closed: s.consoleState === 'closed' || s.consoleState === 'idle' };
  };

  const labTarget = (target: 'lab-smtp' | 'lab-pop3') => {
    const lab = get().labServer;
    if (!lab || !lab.running) throw new Error('The lab server is not running.');
    return { host: lab.host, port: target === 'lab-smtp' ? lab.smtpPort : lab.popPort };
  };

  const awaitReply = async (from: number, wait: ScriptWait, token: number): Promise<ReplyCheck> => {
    const seconds = Math.round(get().scriptTimeoutMs / 1000);
    return waitFor(
      (s) => {
        if (token !== runToken) return { done: true, ok: false, text: 'stopped' };
        const { lines, closed } = serverLinesSince(s, from);
        const check = checkReply(lines, wait);
        if (check.done) return check;
        return closed ? { done: true, ok: false, text: 'The connection is closed.' } : undefined;
      },
      get().scriptTimeoutMs,
      `No reply within ${seconds} s.`,
    );
  };

  const lineCount = () => get().consoleLineBase + get().consoleLines.length;

  return {
    scripts: BUILTIN_SCRIPTS.map((s) => ({ ...s })),
    activeScriptId: BUILTIN_SCRIPTS[0].id,
    scriptRun: { state: 'idle', line: 0 },
    scriptTimeoutMs: DEFAULT_TIMEOUT_MS,
    selectScript: (activeScriptId) => set({ activeScriptId }),
    setScriptText: (id, text) => set((s) => ({ scripts: s.scripts.map((x) => (x.id === id ? { ...x, text } : x)) })),
    newScript(name) {
      const id = `user-${Date.now().toString(36)}-${nextScriptId++}`;
      set((s) => ({ scripts: [...s.scripts, { id, name, text: '# \n' }], activeScriptId: id }));
      return id;
    },
    renameScript: (id, name) => set((s) => ({ scripts: s.scripts.map((x) => (x.id === id ? { ...x, name } : x)) })),
    deleteScript(id) {
      const scripts = get().scripts.filter((x) => x.id !== id);
      set({ scripts, activeScriptId: get().activeScriptId === id ? (scripts[0]?.id ?? '') : get().activeScriptId });
    },
    restoreScript(id) {
      const original = BUILTIN_SCRIPTS.find((b) => b.id === id);
      if (original) get().setScriptText(id, original.text);
    },
    setScriptTimeout: (ms) => set({ scriptTimeoutMs: Math.max(500, Math.min(120_000, Math.round(ms))) }),
    async sendScriptLine(line) {
      const script = active();
      if (!script) return line;
      const lines = script.text.split(/\r?\n/);
      const steps = parseScript(script.text);
      // The step for this line, or the next executable one after it.
      const step = steps.find((st) => st.line >= line);
      if (!step) return lines.length + 1;
      set({ scriptRun: { state: 'idle', line: step.line } });
      try {
        if (step.kind === 'send') await get().consoleSendLine(step.text);
        else if (step.kind === 'connect') {
          const target = typeof step.target === 'string' ? labTarget(step.target) : step.target;
          await get().connectConsole(target.host, target.port);
        } else if (step.kind === 'mode') await get().setConsoleMode(step.mode);
        else if (step.kind === 'error') throw new Error(step.message);
      } catch (error) {
        set({ scriptRun: { state: 'failed', line: step.line, message: errorText(error) } });
      }
      const next = steps.find((st) => st.line > step.line);
      return next ? next.line : lines.length + 1;
    },
    async runScript(fromLine = 1) {
      const script = active();
      if (!script || get().scriptRun.state === 'running') return;
      const token = ++runToken;
      const steps = parseScript(script.text).filter((st) => st.line >= fromLine);
      const stillRunning = () => token === runToken;
      try {
        for (const step of steps) {
          if (!stillRunning()) return;
          set({ scriptRun: { state: 'running', line: step.line } });
          switch (step.kind) {
            case 'error':
              throw new Error(step.message);
            case 'mode':
              await get().setConsoleMode(step.mode);
              break;
            case 'wait':
              await new Promise((r) => setTimeout(r, step.ms));
              break;
            case 'connect': {
              const target = typeof step.target === 'string' ? labTarget(step.target) : step.target;
              const from = lineCount();
              if (!(await get().connectConsole(target.host, target.port))) throw new Error(get().consoleError ?? 'Could not connect.');
              const greeting = await awaitReply(from, 'reply', token);
              if (!stillRunning()) return;
              if (!greeting.ok) throw new Error(`The server answered: ${greeting.text ?? ''}`);
              break;
            }
            case 'send': {
              if (get().consoleState !== 'open') throw new Error('The console is not connected.');
              const from = lineCount();
              await get().consoleSendLine(step.text);
              if (step.wait === 'none') break;
              const reply = await awaitReply(from, step.wait, token);
              if (!stillRunning()) return;
              if (!reply.ok) {
                // QUIT may be answered by the connection closing.
                if (/^quit$/i.test(step.text) && reply.text === 'The connection is closed.') break;
                throw new Error(`The server answered: ${reply.text ?? ''}`);
              }
              break;
            }
          }
        }
        if (stillRunning()) set({ scriptRun: { state: 'done', line: 0 } });
      } catch (error) {
        if (!stillRunning()) return;
        const message = errorText(error);
        set((s) => ({ scriptRun: { state: message === 'stopped' ? 'stopped' : 'failed', line: s.scriptRun.line, message } }));
      } finally {
        if (stillRunning()) runToken++;
      }
    },
    stopScript() {
      if (get().scriptRun.state !== 'running') return;
      runToken++;
      abort?.();
      set((s) => ({ scriptRun: { state: 'stopped', line: s.scriptRun.line, message: 'stopped' } }));
    },
  };
};

/** SCRIPTS_KEY is the localStorage key of the saved scripts. */
export const SCRIPTS_KEY = 'wirelab.scripts.v1';

/** loadScripts reads saved scripts (ready-made ones are always present), ignoring anything malformed. */
export function loadScripts(storage: Pick<Storage, 'getItem'> | undefined): Partial<Pick<ScriptsSlice, 'scripts' | 'activeScriptId' | 'scriptTimeoutMs'>> {
  try {
    const raw = storage?.getItem(SCRIPTS_KEY);
    if (!raw) return {};
    const data = JSON.parse(raw) as { scripts?: unknown; active?: unknown; timeoutMs?: unknown };
    const saved = Array.isArray(data.scripts)
      ? data.scripts.filter(
          (s): s is Script =>
            typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.name === 'string' && typeof s.text === 'string',
        )
      : [];
    const scripts: Script[] = BUILTIN_SCRIPTS.map((b) => ({ ...b, text: saved.find((s) => s.id === b.id)?.text ?? b.text }));
    for (const s of saved) if (!s.id.startsWith('builtin-')) scripts.push({ id: s.id, name: s.name.slice(0, 200), text: s.text.slice(0, 1 << 20) });
    const out: Partial<Pick<ScriptsSlice, 'scripts' | 'activeScriptId' | 'scriptTimeoutMs'>> = { scripts };
    if (typeof data.active === 'string' && scripts.some((s) => s.id === data.active)) out.activeScriptId = data.active;
    if (typeof data.timeoutMs === 'number' && Number.isFinite(data.timeoutMs)) out.scriptTimeoutMs = Math.max(500, Math.min(120_000, data.timeoutMs));
    return out;
  } catch {
    return {};
  }
}

/** persistScripts saves the scripts whenever they change; returns the unsubscribe function. */
export function persistScripts(store: { getState(): AppState; subscribe(l: (s: AppState) => void): () => void }, storage: Pick<Storage, 'setItem'> | undefined): () => void {
  const pick = (s: AppState) =>
    JSON.stringify({ scripts: s.scripts.map(({ id, name, text }) => ({ id, name, text })), active: s.activeScriptId, timeoutMs: s.scriptTimeoutMs });
  let last = pick(store.getState());
  return store.subscribe((state) => {
    const next = pick(state);
    if (next === last) return;
    last = next;
    try {
      storage?.setItem(SCRIPTS_KEY, next);
    } catch {
      // Storage full or disabled: scripts live for this session only.
    }
  });
}
