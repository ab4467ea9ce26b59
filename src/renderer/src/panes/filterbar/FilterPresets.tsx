/** Lab filter presets: one click applies the filters the lab uses, plus the lab server's own ports. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore } from '../../store/index';

/** LAB_PRESETS are the handout's filters. */
export const LAB_PRESETS = ['smtp', 'pop', 'smtp || pop', 'tcp.port==25', 'tcp.port==110'] as const;

export function FilterPresets() {
  const { t } = useTranslation();
  const store = useAppStore();
  const lab = useApp(useShallow((s) => ({ running: s.labServer?.running ?? false, smtp: s.labServer?.smtpPort ?? 0, pop: s.labServer?.popPort ?? 0 })));
  const presets: string[] = [...LAB_PRESETS];
  if (lab.running && (lab.smtp !== 25 || lab.pop !== 110)) presets.push(`tcp.port==${lab.smtp} || tcp.port==${lab.pop}`);
  return (
    <div className="filter-presets" role="group" aria-label={t('toolbar.presets')}>
      {presets.map((p) => (
        <button key={p} type="button" className="preset" onClick={() => void store.getState().applyFilter(p)}>
          {p}
        </button>
      ))}
    </div>
  );
}
