/**
 * Unsaved packets dialog, as Wireshark asks before an unsaved capture is replaced (Open…, Start or
 * Restart capture): Save before Continue (stops a running capture, then the Save dialog; the action goes
 * on once saved), Continue without Saving, Cancel. Closing it cancels.
 */
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';

export function UnsavedDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const prompt = useApp((s) => s.unsavedPrompt);
  const frames = useApp((s) => s.counts.frames);
  if (prompt === null) return null;
  const answer = (a: 'save' | 'discard' | 'cancel') => void store.getState().answerUnsaved(a);
  const what = t(`unsaved.before.${prompt.before}`);
  return (
    <Dialog title={t('unsaved.title')} onClose={() => answer('cancel')}>
      <p data-testid="unsaved-question">{t(prompt.capturing ? 'unsaved.questionStop' : 'unsaved.question', { what, count: frames })}</p>
      <p className="dialog-hint">{t('unsaved.note')}</p>
      <div className="dialog-buttons">
        <button type="button" onClick={() => answer('save')}>
          {t('unsaved.save')}
        </button>
        <button type="button" onClick={() => answer('discard')}>
          {t('unsaved.discard')}
        </button>
        <button type="button" onClick={() => answer('cancel')}>
          {t('unsaved.cancel')}
        </button>
      </div>
    </Dialog>
  );
}
