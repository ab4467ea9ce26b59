/**
 * Connection slice: the contract client every action calls, the transport state (for the reconnect
 * banner), what the engine told us at startup (host, field registry) and the lab server's status.
 */
import type { AppInfo, Client, LabServerStatus } from '../../../../shared/contract';
import { FieldRegistry } from '../../../../shared/fields';
import type { ConnectionState } from '../../api/client';
import { errorText, type SliceCreator } from '../types';

/** ConnectionSlice: see the file comment. */
export interface ConnectionSlice {
  client: Client;
  host: 'electron' | 'web';
  connection: ConnectionState;
  appInfo: AppInfo | null;
  /** registry of fields and protocols (filter bar validation, completion, apply-as-filter). */
  registry: FieldRegistry | null;
  labServer: LabServerStatus | null;
  setConnection(state: ConnectionState): void;
  loadAppInfo(): Promise<void>;
  loadRegistry(): Promise<void>;
  refreshLabServer(): Promise<void>;
}

/** createConnectionSlice binds the slice to one client (the store has exactly one). */
export const createConnectionSlice =
  (client: Client, host: 'electron' | 'web'): SliceCreator<ConnectionSlice> =>
  (set, get) => ({
    client,
    host,
    connection: host === 'electron' ? 'open' : 'connecting',
    appInfo: null,
    registry: null,
    labServer: null,
    setConnection: (connection) => set({ connection }),
    async loadAppInfo() {
      try {
        const appInfo = await get().client['app.info']();
        set({ appInfo, host: appInfo.host });
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },
    async loadRegistry() {
      try {
        const data = await get().client['fields.registry']();
        const registry = FieldRegistry.fromJSON(data);
        set({ registry });
        // Re-check the text already typed against the real registry.
        get().setFilterText(get().filterText);
      } catch (error) {
        get().notify('error', errorText(error));
      }
    },
    async refreshLabServer() {
      try {
        set({ labServer: await get().client['labserver.status']() });
      } catch (error) {
        set({ labServer: { running: false, host: '', smtpPort: 0, popPort: 0, accounts: [], error: errorText(error) } });
      }
    },
  });
