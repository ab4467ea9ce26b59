/** Credentials table: protocol, mechanism, user, decoded password (maskable), packet link, accepted or not. */
import { useTranslation } from 'react-i18next';
import type { Credential } from '../../../../shared/contract';
import { useAppStore } from '../../store/index';

export function CredentialsTable({ credentials, mask }: { credentials: readonly Credential[]; mask: boolean }) {
  const { t } = useTranslation();
  const store = useAppStore();
  return (
    <table className="lab-table credentials-table">
      <thead>
        <tr>
          <th>{t('analysis.protocol')}</th>
          <th>{t('analysis.mechanism')}</th>
          <th>{t('analysis.user')}</th>
          <th>{t('analysis.password')}</th>
          <th>{t('analysis.frame')}</th>
          <th>{t('analysis.success')}</th>
        </tr>
      </thead>
      <tbody>
        {credentials.map((c, i) => (
          <tr key={`${c.stream}-${c.frame}-${i}`} className={c.success === false ? 'rejected' : undefined}>
            <td>{c.protocol === 'smtp' ? 'SMTP' : 'POP3'}</td>
            <td>{c.mechanism}</td>
            <td className="mono">{c.username}</td>
            <td className="mono" data-password>
              {mask ? '•'.repeat(Math.max(6, c.password.length)) : c.password}
            </td>
            <td>
              {c.frame > 0 && (
                <button type="button" className="link" onClick={() => void store.getState().goToFrame(c.frame)}>
                  {c.frame}
                </button>
              )}
            </td>
            <td>{c.success === true ? t('analysis.accepted') : c.success === false ? t('analysis.rejected') : t('analysis.unanswered')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
