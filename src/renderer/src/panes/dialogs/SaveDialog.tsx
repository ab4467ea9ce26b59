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

export function SaveDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const native = useApp((s) => s.host === 'electron');
  const [format, setFormat] = useState<SaveOptions['format']>(info.format ?? 'pcapng');
  const [which, setWhich] = useState<'all' | 'displayed' | 'marked'>('all');
  const [path, setPath] = useState(() => (info.path ? info.path.replace(/\.(pcapng|pcap)$/, '') + '-saved.' + (info.format ?? 'pcapng') : ''));
  const save = async () => {
    const s = store.getState();
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
    }
    if (await s.saveFile(target, { format, which })) {
      s.notify('info', t('save.saved', { frames: which === 'all' ? s.counts.frames : which === 'marked' ? s.counts.marked : s.counts.displayed, path: target }));
      s.closeDialog();
      // "Save before Continue": the action that asked goes on (a part saved counts as the user's choice).
      s.unsavedSaveDone(true);
    }
  };
  const cancel = () => {
    store.getState().closeDialog();
    store.getState().unsavedSaveDone(false);
  };
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
            <input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
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
            <option value="all">{t('save.all')}</option>
            <option value="displayed">{t('save.displayed')}</option>
            <option value="marked">{t('save.marked')}</option>
          </select>
        </label>
        <div className="dialog-buttons">
          <button type="submit" disabled={!native && path.trim() === ''}>
            {native ? t('save.choose') : t('save.save')}
          </button>
          <button type="button" onClick={cancel}>
            {t('save.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
