/** Follow TCP Stream: the stream's bytes as text, client in one colour and server in the other. */
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';

const decoder = new TextDecoder('utf-8', { fatal: false });

export function FollowDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const result = useApp((s) => s.streamResult);
  if (!result) return null;
  return (
    <Dialog wide title={t('follow.title', { stream: result.stream })} onClose={() => store.getState().closeDialog()}>
      <p className="follow-peers">
        <span className="dir-0">{t('follow.client', { client: result.client })}</span>
        <span className="dir-1">{t('follow.server', { server: result.server })}</span>
      </p>
      <pre className="follow-text">
        {result.chunks.map((chunk, i) => (
          <span key={i} className={`dir-${chunk.dir}`} title={`#${chunk.frame}`}>
            {decoder.decode(chunk.bytes)}
          </span>
        ))}
      </pre>
      <div className="dialog-buttons">
        <button
          type="button"
          onClick={() => {
            void store.getState().applyFilter(`tcp.stream eq ${result.stream}`);
            store.getState().closeDialog();
          }}
        >
          {t('follow.filter')}
        </button>
        <button type="button" onClick={() => store.getState().closeDialog()}>
          {t('follow.close')}
        </button>
      </div>
    </Dialog>
  );
}
