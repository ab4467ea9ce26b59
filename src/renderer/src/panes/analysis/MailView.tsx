/**
 * Mail view: every message of `mail.messages` (sent over SMTP DATA or retrieved with POP3 RETR/TOP) with
 * From, To, Subject (decoded by the engine), Date, the body and the attachments. Saving: in the desktop
 * app the native Save dialog picks a path and `mail.saveMessage` / `mail.saveAttachment` write it; in a
 * browser (no native dialogs) the message's raw bytes, or the attachment from `mail.attachment`, are
 * downloaded.
 */
import { useTranslation } from 'react-i18next';
import type { MailMessage } from '../../../../shared/contract';
import { errorText } from '../../store/types';
import { useApp, useAppStore, type AppStore } from '../../store/index';
import { download } from './FollowStreamDialog';

function safeName(name: string, fallback: string): string {
  const clean = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').trim();
  return clean === '' ? fallback : clean.slice(0, 120);
}

async function save(store: AppStore, message: MailMessage, attachment: number | null, savedText: (bytes: number, path: string) => string): Promise<void> {
  const s = store.getState();
  const name =
    attachment === null ? `${safeName(message.subject ?? '', `message-${message.frame}`)}.eml` : safeName(message.attachments[attachment].name, `attachment-${attachment + 1}`);
  try {
    if (s.host === 'electron') {
      const path = await s.client['dialog.saveFile'](name);
      if (path === null) return;
      const result = attachment === null ? await s.client['mail.saveMessage'](message.id, path) : await s.client['mail.saveAttachment'](message.id, attachment, path);
      s.notify('info', savedText(result.bytes, result.path));
    } else if (attachment === null) {
      download(name, message.raw, 'message/rfc822');
    } else {
      const file = await s.client['mail.attachment'](message.id, attachment);
      download(name, file.bytes, file.contentType || 'application/octet-stream');
    }
  } catch (error) {
    s.notify('error', errorText(error));
  }
}

export function MailView() {
  const { t } = useTranslation();
  const store = useAppStore();
  const messages = useApp((s) => s.messages);
  if (messages.length === 0) return <p className="pane-empty">{t('mail.none')}</p>;
  const savedText = (bytes: number, path: string) => t('mail.saved', { bytes, path });
  return (
    <div className="mail-view">
      {messages.map((m) => (
        <article key={m.id} className="mail-message" data-protocol={m.protocol} data-frame={m.frame}>
          <header>
            <span className={`mail-kind ${m.protocol}`}>{m.protocol === 'smtp' ? t('mail.sent') : t('mail.retrieved')}</span>
            <button type="button" className="link" onClick={() => void store.getState().goToFrame(m.frame)}>
              {t('mail.message', { frame: m.frame, stream: m.stream })}
            </button>
            <button type="button" onClick={() => void save(store, m, null, savedText)}>
              {t('mail.saveMessage')}
            </button>
          </header>
          <dl>
            <dt>{t('mail.from')}</dt>
            <dd className="mail-from">{m.from ?? ''}</dd>
            <dt>{t('mail.to')}</dt>
            <dd className="mail-to">{m.to ?? ''}</dd>
            <dt>{t('mail.subject')}</dt>
            <dd className="mail-subject">{m.subject ?? ''}</dd>
            <dt>{t('mail.date')}</dt>
            <dd className="mail-date">{m.date ?? ''}</dd>
          </dl>
          <pre className="mail-body" aria-label={t('mail.body')}>
            {m.body}
          </pre>
          <div className="mail-attachments">
            <strong>{t('mail.attachments')}: </strong>
            {m.attachments.length === 0 ? (
              t('mail.noAttachments')
            ) : (
              <ul>
                {m.attachments.map((a, i) => (
                  <li key={i}>
                    {a.name} ({a.contentType}, {a.size} B){' '}
                    <button type="button" onClick={() => void save(store, m, i, savedText)}>
                      {t('mail.saveAttachment')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </article>
      ))}
    </div>
  );
}
