/**
 * The lab column beside the analyser: the Console on top (with the base64 helper), and below it tabs for
 * Scripts, the Lab guide and Analysis. Tabs stay mounted once shown, so the script editor keeps its
 * cursor and undo history when the student looks at the guide.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { AnalysisPane } from '../analysis/AnalysisPane';
import { ConsolePane } from '../console/ConsolePane';
import { ScriptsPane } from '../scripts/ScriptsPane';
import { LabGuide } from './LabGuide';
import '../lab.css';

type Tab = 'scripts' | 'guide' | 'analysis';
const TABS: Tab[] = ['scripts', 'guide', 'analysis'];

export function LabPanels() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('scripts');
  const [shown, setShown] = useState<ReadonlySet<Tab>>(new Set(['scripts']));
  const choose = (next: Tab) => {
    setTab(next);
    if (!shown.has(next)) setShown(new Set([...shown, next]));
  };
  return (
    <Group orientation="vertical" className="pane-group lab-panels">
      <Panel id="console" defaultSize="48" minSize="15">
        <div className="pane" data-pane="console">
          <ConsolePane />
        </div>
      </Panel>
      <Separator className="pane-separator" />
      <Panel id="lab-tabs" defaultSize="52" minSize="15">
        <div className="pane lab-tab-pane" data-pane="lab-tabs">
          <div role="tablist" className="lab-tabs" aria-label={t('lab.panels')}>
            {TABS.map((name) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} data-tab={name} onClick={() => choose(name)}>
                {t(`lab.tabs.${name}`)}
              </button>
            ))}
          </div>
          {TABS.filter((name) => shown.has(name)).map((name) => (
            <div key={name} className="lab-tab-body" hidden={tab !== name}>
              {name === 'scripts' && <ScriptsPane />}
              {name === 'guide' && <LabGuide />}
              {name === 'analysis' && <AnalysisPane />}
            </div>
          ))}
        </div>
      </Panel>
    </Group>
  );
}
