/** Main toolbar: open / save, capture controls, go to / find, language and theme switches. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { LANGUAGES, type Language } from '../../i18n/index';
import { useApp, useAppStore } from '../../store/index';
import type { Theme } from '../../store/slices/prefs';
import { CaptureControls } from './CaptureControls';

export function Toolbar() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { language, theme, hasFrames } = useApp(useShallow((s) => ({ language: s.language, theme: s.theme, hasFrames: s.counts.frames > 0 })));
  return (
    <div role="toolbar" aria-label={t('toolbar.label')} className="toolbar">
      <span className="app-name">{t('app.title')}</span>
      <div className="tb-group">
        <button type="button" onClick={() => void store.getState().openFile()} title="Ctrl+O">
          {t('toolbar.open')}
        </button>
        <button type="button" disabled={!hasFrames} onClick={() => store.getState().openDialog('save')} title="Ctrl+S">
          {t('toolbar.save')}
        </button>
      </div>
      <CaptureControls />
      <div className="tb-group">
        <button type="button" disabled={!hasFrames} onClick={() => store.getState().openDialog('goto')} title="Ctrl+G">
          {t('toolbar.goTo')}
        </button>
        <button type="button" disabled={!hasFrames} onClick={() => store.getState().openDialog('find')} title="Ctrl+F">
          {t('toolbar.find')}
        </button>
      </div>
      <div className="tb-group tb-end">
        <select aria-label={t('toolbar.language')} value={language} onChange={(e) => store.getState().setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.name}
            </option>
          ))}
        </select>
        <select aria-label={t('toolbar.theme')} value={theme} onChange={(e) => store.getState().setTheme(e.target.value as Theme)}>
          <option value="system">{t('toolbar.themeSystem')}</option>
          <option value="light">{t('toolbar.themeLight')}</option>
          <option value="dark">{t('toolbar.themeDark')}</option>
        </select>
      </div>
    </div>
  );
}
