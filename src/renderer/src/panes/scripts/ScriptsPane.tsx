/**
 * Command scripts pane ("Scripts"): a Monaco editor (wirelab-mail language) over the scripts slice, with
 * the script picker (two ready-made scripts for the handout's sessions), new / rename / delete / restore,
 * "Send line" (Ctrl+Enter: the line at the cursor, then the cursor moves to the next command), "Run all"
 * (waits for each reply, with a timeout) and Stop. The line being run is highlighted.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useResolvedTheme } from '../../app/theme';
import { useApp, useAppStore } from '../../store/index';
import { monaco } from '../filterbar/monaco';
import { registerScriptLanguage, SCRIPT_LANGUAGE, SCRIPT_THEMES } from './language';

export function ScriptsPane() {
  const { t } = useTranslation();
  const store = useAppStore();
  const theme = useResolvedTheme();
  const { scripts, activeId, run, timeoutMs } = useApp(
    useShallow((s) => ({ scripts: s.scripts, activeId: s.activeScriptId, run: s.scriptRun, timeoutMs: s.scriptTimeoutMs })),
  );
  const script = scripts.find((s) => s.id === activeId) ?? scripts[0];
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    decorations.current ??= editor.createDecorationsCollection();
    if (run.line > 0 && run.state !== 'done' && run.state !== 'idle') {
      decorations.current.set([
        {
          range: new monaco.Range(run.line, 1, run.line, 1),
          options: { isWholeLine: true, className: run.state === 'failed' ? 'script-line-failed' : 'script-line-running' },
        },
      ]);
      editor.revealLineInCenterIfOutsideViewport(run.line);
    } else {
      decorations.current.clear();
    }
  }, [run]);

  const sendLine = async () => {
    const editor = editorRef.current;
    const line = editor?.getPosition()?.lineNumber ?? 1;
    const next = await store.getState().sendScriptLine(line);
    if (editor) {
      const count = editor.getModel()?.getLineCount() ?? 1;
      editor.setPosition({ lineNumber: Math.min(next, count), column: 1 });
      editor.revealLine(Math.min(next, count));
    }
  };

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    decorations.current = editor.createDecorationsCollection();
    // addAction is scoped to this editor (a standalone addCommand keybinding would be global).
    editor.addAction({
      id: 'wirelab.sendScriptLine',
      label: t('scripts.sendLine'),
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => void sendLine(),
    });
  };

  const running = run.state === 'running';
  const stateText =
    run.state === 'idle'
      ? t('scripts.state.idle')
      : t(`scripts.state.${run.state}`, { line: run.line, message: run.message ?? '' });
  const nameOf = (s: { id: string; name: string; builtin?: boolean }) => (s.builtin ? t(`scripts.builtin.${s.id}`, { defaultValue: s.name }) : s.name);

  return (
    <section className="scripts-pane" aria-label={t('scripts.label')}>
      <div className="scripts-bar" role="toolbar" aria-label={t('scripts.label')}>
        <select aria-label={t('scripts.choose')} value={script?.id ?? ''} disabled={running} onChange={(e) => store.getState().selectScript(e.target.value)}>
          {scripts.map((s) => (
            <option key={s.id} value={s.id}>
              {nameOf(s)}
            </option>
          ))}
        </select>
        <button type="button" disabled={running} onClick={() => store.getState().newScript(t('scripts.newName'))}>
          {t('scripts.new')}
        </button>
        {script && !script.builtin && (
          <>
            <button
              type="button"
              onClick={() => {
                const name = window.prompt(t('scripts.renamePrompt'), script.name);
                if (name) store.getState().renameScript(script.id, name);
              }}
            >
              {t('scripts.rename')}
            </button>
            <button type="button" disabled={running} onClick={() => store.getState().deleteScript(script.id)}>
              {t('scripts.delete')}
            </button>
          </>
        )}
        {script?.builtin && (
          <button type="button" disabled={running} onClick={() => store.getState().restoreScript(script.id)}>
            {t('scripts.restore')}
          </button>
        )}
        <span className="tb-sep" />
        <button type="button" disabled={running} onClick={() => void sendLine()} title="Ctrl+Enter">
          {t('scripts.sendLine')}
        </button>
        <button type="button" disabled={running} onClick={() => void store.getState().runScript()}>
          {t('scripts.runAll')}
        </button>
        <button type="button" disabled={!running} onClick={() => store.getState().stopScript()}>
          {t('scripts.stop')}
        </button>
        <label>
          {t('scripts.timeout')}
          <input
            type="number"
            className="scripts-timeout"
            min={1}
            max={120}
            value={Math.round(timeoutMs / 1000)}
            onChange={(e) => store.getState().setScriptTimeout(Number(e.target.value) * 1000)}
          />
        </label>
      </div>
      <p className={`scripts-state state-${run.state}`} role="status" data-state={run.state}>
        {stateText}
      </p>
      <div className="scripts-editor">
        {script && (
          <Editor
            path={`wirelab-script-${script.id}`}
            language={SCRIPT_LANGUAGE}
            theme={SCRIPT_THEMES[theme]}
            value={script.text}
            loading=""
            beforeMount={() => registerScriptLanguage(() => store.getState().labServer?.accounts ?? [])}
            onMount={onMount}
            onChange={(value) => store.getState().setScriptText(script.id, value ?? '')}
            options={{
              ariaLabel: t('scripts.editor'),
              minimap: { enabled: false },
              lineNumbers: 'on',
              glyphMargin: false,
              folding: false,
              scrollBeyondLastLine: false,
              automaticLayout: true,
              fontSize: 13,
              wordWrap: 'off',
              readOnly: running,
              quickSuggestions: { other: true, comments: false, strings: false },
              wordBasedSuggestions: 'off',
              stickyScroll: { enabled: false },
              fixedOverflowWidgets: true,
              suggest: { showWords: false, showStatusBar: false },
            }}
          />
        )}
      </div>
      <p className="scripts-help">{t('scripts.help')}</p>
    </section>
  );
}
