/** Open dialog of the web build: a browser cannot give paths, so the user types one or picks a recent file. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';
import { errorSince } from '../../store/slices/ui';
import { isAbsolutePath } from './paths';

export function OpenDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const recent = useApp((s) => s.recentFiles);
  const opening = useApp((s) => s.opening);
  const [path, setPath] = useState(recent[0] ?? '');
  /** why the last path could not be opened (also in the message strip, which the dialog covers) */
  const [failure, setFailure] = useState<string | null>(null);
  const open = async (p: string) => {
    setFailure(null);
    if (!isAbsolutePath(p.trim())) {
      setFailure(t('open.needAbsolute'));
      return;
    }
    const before = store.getState().notices.at(-1)?.id;
    if (await store.getState().openFile(p, true)) store.getState().closeDialog();
    else setFailure(errorSince(store.getState().notices, before));
  };
  return (
    <Dialog title={t('open.title')} onClose={() => store.getState().closeDialog()}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void open(path);
        }}
      >
        <label className="field">
          <span>{t('open.path')}</span>
          <input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} placeholder="/home/student/smtp.pcapng" />
        </label>
        <p className="dialog-hint">{t('open.pathHint')}</p>
        {failure !== null && (
          <p className="dialog-error" role="alert">
            {failure}
          </p>
        )}
        <h3>{t('open.recent')}</h3>
        {recent.length === 0 ? (
          <p className="dialog-hint">{t('open.noRecent')}</p>
        ) : (
          <ul className="recent-list">
            {recent.map((r) => (
              <li key={r}>
                <button type="button" className="link" onClick={() => void open(r)}>
                  {r}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={opening || path.trim() === ''}>
            {opening ? t('open.opening') : t('open.open')}
          </button>
          <button type="button" onClick={() => store.getState().closeDialog()}>
            {t('open.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
