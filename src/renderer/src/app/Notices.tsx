/** Notices: the reconnect banner and the messages strip (engine errors in the engine's words). */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore } from '../store/index';

export function Notices() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { notices, connection } = useApp(useShallow((s) => ({ notices: s.notices, connection: s.connection })));
  if (notices.length === 0 && connection !== 'closed') return null;
  return (
    <div className="notices" aria-label={t('app.notices')}>
      {connection === 'closed' && (
        <div className="notice error" role="alert">
          {t('app.reconnecting')}
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{n.text}</span>
          <button type="button" className="notice-close" aria-label={t('app.dismiss')} onClick={() => store.getState().dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
