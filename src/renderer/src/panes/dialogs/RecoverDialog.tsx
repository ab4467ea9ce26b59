/**
 * Recover dialog, shown at startup when an earlier run left a live capture unsaved (its spool): when it
 * was taken, its size and packets, and three choices — Recover (open it as an unsaved capture), Save as…
 * (recover, then the Save dialog) and Discard (delete the spool). Closing the dialog keeps the spool for
 * the next start. Several spools are offered one after another, newest first.
 */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { RecoverableCapture } from '../../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';

/** sizeText writes a byte count as people read it (1.2 MB, 950 kB, 812 bytes). */
export function sizeText(bytes: number, language: string): string {
  const number = (n: number) => n.toLocaleString(language, { maximumFractionDigits: 1 });
  if (bytes >= 1e9) return `${number(bytes / 1e9)} GB`;
  if (bytes >= 1e6) return `${number(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${number(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** whenText is the capture's start time (HH:MM today, else with the date). */
function whenText(spool: RecoverableCapture, language: string): string {
  const at = new Date(spool.started ?? spool.modified);
  const today = new Date().toDateString() === at.toDateString();
  return today
    ? at.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' })
    : at.toLocaleString(language, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function RecoverDialog() {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const { spool, more, busy } = useApp(
    useShallow((s) => ({ spool: s.recoverable[0], more: s.recoverable.length - 1, busy: s.recovering })),
  );
  if (!spool) return null;
  const language = i18n.language;
  const s = () => store.getState();
  const size = sizeText(spool.bytes, language);
  const details =
    spool.packets !== undefined ? t('recover.sizePackets', { size, count: spool.packets }) : t('recover.size', { size });
  return (
    <Dialog title={t('recover.title')} onClose={() => s().skipRecoverable(spool.path)}>
      <p data-testid="recover-message">{t('recover.message', { when: whenText(spool, language), details })}</p>
      {spool.iface !== undefined && <p className="dialog-hint">{t('recover.iface', { iface: spool.iface })}</p>}
      <p className="dialog-hint recover-path" title={spool.path}>
        {spool.path}
      </p>
      {more > 0 && <p className="dialog-hint">{t('recover.more', { count: more })}</p>}
      <div className="dialog-buttons">
        <button type="button" disabled={busy} onClick={() => void s().recoverCapture(spool.path)}>
          {t('recover.recover')}
        </button>
        <button type="button" disabled={busy} onClick={() => void s().recoverCapture(spool.path, true)}>
          {t('recover.saveAs')}
        </button>
        <button type="button" disabled={busy} onClick={() => void s().discardRecoverable(spool.path)}>
          {t('recover.discard')}
        </button>
      </div>
    </Dialog>
  );
}
