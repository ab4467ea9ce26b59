/**
 * App shell in Wireshark's layout: toolbar, display filter bar, the three resizable panes (Packet List,
 * Packet Details, Packet Bytes) and the status bar. Global shortcuts: Ctrl+O open, Ctrl+S save,
 * Ctrl+G go to packet, Ctrl+F find, Ctrl+/ focus the filter. Files dropped on the window are opened when
 * the host can tell their path (Electron); a browser cannot, and says so.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { pathForDroppedFile } from '../api/client';
import { BytesPane } from '../panes/bytes/BytesPane';
import { DetailTree } from '../panes/details/DetailTree';
import { Dialogs } from '../panes/dialogs/Dialogs';
import { FindBar } from '../panes/dialogs/FindBar';
import { FilterBar } from '../panes/filterbar/FilterBar';
import { LabPanels } from '../panes/labguide/LabPanels';
import { focusFilterBar } from '../panes/filterbar/focus';
import { PacketList } from '../panes/packetlist/PacketList';
import { StatusBar } from '../panes/statusbar/StatusBar';
import { Toolbar } from '../panes/toolbar/Toolbar';
import { useApp, useAppStore } from '../store/index';
import { Notices } from './Notices';
import { useResolvedTheme } from './theme';

/** App is the root component of the renderer. */
export function App() {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const language = useApp((s) => s.language);
  const findOpen = useApp((s) => s.dialog === 'find');
  const theme = useResolvedTheme();

  useEffect(() => {
    void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    document.title = t('app.title');
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const s = store.getState();
      const key = event.key.toLowerCase();
      if (key === 'o') void s.openFile();
      else if (key === 's' && s.counts.frames > 0) s.openDialog('save');
      else if (key === 'g' && s.counts.frames > 0) s.openDialog('goto');
      else if (key === 'f' && s.counts.frames > 0) s.openDialog('find');
      else if (key === '/') focusFilterBar();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, t]);

  const onDrop = (event: React.DragEvent) => {
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (!file) return;
    const s = store.getState();
    const path = pathForDroppedFile(file);
    if (path) void s.openFile(path);
    else s.notify('info', s.host === 'electron' ? t('app.dropNoPath') : t('app.dropNeedsDesktop'));
  };

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <Toolbar />
      <FilterBar />
      {findOpen && <FindBar />}
      <Notices />
      <main className="panes">
        <Group orientation="horizontal" className="pane-group">
        <Panel id="analyser" defaultSize="58" minSize="25">
        <Group orientation="vertical" className="pane-group">
          <Panel id="list" defaultSize="46" minSize="10">
            <div className="pane pane-list" data-pane="list">
              <PacketList />
            </div>
          </Panel>
          <Separator className="pane-separator" />
          <Panel id="details" defaultSize="32" minSize="8">
            <div className="pane pane-details" data-pane="details">
              <DetailTree />
            </div>
          </Panel>
          <Separator className="pane-separator" />
          <Panel id="bytes" defaultSize="22" minSize="8">
            <div className="pane pane-bytes" data-pane="bytes">
              <BytesPane />
            </div>
          </Panel>
        </Group>
        </Panel>
        <Separator className="lab-split-separator" />
        <Panel id="lab" defaultSize="42" minSize="20">
          <LabPanels />
        </Panel>
        </Group>
      </main>
      <StatusBar />
      <Dialogs />
    </div>
  );
}
