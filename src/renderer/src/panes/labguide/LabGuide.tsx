/**
 * Lab guide ("Lab guide"): the handout's SMTP and POP3 steps, ticked from `lab.steps` (the lab slice
 * refreshes them as the capture grows). Each step is a list item with `aria-checked`; a failed step
 * (535, -ERR…) is marked failed and shows the server's reply. A step's packet link selects the frame of
 * the server's reply in the Packet List. Below: what one line in N segments means, and the decoded
 * credentials with a mask for projection.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { LabStep } from '../../../../shared/contract';
import { useApp, useAppStore } from '../../store/index';
import { CredentialsTable } from '../analysis/CredentialsTable';

/** GUIDE_STEPS are the handout's steps in order (ids of src/main/engine/lab/checklist.ts). */
export const GUIDE_STEPS = {
  smtp: ['smtp.greeting', 'smtp.ehlo', 'smtp.auth.start', 'smtp.auth.user', 'smtp.auth.pass', 'smtp.mail', 'smtp.rcpt', 'smtp.data', 'smtp.message', 'smtp.quit'],
  pop: ['pop.greeting', 'pop.user', 'pop.pass', 'pop.stat', 'pop.list', 'pop.retr', 'pop.quit'],
} as const;

const MARK = { passed: '✓', failed: '✗', missing: '○' } as const;

function StepItem({ id, step }: { id: string; step: LabStep | undefined }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const status = step?.status ?? 'missing';
  const goTo = async (frame: number) => {
    if (!(await store.getState().goToFrame(frame))) store.getState().notify('info', t('console.frameNotShown', { frame }));
  };
  return (
    <li className={`guide-step status-${status}`} aria-checked={status === 'passed'} data-step={id} data-status={status} aria-invalid={status === 'failed' || undefined}>
      <span className="guide-mark" aria-hidden="true">
        {MARK[status]}
      </span>
      <div className="guide-body">
        <div className="guide-title">
          <span>{t(`labguide.steps.${id}.title`)}</span>
          <span className="guide-status">{t(`labguide.${status}`)}</span>
          {step?.frame !== undefined && (
            <button type="button" className="guide-frame link" data-frame={step.frame} onClick={() => void goTo(step.frame!)}>
              {t('labguide.frame', { frame: step.frame })}
            </button>
          )}
        </div>
        {step?.detail !== undefined && <div className="guide-reply">{t('labguide.reply', { reply: step.detail })}</div>}
        <div className="guide-explain">{t(`labguide.steps.${id}.explain`)}</div>
      </div>
    </li>
  );
}

export function LabGuide() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { steps, credentials, mask } = useApp(useShallow((s) => ({ steps: s.labSteps, credentials: s.credentials, mask: s.maskPasswords })));

  useEffect(() => {
    void store.getState().refreshLab();
  }, [store]);

  const byId = new Map(steps.map((s) => [s.id, s]));
  const total = GUIDE_STEPS.smtp.length + GUIDE_STEPS.pop.length;
  const passed = [...GUIDE_STEPS.smtp, ...GUIDE_STEPS.pop].filter((id) => byId.get(id)?.status === 'passed').length;
  return (
    <section className="lab-guide" aria-label={t('labguide.label')}>
      <div className="guide-head">
        <span className="guide-progress" role="status">
          {t('labguide.progress', { passed, total })}
        </span>
        <button type="button" onClick={() => void store.getState().refreshLab()}>
          {t('labguide.refresh')}
        </button>
      </div>
      {(['smtp', 'pop'] as const).map((protocol) => (
        <div key={protocol} className="guide-group">
          <h3>{t(`labguide.${protocol}`)}</h3>
          <ol className="guide-steps" aria-label={t(`labguide.${protocol}`)}>
            {GUIDE_STEPS[protocol].map((id) => (
              <StepItem key={id} id={id} step={byId.get(id)} />
            ))}
          </ol>
        </div>
      ))}
      <p className="guide-note">{t('labguide.segments')}</p>
      <h3>{t('labguide.credentials')}</h3>
      <label className="guide-mask">
        <input type="checkbox" checked={mask} onChange={(e) => store.getState().setMaskPasswords(e.target.checked)} />
        {t('labguide.mask')}
      </label>
      {credentials.length === 0 ? <p className="pane-empty">{t('labguide.noCredentials')}</p> : <CredentialsTable credentials={credentials} mask={mask} />}
    </section>
  );
}
