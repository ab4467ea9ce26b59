// Renderer-side typing of the preload API. tsconfig.web.json includes only this file from src/preload
// (plus the type-only ./api it imports), so the renderer sees `window.wirelab` but never electron or Node.
import type { WirelabApi } from './api';

declare global {
  interface Window {
    /**
     * wirelab is the only bridge to the main process in Electron: exactly the contract's Client (see
     * src/preload/index.ts). Absent in a browser, where the web host's WebSocket client is used instead.
     */
    readonly wirelab?: WirelabApi;
  }
}

export {};
