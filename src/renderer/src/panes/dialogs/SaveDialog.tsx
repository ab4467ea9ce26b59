/**
 * Save dialog: path, format (pcap / pcapng) and which packets (all, displayed, marked). In Electron the
 * host only writes where the user chose in its native Save dialog, so there the path comes from
 * `dialog.saveFile` when Save is pressed instead of a text field.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaveOptions } from '../../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';
import { errorText } from '../../store/types';
import { errorSince } from '../../store/slices/ui';
import { isAbsolutePath } from './paths';

export function SaveDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const counts = useApp((s) => s.counts);
  const native = useApp((s) => s.host === 'electron');
  const [format, setFormat] = useState<SaveOptions['format']>(info.format ?? 'pcapng');
  const [which, setWhich] = useState<'all' | 'displayed' | 'marked'>('all');
  const [path, setPath] = useState(() => (info.path ? info.path.replace(/\.(pcapng|pcap)$/, '') + '-saved.' + (info.format ?? 'pcapng') : ''));
  /** why the last Save did not save (also in the message strip, which the dialog covers) */
  const [failure, setFailure] = useState<string | null>(null);
  /** the path of an existing file the user is asked to replace */
  const [replacing, setReplacing] = useState<string | null>(null);
  const save = async (replace = false) => {
    const s = store.getState();
    setFailure(null);
    setReplacing(null);
    let target = path.trim();
    if (native) {
      const suggested = (target.split(/[\\/]/).pop() || `capture.${format}`).replace(/\.(pcapng|pcap)$/, '') + '.' + format;
      let chosen: string | null;
      try {
        chosen = await s.client['dialog.saveFile'](suggested);
      } catch (error) {
        s.notify('error', errorText(error));
        return;
      }
      if (chosen === null) return;
      target = chosen;
      // The native dialog asked before replacing a file.
      replace = true;
    } else if (!isAbsolutePath(target)) {
      setFailure(t('save.needAbsolute'));
      return;
    }
    const before = s.notices.at(-1)?.id;
    const saved = await s.saveFile(target, { format, which, replace });
    if (saved === 'exists') {
      setReplacing(target);
      return;
    }
    if (saved) {
      s.notify('info', t('save.saved', { frames: which === 'all' ? s.counts.frames : which === 'marked' ? s.counts.marked : s.counts.displayed, path: target }));
      s.closeDialog();
      // "Save before Continue": the action that asked goes on (a part saved counts as the user's choice).
      s.unsavedSaveDone(true);
      return;
    }
    setFailure(errorSince(store.getState().notices, before));
  };
  const cancel = () => {
    store.getState().closeDialog();
    store.getState().unsavedSaveDone(false);
  };
  const count = which === 'all' ? counts.frames : which === 'marked' ? counts.marked : counts.displayed;
  return (
    <Dialog title={t('save.title')} onClose={cancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {!native && (
          <label className="field">
            <span>{t('save.path')}</span>
            <input
              value={path}
              onChange={(e) => {
                setPath(e.target.value);
                setReplacing(null);
              }}
              spellCheck={false}
            />
          </label>
        )}
        <label className="field">
          <span>{t('save.format')}</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as SaveOptions['format'])}>
            <option value="pcapng">pcapng</option>
            <option value="pcap">pcap</option>
          </select>
        </label>
        <label className="field">
          <span>{t('save.which')}</span>
          <select value={which} onChange={(e) => setWhich(e.target.value as typeof which)}>
            <option value="all">{t('save.all', { count: counts.frames })}</option>
            <option value="displayed" disabled={counts.displayed === 0}>
              {t('save.displayed', { count: counts.displayed })}
            </option>
            <option value="marked" disabled={counts.marked === 0}>
              {t('save.marked', { count: counts.marked })}
            </option>
          </select>
        </label>
        {failure !== null && (
          <p className="dialog-error" role="alert">
            {failure}
          </p>
        )}
        {replacing !== null && (
          <p className="dialog-error" role="alert">
            {t('save.exists', { path: replacing })}
          </p>
        )}
        <div className="dialog-buttons">
          {replacing !== null ? (
            <button type="button" onClick={() => void save(true)}>
              {t('save.replace')}
            </button>
          ) : (
            <button type="submit" disabled={count === 0 || (!native && path.trim() === '')}>
              {native ? t('save.choose') : t('save.save')}
            </button>
          )}
          <button type="button" onClick={cancel}>
            {t('save.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
