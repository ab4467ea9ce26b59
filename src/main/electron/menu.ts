/**
 * The application menu, Wireshark's accelerators included. {@link buildMenuTemplate} is a pure function of
 * the host's state, so tests check it without Electron; the menu is rebuilt when that state changes
 * (capture started or stopped, a file opened, Open Recent changed). Ctrl+E toggles capture like
 * Wireshark: only one of Start / Stop carries the accelerator at a time. Items the host does alone
 * (Open, Save, Stop, Quit, zoom) call {@link MenuActions}; items that need the UI (Export Specified
 * Packets, Start with the selected interface, Options, Go to Packet, Find) become `app.onMenu` events.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract';

/** MenuState is what the menu shows. */
export interface MenuState {
  capturing: boolean;
  /** unsaved: a live capture not saved yet (Save is enabled) */
  unsaved: boolean;
  /** hasFrames: something is loaded (Save As and Export are enabled) */
  hasFrames: boolean;
  recent: readonly string[];
  /** production: packaged app; reload and developer tools are disabled */
  production: boolean;
  platform: NodeJS.Platform;
}

/** MenuActions are what the items do. */
export interface MenuActions {
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  save(): void;
  saveAs(): void;
  stopCapture(): void;
  /** ui sends a command to the renderer (`app.onMenu`). */
  ui(command: MenuCommand): void;
  about(): void;
  quit(): void;
  /** reload and toggleDevTools exist in development builds only. */
  reload(): void;
  toggleDevTools(): void;
}

/** buildMenuTemplate returns the menu for `state`. */
export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] =
    state.recent.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : state.recent.map((file, index) => ({
          label: `${index < 9 ? `&${index + 1} ` : ''}${path.basename(file)} — ${path.dirname(file)}`,
          click: () => actions.openRecent(file),
        }));

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'file.open', label: '&Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
      {
        id: 'file.openRecent',
        label: 'Open &Recent',
        submenu: [
          ...recentItems,
          { type: 'separator' },
          {
            label: 'Clear Recent Files',
            enabled: state.recent.length > 0,
            click: () => actions.clearRecent(),
          },
        ],
      },
      { type: 'separator' },
      {
        id: 'file.save',
        label: '&Save',
        accelerator: 'CmdOrCtrl+S',
        enabled: state.unsaved,
        click: () => actions.save(),
      },
      {
        id: 'file.saveAs',
        label: 'Save &As…',
        accelerator: 'CmdOrCtrl+Shift+S',
        enabled: state.hasFrames,
        click: () => actions.saveAs(),
      },
      {
        id: 'file.exportSpecified',
        label: 'Export Specified Packets…',
        enabled: state.hasFrames,
        click: () => actions.ui('file.exportSpecified'),
      },
      { type: 'separator' },
      { id: 'file.quit', label: '&Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
    ],
  };

  const capture: MenuItemConstructorOptions = {
    label: '&Capture',
    submenu: [
      {
        id: 'capture.options',
        label: '&Options…',
        accelerator: 'CmdOrCtrl+K',
        click: () => actions.ui('capture.options'),
      },
      {
        id: 'capture.start',
        label: '&Start',
        accelerator: state.capturing ? undefined : 'CmdOrCtrl+E',
        enabled: !state.capturing,
        click: () => actions.ui('capture.start'),
      },
      {
        id: 'capture.stop',
        label: 'S&top',
        accelerator: state.capturing ? 'CmdOrCtrl+E' : undefined,
        enabled: state.capturing,
        click: () => actions.stopCapture(),
      },
      {
        id: 'capture.restart',
        label: '&Restart',
        accelerator: 'CmdOrCtrl+R',
        enabled: state.capturing,
        click: () => actions.ui('capture.restart'),
      },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
      { role: 'zoomOut' },
      { role: 'resetZoom' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { type: 'separator' },
      // Not the `reload` role: its default Ctrl+R is Capture › Restart here (as in Wireshark).
      {
        id: 'view.reload',
        label: 'Reload',
        enabled: !state.production,
        visible: !state.production,
        click: () => actions.reload(),
      },
      {
        id: 'view.devTools',
        label: 'Toggle Developer Tools',
        accelerator: state.production ? undefined : 'CmdOrCtrl+Shift+I',
        enabled: !state.production,
        visible: !state.production,
        click: () => actions.toggleDevTools(),
      },
    ],
  };

  const go: MenuItemConstructorOptions = {
    label: '&Go',
    submenu: [
      {
        id: 'go.toPacket',
        label: '&Go to Packet…',
        accelerator: 'CmdOrCtrl+G',
        click: () => actions.ui('go.toPacket'),
      },
      {
        id: 'edit.find',
        label: '&Find Packet…',
        accelerator: 'CmdOrCtrl+F',
        click: () => actions.ui('edit.find'),
      },
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    submenu: [{ id: 'help.about', label: '&About Wirelab', click: () => actions.about() }],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const template = [file, edit, view, go, capture, help];
  if (mac) template.unshift({ role: 'appMenu' });
  return template;
}

/** findMenuItem looks an item up by id in a template (tests, dynamic updates). */
export function findMenuItem(
  template: readonly MenuItemConstructorOptions[],
  id: string,
): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = findMenuItem(item.submenu, id);
      if (found) return found;
    }
  }
  return undefined;
}
