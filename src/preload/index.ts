/**
 * Preload (sandboxed, bundled to one CommonJS file, out/preload/index.cjs). It exposes exactly one object,
 * `window.wirelab`, through contextBridge. Never expose ipcRenderer or a generic `invoke(channel)`: the
 * API is built from the typed contract in src/shared.
 */
import { contextBridge } from 'electron';
import type { WirelabApi } from './api';

/** Replaced at build time from package.json (electron.vite.config.ts `define`). */
declare const __WIRELAB_VERSION__: string;

const api: WirelabApi = Object.freeze({
  version: __WIRELAB_VERSION__,
});

contextBridge.exposeInMainWorld('wirelab', api);
