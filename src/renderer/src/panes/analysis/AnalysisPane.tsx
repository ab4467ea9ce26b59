/**
 * Analysis pane ("Analysis"): Follow TCP Stream by stream number (the dialog also opens from the Packet
 * List's context menu), the mail messages (`mail.messages`), the decoded credentials and the SMTP/POP3
 * conversations (`mail.transcripts`, each line linked to its packet).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore } from '../../store/index';
import { CredentialsTable } from './CredentialsTable';
import { MailView } from './MailView';

type Tab = 'follow' | 'mail' | 'credentials' | 'conversations';
const TABS: Tab[] = ['follow', 'mail', 'credentials', 'conversations'];

function Conversations() {
  const { t } = useTranslation();
  const store = useAppStore();
  const transcripts = useApp((s) => s.transcripts);
  if (transcripts.length === 0) return <p className="pane-empty">{t('analysis.noConversations')}</p>;
  return (
    <div className="conversations">
      {transcripts.map((tr) => (
        <section key={`${tr.protocol}-${tr.stream}`} className="conversation" data-stream={tr.stream}>
          <h4>
            {t('analysis.conversation', { protocol: tr.protocol === 'smtp' ? 'SMTP' : 'POP3', stream: tr.stream })}
            <button type="button" onClick={() => void store.getState().followStream(tr.stream)}>
              {t('analysis.followThis')}
            </button>
          </h4>
          <ol className="transcript">
            {tr.lines.map((line, i) => (
              <li key={i} className={`dir-${line.dir === 'C' ? 0 : 1}`}>
                <button type="button" className="link" onClick={() => void store.getState().goToFrame(line.frame)}>
                  {line.frame}
                </button>
                <span className="mono">
                  {line.dir}: {line.text}
                </span>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

export function AnalysisPane() {
  const { t } = useTranslation();
  const store = useAppStore();
  const [tab, setTab] = useState<Tab>('follow');
  const [stream, setStream] = useState('0');
  const { credentials, mask, streams } = useApp(
    useShallow((s) => ({ credentials: s.credentials, mask: s.maskPasswords, streams: s.transcripts.map((tr) => tr.stream).join(',') })),
  );

  useEffect(() => {
    void store.getState().refreshLab();
  }, [store, tab]);

  return (
    <section className="analysis-pane" aria-label={t('analysis.label')}>
      <div role="tablist" className="lab-tabs small" aria-label={t('analysis.label')}>
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>
            {t(`analysis.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="analysis-body" aria-label={t(`analysis.tabs.${tab}`)}>
        {tab === 'follow' && (
          <form
            className="follow-form"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Number(stream);
              if (Number.isInteger(n) && n >= 0) void store.getState().followStream(n);
            }}
          >
            <label>
              {t('analysis.stream')}
              <input type="number" min={0} value={stream} onChange={(e) => setStream(e.target.value)} list="wirelab-mail-streams" />
              <datalist id="wirelab-mail-streams">
                {streams
                  .split(',')
                  .filter((x) => x !== '')
                  .map((x) => (
                    <option key={x} value={x} />
                  ))}
              </datalist>
            </label>
            <button type="submit">{t('analysis.follow')}</button>
          </form>
        )}
        {tab === 'mail' && <MailView />}
        {tab === 'credentials' &&
          (credentials.length === 0 ? <p className="pane-empty">{t('labguide.noCredentials')}</p> : <CredentialsTable credentials={credentials} mask={mask} />)}
        {tab === 'conversations' && <Conversations />}
      </div>
    </section>
  );
}
