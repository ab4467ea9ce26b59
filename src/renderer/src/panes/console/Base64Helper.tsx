/** Base64 helper beside the console: encode / decode UTF-8 text (Chinese included) and insert the result at the prompt. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { base64DecodeText, base64EncodeText } from '../../../../shared/base64';
import { useAppStore } from '../../store/index';

export function Base64Helper() {
  const { t } = useTranslation();
  const store = useAppStore();
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="base64-helper" aria-label={t('base64.label')}>
      <h3>{t('base64.label')}</h3>
      <label>
        {t('base64.input')}
        <textarea rows={2} value={input} spellCheck={false} onChange={(e) => setInput(e.target.value)} />
      </label>
      <div className="b64-buttons">
        <button
          type="button"
          onClick={() => {
            setOutput(base64EncodeText(input));
            setError(null);
          }}
        >
          {t('base64.encode')}
        </button>
        <button
          type="button"
          onClick={() => {
            const decoded = base64DecodeText(input.trim());
            if (decoded === undefined) {
              setError(t('base64.invalid'));
              setOutput('');
            } else {
              setOutput(decoded);
              setError(null);
            }
          }}
        >
          {t('base64.decode')}
        </button>
        <button type="button" disabled={output === ''} onClick={() => store.getState().consoleInsert(output)}>
          {t('base64.insert')}
        </button>
      </div>
      <label>
        {t('base64.output')}
        <textarea rows={2} value={output} readOnly spellCheck={false} />
      </label>
      {error !== null && (
        <p className="b64-error" role="alert">
          {error}
        </p>
      )}
      <p className="b64-hint">{t('base64.hint')}</p>
    </section>
  );
}
