/** FilterMessage: the line under the bar — state, the error or warning message, and the hint. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index';

export function FilterMessage() {
  const { t } = useTranslation();
  const { check, busy, feedback, feedbackText, text, applied } = useApp(
    useShallow((s) => ({
      check: s.filterCheck,
      busy: s.filterBusy,
      feedback: s.filterFeedback,
      feedbackText: s.filterFeedbackText,
      text: s.filterText,
      applied: s.appliedFilter,
    })),
  );
  let state: string;
  let message: string | undefined;
  let hint: string | undefined;
  switch (check.kind) {
    case 'empty':
      state = t('filter.stateEmpty');
      break;
    case 'incomplete':
      state = t('filter.stateIncomplete');
      break;
    case 'valid':
      state = t('filter.stateValid');
      break;
    case 'deprecated':
      state = t('filter.stateDeprecated');
      message = check.warnings?.map((w) => w.message).join(' ');
      hint = check.warnings?.find((w) => w.hint)?.hint;
      break;
    case 'invalid':
      state = t('filter.stateInvalid');
      message = check.message;
      hint = check.hint;
      break;
  }
  if (busy) state = t('filter.applying');
  else if (feedback?.ok && feedbackText === text && applied === text && (check.kind === 'valid' || check.kind === 'deprecated' || check.kind === 'empty')) {
    state = t('filter.applied', { count: feedback.displayed ?? 0 });
  } else if (feedback && !feedback.ok && feedbackText === text && feedback.timedOut) {
    message = feedback.message;
  }
  return (
    <div className={`filter-message state-${check.kind}`} role="status" aria-live="polite" data-testid="filter-message">
      <span className="fm-state">{state}</span>
      {message && <span className="fm-text">{message}</span>}
      {hint && <span className="fm-hint">{t('filter.hint', { hint })}</span>}
    </div>
  );
}
