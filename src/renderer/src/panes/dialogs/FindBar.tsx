/** Find packet (Ctrl+F): by display filter, string or hex value, through `view.find`, forwards or backwards. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index';

type Kind = 'filter' | 'string' | 'hex';

export function FindBar() {
  const { t } = useTranslation();
  const store = useAppStore();
  const [kind, setKind] = useState<Kind>('string');
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const find = async (backwards: boolean) => {
    const s = store.getState();
    setMessage('');
    try {
      const result = await s.client['view.find'](kind, text, s.selectedFrame ?? 0, backwards);
      if (result === null) setMessage(t('find.notFound'));
      else if ('error' in result) setMessage(result.error);
      else await s.goToFrame(result.frame);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form
      className="find-bar"
      role="search"
      aria-label={t('find.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void find(false);
      }}
      onKeyDown={(e) => e.key === 'Escape' && store.getState().closeDialog()}
    >
      <label>
        <span>{t('find.kind')}</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="filter">{t('find.filter')}</option>
          <option value="string">{t('find.string')}</option>
          <option value="hex">{t('find.hex')}</option>
        </select>
      </label>
      <label>
        <span>{t('find.text')}</span>
        <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <button type="submit">{t('find.next')}</button>
      <button type="button" onClick={() => void find(true)}>
        {t('find.previous')}
      </button>
      <button type="button" onClick={() => store.getState().closeDialog()}>
        {t('find.close')}
      </button>
      {message && (
        <span className="find-message" role="alert">
          {message}
        </span>
      )}
    </form>
  );
}
