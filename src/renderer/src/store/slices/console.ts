/**
 * Console slice: the telnet-style console on the engine's `console.*` methods. It keeps the session
 * (target, mode, local echo, state), the text for the terminal as an append-only list of chunks (the
 * xterm pane writes the chunks it has not written yet, so a remount replays them), and the logical
 * lines of the dialogue (C: typed, S: received, I: status/error) that the lab views link to frames.
 *
 * Line mode edits a local line buffer (Backspace works, the line is echoed locally) and sends the whole
 * line on Enter, as one segment. Character mode sends every key as its own `console.send` call, so every
 * key becomes its own TCP segment, as Windows telnet does; a paste is one call and the engine paces it.
 * Received control bytes are shown escaped (`\x07`), and a `334` AUTH prompt is decoded in place.
 */
import type { ConsoleMode, ConsoleOutput, MailTranscript } from '../../../../shared/contract';
import { base64DecodeText } from '../../../../shared/base64';
import { errorText, type SliceCreator } from '../types';

/** ConsoleLine is one logical line of the dialogue: C typed, S received, I status or error. */
export interface ConsoleLine {
  dir: 'C' | 'S' | 'I';
  text: string;
  /** session: the console id it belongs to (0 for local notes). */
  session: number;
  error?: boolean;
  /** port: the server port of the session (tells a frame's direction). */
  port?: number;
  /** partial: a received line whose end has not arrived yet. */
  partial?: boolean;
  /** wire: for typed lines, the keys as sent (Backspaces included), which is what the capture holds. */
  wire?: string;
}

/** TermChunk is text ready for the terminal (ANSI colours included), tagged with its first line. */
export interface TermChunk {
  seq: number;
  text: string;
  /** line: index in `consoleLines` of the line this chunk starts or continues. */
  line: number;
}

/** ConsoleState is the session state shown beside connect/disconnect. */
export type ConsoleState = 'idle' | 'connecting' | 'open' | 'closed';

/** MAX_CHUNKS bounds the terminal replay list; MAX_LINES the logical lines. */
export const MAX_CHUNKS = 5000;
export const MAX_LINES = 5000;

