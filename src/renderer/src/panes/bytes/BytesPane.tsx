/**
 * Packet Bytes ("Packet bytes"): one tab per data source of the selected frame (Frame, Reassembled TCP,
 * Reassembled SMTP, decoded MIME parts), offset / hex / ASCII lines (virtualised, so a 50 MiB
 * reassembled buffer costs only the visible lines). The selected tree item's bytes are highlighted and
 * its tab selected; clicking a byte selects the deepest tree item covering it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore } from '../../store/index';
import { BYTES_PER_LINE } from './hex';
import { HexLine } from './HexLine';

const LINE_HEIGHT = 18;

export function BytesPane() {
  const { t } = useTranslation();
  const store = useAppStore();
  const { sources, byteSource, highlight } = useApp(
    useShallow((s) => ({ sources: s.detail?.sources, byteSource: s.byteSource, highlight: s.highlight })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const active = sources && byteSource < sources.length ? byteSource : 0;
  const bytes = sources?.[active]?.bytes;
  const lines = bytes ? Math.ceil(bytes.length / BYTES_PER_LINE) : 0;
  const virtualizer = useVirtualizer({
    count: lines,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 8,
  });
  const hl = highlight && highlight.src === active ? highlight : null;

  useEffect(() => {
    if (hl && lines > 0) virtualizer.scrollToIndex(Math.floor(hl.start / BYTES_PER_LINE), { align: 'auto' });
  }, [hl, lines, virtualizer]);

  return (
    <section className="bytes-pane" aria-label={t('bytes.label')}>
      {sources && sources.length > 0 ? (
        <>
          <div role="tablist" aria-label={t('bytes.sources')} className="bytes-tabs">
            {sources.map((source, i) => (
              <button
                key={i}
                type="button"
                role="tab"
                id={`bytes-tab-${i}`}
                aria-selected={i === active}
                aria-controls="bytes-panel"
                className={i === active ? 'tab active' : 'tab'}
                onClick={() => store.getState().setByteSource(i)}
              >
                {source.name}
              </button>
            ))}
          </div>
          <div
            id="bytes-panel"
            role="tabpanel"
            aria-labelledby={`bytes-tab-${active}`}
            ref={scrollRef}
            className="bytes-scroll"
            tabIndex={0}
            onClick={(e) => {
              const el = (e.target as HTMLElement).closest<HTMLElement>('[data-offset]');
              if (el) store.getState().selectByte(active, Number(el.dataset.offset));
            }}
          >
            <div className="bytes-body" style={{ height: virtualizer.getTotalSize() }}>
              {bytes &&
                virtualizer.getVirtualItems().map((item) => (
                  <HexLine
                    key={item.index}
                    bytes={bytes}
                    offset={item.index * BYTES_PER_LINE}
                    top={item.start}
                    hlStart={hl ? hl.start : -1}
                    hlEnd={hl ? hl.start + hl.length : -1}
                  />
                ))}
            </div>
          </div>
        </>
      ) : (
        <p className="pane-empty">{t('bytes.empty')}</p>
      )}
    </section>
  );
}
