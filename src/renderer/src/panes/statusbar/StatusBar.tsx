/** Status bar: file name, packets captured / displayed / marked, capture state, lab server, connection. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index';

export function StatusBar() {
  const { t } = useTranslation();
  const { info, counts, capture, lab, connection } = useApp(
    useShallow((s) => ({ info: s.info, counts: s.counts, capture: s.captureStatus, lab: s.labServer, connection: s.connection })),
  );
  const file = info.fileName ?? (info.source === 'live' ? capture.iface ?? 'live' : t('status.noFile'));
  const labState = !lab
    ? '…'
    : lab.running
      ? t('status.labRunning', { host: lab.host, smtp: lab.smtpPort, pop: lab.popPort })
      : lab.error
        ? t('status.labError', { error: lab.error })
        : t('status.labStopped');
  return (
    <footer className="status-bar" role="status" aria-label={t('status.label')} aria-live="off">
      <span className="sb-file" title={info.path}>
        {file}
        {info.recovered ? ` (${t('status.recovered')})` : ''}
        {info.unsaved ? ` (${t('status.unsaved')})` : ''}
      </span>
      <span data-testid="count-frames">{t('status.packets', { frames: counts.frames })}</span>
      <span data-testid="count-displayed">{t('status.displayed', { displayed: counts.displayed })}</span>
      <span data-testid="count-marked">{t('status.marked', { marked: counts.marked })}</span>
      <span
        className={`sb-capture state-${capture.state}`}
        title={capture.excluded ? t('status.excludedTitle', { connection: capture.excluded }) : undefined}
      >
        {t('status.capture', { state: t(`status.captureStates.${capture.state}`) })}
        {capture.excluded ? ` ${t('status.excluded', { connection: capture.excluded })}` : ''}
      </span>
      <span className="sb-lab">{t('status.lab', { state: labState })}</span>
      <span className={`sb-conn conn-${connection}`}>{t(`status.connection.${connection}`)}</span>
    </footer>
  );
}
