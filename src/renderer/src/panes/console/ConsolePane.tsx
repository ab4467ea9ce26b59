/**
 * Console pane ("Console"): host and port with presets (the lab server's SMTP and POP3 ports from
 * `labserver.status`, smtp.163.com:25, pop.163.com:110), connect / disconnect, line or character mode,
 * local echo, copy / paste / clear, the connection state and the engine's error in words, the xterm
 * terminal, and the base64 helper beside it. Clicking a line selects the packet that carried it;
 * selecting a packet highlights its line (see links.ts).
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { copyText } from '../../components/clipboard';
import { useApp, useAppStore } from '../../store/index';
import { Base64Helper } from './Base64Helper';
import { ConsoleTerminal, type TerminalHandle } from './ConsoleTerminal';
import { highlightForSelection, selectFrameOfLine } from './links';

const PUBLIC_PRESETS = [
  { key: 'smtp163', host: 'smtp.163.com', port: 25 },
  { key: 'pop163', host: 'pop.163.com', port: 110 },
] as const;

export function ConsolePane() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { host, port, mode, echo, state, error, lab } = useApp(
    useShallow((s) => ({
      host: s.consoleHost,
      port: s.consolePort,
      mode: s.consoleMode,
      echo: s.consoleEcho,
      state: s.consoleState,
      error: s.consoleError,
      lab: s.labServer,
    })),
  );
  const selectedFrame = useApp((s) => s.selectedFrame);
  const detailFrame = useApp((s) => s.detail?.number);
  const labVersion = useApp((s) => s.labVersion);
  const terminal = useRef<TerminalHandle | null>(null);
  const touched = useRef(false);

  // Until the user picks a target, the console points at the lab server's SMTP port.
  useEffect(() => {
    if (!touched.current && lab?.running && store.getState().consoleState === 'idle') {
      store.getState().setConsoleTarget(lab.host, lab.smtpPort);
    }
  }, [lab, store]);

  useEffect(() => {
    store.getState().setConsoleHighlight(highlightForSelection(store));
  }, [store, selectedFrame, detailFrame, labVersion]);

  const connected = state === 'open' || state === 'connecting';
  const presets = [
    ...(lab?.running
      ? [
          { key: 'labSmtp', host: lab.host, port: lab.smtpPort, label: t('console.presetLabSmtp', { host: lab.host, port: lab.smtpPort }) },
          { key: 'labPop', host: lab.host, port: lab.popPort, label: t('console.presetLabPop', { host: lab.host, port: lab.popPort }) },
        ]
      : []),
    ...PUBLIC_PRESETS.map((p) => ({ ...p, label: `${p.host}:${p.port}` })),
  ];

  const paste = async () => {
    try {
      const text = await navigator.clipboard.readText();
      if (text) store.getState().consoleInput(text);
    } catch {
      store.getState().notify('info', t('console.pasteFailed'));
    }
    terminal.current?.focus();
  };

  return (
    <section className="console-pane" aria-label={t('console.label')} data-state={state}>
      <div className="console-main">
        <div className="console-bar" role="toolbar" aria-label={t('console.label')}>
          <select
            aria-label={t('console.presets')}
            value=""
            disabled={connected}
            onChange={(e) => {
              const preset = presets.find((p) => p.key === e.target.value);
              if (preset) {
                touched.current = true;
                store.getState().setConsoleTarget(preset.host, preset.port);
              }
            }}
          >
            <option value="">{lab && !lab.running ? t('console.presetLabDown') : t('console.presetPlaceholder')}</option>
            {presets.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </select>
          <label>
            {t('console.host')}
            <input
              className="console-host"
              value={host}
              disabled={connected}
              spellCheck={false}
              onChange={(e) => {
                touched.current = true;
                store.getState().setConsoleTarget(e.target.value.trim(), port);
              }}
            />
          </label>
          <label>
            {t('console.port')}
            <input
              className="console-port"
              type="number"
              min={1}
              max={65535}
              value={port}
              disabled={connected}
              onChange={(e) => {
                touched.current = true;
                store.getState().setConsoleTarget(host, Number(e.target.value));
              }}
            />
          </label>
          {connected ? (
            <button type="button" onClick={() => void store.getState().disconnectConsole()}>
              {t('console.disconnect')}
            </button>
          ) : (
            <button
              type="button"
              disabled={host === '' || !(port >= 1 && port <= 65535)}
              onClick={() => {
                void store
                  .getState()
                  .connectConsole()
                  .then(() => terminal.current?.focus());
              }}
            >
              {t('console.connect')}
            </button>
          )}
          <select aria-label={t('console.mode')} title={t('console.modeHint')} value={mode} onChange={(e) => void store.getState().setConsoleMode(e.target.value as typeof mode)}>
            <option value="character">{t('console.modeCharacter')}</option>
            <option value="line">{t('console.modeLine')}</option>
          </select>
          <label className="console-check">
            <input type="checkbox" checked={echo} onChange={(e) => store.getState().setConsoleEcho(e.target.checked)} />
            {t('console.echo')}
          </label>
          <button type="button" onClick={() => void copyText(terminal.current?.selection() ?? '')}>
            {t('console.copy')}
          </button>
          <button type="button" onClick={() => void paste()}>
            {t('console.paste')}
          </button>
          <button type="button" onClick={() => store.getState().clearConsole()}>
            {t('console.clear')}
          </button>
          <span className={`console-state state-${state}`} role="status">
            {t(`console.states.${state}`)}
          </span>
        </div>
        {error !== null && (
          <p className="console-error" role="alert">
            {error}
          </p>
        )}
        <ConsoleTerminal label={t('console.terminal')} handleRef={terminal} onLineClick={(line) => void selectFrameOfLine(store, line, t)} />
        <p className="console-hint">{t('console.lineHint')}</p>
      </div>
      <Base64Helper />
    </section>
  );
}
