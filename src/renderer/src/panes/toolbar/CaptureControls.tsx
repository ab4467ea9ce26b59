/** Capture controls: interface picker (capture.interfaces) and start / stop / restart; engine errors shown as given. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore } from '../../store/index';

export function CaptureControls() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { interfaces, error, selected, state } = useApp(
    useShallow((s) => ({ interfaces: s.interfaces, error: s.interfacesError, selected: s.selectedInterface, state: s.captureStatus.state })),
  );
  const capturing = state === 'capturing';
  return (
    <div className="tb-group" role="group" aria-label={t('toolbar.interface')}>
      <select
        aria-label={t('toolbar.interface')}
        value={selected}
        onFocus={() => interfaces === null && void store.getState().loadInterfaces()}
        onChange={(e) => store.getState().selectInterface(e.target.value)}
        disabled={capturing}
      >
        <option value="">{t('toolbar.noInterface')}</option>
        {(interfaces ?? []).map((i) => (
          <option key={i.name} value={i.name} disabled={!i.canCapture} title={i.why ?? i.description}>
            {i.name}
            {i.description ? ` — ${i.description}` : ''}
            {i.canCapture ? '' : ` (${i.why ?? ''})`}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void store.getState().loadInterfaces()}>
        {t('toolbar.loadInterfaces')}
      </button>
      <button type="button" disabled={capturing} onClick={() => void store.getState().startCapture()}>
        {t('toolbar.start')}
      </button>
      <button type="button" disabled={!capturing} onClick={() => void store.getState().stopCapture()}>
        {t('toolbar.stop')}
      </button>
      <button type="button" disabled={!capturing} onClick={() => void store.getState().restartCapture()}>
        {t('toolbar.restart')}
      </button>
      {error !== null && (
        <span className="tb-error" role="alert">
          {t('capture.notAvailable', { error })}
        </span>
      )}
    </div>
  );
}
