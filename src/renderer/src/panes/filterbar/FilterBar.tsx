/**
 * Display filter bar ("Display filter"): Monaco as a one-line editor with the filter language's colours
 * and completion. Its background shows the shared `filterState`: neutral while empty or still typing,
 * green valid, amber warnings (deprecated fields), red invalid with the message and hint underneath
 * (FilterMessage) and the offending token underlined. Enter applies (`view.setFilter`); recent filters
 * are one click away.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useResolvedTheme } from '../../app/theme';
import { useApp, useAppStore } from '../../store/index';
import { setFilterBarFocus } from './focus';
import { FILTER_LANGUAGE, FILTER_THEMES, registerFilterLanguage, updateProtocols } from './language';
import { monaco } from './monaco';
import { FilterMessage } from './FilterMessage';
import { FilterPresets } from './FilterPresets';

const MARKER_OWNER = 'wirelab-filter';

export function FilterBar() {
  const { t } = useTranslation();
  const store = useAppStore();
  const theme = useResolvedTheme();
  const { text, check, recent, registry, busy } = useApp(
    useShallow((s) => ({ text: s.filterText, check: s.filterCheck, recent: s.recentFilters, registry: s.registry, busy: s.filterBusy })),
  );
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    if (registry) updateProtocols(registry);
  }, [registry]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers: monaco.editor.IMarkerData[] = [];
    const mark = (severity: monaco.MarkerSeverity, message: string, start = 0, length = 0) =>
      markers.push({ severity, message, startLineNumber: 1, endLineNumber: 1, startColumn: start + 1, endColumn: start + Math.max(1, length) + 1 });
    if (check.kind === 'invalid' && check.message) mark(monaco.MarkerSeverity.Error, check.message, check.start, check.length);
    for (const w of check.warnings ?? []) mark(monaco.MarkerSeverity.Warning, w.message, w.start, w.length);
    monaco.editor.setModelMarkers(model, MARKER_OWNER, markers);
  }, [check]);

  useEffect(() => () => setFilterBarFocus(null), []);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    setFilterBarFocus(() => editor.focus());
    // addAction, not addCommand: a standalone addCommand keybinding is global and would take Enter from every other Monaco editor.
    editor.addAction({
      id: 'wirelab.applyFilter',
      label: t('filter.apply'),
      keybindings: [monaco.KeyCode.Enter],
      // As in Wireshark: Enter applies what was typed, also while the completion list is open, unless a
      // completion was picked with the arrow keys (then Enter inserts it). The list opens with nothing
      // selected (suggest.selectionMode below); Tab inserts the first completion.
      precondition: '!suggestWidgetHasFocusedSuggestion',
      run: () => {
        editor.trigger('filter-bar', 'hideSuggestWidget', null);
        void store.getState().applyFilter(editor.getValue());
      },
    });
    editor.onDidChangeModelContent(() => {
      const value = editor.getValue();
      // One line only: pasted line breaks become spaces.
      if (/[\r\n]/.test(value)) editor.setValue(value.replace(/[\r\n]+/g, ' '));
    });
  };

  return (
    <div className="filter-row">
      <div className={`filter-bar state-${check.kind}`} data-state={check.kind} role="group" aria-label={t('filter.bar')}>
        <div className="fb-editor">
          <Editor
            height={24}
            language={FILTER_LANGUAGE}
            theme={FILTER_THEMES[theme]}
            value={text}
            loading=""
            beforeMount={() => registerFilterLanguage(() => store.getState().registry)}
            onMount={onMount}
            onChange={(value) => store.getState().setFilterText((value ?? '').replace(/[\r\n]+/g, ' '))}
            options={{
              ariaLabel: t('filter.label'),
              placeholder: t('filter.placeholder'),
              lineNumbers: 'off',
              glyphMargin: false,
              folding: false,
              lineDecorationsWidth: 4,
              lineNumbersMinChars: 0,
              minimap: { enabled: false },
              scrollbar: { vertical: 'hidden', horizontal: 'hidden', alwaysConsumeMouseWheel: false },
              overviewRulerLanes: 0,
              overviewRulerBorder: false,
              hideCursorInOverviewRuler: true,
              renderLineHighlight: 'none',
              wordWrap: 'off',
              scrollBeyondLastLine: false,
              fixedOverflowWidgets: true,
              fontSize: 13,
              lineHeight: 22,
              padding: { top: 1, bottom: 1 },
              quickSuggestions: { other: true, strings: true, comments: false },
              suggestOnTriggerCharacters: true,
              wordBasedSuggestions: 'off',
              occurrencesHighlight: 'off',
              selectionHighlight: false,
              links: false,
              automaticLayout: true,
              stickyScroll: { enabled: false },
              suggest: { showWords: false, showStatusBar: false, preview: false, selectionMode: 'never' },
              tabCompletion: 'on',
            }}
          />
        </div>
        <select
          className="fb-recent"
          aria-label={t('filter.recent')}
          value=""
          onChange={(e) => e.target.value !== '' && void store.getState().applyFilter(e.target.value)}
        >
          <option value="">{recent.length === 0 ? t('filter.noRecent') : t('filter.recent')}</option>
          {recent.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void store.getState().applyFilter()}>
          {t('filter.apply')}
        </button>
        <button type="button" onClick={() => void store.getState().applyFilter('')}>
          {t('filter.clear')}
        </button>
      </div>
      <FilterPresets />
      <FilterMessage />
    </div>
  );
}
