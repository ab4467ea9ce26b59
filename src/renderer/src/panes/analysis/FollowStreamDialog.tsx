/**
 * Follow TCP Stream: the stream of the store's `streamResult` (from the Packet List's "Follow TCP Stream"
 * or the Analysis pane's stream field). Client text and server text in two colours; ASCII, hex dump or
 * raw; both directions or one; find; save (a download in the browser); clicking a piece selects the
 * packet that carried it; "Filter this stream" applies `tcp.stream eq N`.
 */
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { useApp, useAppStore } from '../../store/index';
import { chunkTexts, type FollowMode } from './follow-format';

type Show = 'both' | 0 | 1;

/** download saves text or bytes as a file through the browser. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function FollowStreamDialog() {
  const { t } = useTranslation();
  const store = useAppStore();
  const result = useApp((s) => s.streamResult);
  const [mode, setMode] = useState<FollowMode>('ascii');
  const [show, setShow] = useState<Show>('both');
  const [needle, setNeedle] = useState('');
  const [found, setFound] = useState<{ chunk: number; at: number } | null>(null);
  const [notFound, setNotFound] = useState(false);
  const textRef = useRef<HTMLPreElement>(null);

  const texts = useMemo(() => (result ? chunkTexts(result.chunks, mode) : []), [result, mode]);
  if (!result) return null;
  const bytes = [0, 0];
  const frames = [new Set<number>(), new Set<number>()];
  for (const c of result.chunks) {
    bytes[c.dir] += c.bytes.length;
    frames[c.dir].add(c.frame);
  }
  const visible = result.chunks.map((c, i) => ({ chunk: c, text: texts[i], index: i })).filter((x) => show === 'both' || x.chunk.dir === show);

  const findNext = () => {
    if (needle === '') return;
    const lower = needle.toLowerCase();
    const start = found ? visible.findIndex((v) => v.index === found.chunk) : -1;
    for (let k = 0; k < visible.length; k++) {
      const v = visible[(Math.max(0, start) + k) % visible.length];
      const from = found && v.index === found.chunk && k === 0 ? found.at + 1 : 0;
      const at = v.text.toLowerCase().indexOf(lower, from);
      if (at >= 0) {
        setFound({ chunk: v.index, at });
        setNotFound(false);
        textRef.current?.querySelector(`[data-chunk="${v.index}"]`)?.scrollIntoView({ block: 'center' });
        return;
      }
    }
    setFound(null);
    setNotFound(true);
  };

  const save = () => {
    if (mode === 'raw') {
      const parts = visible.map((v) => v.chunk.bytes);
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      download(`tcp-stream-${result.stream}.bin`, all, 'application/octet-stream');
    } else {
      download(`tcp-stream-${result.stream}.txt`, visible.map((v) => v.text).join(''), 'text/plain;charset=utf-8');
    }
  };

  const renderText = (text: string, index: number) => {
    if (!found || found.chunk !== index) return text;
    return (
      <>
        {text.slice(0, found.at)}
        <mark>{text.slice(found.at, found.at + needle.length)}</mark>
        {text.slice(found.at + needle.length)}
      </>
    );
  };

  return (
    <Dialog wide title={t('stream.title', { stream: result.stream })} onClose={() => store.getState().closeDialog()}>
      <div className="follow-stream" data-stream={result.stream}>
        <p className="follow-peers">
          <span className="dir-0">{t('follow.client', { client: result.client })}</span>
          <span className="dir-1">{t('follow.server', { server: result.server })}</span>
          <span className="follow-summary">{t('stream.summary', { client: frames[0].size, server: frames[1].size })}</span>
        </p>
        <pre ref={textRef} className={`follow-text follow-${mode}`} aria-label={t('stream.title', { stream: result.stream })}>
          {visible.map((v) => (
            <span
              key={v.index}
              className={`follow-chunk dir-${v.chunk.dir}${v.chunk.dir === 1 && mode !== 'ascii' ? ' indent' : ''}`}
              data-chunk={v.index}
              data-frame={v.chunk.frame}
              data-dir={v.chunk.dir}
              title={`#${v.chunk.frame}`}
              onClick={() => {
                if (window.getSelection()?.toString()) return;
                void store.getState().goToFrame(v.chunk.frame);
              }}
            >
              {renderText(v.text, v.index)}
            </span>
          ))}
        </pre>
        <p className="dialog-hint">{t('stream.chunkHint')}</p>
        <div className="follow-controls">
          <label>
            {t('stream.show')}
            <select value={String(show)} onChange={(e) => setShow(e.target.value === 'both' ? 'both' : (Number(e.target.value) as 0 | 1))}>
              <option value="both">{t('stream.both', { bytes: bytes[0] + bytes[1] })}</option>
              <option value="0">{t('stream.client', { peer: result.client, bytes: bytes[0] })}</option>
              <option value="1">{t('stream.server', { peer: result.server, bytes: bytes[1] })}</option>
            </select>
          </label>
          <label>
            {t('stream.as')}
            <select value={mode} onChange={(e) => setMode(e.target.value as FollowMode)}>
              <option value="ascii">{t('stream.ascii')}</option>
              <option value="hex">{t('stream.hex')}</option>
              <option value="raw">{t('stream.raw')}</option>
            </select>
          </label>
          <label>
            {t('stream.find')}
            <input
              value={needle}
              onChange={(e) => {
                setNeedle(e.target.value);
                setFound(null);
                setNotFound(false);
              }}
              onKeyDown={(e) => e.key === 'Enter' && findNext()}
            />
          </label>
          <button type="button" onClick={findNext}>
            {t('stream.findNext')}
          </button>
          {notFound && <span role="status">{t('stream.notFound')}</span>}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={save}>
            {t('stream.save')}
          </button>
          <button
            type="button"
            onClick={() => {
              void store.getState().applyFilter(`tcp.stream eq ${result.stream}`);
              store.getState().closeDialog();
            }}
          >
            {t('stream.filter')}
          </button>
          <button type="button" onClick={() => store.getState().closeDialog()}>
            {t('stream.close')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