/** ConsoleSlice: see the file comment. */
export interface ConsoleSlice {
  consoleHost: string;
  consolePort: number;
  consoleMode: ConsoleMode;
  consoleEcho: boolean;
  consoleId: number | null;
  consoleState: ConsoleState;
  consoleError: string | null;
  /** the protocol guessed from the greeting (220 → smtp, +OK → pop) */
  consoleProtocol: 'smtp' | 'pop' | null;
  consoleChunks: TermChunk[];
  consoleSeq: number;
  consoleLines: ConsoleLine[];
  /** consoleLineBase: how many lines were dropped from the front (indexes stay stable). */
  consoleLineBase: number;
  consoleBuffer: string;
  consoleHighlight: number | null;
  setConsoleTarget(host: string, port: number): void;
  setConsoleMode(mode: ConsoleMode): Promise<void>;
  setConsoleEcho(echo: boolean): void;
  connectConsole(host?: string, port?: number): Promise<boolean>;
  disconnectConsole(): Promise<void>;
  /** consoleInput handles what the terminal produced (a key, Enter, Backspace or a paste). */
  consoleInput(data: string): void;
  /** consoleSendLine sends one whole line (scripts); the line is echoed as typed text. */
  consoleSendLine(text: string): Promise<void>;
  /** consoleInsert puts text at the prompt (base64 helper): into the line buffer, or sent key by key. */
  consoleInsert(text: string): void;
  onConsoleOutput(output: ConsoleOutput): void;
  clearConsole(): void;
  setConsoleHighlight(line: number | null): void;
  /** consoleLine reads a logical line by its stable index. */
  consoleLine(index: number): ConsoleLine | undefined;
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const RED = '\x1b[31m';
const CYAN = '\x1b[36m';
const YELLOW = '\x1b[33m';

/** escapeControls shows control bytes as `\xNN` (dimmed) except CR, LF, TAB. */
export function escapeControls(text: string, ansi = true): string {
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => {
    const code = `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    return ansi ? `${DIM}${code}${RESET}` : code;
  });
}

/** decode334 returns the decoded text of a `334 <base64>` prompt line, or undefined. */
export function decode334(line: string): string | undefined {
  const m = /^334 ([A-Za-z0-9+/=]+)\s*$/.exec(line);
  if (!m) return undefined;
  const text = base64DecodeText(m[1]);
  if (text === undefined || text === '' || /[\x00-\x1f\ufffd]/.test(text)) return undefined;
  return text;
}

/** normaliseLine makes a console line and a transcript line comparable (escapes and controls dropped). */
export function normaliseLine(text: string): string {
  return (
    text
      .replace(/\\(x[0-9a-f]{2}|[0-7]{3}|[abfnrtv])/gi, '')
      .replace(/[\x00-\x1f\x7f]/g, '')
      .trim()
      .toLowerCase()
  );
}

/** applyBackspaces turns a typed key sequence into the line it shows (BS/DEL erase one char). */
export function applyBackspaces(keys: string): string {
  let out = '';
  for (const ch of keys) {
    if (ch === '\b' || ch === '\x7f') out = out.slice(0, -1);
    else out += ch;
  }
  return out;
}

/** LineLink ties a console line to the transcript line (and frame) that carried it. */
export interface LineLink {
  frame: number;
  stream: number;
  dir: 'C' | 'S';
  /** transcript line index inside its transcript */
  at: number;
}

/**
 * alignConsole links console lines of each session to the transcript lines with the same direction and
 * text, in order (the transcript with the most matches wins for a session). Lines that do not appear in
 * the capture (local notes, a message body shown as "[message, N bytes]") stay unlinked.
 */
export function alignConsole(lines: readonly ConsoleLine[], base: number, transcripts: readonly MailTranscript[]): Map<number, LineLink> {
  const links = new Map<number, LineLink>();
  const sessions = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (l.dir === 'I' || l.session === 0) return;
    const list = sessions.get(l.session) ?? [];
    list.push(i);
    sessions.set(l.session, list);
  });
  const used = new Set<MailTranscript>();
  for (const indexes of sessions.values()) {
    let best: Map<number, LineLink> | null = null;
    let bestTranscript: MailTranscript | null = null;
    for (const t of transcripts) {
      if (used.has(t)) continue;
      const found = new Map<number, LineLink>();
      let cursor = 0;
      for (const i of indexes) {
        const line = lines[i];
        const want = normaliseLine(line.wire ?? line.text);
        if (want === '') continue;
        for (let k = cursor; k < t.lines.length; k++) {
          const tl = t.lines[k];
          if (tl.dir === line.dir && normaliseLine(tl.text) === want) {
            found.set(i + base, { frame: tl.frame, stream: t.stream, dir: tl.dir, at: k });
            cursor = k + 1;
            break;
          }
        }
      }
      // A session must share at least its greeting and one more line with the transcript.
      if (found.size >= 2 && (!best || found.size > best.size || (found.size === best.size && bestTranscript && t.stream > bestTranscript.stream))) {
        best = found;
        bestTranscript = t;
      }
    }
    if (best && bestTranscript) {
      used.add(bestTranscript);
      for (const [k, v] of best) links.set(k, v);
    }
  }
  return links;
}

/**
 * lineForFrame finds the console line a frame belongs to: the line carried by that frame, else (one key
 * per segment) the first line of the same stream and direction completed at or after that frame.
 */
export function lineForFrame(
  links: ReadonlyMap<number, LineLink>,
  frame: number,
  stream: number | undefined,
  dir: 'C' | 'S' | undefined,
): number | null {
  let best: number | null = null;
  let bestFrame = Infinity;
  for (const [line, link] of links) {
    if (link.frame === frame) return line;
    if (stream === undefined || link.stream !== stream || (dir !== undefined && link.dir !== dir)) continue;
    if (link.frame > frame && link.frame < bestFrame) {
      bestFrame = link.frame;
      best = line;
    }
  }
  return best;
}

export const createConsoleSlice: SliceCreator<ConsoleSlice> = (set, get) => {
  // Received text of the current line not ended yet, and the keys typed in character mode since Enter.
  let rxPartial = '';
  let rxLine: number | null = null;
  let txKeys = '';
  let decoder = new TextDecoder('utf-8');
  // Output that arrives while `console.connect` is still pending (the greeting can beat the answer).
  const early: ConsoleOutput[] = [];

  const pushChunk = (text: string, line: number) => {
    if (text === '') return;
    set((s) => {
      const seq = s.consoleSeq + 1;
      const chunks = [...s.consoleChunks, { seq, text, line }];
      return { consoleSeq: seq, consoleChunks: chunks.length > MAX_CHUNKS ? chunks.slice(-MAX_CHUNKS) : chunks };
    });
  };

  /** pushLine appends a logical line and returns its stable index. */
  const pushLine = (line: ConsoleLine): number => {
    let index = 0;
    set((s) => {
      let lines = [...s.consoleLines, line];
      let base = s.consoleLineBase;
      if (lines.length > MAX_LINES) {
        const drop = lines.length - MAX_LINES;
        lines = lines.slice(drop);
        base += drop;
      }
      index = base + lines.length - 1;
      return { consoleLines: lines, consoleLineBase: base };
    });
    return index;
  };

  const updateLine = (index: number, text: string, patch: Partial<ConsoleLine> = {}) => {
    set((s) => {
      const at = index - s.consoleLineBase;
      if (at < 0 || at >= s.consoleLines.length) return {};
      const lines = s.consoleLines.slice();
      lines[at] = { ...lines[at], ...patch, text };
      return { consoleLines: lines };
    });
  };

  /** the index of the line being typed (a C line), created on the first key. */
  let txLine: number | null = null;
  const typingLine = () => {
    if (txLine === null) txLine = pushLine({ dir: 'C', text: '', session: get().consoleId ?? 0, port: get().consolePort });
    return txLine;
  };

  const note = (text: string, error = false) => {
    endReceivedLine();
    const index = pushLine({ dir: 'I', text, session: 0, error });
    pushChunk(`${error ? RED : YELLOW}${text}${RESET}\r\n`, index);
  };

  const endReceivedLine = () => {
    if (rxPartial !== '' || rxLine !== null) pushChunk('\r\n', rxLine ?? get().consoleLineBase + get().consoleLines.length - 1);
    rxPartial = '';
    rxLine = null;
  };

  const receive = (text: string, session: number) => {
    // Lines end with LF (CR LF from the servers); a lone CR is dropped from the display.
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const piece = part.replace(/\r$/, '');
      if (rxLine === null && (piece !== '' || !last)) rxLine = pushLine({ dir: 'S', text: '', session, partial: true, port: get().consolePort });
      if (piece !== '' && rxLine !== null) {
        rxPartial += piece;
        updateLine(rxLine, rxPartial);
        pushChunk(escapeControls(piece.replace(/\r/g, '')), rxLine);
      }
      if (!last && rxLine !== null) {
        const decoded = decode334(rxPartial);
        if (get().consoleProtocol === null) {
          if (/^\d{3}[ -]/.test(rxPartial)) set({ consoleProtocol: 'smtp' });
          else if (/^[+-](OK|ERR)/.test(rxPartial)) set({ consoleProtocol: 'pop' });
        }
        updateLine(rxLine, rxPartial, { partial: false });
        pushChunk(`${decoded !== undefined ? ` ${CYAN}(${decoded})${RESET}` : ''}\r\n`, rxLine);
        rxPartial = '';
        rxLine = null;
      }
    });
  };

  const send = async (data: string) => {
    const id = get().consoleId;
    if (id === null || get().consoleState !== 'open') {
      note(get().consoleState === 'closed' ? 'The connection is closed.' : 'Not connected.', true);
      return;
    }
    try {
      await get().client['console.send'](id, data);
    } catch (error) {
      note(errorText(error), true);
    }
  };

  const echo = (text: string, line: number) => {
    if (get().consoleEcho) pushChunk(text === '\r\n' ? text : escapeControls(text), line);
  };

  const finishTyped = (text: string, wire: string) => {
    const line = typingLine();
    updateLine(line, text, { wire });
    txLine = null;
    return line;
  };

  return {
    consoleHost: '127.0.0.1',
    consolePort: 2525,
    consoleMode: 'character',
    consoleEcho: true,
    consoleId: null,
    consoleState: 'idle',
    consoleError: null,
    consoleProtocol: null,
    consoleChunks: [],
    consoleSeq: 0,
    consoleLines: [],
    consoleLineBase: 0,
    consoleBuffer: '',
    consoleHighlight: null,
    setConsoleTarget: (consoleHost, consolePort) => set({ consoleHost, consolePort }),
    async setConsoleMode(mode) {
      set({ consoleMode: mode });
      const id = get().consoleId;
      if (id !== null && get().consoleState === 'open') {
        try {
          await get().client['console.setMode'](id, mode);
        } catch (error) {
          note(errorText(error), true);
        }
      }
    },
    setConsoleEcho: (consoleEcho) => set({ consoleEcho }),
    async connectConsole(host = get().consoleHost, port = get().consolePort) {
      if (get().consoleState === 'open' || get().consoleState === 'connecting') await get().disconnectConsole();
      set({ consoleHost: host, consolePort: port, consoleState: 'connecting', consoleError: null, consoleProtocol: null, consoleBuffer: '' });
      rxPartial = '';
      rxLine = null;
      txKeys = '';
      txLine = null;
      decoder = new TextDecoder('utf-8');
      note(`Trying ${host} ${port}…`);
      try {
        const { id } = await get().client['console.connect'](host, port, get().consoleMode);
        // Output of this id may have arrived before the answer; it was kept by onConsoleOutput.
        set({ consoleId: id, consoleState: 'open' });
        for (const out of early.splice(0)) if (out.id === id) get().onConsoleOutput(out);
        return true;
      } catch (error) {
        const text = errorText(error);
        set({ consoleState: 'closed', consoleError: text });
        early.length = 0;
        note(text, true);
        return false;
      }
    },
    async disconnectConsole() {
      const id = get().consoleId;
      if (id === null) return;
      set({ consoleId: null, consoleState: 'closed' });
      try {
        await get().client['console.disconnect'](id);
      } catch (error) {
        note(errorText(error), true);
      }
      note('Disconnected.');
    },
    consoleInput(data) {
      // Cursor and function keys (escape sequences) have no meaning for a mail server: ignored.
      if (data.startsWith('\x1b')) return;
      if (get().consoleMode === 'character') {
        // The line is created at its first key, so it sits after the replies that came before it.
        let typed = txKeys;
        for (const ch of data.replace(/\r\n/g, '\r').replace(/\n/g, '\r')) {
          const line = typingLine();
          if (ch === '\r') {
            echo('\r\n', line);
            finishTyped(applyBackspaces(typed), typed);
            typed = '';
          } else if (ch === '\b' || ch === '\x7f') {
            typed += '\b';
            if (get().consoleEcho) pushChunk('\b \b', line);
          } else {
            typed += ch;
            echo(ch, line);
          }
        }
        txKeys = typed;
        if (txKeys !== '' && txLine !== null) updateLine(txLine, applyBackspaces(txKeys));
        // Windows telnet sends BS (0x08) for Backspace; the server sees it as a byte of the line.
        void send(data.replace(/\x7f/g, '\b'));
        return;
      }
      // Line mode: edit the local buffer; Enter sends the whole line (one segment).
      let buffer = get().consoleBuffer;
      for (const ch of data.replace(/\r\n/g, '\r').replace(/\n/g, '\r')) {
        const line = typingLine();
        if (ch === '\r') {
          pushChunk('\r\n', line);
          finishTyped(buffer, buffer);
          void send(buffer);
          buffer = '';
        } else if (ch === '\b' || ch === '\x7f') {
          if (buffer.length > 0) {
            buffer = buffer.slice(0, -1);
            pushChunk('\b \b', line);
            updateLine(line, buffer);
          }
        } else if (ch >= ' ' || ch === '\t') {
          buffer += ch;
          pushChunk(ch, line);
          updateLine(line, buffer);
        }
      }
      set({ consoleBuffer: buffer });
    },
    async consoleSendLine(text) {
      const clean = text.replace(/[\r\n]+$/, '');
      if (get().consoleMode === 'line' && get().consoleBuffer !== '') {
        // Keep what the user was typing: it is sent before the script's line, as telnet would.
        get().consoleInput('\r');
      }
      const line = txLine ?? pushLine({ dir: 'C', text: '', session: get().consoleId ?? 0, port: get().consolePort });
      txLine = null;
      txKeys = '';
      updateLine(line, clean);
      pushChunk(`${escapeControls(clean)}\r\n`, line);
      await send(get().consoleMode === 'line' ? clean : `${clean}\r`);
    },
    consoleInsert(text) {
      if (get().consoleMode === 'character') get().consoleInput(text);
      else get().consoleInput(text.replace(/[\r\n]/g, ''));
    },
    onConsoleOutput(output) {
      const id = get().consoleId;
      if (id === null && get().consoleState === 'connecting') {
        early.push(output);
        return;
      }
      if (output.id !== id) return;
      if (output.kind === 'data' && output.data) {
        receive(decoder.decode(output.data, { stream: true }), output.id);
      } else if (output.kind === 'status' && output.text) {
        note(output.text);
        if (/closed/i.test(output.text)) set({ consoleState: 'closed', consoleId: null });
      } else if (output.kind === 'error' && output.text) {
        set({ consoleError: output.text });
        note(output.text, true);
      }
    },
    clearConsole() {
      rxPartial = '';
      rxLine = null;
      txLine = null;
      txKeys = '';
      set((s) => ({ consoleChunks: [], consoleLines: [], consoleLineBase: s.consoleLineBase + s.consoleLines.length, consoleHighlight: null, consoleBuffer: '' }));
    },
    setConsoleHighlight(consoleHighlight) {
      if (get().consoleHighlight !== consoleHighlight) set({ consoleHighlight });
    },
    consoleLine(index) {
      return get().consoleLines[index - get().consoleLineBase];
    },
  };
};

