/**
 * The console's xterm.js terminal. It writes the console slice's chunks in order (replaying them all when
 * it mounts), passes what the user types or pastes to `consoleInput`, and remembers where each logical
 * line starts with a marker, so a click on a row can name its line and the line linked to the selected
 * packet can be highlighted with a decoration.
 */
import { Terminal, type IDecoration, type IMarker } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { useResolvedTheme } from '../../app/theme';
import { useApp, useAppStore } from '../../store/index';

const THEMES = {
  light: { background: '#fbfbfd', foreground: '#1b1b1f', cursor: '#1f5fbf', selectionBackground: '#b5cdf5' },
  dark: { background: '#15161a', foreground: '#e4e6eb', cursor: '#7fb0ff', selectionBackground: '#3d5c8f' },
} as const;

/** TerminalHandle lets the pane copy the selection and focus the terminal. */
export interface TerminalHandle {
  selection(): string;
  focus(): void;
}

interface Props {
  label: string;
  handleRef: React.MutableRefObject<TerminalHandle | null>;
  onLineClick(line: number): void;
}

interface CellSize {
  width: number;
  height: number;
}

function cellSize(term: Terminal): CellSize | undefined {
  // xterm.js measures its cell; the fit addon reads the same private field (it is not installed here).
  const core = (term as unknown as { _core?: { _renderService?: { dimensions?: { css?: { cell?: CellSize } } } } })._core;
  const cell = core?._renderService?.dimensions?.css?.cell;
  return cell && cell.width > 0 && cell.height > 0 ? cell : undefined;
}

export function ConsoleTerminal({ label, handleRef, onLineClick }: Props) {
  const store = useAppStore();
  const theme = useResolvedTheme();
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const markers = useRef<Array<{ line: number; marker: IMarker }>>([]);
  const decoration = useRef<IDecoration | null>(null);
  const highlight = useApp((s) => s.consoleHighlight);
  const highlightText = useApp((s) => (s.consoleHighlight === null ? undefined : s.consoleLine(s.consoleHighlight)?.text));

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      allowProposedApi: true,
      convertEol: false,
      cursorBlink: true,
      fontFamily: "ui-monospace, 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
      theme: THEMES[theme],
      screenReaderMode: false,
    });
    term.open(host);
    term.textarea?.setAttribute('aria-label', label);
    termRef.current = term;
    markers.current = [];
    handleRef.current = { selection: () => term.getSelection(), focus: () => term.focus() };

    let lastSeq = 0;
    const seen = new Set<number>();
    const writeNew = () => {
      const { consoleChunks } = store.getState();
      if (consoleChunks.length === 0 && lastSeq > 0) {
        // Cleared.
        term.reset();
        markers.current = [];
        seen.clear();
        lastSeq = 0;
        return;
      }
      for (const chunk of consoleChunks) {
        if (chunk.seq <= lastSeq) continue;
        lastSeq = chunk.seq;
        if (!seen.has(chunk.line)) {
          seen.add(chunk.line);
          const line = chunk.line;
          // An empty write's callback runs once everything before it is parsed: the cursor is where the line starts.
          term.write('', () => {
            const marker = term.registerMarker(0);
            if (marker) markers.current.push({ line, marker });
          });
        }
        term.write(chunk.text);
      }
    };
    writeNew();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.consoleSeq !== prev.consoleSeq || s.consoleChunks !== prev.consoleChunks) writeNew();
    });
    const onData = term.onData((data) => store.getState().consoleInput(data));

    const resize = () => {
      const cell = cellSize(term);
      if (!cell) return;
      const cols = Math.max(20, Math.floor((host.clientWidth - 14) / cell.width));
      const rows = Math.max(4, Math.floor(host.clientHeight / cell.height));
      if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
    };
    const observer = new ResizeObserver(resize);
    observer.observe(host);
    requestAnimationFrame(resize);

    return () => {
      observer.disconnect();
      unsubscribe();
      onData.dispose();
      decoration.current = null;
      handleRef.current = null;
      termRef.current = null;
      term.dispose();
    };
    // The terminal is created once per store; the theme is applied below without recreating it.
  }, [store]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    decoration.current?.dispose();
    decoration.current = null;
    const term = termRef.current;
    if (!term || highlight === null) return;
    const entry = markers.current.find((m) => m.line === highlight && !m.marker.isDisposed);
    if (!entry) return;
    decoration.current =
      term.registerDecoration({
        marker: entry.marker,
        width: term.cols,
        backgroundColor: theme === 'dark' ? '#4a4020' : '#fff0a8',
        layer: 'bottom',
      }) ?? null;
    const top = term.buffer.active.viewportY;
    if (entry.marker.line < top || entry.marker.line >= top + term.rows) term.scrollToLine(Math.max(0, entry.marker.line - 2));
  }, [highlight, theme]);

  const onClick = (event: React.MouseEvent) => {
    const term = termRef.current;
    if (!term || term.hasSelection()) return;
    const rowEl = (event.target as HTMLElement).closest('.xterm-rows > div');
    let row: number | undefined;
    if (rowEl?.parentElement) row = Array.prototype.indexOf.call(rowEl.parentElement.children, rowEl) as number;
    else {
      const screen = hostRef.current?.querySelector('.xterm-screen');
      const box = screen?.getBoundingClientRect();
      const cell = cellSize(term);
      if (box && cell) row = Math.floor((event.clientY - box.top) / cell.height);
    }
    if (row === undefined || row < 0) return;
    const bufferRow = term.buffer.active.viewportY + row;
    let best: { line: number; at: number } | null = null;
    for (const { line, marker } of markers.current) {
      if (marker.isDisposed || marker.line > bufferRow) continue;
      if (!best || marker.line >= best.at) best = { line, at: marker.line };
    }
    if (best) onLineClick(best.line);
  };

  return <div ref={hostRef} className="console-terminal" onClick={onClick} data-highlight-line={highlight ?? undefined} data-highlight-text={highlightText} />;
}
