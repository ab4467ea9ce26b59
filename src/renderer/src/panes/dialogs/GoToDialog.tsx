/** Go to packet (Ctrl+G): selects a frame by number through `view.indexOf`. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { useAppStore } from '../../store/index';

export function GoToDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const go = async () => {
    const frame = Number(text.trim());
    if (!Number.isInteger(frame) || frame < 1) {
      setError(t('goto.invalid'));
      return;
    }
    if (await store.getState().goToFrame(frame)) {
      store.getState().closeDialog();
      document.querySelector<HTMLElement>('.packet-list')?.focus();
    } else setError(t('goto.notDisplayed', { frame }));
  };
  return (
    <Dialog title={t('goto.title')} onClose={() => store.getState().closeDialog()}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go();
        }}
      >
        <label className="field">
          <span>{t('goto.number')}</span>
          <input inputMode="numeric" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        {error && (
          <p className="dialog-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit">{t('goto.go')}</button>
          <button type="button" onClick={() => store.getState().closeDialog()}>
            {t('goto.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
